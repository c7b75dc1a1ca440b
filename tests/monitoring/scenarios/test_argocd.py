"""The Argo CD mechanism: the controller's statuses and sync counts, as Managed Prometheus
writes them."""

from pace_infra.constructs.argocd_values import (
    SYNC_RETRY_LIMIT,
    GitOpsApplication,
    argocd_apps_values,
)
from pace_infra.monitoring.evaluation.promql import promql_name
from pace_infra.monitoring.scenarios import argocd
from pace_infra.monitoring.scenarios.argocd import (
    Application,
    Status,
    controller_series,
    deploy,
    exported_counter,
    failing_sync,
    metrics_api_gap,
    retry_waits,
)


def test_the_retry_backoff_is_the_applications_own():
    values = argocd_apps_values(
        namespace="argocd",
        project="pace",
        repo_url="https://example.invalid/gitops.git",
        revision="main",
        applications=[GitOpsApplication("pace-web", "overlays/prod/pace-web")],
    )
    retry = values["applications"]["pace-web"]["syncPolicy"]["retry"]
    assert retry["limit"] == SYNC_RETRY_LIMIT == len(retry_waits())
    assert retry["backoff"] == {"duration": "10s", "factor": 2, "maxDuration": "3m"}
    assert retry_waits() == [10, 20, 40, 80, 160]  # 10 s doubling, capped at 3 minutes


def test_a_clean_deploy_is_out_of_sync_then_progressing_then_healthy():
    app = Application("pace-web")
    done = deploy(app, 100, replicas=4)
    seen = 180  # the next reconciliation
    assert app.status(seen - 1) == argocd.HEALTHY
    assert app.status(seen) == Status("OutOfSync", "Healthy")
    assert app.status(seen + 30) == Status("Synced", "Progressing")
    assert done == seen + 30 + 4 * 60 and app.status(done) == argocd.HEALTHY
    assert app.syncs == [(seen + 30, "Succeeded")]


def test_a_refused_sync_counts_one_failure_after_its_retries_and_stays_out_of_sync():
    app = Application("pace-ai")
    failed = failing_sync(app, 0)
    assert failed == 6 * argocd.ATTEMPT_FAILS + sum(retry_waits())  # 6 attempts, 5 waits
    assert app.syncs == [(failed, "Failed")]
    assert app.status(failed + 3600).sync == "OutOfSync"


def test_a_sync_that_succeeds_on_a_retry_counts_no_failure():
    app = Application("pace-web")
    failing_sync(app, 0, retried_until=1)
    assert [phase for _, phase in app.syncs] == ["Succeeded"]
    assert app.status(600) == argocd.HEALTHY


def test_an_hpa_without_metrics_degrades_the_application_meanwhile():
    app = Application("pace-web")
    metrics_api_gap(app, 600, 120)
    assert [app.status(t).health for t in (599, 600, 719, 720)] == [
        "Healthy",
        "Degraded",
        "Degraded",
        "Healthy",
    ]


def test_a_counters_first_sample_is_not_written_and_later_ones_are_relative_to_it():
    # series_cache.go getResetAdjusted: the first sample sets the reset point; a drop is a
    # reset (values from 0); a series unused for 10 minutes starts over.
    samples = [(30, 1.0), (60, 1.0), (90, 2.0), (120, 1.0), (150, 1.0), (900, 3.0), (930, 3.0)]
    assert exported_counter(samples) == [(60, 0.0), (90, 1.0), (120, 1.0), (150, 1.0), (930, 0.0)]


def test_the_controller_series_follow_statuses_and_restarts():
    app = Application("pace-ai")
    assert failing_sync(app, 100) == 520  # seen at 180 s, Failed 340 s later
    series = controller_series([app], 1800, down=[(900, 1020)])
    info = [s for s in series if promql_name(s) == "argocd_app_info"]
    # one label set per status: Synced/Healthy until the reconciliation, then OutOfSync
    assert {s.metric_labels["sync_status"] for s in info} == {"Synced", "OutOfSync"}
    assert all(not s.window(899, 1019) for s in info)  # no scrape while the controller is down
    (failed,) = [s for s in series if promql_name(s) == "argocd_app_sync_total"]
    assert failed.metric_labels["phase"] == "Failed"
    # the first scrape after the failure (540 s) is dropped; the restart resets the counter,
    # which is not exposed again: no point after 900 s
    assert failed.points[0] == (570, 0.0) and failed.points[-1][0] < 900
    assert failed.resource_labels["namespace"] == "argocd"
