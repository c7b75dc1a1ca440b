from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_edge import EDGE_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _policy(stacks, key: str):
    return next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)


def test_the_ai_path_streams_so_its_latency_burns_in_a_normal_day(stacks):
    policy = _policy(stacks, "pace-ai-latency-fast-burn")
    scenario = next(s for s in EDGE_SCENARIOS if s.name.startswith("a business day"))
    run = scenario.build(Context("prod", policy, stacks))
    slo = policy.slos[Context("prod", policy, stacks).slo_name()]
    burn = slo.burn_rate(run.observations.series, 3600, 6 * 3600)
    assert burn > 14.4  # 85 % of the AI path over 1 s against a 5 % budget


def test_a_single_region_failure_fails_every_location_of_the_region(stacks):
    policy = _policy(stacks, "web-uptime-crm")
    scenario = next(s for s in EDGE_SCENARIOS if s.name.startswith("one checker region"))
    run = scenario.build(Context("prod", policy, stacks))
    failing = {
        s.metric_labels["checker_location"] for s in run.observations.series if not s.points[45][1]
    }
    assert failing == {"usa-oregon", "usa-iowa", "usa-virginia"}
