from pace_infra.monitoring.evaluation.logquery import parse_log_filter
from pace_infra.monitoring.evaluation.promql import promql_name
from pace_infra.monitoring.scenarios import kube_state


def test_a_waiting_reason_is_sampled_only_while_the_container_waits():
    # "Skip creating series for running containers"
    series = kube_state.waiting("pace-web", "p", "CrashLoopBackOff", [(100, 200)], 600)
    assert promql_name(series) == "kube_pod_container_status_waiting_reason"
    assert series.points == [(120, 1.0), (150, 1.0), (180, 1.0)]
    assert series.resource_labels["namespace"] == "pace-web"
    assert series.metric_labels["reason"] == "CrashLoopBackOff"


def test_a_pod_has_one_phase_series_per_phase_one_of_them_1():
    phase = kube_state.lifetime_phase(created=60, scheduled=180, deleted=None, startup=30)
    series = {s.metric_labels["phase"]: s for s in kube_state.pod_phases("ns", "p", phase, 300)}
    assert set(series) == set(kube_state.PHASES)
    assert dict(series["Pending"].points) == {60: 1.0, 90: 1.0, 120: 1.0, 150: 1.0, 180: 1.0,
                                              210: 0.0, 240: 0.0, 270: 0.0, 300: 0.0}  # fmt: skip
    assert series["Running"].points[-1] == (300, 1.0)
    assert series["Pending"].points[0][0] == 60  # no series before the pod exists


def test_a_deployment_reports_desired_and_available():
    desired, available = kube_state.deployment(
        "pace-ai", "pace-mcp-servers", lambda t: 2.0, lambda t: 0.0, 60
    )
    assert promql_name(desired) == "kube_deployment_spec_replicas"
    assert promql_name(available) == "kube_deployment_status_replicas_available"
    assert available.metric_labels == {"deployment": "pace-mcp-servers"}


def test_events_are_in_the_events_log_under_their_object():
    oom = kube_state.oom_kill(10, "gke-node-1", "node", 42)
    assert parse_log_filter('log_id("events") resource.type="k8s_node"').matches(oom)
    refusal = kube_state.quota_refusal(10, "pace-ai", "pace-ai-backend-7c")
    assert refusal.json_payload["involvedObject"] == {
        "kind": "ReplicaSet",
        "namespace": "pace-ai",
        "name": "pace-ai-backend-7c",
    }
    assert "exceeded quota" in refusal.json_payload["message"]


def test_stepwise_holds_a_sample_until_the_next():
    value = kube_state.stepwise([(30, 1.0), (90, 3.0)])
    assert [value(t) for t in (0, 30, 60, 90, 120)] == [None, 1.0, 1.0, 3.0, 3.0]
