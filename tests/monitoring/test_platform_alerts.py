"""platform_alerts: the cluster's own alerts (no synth)."""

from __future__ import annotations

from pace_infra.config import Thresholds
from pace_infra.monitoring.model import LogMatch, Promql, Threshold
from pace_infra.monitoring.platform_alerts import (
    oom_kill_filter,
    pending_pods_query,
    platform_alerts,
    quota_rejection_filter,
)


def _specs() -> dict:
    return {s.key: s for s in platform_alerts(Thresholds(node_allocatable_utilization=0.7))}


def test_the_platform_watches_nodes_pending_pods_quota_and_oom_kills():
    assert set(_specs()) == {
        "platform-node-cpu",
        "platform-node-memory",
        "platform-pending-pods",
        "platform-quota-rejections",
        "platform-oom-kills",
    }
    assert all(spec.system == "platform" for spec in _specs().values())


def test_node_pressure_reads_the_configured_share():
    for key in ("platform-node-cpu", "platform-node-memory"):
        (condition,) = _specs()[key].conditions
        assert isinstance(condition, Threshold) and condition.threshold == 0.7


def test_pending_pods_are_pods_in_phase_pending_for_longer_than_a_scale_up_not_events():
    (condition,) = _specs()["platform-pending-pods"].conditions
    assert isinstance(condition, Promql)
    assert condition.query == pending_pods_query()
    assert 'kube_pod_status_phase{phase="Pending"}' in condition.query
    assert condition.duration == "900s"
    assert "FailedScheduling" not in condition.query


def test_a_quota_rejection_is_a_replicasets_failed_create_for_exceeded_quota():
    (condition,) = _specs()["platform-quota-rejections"].conditions
    assert isinstance(condition, LogMatch) and condition.filter == quota_rejection_filter()
    for clause in (
        'log_id("events")',
        'jsonPayload.reason="FailedCreate"',
        'jsonPayload.involvedObject.kind="ReplicaSet"',
        'jsonPayload.involvedObject.namespace=("pace-web" OR "pace-ai")',
        'jsonPayload.message:"exceeded quota"',
    ):
        assert clause in condition.filter


def test_an_oom_kill_fires_on_the_nodes_first_oomkilling_event():
    (condition,) = _specs()["platform-oom-kills"].conditions
    assert isinstance(condition, LogMatch)
    assert condition.filter == oom_kill_filter()
    assert 'resource.type="k8s_node"' in condition.filter
    assert 'jsonPayload.reason="OOMKilling"' in condition.filter
