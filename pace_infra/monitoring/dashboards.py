"""Dashboards: the PACE overview and one per system, for the Support Team.

The JSON is built here (xyCharts and an open-incidents list), not pasted from the console:
every chart's filter is visible in review and tested against the metric catalog.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.monitoring_dashboard import MonitoringDashboard
from constructs import Construct

from pace_infra.monitoring.model import Chart, IncidentsTile

COLUMNS = 48  # mosaicLayout grid width
TILE_WIDTH, TILE_HEIGHT = 24, 16


def _aggregation(aligner: str, reducer: str | None, group_by: Sequence[str]) -> dict[str, Any]:
    aggregation: dict[str, Any] = {"alignmentPeriod": "60s", "perSeriesAligner": aligner}
    if reducer:
        aggregation["crossSeriesReducer"] = reducer
        if group_by:
            aggregation["groupByFields"] = list(group_by)
    return aggregation


def _widget(tile: Chart | IncidentsTile) -> dict[str, Any]:
    if isinstance(tile, IncidentsTile):
        # No policy names: they are computed references, which cdktf cannot write into a JSON
        # string for the HCL exit path; all open incidents of the project is what support needs.
        return {"title": tile.title, "incidentList": {}}
    aggregation = _aggregation(tile.aligner, tile.reducer, tile.group_by)
    if tile.denominator_filter:
        query = {
            "timeSeriesFilterRatio": {
                "numerator": {"filter": tile.filter, "aggregation": aggregation},
                "denominator": {"filter": tile.denominator_filter, "aggregation": aggregation},
            }
        }
    else:
        query = {"timeSeriesFilter": {"filter": tile.filter, "aggregation": aggregation}}
    return {
        "title": tile.title,
        "xyChart": {
            "dataSets": [{"timeSeriesQuery": query, "plotType": "LINE"}],
            "timeshiftDuration": "0s",
            "yAxis": {"scale": "LINEAR"},
        },
    }


def _tile(index: int, tile: Chart | IncidentsTile) -> dict[str, Any]:
    per_row = COLUMNS // TILE_WIDTH
    position = {"xPos": (index % per_row) * TILE_WIDTH, "yPos": (index // per_row) * TILE_HEIGHT}
    return {
        # Only non-zero positions: the API leaves zero-valued fields out of what it returns
        # (proto3 JSON), and the provider's diff-suppress for dashboard_json only drops keys
        # that are missing from our side (resource_monitoring_dashboard.go at v6.50.0), so an
        # `"xPos": 0` here was an update on every plan.
        **{axis: value for axis, value in position.items() if value},
        "width": TILE_WIDTH,
        "height": TILE_HEIGHT,
        "widget": _widget(tile),
    }


def dashboard_json(
    display_name: str, tiles: Sequence[Chart | IncidentsTile], labels: Mapping[str, str]
) -> str:
    """A mosaicLayout dashboard, two tiles a row, in the form the Monitoring API returns it."""
    return json.dumps(
        {
            "displayName": display_name,
            "labels": dict.fromkeys(labels, ""),
            "mosaicLayout": {
                "columns": COLUMNS,
                "tiles": [_tile(index, tile) for index, tile in enumerate(tiles)],
            },
        },
        sort_keys=True,
    )


@dataclass(frozen=True)
class DashboardsProps:
    # dashboard key -> (display name, tiles)
    dashboards: Mapping[str, tuple[str, Sequence[Chart | IncidentsTile]]]
    labels: Mapping[str, str]
    depends_on: Sequence[ITerraformDependable] = ()  # metrics the charts read


class Dashboards(Construct):
    def __init__(self, scope: Construct, id_: str, *, props: DashboardsProps) -> None:
        super().__init__(scope, id_)
        for key, (display_name, tiles) in props.dashboards.items():
            MonitoringDashboard(
                self,
                key,
                dashboard_json=dashboard_json(display_name, tiles, props.labels),
                depends_on=list(props.depends_on) or None,
            )
