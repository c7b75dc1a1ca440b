"""The restore drill scenarios: aimed at the policy's instance, sized from the databases stack,
and the first apply's expectation (open until the first drill, then closed)."""

from itertools import pairwise

import pytest

from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_drills import DRILL_SCENARIOS
from pace_infra.monitoring.scenarios.drills import clone_seconds
from pace_infra.monitoring.scenarios.model import Context

KEY = "data-pace-prod-db-restore-drill"


def _run(stacks, name: str, key: str = KEY):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(s for s in DRILL_SCENARIOS if s.name.startswith(name))
    return policy, scenario.build(Context("prod", policy, stacks))


def test_drills_write_the_policy_instance_sized_by_its_disk(stacks):
    _, run = _run(stacks, "weekly drills on schedule")
    (series,) = run.observations.series
    assert series.metric_labels == {"source_instance": "pace-prod-db"}
    settings = stacks["prod-databases"]["resource"]["google_sql_database_instance"]
    disk = next(r for r in settings.values() if r["name"] == "pace-prod-db")["settings"]
    disk = (disk[0] if isinstance(disk, list) else disk)["disk_size"]
    assert {v for _, v in series.points} == {float(clone_seconds(0.7 * disk))}


def test_the_ai_database_is_drilled_after_the_first(stacks):
    _, first = _run(stacks, "weekly drills on schedule")
    _, second = _run(stacks, "weekly drills on schedule", "data-pace-prod-ai-db-restore-drill")
    assert second.observations.series[0].points[0][0] > first.observations.series[0].points[0][0]


def test_a_missed_week_leaves_a_gap_longer_than_eight_days(stacks):
    _, run = _run(stacks, "a week's drill did not run")
    times = [t for t, _ in run.observations.series[0].points]
    assert max(b - a for a, b in pairwise(times)) > 13 * 86400


def test_the_grown_database_drills_slower_from_the_import_on(stacks):
    _, run = _run(stacks, "the database grew")
    values = [v for _, v in run.observations.series[0].points]
    assert values[:2] == [values[0]] * 2 and min(values[2:]) > 2 * values[0]


def test_a_first_apply_opens_until_the_first_drill_and_then_closes(stacks):
    policy, run = _run(stacks, "first apply of a new environment")
    outcome = policy.evaluate(run.observations)
    start, first_drill = run.failure
    ((opened, closed),) = outcome.incidents
    assert opened - start <= 10 * 60
    assert closed is not None and first_drill <= closed <= first_drill + 10 * 60


@pytest.mark.parametrize("env", ["dev"])
def test_environments_without_drills_have_no_drill_policy(stacks, env):
    keys = [p.key for p in load_policies(stacks[f"{env}-monitoring"])]
    assert not [k for k in keys if k.endswith("restore-drill")]
