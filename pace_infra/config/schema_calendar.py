"""The calendar section: one time zone, the support hours, the weekly maintenance window, the
freezes and the recurring sync windows, from which every service's schedule is derived (verbs
below): GKE's recurring window and exclusions, Cloud SQL's weekly hour and deny period, Argo CD's
sync windows, PagerDuty's support hours. Its rules refuse what a service would refuse; the one
that needs today's date (a freeze that has ended) is in validate.py.

Time zones: support hours and recurring sync windows keep the zone (PagerDuty and Argo CD follow
daylight saving time); the weekly window is converted at the zone's winter offset, since GKE
and Cloud SQL keep it in UTC; freezes are converted instant by instant. See
docs/reference/calendar.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pace_infra.config.checks import is_time_zone, require
from pace_infra.config.schedules import (
    DenyMaintenancePeriod,
    MaintenanceExclusion,
    MaintenanceWindow,
    SqlMaintenanceWindow,
    SyncWindow,
)
from pace_infra.config.values_calendar import (
    Freeze,
    RecurringSyncWindow,
    SupportHours,
    WeeklyWindow,
)

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY = 24 * 60  # minutes
_WEEK = 7 * _DAY
# GKE: "You must allow at least 48 hours of maintenance availability in a 32-day rolling window.
# Only contiguous availability windows of at least four hours are considered" (Configure
# maintenance windows and exclusions). The API enforces it; the provider does not
# (resource_container_cluster.go at v6.50.0 validates only the RFC 3339 times).
GKE_ROLLING_DAYS = 32
GKE_MIN_AVAILABLE_HOURS = 48
GKE_MIN_BLOCK_HOURS = 4
# maintenance_exclusion is a TypeSet of at most 20 (resource_container_cluster.go at v6.50.0),
# keyed by exclusion_name in the API (a map): names must be unique. GKE limits a NO_UPGRADES
# exclusion to 30 days; the longer scopes must end before the minor version's end of support,
# which config cannot know, so freezes use NO_UPGRADES only.
GKE_MAX_EXCLUSIONS = 20
GKE_MAX_NO_UPGRADES_DAYS = 30
# deny_maintenance_period: MaxItems 1, not Computed (resource_sql_database_instance.go at
# v6.50.0); Cloud SQL allows one period of at most 90 days.
SQL_MAX_DENY_DAYS = 90
# The first occurrence GKE's recurring window is written from (any past date serves; this one
# keeps the window the environments have had since 2025-01-04).
_ANCHOR = date(2025, 1, 1)


@dataclass(frozen=True)
class CalendarConfig:
    """When people support PACE, when Google may maintain it, and when nothing may change."""

    # The one IANA zone people read the calendar in: support hours, the weekly window (at its
    # winter offset) and freezes are written in it.
    time_zone: str = "Europe/London"
    support_hours: SupportHours = field(default_factory=SupportHours)
    maintenance: WeeklyWindow = field(default_factory=WeeklyWindow)
    # One-off periods without maintenance or automated syncs (e.g. year-end). Remove one once it
    # has ended: validation refuses it (its Argo CD window would recur a year later).
    freezes: tuple[Freeze, ...] = ()
    # Recurring Argo CD windows, e.g. {kind: deny, schedule: "0 16 * * 5", duration: 64h}.
    sync_windows: tuple[RecurringSyncWindow, ...] = ()

    def __post_init__(self) -> None:
        require(
            is_time_zone(self.time_zone),
            "time_zone",
            f"{self.time_zone!r} is not an IANA time zone (e.g. Europe/London, UTC)",
        )
        require(
            self._utc_start_minute() % 60 == 0,
            "maintenance.start_time",
            f"{self.maintenance.start_time} in {self.time_zone} is not on a whole hour in UTC "
            "(Cloud SQL's window is an hour of UTC)",
        )
        available = gke_available_hours(self._utc_cluster_starts(), self.maintenance.hours - 1)
        require(
            available >= GKE_MIN_AVAILABLE_HOURS,
            "maintenance",
            f"gives the cluster {available:g} h in the worst {GKE_ROLLING_DAYS} days; GKE "
            f"requires {GKE_MIN_AVAILABLE_HOURS} h (blocks of {GKE_MIN_BLOCK_HOURS} h or more)",
        )
        self._check_freezes()

    # -- derived schedules ---------------------------------------------------------------------

    def gke_window(self) -> MaintenanceWindow:
        """The cluster's share of the weekly window: from the hour after it opens to its end."""
        minute = self._utc_start_minute() + 60
        days = self._utc_days(minute)
        first = next(d for d in _week_from(_ANCHOR) if d.isoweekday() in days)
        start = datetime.combine(first, time(), UTC) + timedelta(minutes=minute % _DAY)
        end = start + timedelta(hours=self.maintenance.hours - 1)
        return MaintenanceWindow(
            start_time=_rfc3339(start),
            end_time=_rfc3339(end),
            recurrence="FREQ=WEEKLY;BYDAY=" + ",".join(_RRULE_DAYS[d - 1] for d in days),
        )

    def sql_window(self) -> SqlMaintenanceWindow:
        """The databases' hour: the window's first hour on `database_day`, in UTC."""
        minute = self._utc_start_minute()
        day = _shift_day(self.maintenance.database_day, minute)
        return SqlMaintenanceWindow(day=day, hour=(minute % _DAY) // 60)

    def gke_exclusions(self) -> tuple[MaintenanceExclusion, ...]:
        """One NO_UPGRADES exclusion per freeze, in UTC."""
        return tuple(
            MaintenanceExclusion(f.name, _rfc3339(start), _rfc3339(end))
            for f, (start, end) in zip(self.freezes, self._freeze_instants(), strict=True)
        )

    def sql_deny_period(self) -> DenyMaintenancePeriod | None:
        """Cloud SQL holds one deny period: from the first freeze's start to the last one's end,
        its end rounded up to the start's time of day (Cloud SQL has one time for both)."""
        if not self.freezes:
            return None
        start, end = self._deny_span()
        return DenyMaintenancePeriod(
            start_date=start.date().isoformat(),
            end_date=end.date().isoformat(),
            time=start.strftime("%H:%M:%S"),
        )

    def argocd_sync_windows(self) -> tuple[SyncWindow, ...]:
        """The recurring windows in the calendar's zone, then a deny window per freeze that
        denies syncs. A freeze's window is written in UTC: Argo CD v3.1.8 reads a schedule at
        the zone's offset of the moment it evaluates it (SyncWindow.scheduleOffsetByTimeZone),
        which would move a freeze that spans a daylight-saving change by an hour. Cron has no
        year: the window recurs on the same dates each year until the freeze is removed."""
        windows = [w.in_zone(self.time_zone) for w in self.sync_windows]
        for freeze, (start, end) in zip(self.freezes, self._freeze_instants(), strict=True):
            if freeze.deny_syncs:
                windows.append(
                    SyncWindow(
                        kind="deny",
                        schedule=f"{start.minute} {start.hour} {start.day} {start.month} *",
                        duration=_go_duration(end - start),
                        time_zone="UTC",
                        manual_sync=True,
                        description=(
                            f"Freeze {freeze.name}: {freeze.start} to {freeze.end} "
                            f"{self.time_zone}; sync by hand for a hotfix"
                        ),
                    )
                )
        return tuple(windows)

    # -- conversions ---------------------------------------------------------------------------

    def winter_offset(self) -> timedelta:
        """The zone's offset from UTC without daylight saving time: the lower of its January and
        July offsets (daylight saving time only ever adds, in either hemisphere)."""
        zone = ZoneInfo(self.time_zone)
        offsets = (datetime(_ANCHOR.year, m, 1, tzinfo=zone).utcoffset() for m in (1, 7))
        return min(o for o in offsets if o is not None)

    def instant(self, local: str) -> datetime:
        """A local `YYYY-MM-DDTHH:MM` of the calendar's zone as a UTC instant (the earlier one
        of a time that occurs twice when the clocks go back)."""
        aware = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(self.time_zone))
        return aware.astimezone(UTC)

    def _exists(self, local: str) -> bool:
        """False for a local time the clocks skip when they go forward."""
        naive = datetime.fromisoformat(local)
        zone = ZoneInfo(self.time_zone)
        return self.instant(local).astimezone(zone).replace(tzinfo=None) == naive

    def _utc_start_minute(self) -> int:
        """The window's opening in UTC, in minutes after 00:00 UTC of its local day (negative,
        or a day or more, when the offset moves it to another UTC day)."""
        hour, minute = map(int, self.maintenance.start_time.split(":"))
        return hour * 60 + minute - int(self.winter_offset().total_seconds()) // 60

    def _utc_days(self, minute: int) -> list[int]:
        return sorted({_shift_day(day, minute) for day in self.maintenance.days})

    def _utc_cluster_starts(self) -> list[int]:
        """The cluster's blocks' starts, in minutes of the UTC week from Monday 00:00."""
        minute = self._utc_start_minute() + 60
        return [(day - 1) * _DAY + minute % _DAY for day in self._utc_days(minute)]

    def _freeze_instants(self) -> list[tuple[datetime, datetime]]:
        return [(self.instant(f.start), self.instant(f.end)) for f in self.freezes]

    def _deny_span(self) -> tuple[datetime, datetime]:
        instants = self._freeze_instants()
        start = min(s for s, _ in instants)
        last = max(e for _, e in instants)
        end = datetime.combine(last.date(), start.timetz())
        return start, end if end >= last else end + timedelta(days=1)

    def _check_freezes(self) -> None:
        names: set[str] = set()
        spans: list[tuple[datetime, datetime, str]] = []
        for i, freeze in enumerate(self.freezes):
            key = f"freezes[{i}]"
            for part in ("start", "end"):
                local = getattr(freeze, part)
                require(
                    self._exists(local),
                    f"{key}.{part}",
                    f"{local} does not exist in {self.time_zone} (the clocks go forward)",
                )
            require(freeze.name not in names, f"{key}.name", f"{freeze.name!r} is used twice")
            names.add(freeze.name)
            start, end = self.instant(freeze.start), self.instant(freeze.end)
            require(
                end - start <= timedelta(days=GKE_MAX_NO_UPGRADES_DAYS),
                f"{key}.end",
                f"the freeze lasts {_days(end - start)} days: GKE holds upgrades (NO_UPGRADES) "
                f"for {GKE_MAX_NO_UPGRADES_DAYS} days at most",
            )
            for other_start, other_end, other in spans:
                require(
                    end <= other_start or start >= other_end,
                    f"{key}.start",
                    f"overlaps freeze {other!r}: make them one",
                )
            spans.append((start, end, freeze.name))
        require(
            len(self.freezes) <= GKE_MAX_EXCLUSIONS,
            "freezes",
            f"GKE holds at most {GKE_MAX_EXCLUSIONS} maintenance exclusions",
        )
        if self.freezes:
            start, end = self._deny_span()
            require(
                end - start <= timedelta(days=SQL_MAX_DENY_DAYS),
                "freezes",
                f"span {_days(end - start)} days from the first start to the last end: Cloud "
                f"SQL holds one deny maintenance period of at most {SQL_MAX_DENY_DAYS} days "
                "(declare a later freeze once the earlier ones are over)",
            )


def gke_available_hours(starts: list[int], hours: int) -> float:
    """The least maintenance time GKE counts in any 32 consecutive days of a weekly window whose
    blocks of `hours` start at `starts` (minutes of the week): a block, or the part of it inside
    the 32 days, counts only if it lasts 4 hours or more."""
    length, rolling, least = hours * 60, GKE_ROLLING_DAYS * _DAY, GKE_MIN_BLOCK_HOURS * 60
    weeks = range(-1, GKE_ROLLING_DAYS // 7 + 3)
    blocks = [(w * _WEEK + s, w * _WEEK + s + length) for w in weeks for s in starts]

    def counted(t: int) -> int:
        parts = (min(e, t + rolling) - max(s, t) for s, e in blocks)
        return sum(p for p in parts if p >= least)

    # The count changes only where a block edge, or a 4-hour threshold, meets an edge of the
    # 32 days: its least value is at one of those minutes or next to it (times are whole minutes).
    edges = {
        x + d
        for s, e in blocks
        for x in (s, e - least, e, s - rolling, s + least - rolling, e - rolling)
        for d in (-1, 0, 1)
    }
    return min(counted(t % _WEEK) for t in edges) / 60


def _week_from(first: date) -> list[date]:
    return [first + timedelta(days=n) for n in range(7)]


def _shift_day(day: int, minute: int) -> int:
    """ISO weekday `day`, moved by the whole days in `minute` (a UTC conversion's day change)."""
    return (day - 1 + minute // _DAY) % 7 + 1


def _rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _go_duration(span: timedelta) -> str:
    """A duration as Go's time.ParseDuration reads it: 408h, 383h30m."""
    minutes = int(span.total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def _days(span: timedelta) -> str:
    return f"{span.total_seconds() / 86400:g}"
