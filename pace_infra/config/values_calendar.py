"""Value types of the calendar section: support hours, the weekly maintenance window, freezes
and recurring sync windows, as the environment file writes them. The section
(config/schema_calendar.py) turns them into the forms the services take (pace_infra/schedules.py).
Each rule on a type's own fields sits in its `__post_init__`. Reference:
docs/reference/calendar.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pace_infra.config.checks import HH_MM, HH_MM_SS, SLUG, require
from pace_infra.config.schedules import SyncWindow

# A local date and time in the calendar's time zone, to the minute: 2026-12-18T18:00.
LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$")
DAYS = range(1, 8)  # ISO weekdays: 1 = Monday ... 7 = Sunday, as PagerDuty and Cloud SQL count
# The cluster's share of the window must be one block GKE counts (at least 4 hours, below); the
# databases take the hour before it.
MIN_WINDOW_HOURS = 5


def _valid_days(days: tuple[int, ...]) -> bool:
    return bool(days) and set(days) <= set(DAYS) and len(set(days)) == len(days)


@dataclass(frozen=True)
class SupportHours:
    """When the Support Team works, in the calendar's time zone: capacity alerts page at high
    urgency only then (PagerDuty keeps the zone, so these follow daylight saving time)."""

    start_time: str = "09:00:00"  # HH:MM:SS, local
    end_time: str = "17:30:00"
    days_of_week: tuple[int, ...] = (1, 2, 3, 4, 5)  # 1 = Monday

    def __post_init__(self) -> None:
        for key in ("start_time", "end_time"):
            require(bool(HH_MM_SS.match(getattr(self, key))), key, "must be HH:MM:SS")
        require(_valid_days(self.days_of_week), "days_of_week", "must be days 1-7")
        require(self.start_time < self.end_time, "end_time", "must be after start_time")


@dataclass(frozen=True)
class WeeklyWindow:
    """The one weekly window in which Google may maintain the environment, in the calendar's
    time zone at its winter (standard) offset: during daylight saving time it runs an hour
    later by the local clock, because GKE and Cloud SQL keep it in UTC.

    It opens with the databases' hour (Cloud SQL restarts the instances once, on
    `database_day`); the cluster's upgrades take the rest of it on every day, so the two never
    disrupt the environment at once.
    """

    days: tuple[int, ...] = (6, 7)  # 1 = Monday ... 7 = Sunday
    start_time: str = "01:00"  # HH:MM, opening of the window on each of its days
    hours: int = 7  # the databases' hour + the cluster's hours
    database_day: int = 7  # one of `days`: the day the databases' hour opens the window

    def __post_init__(self) -> None:
        require(_valid_days(self.days), "days", "must be distinct days 1-7")
        require(bool(HH_MM.match(self.start_time)), "start_time", "must be HH:MM")
        require(
            MIN_WINDOW_HOURS <= self.hours <= 24,
            "hours",
            f"must be from {MIN_WINDOW_HOURS} to 24: the databases' hour, then at least 4 hours "
            "for the cluster (GKE counts no shorter block)",
        )
        require(self.database_day in self.days, "database_day", "must be one of days")


@dataclass(frozen=True)
class Freeze:
    """A period in which nothing may change: no GKE upgrades, no Cloud SQL maintenance, and
    (unless `deny_syncs` is false) no automated Argo CD syncs; people may still sync by hand."""

    name: str  # a short slug: names the GKE exclusion and the Argo CD window
    start: str  # local date and time in the calendar's time zone: 2026-12-18T18:00
    end: str  # the same form; the freeze lasts at most 30 days (GKE's NO_UPGRADES limit)
    # Argo CD refuses automated syncs into the environment during the freeze (manual sync stays
    # allowed, for a hotfix). False: only the infrastructure is frozen.
    deny_syncs: bool = True

    def __post_init__(self) -> None:
        require(bool(SLUG.match(self.name)), "name", f"{self.name!r} must be a short slug")
        for key in ("start", "end"):
            value = getattr(self, key)
            require(bool(LOCAL_MINUTE.match(value)), key, f"{value!r} must be YYYY-MM-DDTHH:MM")
            try:
                datetime.fromisoformat(value)
            except ValueError:
                require(False, key, f"{value!r} is not a date")
        require(self.start < self.end, "end", f"{self.end} is not after start ({self.start})")


@dataclass(frozen=True)
class RecurringSyncWindow:
    """A recurring Argo CD sync window in the calendar's time zone, e.g. no automated syncs from
    Friday 16:00 to Monday 08:00. Outside every allow window, if any, syncs wait."""

    kind: Literal["allow", "deny"]
    schedule: str  # cron, 5 fields: when the window opens
    duration: str  # how long it stays open: 1h, 90m, 64h
    # A person may still sync by hand inside a deny window (break-glass for a hotfix).
    manual_sync: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        # Argo CD's own rules (SyncWindow, values_delivery.py) on the same fields.
        self.in_zone("UTC")

    def in_zone(self, time_zone: str) -> SyncWindow:
        """The window as Argo CD takes it, its schedule read in `time_zone`."""
        return SyncWindow(
            self.kind,
            self.schedule,
            self.duration,
            time_zone,
            self.manual_sync,
            self.description,
        )
