from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_data import DATA_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _policy(stacks, key: str):
    return next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)


def test_the_autoresize_cycle_uses_the_instance_disk_from_the_databases_stack(stacks):
    policy = _policy(stacks, "data-pace-prod-db-disk")
    scenario = next(s for s in DATA_SCENARIOS if s.selector == "data-*-disk" and s.kind == "normal")
    (series,) = scenario.build(Context("prod", policy, stacks)).observations.series
    values = [v for _, v in series.points]
    assert series.resource_labels["database_id"] == "pace-crm-prod:pace-prod-db"
    assert max(values) < 0.93  # resized whenever 9 GB (100-124 GB disks) are left
    assert sum(v > 0.85 for v in values) > len(values) / 2  # above 85 % most of the cycle


def test_the_limit_scenario_starts_at_the_autoresize_limit(stacks):
    policy = _policy(stacks, "data-pace-prod-ai-db-disk")
    scenario = next(
        s for s in DATA_SCENARIOS if s.selector == "data-*-disk" and s.kind == "failure"
    )
    run = scenario.build(Context("prod", policy, stacks))
    start, _ = run.failure
    value = dict(run.observations.series[0].points)
    assert (
        value[start - start % 60] >= (2000 - 25 - 1) / 2000 - 0.01
    )  # 2000 GB limit, 25 GB threshold
