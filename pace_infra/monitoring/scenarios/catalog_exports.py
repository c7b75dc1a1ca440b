"""Scenarios of each database's daily logical export (staging and prod): exports on time, a
failed export re-run by hand soon after, exports failing from one night on, and a new
environment whose first export has not run yet.

What the export writes (pace_infra/workflows/database_export.yaml, docs/reference/databases.md
"Logical exports"): Cloud Scheduler starts the workflow daily (22:00 UTC by default); it exports
each database in turn (the order of its `PACE_EXPORTS`), and after each export's operation is
done writes one point (1) of `custom.googleapis.com/pace/database_export/completed` (resource
`global`, label `source_instance`). A failed export writes nothing.

Assumed: one export takes `EXPORT_SECONDS` (Google publishes no rate for a serverless export;
what matters here is that the point comes some time after the schedule, and the second database's
after the first's).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Context, Run, Scenario
from pace_infra.names import DATABASE_EXPORT_METRIC, DATABASE_EXPORT_METRIC_LABEL

SCHEDULE = 22 * HOUR  # daily at 22:00 UTC
EXPORT_SECONDS = 40 * MIN


@dataclass(frozen=True)
class Export:
    """One run's export of one database: when it started and whether it succeeded."""

    instance: str
    started: int
    succeeded: bool = True

    @property
    def written(self) -> int:
        return self.started + EXPORT_SECONDS


def daily(
    instances: Sequence[str],
    days: range,
    *,
    failed: Callable[[int], bool] = lambda day: False,
    delay: int = 0,
) -> list[Export]:
    """The scheduled exports of `days`, each database after the previous one; `failed(day)`: that
    night's run failed (nothing written); `delay`: started that long after the schedule (a run by
    hand)."""
    exports = []
    for day in days:
        t = day * DAY + SCHEDULE + delay
        for instance in instances:
            exports.append(Export(instance, t, succeeded=not failed(day)))
            t += EXPORT_SECONDS
    return exports


def completed_series(instance: str, exports: Sequence[Export], end: int) -> TimeSeries:
    """The export metric of `instance`: a point per successful export, when it is written."""
    return TimeSeries(
        DATABASE_EXPORT_METRIC,
        "global",
        "GAUGE",
        {"project_id": "project"},
        {DATABASE_EXPORT_METRIC_LABEL: instance},
        [
            (e.written, 1.0)
            for e in exports
            if e.instance == instance and e.succeeded and e.written <= end
        ],
    )


def _instance(ctx: Context) -> str:
    return ctx.promql_value(DATABASE_EXPORT_METRIC_LABEL)


def _exported(ctx: Context) -> list[str]:
    """The instances the export workflow dumps, in its order (its `PACE_EXPORTS`)."""
    workflows = ctx.resource("databases", "google_workflows_workflow").values()
    found = [
        w["user_env_vars"]["PACE_EXPORTS"]
        for w in workflows
        if "PACE_EXPORTS" in w.get("user_env_vars", {})
    ]
    if not found:
        raise Unsupported("the databases stack has no export workflow")
    instances = [e["instance"] for e in json.loads(found[0])]
    if _instance(ctx) not in instances:
        raise Unsupported(f"the export workflow does not export {_instance(ctx)}")
    return instances


def _on_time(ctx: Context) -> Run:
    """Ten nights of exports, every one succeeding; evaluated from day 2 (the alert has existed
    long before)."""
    end = 10 * DAY
    exports = daily(_exported(ctx), range(10))
    return Run(Observations(end, [completed_series(_instance(ctx), exports, end)], begin=2 * DAY))


def _rerun_by_hand(ctx: Context) -> Run:
    """Night 4's export fails at once (another Cloud SQL operation in progress on the instance);
    the data team, who saw the failed execution, runs it again by hand an hour later: it
    succeeds."""
    end = 8 * DAY
    instances = _exported(ctx)
    exports = daily(instances, range(8), failed=lambda day: day == 4)
    exports += daily(instances, range(4, 5), delay=HOUR)
    return Run(Observations(end, [completed_series(_instance(ctx), exports, end)], begin=2 * DAY))


def _failing(ctx: Context) -> Run:
    """From night 4 on every export fails (the instance's service agent lost its object-create
    grant on the bucket): the failure lasts from night 4's run to the end."""
    end = 8 * DAY
    exports = daily(_exported(ctx), range(8), failed=lambda day: day >= 4)
    mine = _instance(ctx)
    first = next(e for e in exports if e.instance == mine and not e.succeeded)
    series = [completed_series(mine, exports, end)]
    return Run(Observations(end, series, begin=2 * DAY), (first.started, end))


def _first_apply(ctx: Context) -> Run:
    """A new environment (or a new database): applied at 10:00, before any export. Nothing is
    exported until that night's run (nobody ran it by hand as the runbook asks): the alert is
    expected to open and stay open until that export succeeds, then close."""
    applied = 10 * HOUR
    end = 3 * DAY
    exports = daily(_exported(ctx), range(3))
    mine = _instance(ctx)
    first = next(e for e in exports if e.instance == mine)
    series = [completed_series(mine, exports, end)]
    return Run(Observations(end, series, begin=applied), (applied, first.written))


EXPORT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "daily exports on time",
        "normal",
        "data-*-export",
        _on_time,
        why="a fresh off-site copy every night is quiet",
    ),
    Scenario(
        "a night's export failed and was run again by hand an hour later",
        "normal",
        "data-*-export",
        _rerun_by_hand,
        why="an export re-run within the 26 hours' slack leaves the copy fresh enough",
    ),
    Scenario(
        "exports failing from one night on",
        "failure",
        "data-*-export",
        _failing,
        3 * HOUR,
        "noticed 26 hours after the last success (about 2.5 hours after the first failed run), "
        "and open until an export succeeds",
    ),
    Scenario(
        "first apply of a new environment, before its first export",
        "failure",
        "data-*-export",
        _first_apply,
        15 * MIN,
        "until an export succeeds there is no off-site copy: open from the apply until the "
        "first export (docs/runbooks/export-missed.md)",
    ),
)
