"""What the services take from the calendar (config/schedules.py): each value keeps the rule
its service has however it is built, so props built in code cannot carry what the API refuses."""

from __future__ import annotations

import pytest

from pace_infra.config.checks import FieldError
from pace_infra.config.schedules import (
    DenyMaintenancePeriod,
    MaintenanceExclusion,
    MaintenanceWindow,
    SqlMaintenanceWindow,
    SyncWindow,
)

WEEKEND = "FREQ=WEEKLY;BYDAY=SA,SU"
# (id, build, key, problem in the message)
INVALID = [
    (
        "gke-window-local",
        lambda: MaintenanceWindow("2025-01-04T02:00:00+01:00", "2025-01-04T08:00:00Z", WEEKEND),
        "start_time",
        "RFC 3339 UTC",
    ),
    (
        "gke-window-rrule",
        lambda: MaintenanceWindow("2025-01-04T02:00:00Z", "2025-01-04T08:00:00Z", "weekly"),
        "recurrence",
        "RRULE",
    ),
    (
        "exclusion-order",
        lambda: MaintenanceExclusion("x", "2027-01-04T08:00:00Z", "2026-12-18T18:00:00Z"),
        "end_time",
        "after start_time",
    ),
    ("sql-day", lambda: SqlMaintenanceWindow(day=8, hour=1), "day", "1 (Monday)"),
    ("sql-hour", lambda: SqlMaintenanceWindow(day=7, hour=24), "hour", "0 to 23"),
    (
        "deny-recurring-date",
        lambda: DenyMaintenancePeriod("12-18", "01-04", "18:00:00"),
        "start_date",
        "YYYY-MM-DD",
    ),
    (
        "deny-time",
        lambda: DenyMaintenancePeriod("2026-12-18", "2027-01-04", "18:00"),
        "time",
        "HH:MM:SS",
    ),
    ("window-cron", lambda: SyncWindow("deny", "* * *", "1h"), "schedule", "5-field cron"),
    ("window-duration", lambda: SyncWindow("deny", "0 1 * * *", "1d"), "duration", "hours"),
    (
        "window-zone",
        lambda: SyncWindow("allow", "0 1 * * *", "1h", "Nowhere/Else"),
        "time_zone",
        "unknown",
    ),
    (
        "window-description",
        lambda: SyncWindow("deny", "0 1 * * *", "1h", description="x" * 256),
        "description",
        "255",
    ),
]


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_a_value_built_in_code_keeps_its_services_rule(case):
    _, make, key, problem = case
    with pytest.raises(FieldError) as caught:
        make()
    assert (caught.value.key, problem in caught.value.problem) == (key, True)


def test_good_values_build_with_the_secure_defaults():
    assert MaintenanceExclusion("x", "2026-12-18T18:00:00Z", "2027-01-04T08:00:00Z").scope == (
        "NO_UPGRADES"
    )
    assert SyncWindow("deny", "0 16 * * 5", "64h", "Europe/London").manual_sync is True
    assert DenyMaintenancePeriod("2026-12-18", "2027-01-04", "18:00:00").time == "18:00:00"
