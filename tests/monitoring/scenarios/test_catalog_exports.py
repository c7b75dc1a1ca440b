"""The export scenarios: aimed at the policy's instance, in the workflow's order, and what the
26 hours mean: a re-run within the slack is quiet, a later one is not, a failure opens 26 hours
after the last success, and a first apply is open until the first export."""

from dataclasses import replace
from itertools import pairwise

import pytest

from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_exports import (
    EXPORT_SCENARIOS,
    completed_series,
    daily,
)
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Context

KEY = "data-pace-prod-db-export"


def _policy(stacks, key: str = KEY):
    return next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)


def _run(stacks, name: str, key: str = KEY):
    policy = _policy(stacks, key)
    scenario = next(s for s in EXPORT_SCENARIOS if s.name.startswith(name))
    return policy, scenario.build(Context("prod", policy, stacks))


def test_exports_write_the_policy_instance_once_a_night(stacks):
    _, run = _run(stacks, "daily exports on time")
    (series,) = run.observations.series
    assert series.metric_labels == {"source_instance": "pace-prod-db"}
    times = [t for t, _ in series.points]
    assert {b - a for a, b in pairwise(times)} == {DAY}


def test_the_ai_database_is_exported_after_the_first(stacks):
    _, first = _run(stacks, "daily exports on time")
    _, second = _run(stacks, "daily exports on time", "data-pace-prod-ai-db-export")
    assert second.observations.series[0].points[0][0] > first.observations.series[0].points[0][0]


def test_a_re_run_later_than_the_slack_would_open_the_alert(stacks):
    policy = _policy(stacks)
    instances = ["pace-prod-db", "pace-prod-ai-db"]
    _, quiet = _run(stacks, "a night's export failed")
    assert not policy.evaluate(quiet.observations).incidents
    late = daily(instances, range(8), failed=lambda day: day == 4)
    late += daily(instances, range(4, 5), delay=4 * HOUR)
    observations = replace(
        quiet.observations, series=[completed_series("pace-prod-db", late, 8 * DAY)]
    )
    assert policy.evaluate(observations).incidents


def test_failing_exports_open_26_hours_after_the_last_success(stacks):
    policy, run = _run(stacks, "exports failing")
    points = [t for t, _ in run.observations.series[0].points]
    last = max(t for t in points if t < run.failure[0])
    ((opened, closed),) = policy.evaluate(run.observations).incidents
    assert 26 * HOUR <= opened - last <= 26 * HOUR + 15 * MIN
    assert closed is None


def test_a_first_apply_opens_until_the_first_export_and_then_closes(stacks):
    policy, run = _run(stacks, "first apply of a new environment")
    start, first_export = run.failure
    ((opened, closed),) = policy.evaluate(run.observations).incidents
    assert opened - start <= 10 * MIN
    assert closed is not None and first_export <= closed <= first_export + 10 * MIN


@pytest.mark.parametrize("env", ["dev"])
def test_environments_without_exports_have_no_export_policy(stacks, env):
    keys = [p.key for p in load_policies(stacks[f"{env}-monitoring"])]
    assert not [k for k in keys if k.endswith("-export")]
