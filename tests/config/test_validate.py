"""Rules across sections: what a tier allows, and what one section must agree with in another."""

from __future__ import annotations

import pytest

from pace_infra.config import load_environments
from tests.config.files import (
    DELETE,
    assert_invalid_input_names_file_key_and_problem,
    raw,
    set_key,
    write,
)

# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID = [
    ("prod-unprotected", "prod", "deletion_protection", False, "true in a prod"),
    ("staging-unprotected", "staging", "deletion_protection", False, "true in a staging"),
    ("zone-elsewhere", "dev", "gke.zone", "us-east1-b", "not a zone of europe-west2"),
    ("prod-zonal-gke", "prod", "gke.zone", "europe-west2-a", "must be regional"),
    ("prod-zonal-db", "prod", "databases.availability", "ZONAL", "REGIONAL in a prod"),
    ("staging-zonal-db", "staging", "databases.availability", "ZONAL", "REGIONAL in a staging"),
    ("prod-backups", "prod", "databases.retained_backups", 7, "at least 14"),
    ("prod-drops-backups", "prod", "databases.retain_backups_on_delete", False, "must be true"),
    ("staging-drops-backups", "staging", "databases.retain_backups_on_delete", False,
     "must be true in a staging"),
    ("dr-same-region", "prod", "databases.dr_replica_region", "europe-west2", "must differ"),
    ("repo-other-workspace", "dev", "gitops.repo_url", "https://bitbucket.org/other/gitops.git",
     "not in workspace 'pace-crm'"),
    ("prod-not-paging", "prod", "oncall.mode", "low", "prod must page people"),
    # dev's ai quota: 8 CPUs of limits; 9 + 1 backends with proxies (15) and 3 MCP pods (1.5).
    ("quota-cpu", "dev", "applications.ai_backend.max_replicas", 9, "may need 16.5",
     "platform.ai_quota.limits_cpu"),
    ("quota-pods", "dev", "applications.crm.max_replicas", 60, "may need 61",
     "platform.web_quota.pods"),
    ("app-port", "dev", "network.load_balancer_ports", [8080], "must include 3000"),
    ("budget-without-pagerduty-email", "staging", "oncall.pagerduty_subdomain", DELETE,
     "needed where monitoring.budget is set"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


def test_dev_may_turn_deletion_protection_off(tmp_path):
    data = set_key(raw("dev"), "deletion_protection", False)
    (env,) = load_environments(write(tmp_path / "e", {"dev.yaml": data}))
    assert env.deletion_protection is False


def test_a_budget_without_pagerduty_needs_no_subdomain(tmp_path):
    # dev has no PagerDuty (oncall.mode none): its budget emails the support address only.
    data = raw("dev")
    assert "pagerduty_subdomain" not in data["oncall"]
    (env,) = load_environments(write(tmp_path / "e", {"dev.yaml": data}))
    assert env.monitoring.budget is not None and env.oncall.mode == "none"
