from pace_infra.monitoring.evaluation.logquery import parse_log_filter
from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_workloads import (
    WORKLOAD_SCENARIOS,
)
from pace_infra.monitoring.scenarios.model import Context


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(
        s for s in WORKLOAD_SCENARIOS if s.applies_to(policy) and s.name.startswith(name)
    )
    return scenario.build(Context("prod", policy, stacks))


def test_a_raw_stack_trace_is_25_error_entries_a_minute_none_by_the_contract(stacks):
    run = _run(stacks, "web-error-logs", "a handled exception")
    logs = run.observations.logs
    assert sum(e.time < 60 for e in logs) == 25 and {e.severity for e in logs} == {"ERROR"}
    counted = parse_log_filter("severity>=ERROR jsonPayload.message:*")
    assert not any(counted.matches(e) for e in logs)


def test_page_cache_and_the_rss_are_separate_series_neither_near_the_limit(stacks):
    # memory/limit_utilization has one series per memory_type: the reclaimable cache grows to
    # just under the limit minus the RSS, and is never added to it.
    run = _run(stacks, "web-container-memory", "page cache grows")
    by_type = {s.metric_labels["memory_type"]: s for s in run.observations.series}
    assert set(by_type) == {"evictable", "non-evictable"}
    assert max(v for _, v in by_type["evictable"].points) < 0.9
    peak = max(a + b for (_, a), (_, b) in zip(*(s.points for s in by_type.values()), strict=True))
    assert peak > 0.95  # together they fill the limit: the kernel reclaims, kills nothing


def test_a_leak_fails_from_90_percent_to_its_kill(stacks):
    run = _run(stacks, "ai-container-memory", "memory leak")
    start, kill = run.failure
    (series,) = run.observations.series
    values = dict(series.points)
    assert values[start] == 0.9 and kill > start
