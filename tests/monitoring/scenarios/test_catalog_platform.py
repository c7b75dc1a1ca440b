from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_platform import PLATFORM_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(
        s for s in PLATFORM_SCENARIOS if s.applies_to(policy) and s.name.startswith(name)
    )
    return policy, scenario.build(Context("prod", policy, stacks))


def _pending(series) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for s in series:
        if s.metric_labels["phase"] == "Pending":
            out[s.metric_labels["pod"]] = [t for t, v in s.points if v]
    return out


def test_a_scale_up_burst_leaves_pods_pending_minutes_not_a_quarter_hour(stacks):
    _, run = _run(stacks, "platform-pending-pods", "scale-up burst")
    waits = [max(ts) - min(ts) for ts in _pending(run.observations.series).values() if ts]
    assert waits and 60 <= max(waits) < 10 * 60
    assert {e.json_payload["reason"] for e in run.observations.logs} == {"FailedScheduling"}


def test_a_pool_at_its_maximum_leaves_pods_pending_for_most_of_an_hour(stacks):
    _, run = _run(stacks, "platform-pending-pods", "node pool at its maximum")
    waits = [max(ts) - min(ts) for ts in _pending(run.observations.series).values() if ts]
    assert max(waits) > 45 * 60


def test_quota_refusals_are_replicaset_events_the_policy_matches(stacks):
    policy, run = _run(stacks, "platform-quota-rejections", "ResourceQuota refuses")
    (condition,) = policy.conditions
    assert all(condition.filter.matches(e) for e in run.observations.logs)
    assert {e.json_payload["involvedObject"]["kind"] for e in run.observations.logs} == {
        "ReplicaSet"
    }
    _, normal = _run(stacks, "platform-quota-rejections", "scale-out within quota")
    reasons = {e.json_payload["reason"] for e in normal.observations.logs}
    assert reasons == {"SuccessfulCreate", "FailedScheduling"}
    assert not any(condition.filter.matches(e) for e in normal.observations.logs)


def test_an_oom_kill_is_a_node_event_between_two_memory_samples(stacks):
    _, run = _run(stacks, "platform-oom-kills", "an export is OOM-killed")
    kills = [e.time for e in run.observations.logs]
    assert all(t % 60 for t in kills)  # never at a sample: utilization never shows it
    assert {e.resource_type for e in run.observations.logs} == {"k8s_node"}
