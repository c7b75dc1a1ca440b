from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_workloads import WORKLOAD_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _scenario(name: str):
    return next(s for s in WORKLOAD_SCENARIOS if s.name.startswith(name))


def _policy(stacks, key: str):
    return next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)


def test_the_crash_loop_restarts_one_pod_by_the_kubelet_back_off(stacks):
    policy = _policy(stacks, "web-restart-loop")
    run = _scenario("crash loop at start-up").build(Context("prod", policy, stacks))
    bad = next(s for s in run.observations.series if s.resource_labels["pod_name"].endswith("-bad"))
    assert bad.resource_labels["namespace_name"] == "pace-web"
    # 10, 30, 70, 150, 310 s after the start, then every 300 s: 15 restarts in the hour
    assert bad.points[-1][1] == 15


def test_a_quota_rejection_is_a_replicaset_event_not_a_pod_event(stacks):
    policy = _policy(stacks, "platform-unschedulable-pods")
    run = _scenario("ResourceQuota exhausted").build(Context("prod", policy, stacks))
    assert {e.json_payload["reason"] for e in run.observations.logs} == {"FailedCreate"}
    assert {e.resource_type for e in run.observations.logs} == {"k8s_cluster"}


def test_the_scale_up_burst_leaves_pods_pending_until_a_node_joins(stacks):
    policy = _policy(stacks, "platform-unschedulable-pods")
    run = _scenario("scale-up burst").build(Context("prod", policy, stacks))
    times = sorted(e.time for e in run.observations.logs)
    assert times and times[-1] - times[0] <= 10 * 60  # the burst is absorbed within minutes
