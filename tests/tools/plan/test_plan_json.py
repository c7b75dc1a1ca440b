"""A real plan's JSON read into the review model: actions, masks, reasons, drift, risks."""

from __future__ import annotations

import pytest

from pace_infra.tools.review import diff
from pace_infra.tools.review.model import MASK
from pace_infra.tools.review.plan_json import UNKNOWN, PlanFormatError, review_plan
from pace_infra.tools.toolchain.offline_plan import plan_offline
from tests.tools.plan.fixtures import plan, resource_change

SQL = "google_sql_database_instance.pace_db"


def test_replacement_names_the_paths_that_force_it_and_flags_the_stateful_loss():
    review = review_plan(
        "prod-databases",
        plan(
            resource_change(
                SQL,
                ["delete", "create"],
                {"name": "pace-prod-db", "database_version": "POSTGRES_17"},
                {"name": "pace-prod-db", "database_version": "POSTGRES_18"},
                replace_paths=[["database_version"]],
            )
        ),
    )
    (change,) = review.changes
    assert (change.action, change.reason) == ("replace", "database_version forces replacement")
    assert review.risks == [
        f"replaces Cloud SQL instance {SQL} (database_version forces replacement)"
    ]


def test_sensitive_values_never_reach_the_review_and_unknowns_are_named():
    review = review_plan(
        "prod-oncall",
        plan(
            resource_change(
                "pagerduty_service_integration.web",
                ["update"],
                {"integration_key": "old-key", "name": "n"},
                {"integration_key": "new-key", "name": "n2", "html_url": None},
                before_sensitive={"integration_key": True},
                after_sensitive={"integration_key": True},
                after_unknown={"html_url": True},
            )
        ),
    )
    rendered = {a.path: (a.old, a.new) for a in review.changes[0].attributes}
    assert rendered["integration_key"] == (MASK, MASK)
    assert rendered["html_url"] == (None, UNKNOWN)
    assert "old-key" not in repr(review) and "new-key" not in repr(review)


def test_reads_no_ops_and_data_sources_are_not_changes_and_drift_is_reported():
    review = review_plan(
        "prod-gke",
        plan(
            resource_change("google_container_cluster.gke_cluster", ["no-op"], {}, {}),
            resource_change("data.terraform_remote_state.network", ["read"], None, {}, mode="data"),
            drift=(
                resource_change(
                    "google_container_node_pool.node_pool_web",
                    ["update"],
                    {"autoscaling": [{"total_max_node_count": 12}]},
                    {"autoscaling": [{"total_max_node_count": 20}]},
                ),
            ),
        ),
    )
    assert review.changes == []
    assert review.drift == [
        "google_container_node_pool.node_pool_web changed outside Terraform (update)"
    ]


@pytest.mark.parametrize(
    ("change", "risk"),
    [
        (
            resource_change(
                "google_project_iam_member.x",
                ["create"],
                None,
                {"role": "roles/owner", "member": "user:eve@example.com"},
            ),
            "adds IAM grant google_project_iam_member.x: roles/owner to user:eve@example.com",
        ),
        (
            resource_change(
                "google_container_node_pool.node_pool_ai", ["delete"], {"name": "ai"}, None
            ),
            "destroys GKE node pool google_container_node_pool.node_pool_ai",
        ),
        (
            resource_change(
                "google_compute_firewall.x",
                ["create"],
                None,
                {"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp"}]},
            ),
            "opens firewall google_compute_firewall.x to 0.0.0.0/0",
        ),
        (
            resource_change(
                SQL,
                ["update"],
                {"settings": [{"tier": "db-custom-2-8192"}]},
                {"settings": [{"tier": "db-custom-4-16384"}]},
            ),
            f"restarts Cloud SQL instance {SQL} (settings.tier changes)",
        ),
    ],
    ids=["iam", "destroy-pool", "open-firewall", "sql-restart"],
)
def test_the_offline_reviews_risk_rules_apply_to_real_plans(change, risk):
    assert risk in review_plan("prod-x", plan(change)).risks


def test_a_document_that_is_not_a_plan_is_refused():
    with pytest.raises(PlanFormatError, match="not a Terraform JSON plan"):
        review_plan("prod-x", {"resource": {}})


def test_a_real_cli_plan_reviews_as_the_synthesized_diff_does(toolchain, stacks, tmp_path):
    # One model: the bootstrap stack's first apply, planned by the real CLI and providers,
    # flags exactly what the offline review of the same synth (against nothing) flags.
    name = "prod-bootstrap"
    real = review_plan(name, plan_offline(stacks[name], tmp_path, toolchain))
    resources = {
        f"{kind}.{logical_id}": {k: v for k, v in attributes.items() if k != "//"}
        for kind, by_id in stacks[name]["resource"].items()
        for logical_id, attributes in by_id.items()
    }
    offline = diff.review_stack(name, {}, resources)
    assert {c.address for c in real.changes} == {c.address for c in offline.changes}
    assert {c.action for c in real.changes} == {"create"}
    assert real.risks == offline.risks
    assert any("audit log configuration" in risk for risk in real.risks)
