"""What the services take from the environment's calendar (config/schema_calendar.py derives
them): GKE's recurring window and exclusions, Cloud SQL's weekly hour and deny period, Argo CD's
sync windows. Construct props take these; each rule sits in `__post_init__`, so a value built in
code keeps the rule the service has. No cdktf import: config builds them before the bindings load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pace_infra.config.checks import CRON, HH_MM_SS, RFC3339_UTC, is_time_zone, require

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class MaintenanceWindow:
    """GKE's recurring window: RFC 5545 RRULE; start and end in UTC ("Z": GKE returns UTC, so
    any other form is a permanent diff, google provider docs for container_cluster at v6.50.0);
    the start's date is only the first occurrence, the end gives the duration."""

    start_time: str
    end_time: str
    recurrence: str

    def __post_init__(self) -> None:
        for key in ("start_time", "end_time"):
            require(
                bool(RFC3339_UTC.match(getattr(self, key))),
                key,
                "must be RFC 3339 UTC, e.g. 2025-01-04T02:00:00Z",
            )
        require(
            self.recurrence.startswith("FREQ="),
            "recurrence",
            "must be an RFC 5545 RRULE (FREQ=...)",
        )


ExclusionScope = Literal["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"]


@dataclass(frozen=True)
class MaintenanceExclusion:
    """A GKE maintenance exclusion: no automatic upgrades of `scope` between start and end."""

    name: str
    start_time: str  # RFC 3339 UTC
    end_time: str
    # NO_UPGRADES also holds patch upgrades, of the control plane and the nodes; GKE limits an
    # exclusion of this scope to 30 days (the calendar refuses a longer freeze).
    scope: ExclusionScope = "NO_UPGRADES"

    def __post_init__(self) -> None:
        for key in ("start_time", "end_time"):
            require(bool(RFC3339_UTC.match(getattr(self, key))), key, "must be RFC 3339 UTC")
        require(self.start_time < self.end_time, "end_time", "must be after start_time")


@dataclass(frozen=True)
class SqlMaintenanceWindow:
    """When Cloud SQL may restart an instance for maintenance: a weekly hour, UTC."""

    day: int  # 1 = Monday ... 7 = Sunday
    hour: int  # UTC

    def __post_init__(self) -> None:
        require(1 <= self.day <= 7, "day", "must be 1 (Monday) to 7 (Sunday)")
        require(0 <= self.hour <= 23, "hour", "must be 0 to 23 (UTC)")


@dataclass(frozen=True)
class DenyMaintenancePeriod:
    """Cloud SQL's deny maintenance period: no maintenance from start_date at `time` (UTC) to
    end_date at `time`. One per instance, at most 90 days (the calendar checks the span)."""

    start_date: str  # YYYY-MM-DD (MM-DD would recur every year: never written here)
    end_date: str
    time: str  # HH:MM:SS, UTC

    def __post_init__(self) -> None:
        for key in ("start_date", "end_date"):
            require(bool(_DATE.match(getattr(self, key))), key, "must be YYYY-MM-DD")
        require(bool(HH_MM_SS.match(self.time)), "time", "must be HH:MM:SS")
        require(self.start_date < self.end_date, "end_date", "must be after start_date")


# Argo CD parses a window's schedule as a 5-field cron and its duration with Go's
# time.ParseDuration (SyncWindow.Validate, pkg/apis/application/v1alpha1/types.go at v3.1.8).
_GO_DURATION = re.compile(r"^(?=\d)(\d+h)?(\d+m)?(\d+s)?$")


@dataclass(frozen=True)
class SyncWindow:
    """When Argo CD may (allow) or may not (deny) sync PACE's Applications automatically, e.g.
    a deny window over a release freeze. Outside every allow window, syncs wait."""

    kind: Literal["allow", "deny"]
    schedule: str  # cron, 5 fields: when the window opens
    duration: str  # how long it stays open: 1h, 90m, 48h
    # IANA zone of the schedule. Argo CD falls back to UTC on an unknown one: refused here.
    time_zone: str = "UTC"
    # A person may still sync by hand inside a deny window (break-glass for a hotfix).
    manual_sync: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        require(bool(CRON.match(self.schedule)), "schedule", "must be a 5-field cron schedule")
        require(
            bool(_GO_DURATION.match(self.duration)),
            "duration",
            f"{self.duration!r} must be hours, minutes and/or seconds (1h, 90m, 48h)",
        )
        require(is_time_zone(self.time_zone), "time_zone", f"{self.time_zone!r} is unknown")
        require(len(self.description) <= 255, "description", "is longer than 255 characters")
