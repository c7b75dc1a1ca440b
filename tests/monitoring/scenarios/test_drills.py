"""The restore drill mechanism: weekly, each database in turn, a point per success."""

from pace_infra.monitoring.evaluation.promql import promql_name
from pace_infra.monitoring.scenarios import drills
from pace_infra.monitoring.scenarios.drills import WEEK, clone_seconds, duration_series, weekly


def _used(instance: str, t: int) -> float:
    return {"db": 140.0, "ai-db": 70.0}[instance]


def test_drills_run_weekly_on_schedule_each_database_in_turn():
    (first, second, *_rest) = weekly(["db", "ai-db"], 3, _used)
    assert first.started == drills.SCHEDULE  # Monday 05:00 of week 0
    assert second.started == first.written + drills.CLEANUP  # the next once the clone is gone
    assert [d.started for d in weekly(["db"], 3, _used)] == [
        drills.SCHEDULE + w * WEEK for w in range(3)
    ]


def test_a_bigger_database_takes_longer_to_clone():
    assert clone_seconds(440) > clone_seconds(140) > clone_seconds(35)


def test_only_successful_drills_write_their_duration_when_the_clone_is_runnable():
    runs = weekly(["db"], 4, _used, skipped=lambda week: week == 2)
    series = duration_series("db", runs, 4 * WEEK)
    assert promql_name(series) == "custom_googleapis_com:pace_restore_drill_duration_seconds"
    assert series.resource_type == "global"
    assert series.metric_labels == {"source_instance": "db"}
    assert [t for t, _ in series.points] == [d.written for d in runs if d.succeeded]
    assert len(series.points) == 3
    assert {v for _, v in series.points} == {float(clone_seconds(140))}


def test_a_run_by_hand_starts_when_someone_starts_it():
    (by_hand,) = weekly(["db"], 1, _used, first_week=3, delay=4 * 3600)
    assert by_hand.started == 3 * WEEK + drills.SCHEDULE + 4 * 3600
