"""Operations sections (on-call, monitoring): each rule on a section's own fields names the
file, the key and the problem."""

from __future__ import annotations

import pytest

from tests.config.files import assert_invalid_input_names_file_key_and_problem

# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID = [
    ("oncall-one-person", "prod", "oncall.members", ["a@pace.example"], "at least two people"),
    ("oncall-email", "staging", "oncall.members", ["a@pace.example", "bob"], "not an email",
     "oncall.members[1]"),
    ("oncall-twice", "staging", "oncall.members", ["a@pace.example", "a@pace.example"], "twice"),
    ("support-email", "dev", "monitoring.support_email", "support", "not an email"),
    ("uptime-missing-ai", "dev", "monitoring.uptime_checks",
     [{"name": "crm", "system": "web", "host": "crm.pace.example"}], "for the web and for the ai"),
    ("slo-goal", "dev", "monitoring.availability_goal", 1.0, "[0.9, 1)"),
    ("threshold-fraction", "dev", "monitoring.thresholds", {"http_5xx_ratio": 5},
     "between 0 and 1", "monitoring.thresholds.http_5xx_ratio"),
    ("budget-account-short", "prod", "monitoring.budget.billing_account", "0123AB-4567CD",
     "'0123AB-4567CD' is not a billing account id (XXXXXX-XXXXXX-XXXXXX"),
    ("budget-account-lowercase", "staging", "monitoring.budget.billing_account",
     "01a2b3-c4d5e6-f7a8b9", "not a billing account id"),
    ("budget-account-number", "dev", "monitoring.budget.billing_account", 12345,
     "expected str, got int"),
    ("budget-amount-zero", "prod", "monitoring.budget.amount", 0, "positive whole amount"),
    ("budget-amount-text", "prod", "monitoring.budget.amount", "6000", "expected int, got str"),
    ("budget-without-account", "prod", "monitoring.budget", {"amount": 6000},
     "missing required key", "monitoring.budget.billing_account"),
    ("pagerduty-subdomain-host", "prod", "oncall.pagerduty_subdomain", "pace-crm.pagerduty.com",
     "not a subdomain"),
    ("disk-limit-ratio", "dev", "monitoring.thresholds", {"sql_disk_limit_ratio": 1.2},
     "between 0 and 1", "monitoring.thresholds.sql_disk_limit_ratio"),
    ("ai-traffic-floor", "dev", "monitoring.thresholds", {"ai_min_requests_per_second": 0},
     "above 0", "monitoring.thresholds.ai_min_requests_per_second"),
    ("replica-lag", "prod", "monitoring.thresholds", {"sql_replica_lag_seconds": 10},
     ">= 60", "monitoring.thresholds.sql_replica_lag_seconds"),
    # Past the load balancer's backend timeout a request fails as a 5xx: never counted slow.
    ("ai-latency-timeout", "dev", "monitoring.ai_latency_threshold_ms", 30000,
     "below the load balancer's 30000 ms timeout"),
    ("web-latency-zero", "dev", "monitoring.latency_threshold_ms", 0, "above 0"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


def test_no_budget_is_the_default(tmp_path):
    from pace_infra.config import load_environments
    from tests.config.files import DELETE, raw, set_key, write

    data = set_key(raw("dev"), "monitoring.budget", DELETE)
    (env,) = load_environments(write(tmp_path / "e", {"dev.yaml": data}))
    assert env.monitoring.budget is None
