"""Dashboard JSON, alone and as every environment's stacks synthesize it."""

from __future__ import annotations

import json

from pace_infra.monitoring.dashboards import dashboard_json
from pace_infra.monitoring.model import Chart, IncidentsTile
from tests.helpers import resources


def test_dashboard_json_lays_tiles_two_a_row():
    body = json.loads(
        dashboard_json(
            "D",
            [Chart("a", 'metric.type="m"'), Chart("b", 'metric.type="m"'), IncidentsTile()],
            {"pace": ""},
        )
    )
    tiles = body["mosaicLayout"]["tiles"]
    # Zero positions are left out, as the API returns them (a written 0 drifts every plan).
    assert [(t.get("xPos", 0), t.get("yPos", 0)) for t in tiles] == [(0, 0), (24, 0), (0, 16)]
    assert "xPos" not in tiles[0] and "yPos" not in tiles[1]
    assert tiles[2]["widget"] == {"title": "Open alerts", "incidentList": {}}


# Fields whose zero value the Monitoring API does return: messages (a Duration of "0s", an
# empty incidentList) and map entries (labels with empty values), per proto3 JSON.
_MESSAGE_OR_MAP_KEYS = ("timeshiftDuration", "incidentList", "labels")


def _default_valued_scalars(node, path="") -> list[str]:
    """Paths of scalars at their proto3 default (0, false, "", []), which the API omits."""
    if isinstance(node, dict):
        return [
            p
            for key, value in node.items()
            if key not in _MESSAGE_OR_MAP_KEYS
            for p in _default_valued_scalars(value, f"{path}.{key}")
        ]
    if isinstance(node, list):
        if not node:
            return [path]
        return [p for i, v in enumerate(node) for p in _default_valued_scalars(v, f"{path}[{i}]")]
    if node in (0, False, "") and not isinstance(node, dict):
        return [path]
    return []


def test_every_synthesized_dashboard_is_already_in_the_api_normal_form(stacks):
    checked = 0
    for name, doc in stacks.items():
        for key, dashboard in resources(doc, "google_monitoring_dashboard").items():
            body = json.loads(dashboard["dashboard_json"])
            assert _default_valued_scalars(body) == [], (name, key)
            checked += 1
    assert checked, "no dashboard synthesized"


def test_ratio_chart_uses_time_series_filter_ratio():
    body = json.loads(dashboard_json("D", [Chart("r", "n", denominator_filter="d")], {}))
    query = body["mosaicLayout"]["tiles"][0]["widget"]["xyChart"]["dataSets"][0]["timeSeriesQuery"]
    assert query["timeSeriesFilterRatio"]["denominator"]["filter"] == "d"
