"""An offline evaluator of Cloud Monitoring alert policies, ours, in plain Python.

It reads the policies from a synthesized monitoring stack (`policy.load_policies`) and replays
them over synthetic time series and log entries the way Cloud Monitoring evaluates them: per-series
alignment, cross-series reduction, comparison, duration, trigger, missing data, ratios, absence,
forecasts, SLO burn rates, matched-log rate limits, incidents and auto-close. Every semantic cites
the documentation it follows; where the documentation is silent the docstring says what we assume.
Anything it does not implement raises `Unsupported`: a policy is never evaluated approximately.

Modules: `series` (the data), `filters` (monitoring filters, Terraform references), `logquery`
(the Logging query language), `aggregation` (aligners and reducers), `conditions` (one condition
over time), `promql` (a small PromQL subset), `policy` (policies from the JSON, incidents).
"""
