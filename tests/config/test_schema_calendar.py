"""The calendar section (config/schema_calendar.py): what each service is given (GKE, Cloud SQL,
Argo CD), across daylight saving changes, and every calendar a service would refuse, refused
through the CLI with exit 2 and one line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pace_infra.config.checks import FieldError
from pace_infra.config.schedules import (
    DenyMaintenancePeriod,
    MaintenanceExclusion,
    MaintenanceWindow,
    SqlMaintenanceWindow,
    SyncWindow,
)
from pace_infra.config.schema_calendar import CalendarConfig, gke_available_hours
from pace_infra.config.values_calendar import Freeze, RecurringSyncWindow, WeeklyWindow
from tests.config.files import raw, set_key, write
from tests.conftest import REPO

YEAR_END = Freeze("year-end", "2026-12-18T18:00", "2027-01-04T08:00")
# London's clocks go forward at 01:00 GMT on 2027-03-28 and back at 02:00 BST on 2027-10-31.
EASTER = Freeze("easter", "2027-03-20T00:00", "2027-04-05T00:00")


def _local(utc: str, zone: str) -> str:
    """An RFC 3339 UTC time as the clock in `zone` shows it."""
    instant = datetime.fromisoformat(utc.replace("Z", "+00:00"))
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %H:%M")


# --- GKE and Cloud SQL: the weekly window --------------------------------------------------------


def test_the_default_window_gives_the_cluster_the_window_it_always_had():
    assert CalendarConfig().gke_window() == MaintenanceWindow(
        "2025-01-04T02:00:00Z", "2025-01-04T08:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU"
    )


def test_the_databases_hour_opens_the_window_and_the_cluster_starts_after_it():
    calendar = CalendarConfig()
    assert calendar.sql_window() == SqlMaintenanceWindow(day=7, hour=1)  # Sunday 01:00-02:00
    window = calendar.gke_window()
    assert window.start_time.endswith("T02:00:00Z")  # the cluster from 02:00: no overlap


def test_the_databases_day_is_the_calendars_choice():
    calendar = CalendarConfig(maintenance=WeeklyWindow(database_day=6))
    assert calendar.sql_window() == SqlMaintenanceWindow(day=6, hour=1)
    assert calendar.gke_window().recurrence == "FREQ=WEEKLY;BYDAY=SA,SU"


def test_in_summer_time_the_window_runs_an_hour_later_by_the_local_clock():
    # GKE's recurrence and Cloud SQL's hour are UTC: converted at London's winter offset.
    window = CalendarConfig().gke_window()
    january = window.start_time
    july = january.replace("2025-01-04", "2025-07-05")  # also a Saturday
    assert _local(january, "Europe/London") == "Sat 02:00"
    assert _local(july, "Europe/London") == "Sat 03:00"


def test_a_window_west_of_utc_moves_to_the_next_utc_day():
    # Saturday 22:00 in New York (winter, UTC-5) is Sunday 03:00 UTC.
    calendar = CalendarConfig(
        time_zone="America/New_York",
        maintenance=WeeklyWindow(days=(6,), start_time="22:00", hours=24, database_day=6),
    )
    assert calendar.sql_window() == SqlMaintenanceWindow(day=7, hour=3)
    assert calendar.gke_window() == MaintenanceWindow(
        "2025-01-05T04:00:00Z", "2025-01-06T03:00:00Z", "FREQ=WEEKLY;BYDAY=SU"
    )


def test_the_winter_offset_is_the_zones_offset_without_daylight_saving_time():
    hours = {
        zone: CalendarConfig(time_zone=zone).winter_offset().total_seconds() / 3600
        for zone in ("Europe/London", "Europe/Dublin", "America/New_York", "Australia/Sydney")
    }
    assert hours == {
        "Europe/London": 0,
        "Europe/Dublin": 0,
        "America/New_York": -5,
        "Australia/Sydney": 10,  # daylight saving time is January there
    }


def test_gke_counts_only_blocks_of_four_hours_in_the_worst_32_days():
    day = 24 * 60
    saturday, sunday = 5 * day + 120, 6 * day + 120
    assert gke_available_hours([saturday, sunday], 6) == 48  # the default: exactly enough
    assert gke_available_hours([sunday], 6) == 24
    assert gke_available_hours([saturday, sunday], 3) == 0  # 3-hour blocks do not count


# --- freezes: GKE exclusions, Cloud SQL's deny period, Argo CD's deny windows --------------------


def test_a_freeze_holds_gke_cloud_sql_and_automated_syncs():
    calendar = CalendarConfig(freezes=(YEAR_END,))
    assert calendar.gke_exclusions() == (
        MaintenanceExclusion("year-end", "2026-12-18T18:00:00Z", "2027-01-04T08:00:00Z"),
    )
    # One time for both dates: the end rounds up to the start's time of day.
    assert calendar.sql_deny_period() == DenyMaintenancePeriod(
        "2026-12-18", "2027-01-04", "18:00:00"
    )
    (window,) = calendar.argocd_sync_windows()
    assert (window.kind, window.schedule, window.duration, window.time_zone) == (
        "deny",
        "0 18 18 12 *",
        "398h",
        "UTC",
    )
    assert window.manual_sync is True  # a hotfix may still be synced by hand


def test_a_freeze_across_the_spring_change_keeps_its_local_start_and_end():
    calendar = CalendarConfig(freezes=(EASTER,))
    (exclusion,) = calendar.gke_exclusions()
    # 00:00 GMT, then 00:00 BST (23:00 UTC the day before).
    assert (exclusion.start_time, exclusion.end_time) == (
        "2027-03-20T00:00:00Z",
        "2027-04-04T23:00:00Z",
    )
    assert calendar.sql_deny_period() == DenyMaintenancePeriod(
        "2027-03-20", "2027-04-05", "00:00:00"
    )
    # Written in UTC: 16 days less the hour the clocks skip.
    (window,) = calendar.argocd_sync_windows()
    assert (window.schedule, window.duration, window.time_zone) == ("0 0 20 3 *", "383h", "UTC")


def test_a_local_time_that_occurs_twice_is_the_earlier_instant():
    calendar = CalendarConfig(freezes=(Freeze("autumn", "2027-10-31T01:30", "2027-11-02T09:00"),))
    assert calendar.gke_exclusions()[0].start_time == "2027-10-31T00:30:00Z"  # 01:30 BST


def test_the_deny_period_spans_every_freeze():
    black_friday = Freeze("black-friday", "2026-11-27T00:00", "2026-11-30T09:00")
    calendar = CalendarConfig(freezes=(YEAR_END, black_friday))
    assert calendar.sql_deny_period() == DenyMaintenancePeriod(
        "2026-11-27",
        "2027-01-05",
        "00:00:00",  # 08:00 rounded up to the start's 00:00
    )
    assert [e.name for e in calendar.gke_exclusions()] == ["year-end", "black-friday"]


def test_no_freeze_no_exclusion_no_deny_period_no_window():
    calendar = CalendarConfig()
    assert (calendar.gke_exclusions(), calendar.sql_deny_period()) == ((), None)
    assert calendar.argocd_sync_windows() == ()


def test_recurring_windows_keep_the_calendars_zone_and_open_freezes_add_none():
    weekend = RecurringSyncWindow("deny", "0 16 * * 5", "64h", description="weekend")
    open_freeze = Freeze("year-end", "2026-12-18T18:00", "2027-01-04T08:00", deny_syncs=False)
    calendar = CalendarConfig(freezes=(open_freeze,), sync_windows=(weekend,))
    assert calendar.argocd_sync_windows() == (
        SyncWindow("deny", "0 16 * * 5", "64h", "Europe/London", True, "weekend"),
    )
    assert calendar.gke_exclusions()  # the infrastructure is frozen all the same


def test_a_calendar_built_in_code_keeps_the_services_rules():
    with pytest.raises(FieldError) as caught:
        CalendarConfig(maintenance=WeeklyWindow(days=(7,), database_day=7))
    assert caught.value.key == "maintenance"


# --- refused through the CLI: exit 2, one line naming file and key --------------------------------


def _freeze(name: str, start: str, end: str) -> dict:
    return {"name": name, "start": start, "end": end}


_SHORT = [
    _freeze(f"f{i}", f"2028-01-{i + 1:02d}T00:00", f"2028-01-{i + 1:02d}T12:00") for i in range(21)
]

# (id, key path to set in prod, value, key named, problem in the message)
# fmt: off
REFUSED = [
    ("zone", "calendar.time_zone", "Mars/Olympus", "calendar.time_zone", "not an IANA time zone"),
    ("half-hour-zone", "calendar.time_zone", "Asia/Kolkata", "calendar.maintenance.start_time",
     "not on a whole hour in UTC"),
    ("gke-48h", "calendar.maintenance", {"days": [7], "database_day": 7}, "calendar.maintenance",
     "GKE requires 48 h"),
    ("gke-4h-blocks", "calendar.maintenance", {"hours": 4}, "calendar.maintenance.hours",
     "at least 4 hours"),
    ("db-day", "calendar.maintenance", {"database_day": 1}, "calendar.maintenance.database_day",
     "one of days"),
    ("support", "calendar.support_hours", {"start_time": "9am"},
     "calendar.support_hours.start_time", "HH:MM:SS"),
    ("freeze-form", "calendar.freezes", [_freeze("x", "18/12/2027", "2028-01-04T08:00")],
     "calendar.freezes[0].start", "YYYY-MM-DDTHH:MM"),
    ("freeze-order", "calendar.freezes", [_freeze("x", "2028-01-04T08:00", "2027-12-18T18:00")],
     "calendar.freezes[0].end", "not after start"),
    ("freeze-skipped-time", "calendar.freezes",
     [_freeze("x", "2027-03-28T01:30", "2027-04-02T00:00")], "calendar.freezes[0].start",
     "does not exist in Europe/London"),
    ("gke-30-days", "calendar.freezes", [_freeze("x", "2027-12-01T00:00", "2028-01-01T00:00")],
     "calendar.freezes[0].end", "30 days at most"),
    ("freeze-twice", "calendar.freezes",
     [_freeze("x", "2027-12-01T00:00", "2027-12-02T00:00"),
      _freeze("x", "2027-12-20T00:00", "2027-12-21T00:00")],
     "calendar.freezes[1].name", "used twice"),
    ("freeze-overlap", "calendar.freezes",
     [_freeze("a", "2027-12-01T00:00", "2027-12-10T00:00"),
      _freeze("b", "2027-12-09T00:00", "2027-12-20T00:00")],
     "calendar.freezes[1].start", "overlaps freeze 'a'"),
    ("gke-20-exclusions", "calendar.freezes", _SHORT, "calendar.freezes", "at most 20"),
    ("sql-90-days", "calendar.freezes",
     [_freeze("spring", "2027-04-01T00:00", "2027-04-05T00:00"),
      _freeze("summer", "2027-08-01T00:00", "2027-08-05T00:00")],
     "calendar.freezes", "at most 90 days"),
    ("ended", "calendar.freezes", [_freeze("x", "2020-12-18T18:00", "2021-01-04T08:00")],
     "calendar.freezes[0].end", "has passed: remove the ended freeze"),
    ("sync-cron", "calendar.sync_windows",
     [{"kind": "deny", "schedule": "Fridays", "duration": "1h"}],
     "calendar.sync_windows[0].schedule", "5-field cron"),
    # The keys the calendar replaced are refused, not silently ignored.
    ("moved-gke-key", "gke.maintenance_start_time", "2025-01-04T02:00:00Z",
     "gke.maintenance_start_time", "unknown key"),
    ("moved-sql-key", "databases.maintenance_day", 7, "databases.maintenance_day", "unknown key"),
    ("moved-support-key", "oncall.support_hours", {"start_time": "09:00:00"},
     "oncall.support_hours", "unknown key"),
    ("moved-sync-key", "gitops.sync_windows", [], "gitops.sync_windows", "unknown key"),
]
# fmt: on


@pytest.mark.parametrize("case", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_calendar_a_service_would_refuse_exits_2_with_one_line(tmp_path, case):
    _, dotted, value, key, problem = case
    write(tmp_path / "environments", {"prod.yaml": set_key(raw("prod"), dotted, value)})
    result = subprocess.run(
        [sys.executable, "-m", "pace_infra.config"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"environments/prod.yaml: {key}: "), line
    assert problem in line, line
