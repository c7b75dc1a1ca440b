"""The Argo CD scenarios: what each models, seen in the series it writes."""

from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.evaluation.promql import promql_name
from pace_infra.monitoring.scenarios.catalog_argocd import ARGOCD_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(s for s in ARGOCD_SCENARIOS if s.applies_to(policy) and s.name.startswith(name))
    return policy, scenario.build(Context("prod", policy, stacks))


def _statuses(series, label: str) -> set[str]:
    return {s.metric_labels[label] for s in series if promql_name(s) == "argocd_app_info"}


def test_a_release_day_passes_through_out_of_sync_and_progressing_never_degraded(stacks):
    _, run = _run(stacks, "platform-argocd-app-degraded", "release day")
    assert _statuses(run.observations.series, "health_status") == {"Healthy", "Progressing"}
    assert _statuses(run.observations.series, "sync_status") == {"Synced", "OutOfSync"}
    assert {s.metric_labels["name"] for s in run.observations.series} == {"pace-web", "pace-ai"}


def test_a_broken_rollout_is_degraded_after_its_progress_deadline(stacks):
    _, run = _run(stacks, "platform-argocd-app-degraded", "a new image cannot start")
    degraded = [
        s
        for s in run.observations.series
        if promql_name(s) == "argocd_app_info" and s.metric_labels["health_status"] == "Degraded"
    ]
    start, _ = run.failure
    first = min(s.points[0][0] for s in degraded)
    assert first - start >= 600  # the Deployment's progressDeadlineSeconds


def test_a_first_failure_series_is_missing_its_first_scrape(stacks):
    _, run = _run(stacks, "platform-argocd-sync-failed", "a sync refused for good: its")
    (failed,) = [
        s
        for s in run.observations.series
        if promql_name(s) == "argocd_app_sync_total" and s.metric_labels["phase"] == "Failed"
    ]
    assert failed.kind == "CUMULATIVE"
    assert {v for _, v in failed.points} == {0.0}  # written relative to the dropped first sample


def test_the_restart_leaves_a_gap_and_no_failure_series_after_it(stacks):
    _, run = _run(stacks, "platform-argocd-sync-failed", "controller restarted")
    info = [s for s in run.observations.series if promql_name(s) == "argocd_app_info"]
    assert all(not s.window(2 * 3600, 2 * 3600 + 119) for s in info)
    failed = [s for s in run.observations.series if s.metric_labels.get("phase") == "Failed"]
    assert failed and all(s.points[-1][0] < 2 * 3600 for s in failed)
    assert run.observations.begin > max(s.points[0][0] for s in failed) + 15 * 60


def test_the_controller_gone_leaves_no_application_metrics(stacks):
    _, run = _run(stacks, "platform-argocd-metrics-absent", "the application controller gone")
    start, end = run.failure
    assert all(not s.window(start, end - 1) for s in run.observations.series)
