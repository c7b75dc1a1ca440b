"""monitoring/argocd_alerts.py: Argo CD's Applications and its own metrics, as PromQL."""

from __future__ import annotations

import pytest

from pace_infra.monitoring.argocd_alerts import (
    DEGRADED,
    METRICS_ABSENT,
    OUT_OF_SYNC,
    SYNC_FAILED,
    argocd_alerts,
)
from pace_infra.monitoring.model import Promql, paging_route


@pytest.fixture(scope="module")
def alerts() -> dict:
    return {spec.key: spec for spec in argocd_alerts()}


def test_four_alerts_each_a_lone_promql_condition_of_pace_platform(alerts):
    assert set(alerts) == {
        "platform-argocd-app-degraded",
        "platform-argocd-app-out-of-sync",
        "platform-argocd-sync-failed",
        "platform-argocd-metrics-absent",
    }
    for spec in alerts.values():
        assert spec.system == "platform"
        (condition,) = spec.conditions
        assert isinstance(condition, Promql)
        # The policies exist before Argo CD's first scrape.
        assert condition.disable_metric_validation is True


def test_a_degraded_application_pages_now_the_rest_in_support_hours(alerts):
    routes = {key: paging_route(spec.severity) for key, spec in alerts.items()}
    assert routes.pop("platform-argocd-app-degraded") == "urgent"
    assert set(routes.values()) == {"support-hours"}


def test_degraded_is_the_health_label_per_application_beyond_ten_minutes():
    assert DEGRADED.query == 'max by (name, project) (argocd_app_info{health_status="Degraded"})'
    assert DEGRADED.duration == "600s"


def test_out_of_sync_is_the_sync_label_per_application_beyond_half_an_hour():
    assert OUT_OF_SYNC.query == (
        'max by (name, project) (argocd_app_info{sync_status="OutOfSync"})'
    )
    assert OUT_OF_SYNC.duration == "1800s"


def test_a_failed_sync_counts_later_failures_and_an_applications_first_one():
    failed = 'argocd_app_sync_total{phase=~"Error|Failed"}'
    later, first = SYNC_FAILED.query.split(" or ")
    assert later == f"sum by (name, project) (increase({failed}[15m])) > 0"
    # A counter's first sample is already 1: increase() cannot see it; a new series can.
    assert first == f"count by (name, project) ({failed} unless {failed} offset 15m)"
    assert SYNC_FAILED.duration == "60s"


def test_argo_cd_silence_is_an_alert_of_its_own():
    assert METRICS_ABSENT.query == "absent(argocd_app_info)"
    assert METRICS_ABSENT.duration == "600s"


def test_the_runbooks_tell_health_from_silence(alerts):
    assert {spec.runbook for spec in alerts.values()} == {
        "argocd-applications",
        "argocd-metrics-absent",
    }
    assert alerts["platform-argocd-metrics-absent"].runbook == "argocd-metrics-absent"
