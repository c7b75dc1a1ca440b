from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_deployments import (
    DEPLOYMENT_SCENARIOS,
    longest_shortfall,
)
from pace_infra.monitoring.scenarios.model import Context


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(
        s for s in DEPLOYMENT_SCENARIOS if s.applies_to(policy) and s.name.startswith(name)
    )
    return scenario.build(Context("prod", policy, stacks))


def test_a_slow_loop_is_mostly_running_between_its_back_offs(stacks):
    # The liveness loop waits 10, 20, 40 s between 90 s runs at first: a restart count over
    # five minutes missed it; the waiting reason shows it in every 5-minute window soon after.
    run = _run(stacks, "web-crash-loop", "liveness probe kills it")
    (series,) = run.observations.series
    assert series.resource_labels["namespace"] == "pace-web"
    start, _ = run.failure
    early = [t for t, _ in series.points if t < start + 600]
    assert 0 < len(early) < 10  # a few samples in its first ten minutes
    gaps = [b - a for (a, _), (b, _) in zip(series.points, series.points[1:], strict=False)]
    assert max(gaps) > 60 and max(gaps[-20:]) < 300


def test_one_crash_waits_10_seconds(stacks):
    run = _run(stacks, "ai-crash-loop", "one crash")
    (series,) = run.observations.series
    assert len(series.points) <= 1


def test_the_quota_keeps_the_deployment_short_while_traffic_stays_up(stacks):
    run = _run(stacks, "web-replicas-short", "ResourceQuota caps")
    _, available = run.observations.series
    start, stop = run.failure
    assert stop - start > 3600
    assert max(v for _, v in available.points) == 8
    assert longest_shortfall([(60, 3, 3), (90, 5, 3), (120, 5, 5), (150, 9, 5), (300, 9, 5)]) == (
        150,
        300,
    )


def test_every_replica_unready_leaves_none_available_without_restarts(stacks):
    run = _run(stacks, "ai-pace-mcp-servers-unavailable", "every replica fails readiness")
    desired, available = run.observations.series
    assert available.metric_labels == {"deployment": "pace-mcp-servers"}
    start, stop = run.failure
    assert {v for t, v in available.points if start <= t < stop} == {0.0}
    assert {v for _, v in desired.points} == {2.0}
