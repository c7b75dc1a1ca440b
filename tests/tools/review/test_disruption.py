"""In-place updates that still interrupt service are risks in the review."""

from __future__ import annotations

from pace_infra.tools.review import diff
from pace_infra.tools.review.__main__ import main as review_main
from pace_infra.tools.review.disruption import restart_flags_changed
from tests.tools.review.test_diff import _one, _review, _write


def _flags(**flags: str) -> dict:
    return {"settings": {"database_flags": [{"name": k, "value": v} for k, v in flags.items()]}}


def test_a_tier_change_on_pace_db_is_a_restart(synth_dir, environments, tmp_path):
    """The real synth, with Pace DB's tier changed: today's review said 0 risks."""
    from pace_infra.app import build_app

    app = build_app(environments, outdir=str(tmp_path / "bigger"))
    stack = next(s for s in app.node.children if s.node.id == "prod-databases")
    stack.node.find_child("pace-db").node.find_child("instance").add_override(
        "settings.tier", "db-custom-8-32768"
    )
    app.synth()
    (review,) = diff.review(synth_dir, tmp_path / "bigger")
    assert review.risks == [
        "restarts Cloud SQL instance google_sql_database_instance.pace_db (settings.tier changes)"
    ]


def test_a_restart_flag_is_a_risk_and_a_logging_flag_is_not(tmp_path):
    kind = "google_sql_database_instance"
    old = {"prod-d": {kind: {"db": _flags(max_connections="200", log_statement="ddl")}}}
    new = {"prod-d": {kind: {"db": _flags(max_connections="400", log_statement="mod")}}}
    stack = _one(_review(tmp_path, old, new))
    assert stack.risks == [
        f"restarts Cloud SQL instance {kind}.db (flag max_connections changes; it is read at "
        "server start)"
    ]


def test_restart_flags_added_or_removed_count_too():
    assert restart_flags_changed(_flags(), _flags(**{"cloudsql.enable_pgaudit": "on"})) == [
        "cloudsql.enable_pgaudit"
    ]
    assert restart_flags_changed(_flags(log_connections="on"), _flags()) == []


def test_a_machine_type_change_recreates_the_nodes(tmp_path):
    kind = "google_container_node_pool"
    old = {"prod-g": {kind: {"ai": {"node_config": {"machine_type": "n2-standard-8"}}}}}
    new = {"prod-g": {kind: {"ai": {"node_config": {"machine_type": "n2-standard-16"}}}}}
    stack = _one(_review(tmp_path, old, new))
    assert [c.action for c in stack.changes] == ["update"]  # in place, per the schema
    assert stack.risks == [
        f"recreates every node of node pool {kind}.ai (node_config.machine_type changes)"
    ]


def test_a_new_argo_cd_chart_rerolls_argo_cd(tmp_path):
    old = {"prod-p": {"helm_release": {"argocd_release": {"chart": "argo-cd", "version": "8.5.0"}}}}
    new = {"prod-p": {"helm_release": {"argocd_release": {"chart": "argo-cd", "version": "9.0.0"}}}}
    (risk,) = _one(_review(tmp_path, old, new)).risks
    assert risk.startswith("re-rolls Argo CD") and "(version changes)" in risk


def test_the_review_ends_with_its_total_on_a_line_of_its_own(tmp_path, capsys):
    base = _write(tmp_path / "base", {"prod-x": {"google_compute_router": {"r": {"name": "a"}}}})
    head = _write(tmp_path / "head", {"prod-x": {"google_compute_router": {"r": {"name": "b"}}}})
    review_main(["--base-dir", str(base), "--head-dir", str(head)])
    out = capsys.readouterr().out
    assert out.endswith("\n1 stack(s) change; 0 risk(s).\n")  # a router is not stateful
