"""Rules across sections: what a tier allows, and what one section must agree with in another."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from pace_infra.config import ConfigError, Environment, load_environments
from pace_infra.config.loader import build
from pace_infra.config.validate import validate
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
    ("prod-no-exports", "prod", "databases.exports", {"enabled": False},
     "needs databases.exports.off_reason in a prod", "databases.exports.enabled"),
    ("staging-no-drill", "staging", "databases.restore_drill", {"enabled": False},
     "needs databases.restore_drill.off_reason in a staging", "databases.restore_drill.enabled"),
    ("exports-nowhere", "staging", "databases.exports", {"enabled": True},
     "required without databases.dr_replica_region", "databases.exports.bucket_region"),
    ("exports-same-region", "prod", "databases.exports", {"bucket_region": "europe-west2"},
     "must differ from the primary region", "databases.exports.bucket_region"),
    # prod's databases are maintained Sunday 01:00-02:00 UTC (the calendar).
    ("export-in-maintenance", "prod", "databases.exports.schedule", "30 1 * * *",
     "fires Sun 01:30 UTC, in the databases' maintenance hour", "databases.exports.schedule"),
    ("drill-in-maintenance", "prod", "databases.restore_drill.schedule", "0 1 * * 0",
     "fires Sun 01:00 UTC, in the databases' maintenance hour",
     "databases.restore_drill.schedule"),
    ("prod-unlocked-exports", "prod", "databases.exports", {"lock_retention": False},
     "must be true in prod", "databases.exports.lock_retention"),
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


def test_a_freeze_holds_until_its_end_and_is_refused_once_it_has_ended():
    # The committed prod freeze, 2026-12-18T18:00 to 2027-01-04T08:00 London (GMT) time.
    env = dataclasses.replace(build(Environment, raw("prod"), "prod.yaml"), source="prod.yaml")
    validate(env, now=datetime(2026, 12, 25, tzinfo=UTC))  # under way: valid
    validate(env, now=datetime(2027, 1, 4, 7, 59, tzinfo=UTC))
    with pytest.raises(ConfigError) as caught:
        validate(env, now=datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    assert str(caught.value) == (
        "prod.yaml: calendar.freezes[0].end: 2027-01-04T08:00 (Europe/London) has passed: "
        "remove the ended freeze"
    )


def test_a_protected_tier_may_turn_a_job_off_with_its_reason(tmp_path):
    data = set_key(
        raw("prod"), "databases.restore_drill", {"enabled": False, "off_reason": "drilled by hand"}
    )
    (env,) = load_environments(write(tmp_path / "e", {"prod.yaml": data}))
    assert env.databases.restore_drill.off_reason == "drilled by hand"


def test_dev_may_turn_the_jobs_off_without_a_reason_and_does():
    dev = {env.name: env for env in load_environments()}["dev"]
    assert not dev.databases.exports.enabled and not dev.databases.restore_drill.enabled


def test_exports_go_to_the_dr_region_unless_told_otherwise():
    envs = {env.name: env for env in load_environments()}
    assert envs["prod"].databases.exports_region == envs["prod"].databases.dr_replica_region
    assert envs["staging"].databases.exports_region == "europe-west1"
    assert all(
        e.databases.exports_region != e.region for e in envs.values() if e.databases.exports.enabled
    )


def test_a_budget_without_pagerduty_needs_no_subdomain(tmp_path):
    # dev has no PagerDuty (oncall.mode none): its budget emails the support address only.
    data = raw("dev")
    assert "pagerduty_subdomain" not in data["oncall"]
    (env,) = load_environments(write(tmp_path / "e", {"dev.yaml": data}))
    assert env.monitoring.budget is not None and env.oncall.mode == "none"
