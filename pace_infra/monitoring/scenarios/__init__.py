"""Alert scenarios: modelled failures and normal operation, and what each policy must do in them.

Mechanisms (`kubernetes`, `kube_state`, `traffic`, `cloudsql`) generate series and log entries
from how the system behaves; the catalogs (`catalog_*`, gathered in `catalog`) pair them with
policies and expectations; `runner` and `__main__` run them all (`make alert-scenarios`).
docs/operations/testing.md says how to add a scenario for a new policy.
"""
