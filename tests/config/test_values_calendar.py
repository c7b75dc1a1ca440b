"""The calendar's value types (config/values_calendar.py): their own rules hold however they are
built. The same rules read from a file, and the rules across the calendar, are in
test_schema_calendar.py."""

from __future__ import annotations

import pytest

from pace_infra.config.checks import FieldError
from pace_infra.config.values_calendar import (
    Freeze,
    RecurringSyncWindow,
    SupportHours,
    WeeklyWindow,
)

# (id, build, key, problem in the message)
INVALID = [
    ("support-time", lambda: SupportHours(start_time="9am"), "start_time", "HH:MM:SS"),
    ("support-days", lambda: SupportHours(days_of_week=(0, 8)), "days_of_week", "days 1-7"),
    (
        "support-order",
        lambda: SupportHours("17:30:00", "09:00:00"),
        "end_time",
        "after start_time",
    ),
    ("window-days", lambda: WeeklyWindow(days=(6, 6)), "days", "distinct days"),
    ("window-time", lambda: WeeklyWindow(start_time="1am"), "start_time", "HH:MM"),
    # The databases' hour and a block of 4 hours GKE counts.
    ("window-short", lambda: WeeklyWindow(hours=4), "hours", "from 5 to 24"),
    ("window-long", lambda: WeeklyWindow(hours=25), "hours", "from 5 to 24"),
    ("window-db-day", lambda: WeeklyWindow(database_day=1), "database_day", "one of days"),
    (
        "freeze-name",
        lambda: Freeze("Year End", "2026-12-18T18:00", "2027-01-04T08:00"),
        "name",
        "short slug",
    ),
    (
        "freeze-form",
        lambda: Freeze("x", "2026-12-18 18:00", "2027-01-04T08:00"),
        "start",
        "YYYY-MM-DDTHH:MM",
    ),
    (
        "freeze-date",
        lambda: Freeze("x", "2026-02-30T18:00", "2027-01-04T08:00"),
        "start",
        "not a date",
    ),
    (
        "freeze-order",
        lambda: Freeze("x", "2027-01-04T08:00", "2026-12-18T18:00"),
        "end",
        "not after start",
    ),
    (
        "sync-cron",
        lambda: RecurringSyncWindow("deny", "Fridays", "64h"),
        "schedule",
        "5-field cron",
    ),
    (
        "sync-duration",
        lambda: RecurringSyncWindow("deny", "0 16 * * 5", "2d"),
        "duration",
        "hours, minutes",
    ),
]


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_a_value_built_in_code_keeps_its_rules(case):
    _, make, key, problem = case
    with pytest.raises(FieldError) as caught:
        make()
    assert (caught.value.key, problem in caught.value.problem) == (key, True)


def test_the_defaults_are_todays_support_hours_and_weekend_nights():
    assert SupportHours() == SupportHours("09:00:00", "17:30:00", (1, 2, 3, 4, 5))
    assert WeeklyWindow() == WeeklyWindow((6, 7), "01:00", 7, 7)
    assert Freeze("x", "2026-12-18T18:00", "2027-01-04T08:00").deny_syncs is True


def test_a_recurring_window_takes_the_zone_it_is_read_in():
    window = RecurringSyncWindow("deny", "0 16 * * 5", "64h", description="weekend")
    argo = window.in_zone("Europe/London")
    assert (argo.kind, argo.schedule, argo.duration, argo.time_zone, argo.manual_sync) == (
        "deny",
        "0 16 * * 5",
        "64h",
        "Europe/London",
        True,
    )
    assert argo.description == "weekend"
