"""monitoring/dashboard_catalog.py: what the Support Team sees, from plain inputs, no synth."""

from __future__ import annotations

import re

import pytest

from pace_infra.monitoring.dashboard_catalog import dashboards
from pace_infra.monitoring.model import Chart, IncidentsTile
from pace_infra.names import WORKLOADS, errors_log_metric, namespace

LOG_METRICS = {
    errors_log_metric(w): f"logging.googleapis.com/user/{errors_log_metric(w)}" for w in WORKLOADS
}


@pytest.fixture(scope="module")
def boards() -> dict[str, tuple[str, list[Chart | IncidentsTile]]]:
    return {key: (name, list(tiles)) for key, (name, tiles) in dashboards("t", LOG_METRICS).items()}


def _charts(boards, key: str) -> list[Chart]:
    return [tile for tile in boards[key][1] if isinstance(tile, Chart)]


def _namespaces(chart: Chart) -> list[str]:
    return re.findall(r'resource\.label\.namespace_name="([^"]*)"', chart.filter)


def test_an_overview_and_one_dashboard_per_system_named_after_the_environment(boards):
    assert {key: name for key, (name, _) in boards.items()} == {
        "overview": "PACE t: overview",
        "web": "PACE t: web (CRM)",
        "ai": "PACE t: ai (AI backend, MCP servers)",
        "data": "PACE t: data (Cloud SQL)",
        "platform": "PACE t: platform (cluster, nodes)",
    }


def test_chart_titles_are_unique_within_a_dashboard(boards):
    for key in boards:
        titles = [chart.title for chart in _charts(boards, key)]
        assert len(titles) == len(set(titles)), key


@pytest.mark.parametrize("system", ["web", "ai"])
def test_error_log_charts_read_the_log_metric_passed_in(boards, system):
    metric = LOG_METRICS[errors_log_metric(system)]
    charted = [c for c in _charts(boards, system) if f'metric.type="{metric}"' in c.filter]
    assert [c.title for c in charted] == [f"{namespace(system)} error logs/min"]


@pytest.mark.parametrize("system", ["web", "ai"])
def test_a_systems_workload_charts_show_its_own_namespace_only(boards, system):
    per_namespace = [c for c in _charts(boards, system) if _namespaces(c)]
    assert len(per_namespace) == 3  # CPU, memory, restarts
    assert {ns for c in per_namespace for ns in _namespaces(c)} == {namespace(system)}


def test_cloud_sql_charts_show_every_instance_side_by_side(boards):
    # No instance filter: a database added to the config appears without a dashboard change.
    charts = _charts(boards, "data")
    assert charts and all("cloudsql.googleapis.com/database/" in c.filter for c in charts)
    assert all("database_id=" not in c.filter for c in charts)
    assert all(c.group_by == ("resource.label.database_id",) for c in charts)


def test_the_5xx_chart_is_a_ratio_of_errors_to_all_requests(boards):
    (ratio,) = [c for c in _charts(boards, "web") if c.denominator_filter]
    assert ratio.filter == f"{ratio.denominator_filter} metric.label.response_code_class=500"


def test_the_overview_and_the_system_dashboards_show_the_open_alerts(boards):
    for key in ("overview", "web", "ai", "platform"):
        assert IncidentsTile() in boards[key][1], key
