"""The monitoring vocabulary as plain values: paging routes and the defaults alerts rely on."""

from __future__ import annotations

import dataclasses

import pytest

from pace_infra.monitoring.model import (
    PAGING_ROUTES,
    Aggregation,
    AlertSpec,
    Chart,
    IncidentsTile,
    LogMatch,
    Promql,
    Threshold,
    paging_route,
)


@pytest.mark.parametrize(
    ("severity", "route"),
    [("CRITICAL", "urgent"), ("ERROR", "urgent"), ("WARNING", "support-hours")],
)
def test_users_affected_pages_at_once_and_warnings_in_support_hours(severity, route):
    assert paging_route(severity) == route


def test_every_route_is_reachable_and_there_are_two():
    assert set(PAGING_ROUTES) == {paging_route(s) for s in ("CRITICAL", "ERROR", "WARNING")}
    assert PAGING_ROUTES == ("urgent", "support-hours")


def test_a_threshold_compares_the_aligned_mean_over_five_minutes_by_default():
    condition = Threshold("c", 'metric.type="m"', 0.5)
    assert condition.comparison == "COMPARISON_GT"
    assert condition.duration == "300s"
    assert condition.aggregation == Aggregation("60s", "ALIGN_MEAN", None, ())
    # Not a ratio, not a forecast, and silence is no signal unless asked for.
    assert condition.denominator_filter is None
    assert condition.forecast_horizon is None
    assert condition.missing_data is None


def test_an_alert_pages_and_combines_its_conditions_with_or_by_default():
    alert = AlertSpec(
        key="k",
        title="t",
        system="web",
        family="error",
        severity="ERROR",
        summary="s",
        first_steps="- f",
        runbook="error-logs",
        conditions=[LogMatch("l", "severity>=ERROR")],
    )
    assert (alert.page, alert.combiner) == (True, "OR")


def test_charts_and_tiles_default_to_the_plain_case():
    chart = Chart("c", 'metric.type="m"')
    assert (chart.aligner, chart.reducer, chart.group_by) == ("ALIGN_MEAN", None, ())
    assert chart.denominator_filter is None
    assert IncidentsTile().title == "Open alerts"


def test_values_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Chart("c", "f").title = "other"  # type: ignore[misc]


def test_a_promql_condition_holds_five_minutes_evaluated_each_minute_without_metric_checks():
    condition = Promql("p", "kube_pod_status_phase > 0")
    assert (condition.duration, condition.evaluation_interval) == ("300s", "60s")
    # Kube-state series exist only once an object is in that state.
    assert condition.disable_metric_validation is True


def test_a_promql_condition_must_be_its_policys_only_condition():
    def alert(*conditions) -> AlertSpec:
        return AlertSpec(
            key="k",
            title="t",
            system="web",
            family="health",
            severity="ERROR",
            summary="s",
            first_steps="- f",
            runbook="crash-loop",
            conditions=conditions,
        )

    assert alert(Promql("p", "q")).conditions
    with pytest.raises(ValueError, match="only one"):
        alert(Promql("p", "q"), Threshold("c", 'metric.type="m"', 1))
