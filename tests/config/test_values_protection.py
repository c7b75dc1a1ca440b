"""Logical exports and restore drills: defaults, and rules that hold however they are built."""

from __future__ import annotations

import pytest

from pace_infra.config.checks import FieldError
from pace_infra.config.values_protection import LogicalExports, RestoreDrill
from tests.config.files import assert_invalid_input_names_file_key_and_problem

# (id, build, key, problem in the message)
INVALID = [
    ("export-cron", lambda: LogicalExports(schedule="daily"), "schedule", "5-field cron"),
    ("export-retention", lambda: LogicalExports(retention_days=3), "retention_days", "7 to"),
    ("export-region", lambda: LogicalExports(bucket_region="mars-1"), "bucket_region", "region"),
    ("stale-reason", lambda: LogicalExports(off_reason="x"), "off_reason", "enabled: false"),
    ("empty-reason", lambda: RestoreDrill(enabled=False, off_reason=" "), "off_reason", "empty"),
    ("drill-cron", lambda: RestoreDrill(schedule="0 5 * *"), "schedule", "5-field cron"),
    ("drill-rto", lambda: RestoreDrill(rto_minutes=5), "rto_minutes", "10 to 1440"),
    ("drill-stale", lambda: RestoreDrill(stale_after_days=60), "stale_after_days", "2 to 35"),
]


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_a_value_built_in_code_keeps_its_rules(case):
    _, make, key, problem = case
    with pytest.raises(FieldError) as caught:
        make()
    assert (caught.value.key, problem in caught.value.problem) == (key, True)


# fmt: off
INVALID_IN_FILES = [
    ("export-cron", "prod", "databases.exports", {"schedule": "0 1 * *"}, "5-field cron",
     "databases.exports.schedule"),
    ("drill-rto", "prod", "databases.restore_drill", {"rto_minutes": 0}, "10 to 1440",
     "databases.restore_drill.rto_minutes"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID_IN_FILES, ids=[case[0] for case in INVALID_IN_FILES])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


def test_both_are_on_by_default_with_a_locked_retention():
    exports, drill = LogicalExports(), RestoreDrill()
    assert exports.enabled and exports.lock_retention and drill.enabled
    assert (drill.rto_minutes, drill.stale_after_days) == (60, 8)


def test_off_with_its_reason_is_a_valid_value():
    assert RestoreDrill(enabled=False, off_reason="a copy of prod runs it").enabled is False
