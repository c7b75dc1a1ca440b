from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_slo import HISTORY, SLO_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context

HOUR = 3600


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(s for s in SLO_SCENARIOS if s.applies_to(policy) and s.name.startswith(name))
    run = scenario.build(Context("prod", policy, stacks))
    return policy, policy.slos[Context("prod", policy, stacks).slo_name()], run


def test_only_the_traffic_guard_keeps_the_quiet_night_quiet(stacks):
    # Six failures among a handful of requests: both windows far past 14.4x, so without the
    # guard the fast tier would page at 03:00 on one user's retries.
    for key in ("pace-web-availability-fast-burn", "pace-ai-availability-fast-burn"):
        policy, slo, run = _run(stacks, key, "a quiet night")
        at = HISTORY + 3 * HOUR + 10 * 60
        series = run.observations.series
        assert slo.burn_rate(series, 3600, at) > 14.4
        assert slo.burn_rate(series, 300, at) > 14.4
        assert policy.evaluate(run.observations).incidents == ()


def test_streamed_ai_answers_are_slow_by_a_second_and_fast_by_twenty(stacks):
    _, slo, run = _run(stacks, "pace-ai-latency-fast-burn", "a business day")
    at = HISTORY + 6 * HOUR
    assert slo.burn_rate(run.observations.series, HOUR, at) < 1  # under 20 s: nearly all
    crm_cut = 1000
    slow = sum(
        s.total(at - HOUR, at) - s.total(at - HOUR, at, below=crm_cut)
        for s in run.observations.series
        if "total_latencies" in s.metric_type
        and s.resource_labels["matched_url_path_rule"] == "/api/ai/*"
    )
    total = sum(
        s.total(at - HOUR, at)
        for s in run.observations.series
        if "total_latencies" in s.metric_type
        and s.resource_labels["matched_url_path_rule"] == "/api/ai/*"
    )
    assert slow / total > 0.95  # the CRM's 1 s would burn the AI path's budget all day


def test_every_burn_scenario_has_three_days_behind_it(stacks):
    _, _, run = _run(stacks, "pace-web-availability-ticket-burn", "a slow leak")
    assert run.observations.begin == HISTORY
    assert min(t for s in run.observations.series for t, _ in s.points[:1]) <= 60
    assert run.failure[0] == HISTORY
