"""workload_alerts: a system's namespace, its containers and Deployments (no synth)."""

from __future__ import annotations

import pytest

from pace_infra.config import Thresholds
from pace_infra.monitoring.model import Promql, Threshold
from pace_infra.monitoring.workload_alerts import (
    crash_loop_query,
    no_replica_query,
    replicas_short_query,
    workload_alerts,
)
from pace_infra.names import IMAGES


def _specs(system: str) -> dict:
    return {s.key: s for s in workload_alerts(system, Thresholds(container_limit_utilization=0.8))}


@pytest.mark.parametrize("system", ["web", "ai"])
def test_each_system_gets_limits_crash_loop_replicas_and_one_availability_alert_per_deployment(
    system,
):
    assert set(_specs(system)) == {
        f"{system}-container-cpu",
        f"{system}-container-memory",
        f"{system}-crash-loop",
        f"{system}-replicas-short",
        *(f"{system}-{deployment}-unavailable" for deployment in IMAGES[system]),
    }


def test_the_mcp_servers_have_an_availability_alert():
    (condition,) = _specs("ai")["ai-pace-mcp-servers-unavailable"].conditions
    assert 'deployment="pace-mcp-servers"' in condition.query
    assert 'namespace="pace-ai"' in condition.query


def test_container_limits_read_the_configured_share():
    for key in ("web-container-cpu", "web-container-memory"):
        (condition,) = _specs("web")[key].conditions
        assert isinstance(condition, Threshold) and condition.threshold == 0.8


def test_a_crash_loop_is_crashloopbackoff_seen_in_every_5_minute_window_for_10_minutes():
    spec = _specs("web")["web-crash-loop"]
    (condition,) = spec.conditions
    assert isinstance(condition, Promql)
    assert condition.query == crash_loop_query("pace-web")
    assert (
        'max_over_time(kube_pod_container_status_waiting_reason{namespace="pace-web",'
        'reason="CrashLoopBackOff"}[5m])' in condition.query
    )
    # A single crash is 10 s of back-off, seen for 5 minutes: shorter than the 10 it must hold.
    assert condition.duration == "600s"
    assert "by (namespace, pod, container)" in condition.query  # the incident names the pod
    assert spec.severity == "ERROR"


def test_replicas_short_compares_desired_and_available_per_deployment_for_15_minutes():
    spec = _specs("ai")["ai-replicas-short"]
    (condition,) = spec.conditions
    assert condition.query == replicas_short_query("pace-ai")
    assert condition.query == (
        '(sum by (namespace, deployment) (kube_deployment_spec_replicas{namespace="pace-ai"}) - '
        "sum by (namespace, deployment) "
        '(kube_deployment_status_replicas_available{namespace="pace-ai"})) > 0'
    )
    assert (condition.duration, spec.severity) == ("900s", "WARNING")


def test_no_replica_needs_none_available_while_some_are_wanted():
    query = no_replica_query("pace-web", "pace-web")
    available, desired = query.split(" and on (namespace, deployment) ")
    assert "kube_deployment_status_replicas_available" in available and "== 0" in available
    assert "kube_deployment_spec_replicas" in desired and "> 0" in desired
    spec = _specs("web")["web-pace-web-unavailable"]
    assert (spec.conditions[0].duration, spec.severity) == ("300s", "ERROR")
