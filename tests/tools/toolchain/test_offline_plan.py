"""The stacks without data sources, planned by the real provider against an empty state."""

from __future__ import annotations

import pytest

from pace_infra.tools.toolchain.offline_plan import (
    OfflinePlanError,
    offline_plannable,
    plan_offline,
)

OFFLINE = ("bootstrap", "network", "edge")


def test_exactly_the_stacks_without_data_sources_plan_offline(stacks):
    plannable = {name for name, doc in stacks.items() if offline_plannable(doc)}
    assert plannable == {f"{env}-{unit}" for env in ("dev", "staging", "prod") for unit in OFFLINE}


@pytest.mark.parametrize("unit", OFFLINE)
def test_a_first_apply_creates_every_resource_and_nothing_else(toolchain, stacks, tmp_path, unit):
    document = stacks[f"prod-{unit}"]
    plan = plan_offline(document, tmp_path, toolchain)
    planned = {c["address"]: c["change"]["actions"] for c in plan["resource_changes"]}
    declared = {f"{kind}.{name}" for kind, items in document["resource"].items() for name in items}
    assert set(planned) == declared
    assert set(map(tuple, planned.values())) == {("create",)}


def test_the_buckets_are_planned_as_configured(toolchain, stacks, tmp_path):
    plan = plan_offline(stacks["prod-bootstrap"], tmp_path, toolchain)
    buckets = {
        c["name"]: c["change"]["after"]
        for c in plan["resource_changes"]
        if c["type"] == "google_storage_bucket"
    }
    bucket = buckets["state_bucket"]
    assert bucket["force_destroy"] is False
    assert bucket["versioning"] == [{"enabled": True}]
    # default_labels reach the planned labels, with the keys as written (managed-by, not _by).
    assert bucket["effective_labels"]["managed-by"] == "cdktf"
    # The exports bucket: its retention locked as it is created (the provider locks it then).
    exports = buckets["database_exports_bucket"]
    assert exports["retention_policy"] == [{"is_locked": True, "retention_period": 35 * 86400}]
    assert exports["force_destroy"] is False


def test_a_stack_reading_remote_state_is_refused_with_the_reason(toolchain, stacks, tmp_path):
    with pytest.raises(OfflinePlanError, match=r"reads data sources \(terraform_remote_state\)"):
        plan_offline(stacks["prod-gke"], tmp_path, toolchain)


def test_the_budget_is_planned_as_configured(toolchain, stacks, tmp_path):
    # The real provider's plan: what it keeps of the budget (defaults, the filter's form) is
    # what the first apply sends.
    plan = plan_offline(stacks["prod-bootstrap"], tmp_path, toolchain)
    (change,) = (
        c["change"] for c in plan["resource_changes"] if c["type"] == "google_billing_budget"
    )
    budget = change["after"]
    assert budget["budget_filter"][0]["projects"] == ["projects/736185204479"]
    # MONTH is the API's default: the provider suppresses it against "" (resource_billing_
    # budget.go, checkValAndDefaultStringSuppress), so the plan leaves it for the API to fill.
    assert budget["budget_filter"][0]["calendar_period"] is None
    assert budget["ownership_scope"] == "BILLING_ACCOUNT"
    assert [(r["threshold_percent"], r["spend_basis"]) for r in budget["threshold_rules"]] == [
        (0.9, "FORECASTED_SPEND"),
        (1.0, "CURRENT_SPEND"),
        (1.1, "FORECASTED_SPEND"),
    ]
    rule = budget["all_updates_rule"][0]
    assert rule["disable_default_iam_recipients"] is False
    # The channels' names exist once they are created: the list is known at apply.
    assert change["after_unknown"]["all_updates_rule"][0]["monitoring_notification_channels"]
