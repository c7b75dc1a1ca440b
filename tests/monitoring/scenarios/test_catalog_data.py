from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_data import DATA_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context

GB = 10**9


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(s for s in DATA_SCENARIOS if s.applies_to(policy) and s.name.startswith(name))
    return scenario.build(Context("prod", policy, stacks))


def test_the_autoresize_cycle_grows_the_instance_disk_from_the_databases_stack(stacks):
    run = _run(stacks, "data-pace-prod-db-disk-limit", "autoresize cycle")
    (series,) = run.observations.series
    assert series.resource_labels["database_id"] == "pace-crm-prod:pace-prod-db"
    assert series.points[0][1] == 80 * GB + round(3 * GB * 60 / 86400)  # 80 % of 100 GB
    assert series.points[-1][1] > 109 * GB  # ten days later


def test_the_limit_scenario_fails_when_autoresize_can_add_nothing(stacks):
    run = _run(stacks, "data-pace-prod-ai-db-disk-limit", "growing 4 GB a day")
    start, _ = run.failure
    value = dict(run.observations.series[0].points)
    # 2000 GB limit, 25 GB threshold: autoresize stops adding at 1975 GB used
    assert abs(value[start - start % 60] - 1975 * GB) < 0.01 * GB


def test_the_replica_lag_scenarios_aim_at_the_replica(stacks):
    run = _run(stacks, "data-pace-prod-db-dr-lag", "a day's writes")
    (series,) = run.observations.series
    assert series.resource_labels["database_id"] == "pace-crm-prod:pace-prod-db-dr"
    lags = [v for _, v in series.points]
    assert 100 < max(lags) < 200  # the nightly batch
    failing = _run(stacks, "data-pace-prod-db-dr-lag", "a backfill")
    assert max(v for _, v in failing.observations.series[0].points) > 3600
