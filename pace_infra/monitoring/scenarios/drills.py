"""What the weekly restore drill writes: one point of its duration metric per successful drill.

Sources (pace_infra/workflows/restore_drill.yaml, docs/reference/databases.md "Restore drills"):
the Cloud Scheduler job starts the workflow on its schedule (Mondays 05:00 UTC by default);
the workflow drills each database in turn: it clones the instance (point-in-time), waits for
the clone to be RUNNABLE, writes the seconds from the clone request to RUNNABLE as one point of
`custom.googleapis.com/pace/restore_drill/duration_seconds` (resource `global`, label
`source_instance`), then deletes the clone. A drill that fails writes nothing. A custom metric
is read in PromQL as `custom_googleapis_com:pace_restore_drill_duration_seconds`, its resource
type as the label `monitored_resource` (Managed Service for Prometheus, "PromQL for Cloud
Monitoring metrics").

Assumed: a clone takes `CLONE_BASE` seconds to provision plus `SECONDS_PER_GB` per GB of the
source's used disk (Google publishes no clone rate; what matters here is that a drill of a
database that grew takes longer), and the second database's drill starts when the first one's
clone is deleted (`CLEANUP` seconds after it was RUNNABLE).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.monitoring.scenarios.model import DAY
from pace_infra.names import RESTORE_DRILL_METRIC, RESTORE_DRILL_METRIC_LABEL

WEEK = 7 * DAY
SCHEDULE = 5 * 3600  # Mondays 05:00 UTC: day 0 of a scenario is a Monday
CLONE_BASE = 600
SECONDS_PER_GB = 12
CLEANUP = 300


def clone_seconds(used_gb: float) -> int:
    """How long a point-in-time clone of a database with `used_gb` on disk takes to be RUNNABLE."""
    return int(CLONE_BASE + SECONDS_PER_GB * used_gb)


@dataclass(frozen=True)
class Drill:
    """One scheduled drill of one database: when it started, how long the clone took, whether
    it succeeded (a failed or skipped drill writes no point)."""

    instance: str
    started: int
    seconds: int
    succeeded: bool = True

    @property
    def written(self) -> int:
        return self.started + self.seconds


def weekly(
    instances: Sequence[str],
    weeks: int,
    used_gb: Callable[[str, int], float],
    *,
    skipped: Callable[[int], bool] = lambda week: False,
    first_week: int = 0,
    delay: int = 0,
) -> list[Drill]:
    """The scheduled drills of `weeks` weeks from `first_week`, each database in turn, the clone
    sized by `used_gb(instance, t)`; `skipped(week)`: no drill succeeded that week (a paused
    scheduler job, a failed workflow); `delay`: started that long after the schedule (a run
    by hand)."""
    drills = []
    for week in range(first_week, first_week + weeks):
        t = week * WEEK + SCHEDULE + delay
        for instance in instances:
            seconds = clone_seconds(used_gb(instance, t))
            drills.append(Drill(instance, t, seconds, succeeded=not skipped(week)))
            t += seconds + CLEANUP
    return drills


def duration_series(instance: str, drills: Sequence[Drill], end: int) -> TimeSeries:
    """The drill metric of `instance`: a point per successful drill, when it is written."""
    return TimeSeries(
        RESTORE_DRILL_METRIC,
        "global",
        "GAUGE",
        {"project_id": "project"},
        {RESTORE_DRILL_METRIC_LABEL: instance},
        [
            (d.written, float(d.seconds))
            for d in drills
            if d.instance == instance and d.succeeded and d.written <= end
        ],
    )
