"""database_alerts: one Cloud SQL instance's alerts, from plain inputs (no synth)."""

from __future__ import annotations

import re

from pace_infra.config import Thresholds
from pace_infra.monitoring.database_alerts import BYTES_PER_GB, database_alerts, replica_alerts
from pace_infra.monitoring.model import Threshold


def test_every_condition_watches_exactly_this_instance_and_connections_use_its_maximum():
    specs = database_alerts(
        "pace-t", "pace-t-ai-db", 120, 500, Thresholds(sql_connections_ratio=0.75)
    )
    assert [s.key for s in specs] == [
        f"data-pace-t-ai-db-{k}"
        for k in ("cpu", "memory", "disk-limit", "disk-forecast", "connections", "down")
    ]
    for spec in specs:
        assert spec.system == "data"
        for condition in spec.conditions:
            assert re.findall(r'database_id="([^"]+)"', condition.filter) == ["pace-t:pace-t-ai-db"]
    (connections,) = [s for s in specs if s.key.endswith("-connections")]
    (threshold,) = connections.conditions
    assert isinstance(threshold, Threshold) and threshold.threshold == 90  # 75 % of 120


def test_silence_counts_as_down():
    (down,) = [
        s for s in database_alerts("p", "db", 100, 100, Thresholds()) if s.key.endswith("-down")
    ]
    (condition,) = down.conditions
    assert condition.missing_data == "EVALUATION_MISSING_DATA_ACTIVE"
    assert down.severity == "CRITICAL"


def test_the_restore_drill_alert_fires_without_a_drill_for_days_or_on_one_slower_than_the_rto():
    from pace_infra.monitoring.database_alerts import DrillWatch, restore_drill_alert
    from pace_infra.monitoring.model import Promql

    watch = DrillWatch("pace-t-db-drill", ("pace-t-db",), rto_minutes=45, stale_after_days=9)
    spec = restore_drill_alert("pace-t-db", watch)
    series = (
        "custom_googleapis_com:pace_restore_drill_duration_seconds"
        '{monitored_resource="global",source_instance="pace-t-db"}[9d]'
    )
    # One PromQL condition (a PromQL policy may have no other): either failure opens it.
    (condition,) = spec.conditions
    assert isinstance(condition, Promql)
    assert condition.query == (f"absent_over_time({series}) or max_over_time({series}) > 2700")
    assert (spec.system, spec.severity, spec.runbook) == ("data", "WARNING", "restore-drill")
    assert "pace-t-db-drill" in spec.first_steps


def test_the_export_alert_fires_without_a_successful_export_in_26_hours():
    from pace_infra.monitoring.database_alerts import ExportWatch, database_export_alert
    from pace_infra.monitoring.model import Promql

    spec = database_export_alert("pace-t-db", ExportWatch("pace-t-db-export", ("pace-t-db",)))
    # One PromQL condition over 26 h: a metric-absence condition stops at 23.5 h.
    (condition,) = spec.conditions
    assert isinstance(condition, Promql)
    assert condition.query == (
        "absent_over_time(custom_googleapis_com:pace_database_export_completed"
        '{monitored_resource="global",source_instance="pace-t-db"}[26h])'
    )
    assert (condition.duration, condition.evaluation_interval) == ("300s", "300s")
    assert (spec.key, spec.system, spec.severity, spec.runbook) == (
        "data-pace-t-db-export",
        "data",
        "WARNING",
        "export-missed",
    )
    assert "pace-t-db-export" in spec.first_steps


def test_disk_bytes_used_are_held_against_the_autoresize_limit_not_utilization():
    specs = {
        s.key: s for s in database_alerts("p", "db", 100, 250, Thresholds(sql_disk_limit_ratio=0.8))
    }
    (limit,) = specs["data-db-disk-limit"].conditions
    (forecast,) = specs["data-db-disk-forecast"].conditions
    for condition in (limit, forecast):
        assert 'metric.type="cloudsql.googleapis.com/database/disk/bytes_used"' in condition.filter
    assert limit.threshold == 200 * BYTES_PER_GB  # 80 % of 250 GB
    assert (forecast.threshold, forecast.forecast_horizon) == (250 * BYTES_PER_GB, "21600s")
    # Autoresize keeps utilization near its ceiling on a large disk: no alert reads it.
    assert not any("disk/utilization" in c.filter for s in specs.values() for c in s.conditions)


def test_no_alert_on_instance_state_failed():
    # FAILED is a failed creation; a running instance's failure is `up` at 0 or silent.
    specs = database_alerts("p", "db", 100, 100, Thresholds())
    assert not any("instance_state" in c.filter for s in specs for c in s.conditions)


def test_a_dr_replica_must_be_up_and_close_behind_in_support_hours():
    down, lag = replica_alerts("p", "db-dr", Thresholds(sql_replica_lag_seconds=120))
    (up,) = down.conditions
    (behind,) = lag.conditions
    assert 'resource.label.database_id="p:db-dr"' in up.filter
    assert up.missing_data == "EVALUATION_MISSING_DATA_ACTIVE"
    assert "cloudsql.googleapis.com/database/replication/replica_lag" in behind.filter
    assert (behind.threshold, behind.duration) == (120, "600s")
    assert (down.severity, lag.severity) == ("WARNING", "WARNING")
