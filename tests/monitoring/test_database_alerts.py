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
