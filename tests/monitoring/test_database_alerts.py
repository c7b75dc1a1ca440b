"""database_alerts: one Cloud SQL instance's alerts, from plain inputs (no synth)."""

from __future__ import annotations

import re

from pace_infra.config import Thresholds
from pace_infra.monitoring.database_alerts import database_alerts
from pace_infra.monitoring.model import Threshold


def test_every_condition_watches_exactly_this_instance_and_connections_use_its_maximum():
    specs = database_alerts("pace-t", "pace-t-ai-db", 120, Thresholds(sql_connections_ratio=0.75))
    assert [s.key for s in specs] == [
        f"data-pace-t-ai-db-{k}"
        for k in ("cpu", "memory", "disk", "disk-forecast", "connections", "down", "failed")
    ]
    for spec in specs:
        assert spec.system == "data"
        for condition in spec.conditions:
            assert re.findall(r'database_id="([^"]+)"', condition.filter) == ["pace-t:pace-t-ai-db"]
    (connections,) = [s for s in specs if s.key.endswith("-connections")]
    (threshold,) = connections.conditions
    assert isinstance(threshold, Threshold) and threshold.threshold == 90  # 75 % of 120


def test_silence_counts_as_down():
    (down,) = [s for s in database_alerts("p", "db", 100, Thresholds()) if s.key.endswith("-down")]
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
