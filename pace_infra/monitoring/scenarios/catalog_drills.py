"""Scenarios of each database's weekly restore drill (staging and prod): drills on schedule, a
missed week, a drill slower than the RTO because the database grew, and a new environment whose
first drill has not run yet. The instances drilled (in the drill workflow's order) and their disk
sizes come from the environment's synthesized databases stack."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.monitoring.scenarios.drills import WEEK, duration_series, weekly
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Context, Run, Scenario
from pace_infra.names import RESTORE_DRILL_METRIC_LABEL

IMPORT_GB = 300  # a bulk import: a customer's data migrated into the CRM


def _instance(ctx: Context) -> str:
    return ctx.promql_value(RESTORE_DRILL_METRIC_LABEL)


def _primaries(ctx: Context) -> dict[str, Mapping]:
    """The instances the drill clones, in the drill workflow's order (its `PACE_DRILLS`), with
    their settings."""
    workflows = ctx.resource("databases", "google_workflows_workflow").values()
    drills = [
        w["user_env_vars"]["PACE_DRILLS"]
        for w in workflows
        if "PACE_DRILLS" in w.get("user_env_vars", {})
    ]
    if not drills:
        raise Unsupported("the databases stack has no restore drill workflow")
    settings = {
        r["name"]: r["settings"][0] if isinstance(r["settings"], list) else r["settings"]
        for r in ctx.resource("databases", "google_sql_database_instance").values()
    }
    out = {d["instance"]: settings[d["instance"]] for d in json.loads(drills[0])}
    if _instance(ctx) not in out:
        raise Unsupported(f"the drill workflow does not drill {_instance(ctx)}")
    return out


def _used_gb(ctx: Context, grown: Callable[[int], float] = lambda t: 0.0) -> Callable:
    """Each database holds 70 % of its disk; the policy's one also what `grown(t)` adds."""
    primaries = _primaries(ctx)
    mine = _instance(ctx)

    def used(instance: str, t: int) -> float:
        base = 0.7 * float(primaries[instance]["disk_size"])
        return base + (grown(t) if instance == mine else 0.0)

    return used


def _on_schedule(ctx: Context) -> Run:
    """Seven weeks of drills on schedule, every one succeeding well within the RTO; evaluated
    from day 8 (the alert has existed long before)."""
    end = 6 * WEEK + 2 * DAY
    drills = weekly(list(_primaries(ctx)), 7, _used_gb(ctx))
    series = [duration_series(_instance(ctx), drills, end)]
    return Run(Observations(end, series, begin=8 * DAY))


def _missed_week(ctx: Context) -> Run:
    """Week 3's drill does not run (the scheduler job paused for a migration and forgotten, or
    the workflow failing on a quota): the failure lasts from its scheduled start until week
    4's drill succeeds."""
    end = 5 * WEEK + 2 * DAY
    drills = weekly(list(_primaries(ctx)), 6, _used_gb(ctx), skipped=lambda week: week == 3)
    mine = _instance(ctx)
    missed = next(d for d in drills if d.instance == mine and not d.succeeded)
    recovered = next(d for d in drills if d.instance == mine and d.started > missed.started)
    series = [duration_series(mine, drills, end)]
    return Run(Observations(end, series, begin=8 * DAY), (missed.started, recovered.written))


def _rerun_by_hand(ctx: Context) -> Run:
    """Week 3's drill fails (a Cloud SQL operation in progress on the source) and the data team
    runs it again by hand four hours later, as the runbook says: it succeeds."""
    end = 5 * WEEK + 2 * DAY
    primaries = list(_primaries(ctx))
    drills = weekly(primaries, 6, _used_gb(ctx), skipped=lambda week: week == 3)
    drills += weekly(primaries, 1, _used_gb(ctx), first_week=3, delay=4 * HOUR)
    series = [duration_series(_instance(ctx), drills, end)]
    return Run(Observations(end, series, begin=8 * DAY))


def _grown(ctx: Context) -> Run:
    """A bulk import adds 300 GB to the database two days before week 2's drill: from then on
    every drill clones the bigger database and takes longer than the RTO allows. The failure
    lasts from week 2's drill to the end: the RTO no longer holds until someone acts."""
    end = 4 * WEEK + DAY
    imported = 2 * WEEK - 2 * DAY
    drills = weekly(
        list(_primaries(ctx)),
        5,
        _used_gb(ctx, lambda t: IMPORT_GB if t >= imported else 0.0),
    )
    mine = _instance(ctx)
    slow = next(d for d in drills if d.instance == mine and d.started > imported)
    series = [duration_series(mine, drills, end)]
    return Run(Observations(end, series, begin=8 * DAY), (slow.started, end))


def _first_apply(ctx: Context) -> Run:
    """A new environment (or a new database): applied on a Wednesday at 10:00, before any drill.
    Nothing proves a restore until the first scheduled drill, the next Monday at 05:00 (nobody
    ran it by hand as the runbook asks): the alert is expected to open and stay open until that
    drill succeeds, then close."""
    applied = 2 * DAY + 10 * HOUR
    end = applied + 8 * DAY
    drills = [
        d
        for d in weekly(list(_primaries(ctx)), 2, _used_gb(ctx), first_week=1)
        if d.started >= applied
    ]
    mine = _instance(ctx)
    first = next(d for d in drills if d.instance == mine)
    series = [duration_series(mine, drills, end)]
    return Run(Observations(end, series, begin=applied), (applied, first.written))


DRILL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "weekly drills on schedule, all within the RTO",
        "normal",
        "data-*-restore-drill",
        _on_schedule,
        why="a proven restore path is quiet",
    ),
    Scenario(
        "a week's drill failed and was run again by hand the same day",
        "normal",
        "data-*-restore-drill",
        _rerun_by_hand,
        why="a failed drill re-run the same day proves the restore path again",
    ),
    Scenario(
        "a week's drill did not run",
        "failure",
        "data-*-restore-drill",
        _missed_week,
        26 * HOUR,
        "a missed weekly drill is noticed the next day, and stays open until a drill succeeds",
    ),
    Scenario(
        "the database grew 300 GB: drills slower than the RTO",
        "failure",
        "data-*-restore-drill",
        _grown,
        2 * HOUR,
        "a restore that no longer fits the RTO is noticed when the drill shows it",
    ),
    Scenario(
        "first apply of a new environment, before its first drill",
        "failure",
        "data-*-restore-drill",
        _first_apply,
        15 * MIN,
        "until a drill succeeds the restore path is unproven: open from the apply until the "
        "first drill (docs/runbooks/restore-drill.md)",
    ),
)
