"""The offline change review: fixture pairs of synth output, then a real risky synth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pace_infra.tools.review import diff, model, render
from pace_infra.tools.review.__main__ import main as review_main


def _write(root: Path, stacks: dict[str, dict[str, dict[str, dict]]]) -> Path:
    """A cdktf.out-shaped directory: stack -> type -> logical id -> attributes."""
    for name, resources in stacks.items():
        directory = root / "stacks" / name
        directory.mkdir(parents=True)
        document = {
            "resource": {
                k: {i: {"//": {"metadata": {}}, **a} for i, a in v.items()}
                for k, v in resources.items()
            }
        }
        (directory / "cdk.tf.json").write_text(json.dumps(document))
    (root / "manifest.json").write_text(json.dumps({"stacks": {n: {} for n in stacks}}))
    return root


def _review(tmp_path, old, new) -> list[model.StackReview]:
    return diff.review(_write(tmp_path / "base", old), _write(tmp_path / "head", new))


SQL = {
    "name": "pace-prod-db",
    "settings": {"ip_configuration": {"ipv4_enabled": False}, "deletion_protection_enabled": True},
    "deletion_protection": True,
}


def _one(reviews) -> model.StackReview:
    (stack,) = reviews
    return stack


def test_no_changes(tmp_path):
    stacks = {"prod-x": {"google_sql_database_instance": {"db": SQL}}}
    assert _review(tmp_path, stacks, stacks) == []


def test_create(tmp_path):
    stack = _one(
        _review(
            tmp_path, {"prod-x": {}}, {"prod-x": {"google_compute_router": {"r": {"name": "r"}}}}
        )
    )
    assert [(c.action, c.address) for c in stack.changes] == [("create", "google_compute_router.r")]
    assert stack.risks == []


def test_update_lists_each_changed_path_old_to_new(tmp_path):
    old = {
        "prod-x": {
            "google_compute_router_nat": {
                "nat": {"min_ports_per_vm": 64, "log_config": {"enable": True}}
            }
        }
    }
    new = {
        "prod-x": {
            "google_compute_router_nat": {
                "nat": {"min_ports_per_vm": 128, "log_config": {"enable": True}}
            }
        }
    }
    (change,) = _one(_review(tmp_path, old, new)).changes
    assert change.action == "update"
    assert change.attributes == (model.AttributeChange("min_ports_per_vm", 64, 128),)


def test_destroy(tmp_path):
    stack = _one(
        _review(tmp_path, {"prod-x": {"google_compute_router": {"r": {}}}}, {"prod-x": {}})
    )
    assert [(c.action, c.address) for c in stack.changes] == [
        ("destroy", "google_compute_router.r")
    ]


def test_moved_logical_id_is_destroy_plus_create(tmp_path):
    old = {"prod-x": {"google_sql_database_instance": {"pace_db": SQL}}}
    new = {"prod-x": {"google_sql_database_instance": {"pace_db_AB12": SQL}}}
    stack = _one(_review(tmp_path, old, new))
    assert sorted((c.action, c.address) for c in stack.changes) == [
        ("create", "google_sql_database_instance.pace_db_AB12"),
        ("destroy", "google_sql_database_instance.pace_db"),
    ]
    assert stack.risks == ["destroys Cloud SQL instance google_sql_database_instance.pace_db"]


@pytest.mark.parametrize(
    ("kind", "attributes_old", "attributes_new", "risk"),
    [
        ("google_container_cluster", {"name": "c"}, None, "destroys GKE cluster"),
        ("google_storage_bucket", {"name": "b"}, None, "destroys bucket"),
        (
            "google_iam_workload_identity_pool",
            {"workload_identity_pool_id": "p"},
            {"workload_identity_pool_id": "q"},
            "replaces workload identity pool (id reserved 30 days) "
            "google_iam_workload_identity_pool.x (workload_identity_pool_id changes)",
        ),
        (
            "google_container_node_pool",
            {"node_config": {"service_account": "a"}},
            {"node_config": {"service_account": "b"}},
            "replaces GKE node pool google_container_node_pool.x (node_config.service_account",
        ),
        (
            "google_sql_database_instance",
            {"settings": {"disk_type": "PD_HDD"}},
            {"settings": {"disk_type": "PD_SSD"}},
            "replaces Cloud SQL instance google_sql_database_instance.x (settings.disk_type",
        ),
        (
            "google_container_cluster",
            {"name": "c"},
            {"name": "c", "confidential_nodes": {"enabled": True}},
            "replaces GKE cluster google_container_cluster.x (confidential_nodes",
        ),
        (
            "google_compute_subnetwork",
            {"ip_cidr_range": "10.0.0.0/20"},
            {"ip_cidr_range": "10.0.0.0/21"},
            "replaces subnet google_compute_subnetwork.x (ip_cidr_range changes and the new "
            "range does not contain the old one)",
        ),
        (
            "google_sql_database_instance",
            {"settings": {"disk_size": 100}},
            {"settings": {"disk_size": 50}},
            "replaces Cloud SQL instance google_sql_database_instance.x (settings.disk_size "
            "changes and the disk shrinks)",
        ),
        (
            "google_sql_database_instance",
            {"deletion_protection": True},
            {"deletion_protection": False},
            "turns deletion protection off",
        ),
        (
            "google_sql_database_instance",
            {"settings": {"ip_configuration": {"ipv4_enabled": False}}},
            {"settings": {"ip_configuration": {"ipv4_enabled": True}}},
            "turns a public IP on",
        ),
        (
            "google_compute_firewall",
            {"source_ranges": ["35.191.0.0/16"], "allow": [{"protocol": "tcp"}]},
            {"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp"}]},
            "opens firewall google_compute_firewall.x to 0.0.0.0/0",
        ),
        ("google_monitoring_alert_policy", {"display_name": "a"}, None, "removes alert_policy"),
        (
            "google_monitoring_notification_channel",
            {"type": "email"},
            None,
            "removes notification_channel",
        ),
    ],
    ids=[
        "cluster-destroy",
        "state-bucket-destroy",
        "wif-pool-id",
        "node-pool-replace",
        "sql-disk-type",
        "cluster-block-added",
        "subnet-shrinks",
        "sql-disk-shrinks",
        "deletion-protection-off",
        "public-ip",
        "firewall-open",
        "alert-removed",
        "channel-removed",
    ],
)
def test_risk_flags(tmp_path, kind, attributes_old, attributes_new, risk):
    old = {"prod-x": {kind: {"x": attributes_old}}}
    new = {"prod-x": {kind: {"x": attributes_new}} if attributes_new is not None else {}}
    stack = _one(_review(tmp_path, old, new))
    assert any(risk in flag for flag in stack.risks), stack.risks


def test_deny_rule_from_everywhere_is_no_risk(tmp_path):
    new = {
        "prod-x": {
            "google_compute_firewall": {
                "deny": {"source_ranges": ["0.0.0.0/0"], "deny": [{"protocol": "all"}]}
            }
        }
    }
    assert _one(_review(tmp_path, {"prod-x": {}}, new)).risks == []


def test_sensitive_values_are_masked(tmp_path):
    old = {
        "prod-m": {
            "google_monitoring_notification_channel": {
                "pd": {"sensitive_labels": {"service_key": "${a}"}, "password": "x"}
            }
        }
    }
    new = {
        "prod-m": {
            "google_monitoring_notification_channel": {
                "pd": {"sensitive_labels": {"service_key": "${b}"}, "password": "y"}
            }
        }
    }
    (change,) = _one(_review(tmp_path, old, new)).changes
    assert {(a.path, a.old, a.new) for a in change.attributes} == {
        ("sensitive_labels.service_key", model.MASK, model.MASK),
        ("password", model.MASK, model.MASK),
    }
    rendered = render.text(_review(tmp_path / "again", old, new), "base")
    assert "${a}" not in rendered and 'x"' not in rendered


def test_text_output_is_plan_like_with_totals(tmp_path):
    old = {"prod-x": {"google_sql_database_instance": {"db": SQL}}}
    new = {
        "prod-x": {
            "google_sql_database_instance": {"db": {**SQL, "deletion_protection": False}},
            "google_compute_router": {"r": {}},
        }
    }
    out = render.text(_review(tmp_path, old, new), "main")
    assert "  + google_compute_router.r" in out
    assert "  ~ google_sql_database_instance.db" in out
    assert "      deletion_protection: true -> false" in out
    assert "  RISK: turns deletion protection off on google_sql_database_instance.db" in out
    assert "prod-x: 1 to create, 1 to update, 0 to replace, 0 to destroy; 1 risk" in out


def test_markdown_output_for_a_pull_request(tmp_path):
    old = {"prod-x": {"google_container_cluster": {"c": {"name": "c"}}}}
    out = render.markdown(_review(tmp_path, old, {"prod-x": {}}), "main (abc123)")
    assert out.startswith("### Infrastructure review")
    assert "| `prod-x` | 0 | 0 | 0 | 1 | 1 |" in out
    assert ":warning: `prod-x`: destroys GKE cluster google_container_cluster.c" in out
    assert "```diff\n- google_container_cluster.c\n```" in out


def test_no_changes_messages(tmp_path):
    assert render.text([], "main").startswith("No changes")
    assert "No changes against `main`" in render.markdown([], "main")


def test_cli_exit_codes_with_fail_on_risk(tmp_path, capsys):
    base = _write(tmp_path / "base", {"prod-x": {"google_container_cluster": {"c": {"name": "c"}}}})
    head = _write(tmp_path / "head", {"prod-x": {}})
    args = ["--base-dir", str(base), "--head-dir", str(head)]
    assert review_main(args) == 0
    assert review_main([*args, "--fail-on-risk"]) == 1
    assert "RISK: destroys GKE cluster" in capsys.readouterr().out
    assert review_main(["--base-dir", str(tmp_path / "missing"), "--head-dir", str(head)]) == 2


# --- a real synth with a deliberate risky change ------------------------------------------------


def test_public_ip_on_pace_db_is_flagged(synth_dir, environments, tmp_path):
    from pace_infra.app import build_app

    app = build_app(environments, outdir=str(tmp_path / "risky"))
    stack = next(s for s in app.node.children if s.node.id == "prod-databases")
    instance = stack.node.find_child("pace-db").node.find_child("instance")
    instance.add_override("settings.ip_configuration.ipv4_enabled", True)
    app.synth()
    reviews = diff.review(synth_dir, tmp_path / "risky")
    assert [s.name for s in reviews] == ["prod-databases"]
    assert reviews[0].risks == ["turns a public IP on for google_sql_database_instance.pace_db"]


def test_the_same_synth_reviews_clean(synth_dir):
    assert diff.review(synth_dir, synth_dir) == []


def test_changes_inside_json_strings_are_shown_by_path(tmp_path):
    def dashboard(title):
        return {"dashboard_json": json.dumps({"tiles": [{"title": "a"}, {"title": title}]})}

    old = {"prod-m": {"google_monitoring_dashboard": {"d": dashboard("old")}}}
    new = {"prod-m": {"google_monitoring_dashboard": {"d": dashboard("new")}}}
    (change,) = _one(_review(tmp_path, old, new)).changes
    assert change.attributes == (
        model.AttributeChange("dashboard_json<json>.tiles[1].title", "old", "new"),
    )


def test_long_values_are_truncated(tmp_path):
    old = {"prod-x": {"google_compute_router": {"r": {"description": "a" * 500}}}}
    new = {"prod-x": {"google_compute_router": {"r": {"description": "b" * 500}}}}
    out = render.text(_review(tmp_path, old, new), "main")
    assert "... (502 chars)" in out
    assert max(len(line) for line in out.splitlines()) < 400
