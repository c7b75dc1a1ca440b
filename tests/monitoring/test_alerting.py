"""Alerting: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.monitoring.alerting import Alerting, AlertingProps
from pace_infra.monitoring.model import Aggregation, AlertSpec, LogMatch, Promql, Threshold
from pace_infra.names import pagerduty_service
from tests.helpers import resources, synth_construct


def _spec(key: str, **overrides) -> AlertSpec:
    fields = {
        "key": key,
        "title": key,
        "system": "web",
        "family": "error",
        "severity": "ERROR",
        "summary": "s",
        "first_steps": "- f",
        "runbook": "error-logs",
        "conditions": [Threshold("c", 'metric.type="m"', 1, aggregation=Aggregation())],
    }
    return AlertSpec(**{**fields, **overrides})


def _alerting(alerts, keys=None) -> dict:
    props = AlertingProps(
        name_prefix="PACE t",
        runbook_base_url="https://example/runbooks",
        support_email="support@pace.example",
        pagerduty_keys=keys
        if keys is not None
        else {("web", "urgent"): "${var.urgent}", ("web", "support-hours"): "${var.warnings}"},
        alerts=alerts,
    )
    return synth_construct(lambda stack: Alerting(stack, "alerting", props=props))


def _policy(doc, key):
    (policy,) = [p for k, p in resources(doc, "google_monitoring_alert_policy").items() if key in k]
    return policy


def test_paging_alert_goes_to_pagerduty_and_email():
    doc = _alerting([_spec("a")])
    channels = _policy(doc, "a")["notification_channels"]
    assert sorted("pagerduty" if "pagerduty" in c else "email" for c in channels) == [
        "email",
        "pagerduty",
    ]


def test_notification_only_alert_goes_to_email_only():
    doc = _alerting([_spec("a", page=False)])
    (channel,) = _policy(doc, "a")["notification_channels"]
    assert "email" in channel


def test_without_pagerduty_everything_goes_to_email():
    doc = _alerting([_spec("a")], keys={})
    assert len(_policy(doc, "a")["notification_channels"]) == 1
    assert all(
        c["type"] == "email"
        for c in resources(doc, "google_monitoring_notification_channel").values()
    )


def test_pagerduty_keys_are_sensitive_labels():
    doc = _alerting([_spec("a")])
    channels = {
        c["display_name"]: c
        for c in resources(doc, "google_monitoring_notification_channel").values()
        if c["type"] == "pagerduty"
    }
    assert channels["PACE t PagerDuty pace-web"]["sensitive_labels"] == {
        "service_key": "${var.urgent}"
    }
    assert channels["PACE t PagerDuty pace-web-warnings"]["sensitive_labels"] == {
        "service_key": "${var.warnings}"
    }
    assert all("labels" not in c for c in channels.values())


@pytest.mark.parametrize(
    ("severity", "route"),
    [("CRITICAL", "urgent"), ("ERROR", "urgent"), ("WARNING", "support-hours")],
)
def test_severity_picks_the_service_that_pages(severity, route):
    service = pagerduty_service("web", route)
    # A WARNING never shares a service (and so an incident, through grouping) with a CRITICAL.
    doc = _alerting([_spec("a", severity=severity)])
    channels = resources(doc, "google_monitoring_notification_channel")
    paged = {
        channels[ref.split(".")[1]]["display_name"]
        for ref in _policy(doc, "a")["notification_channels"]
        if "pagerduty" in ref
    }
    assert paged == {f"PACE t PagerDuty {service}"}


def test_log_match_alert_has_a_notification_rate_limit():
    doc = _alerting([_spec("a", conditions=[LogMatch("l", 'resource.type="k8s_pod"')])])
    policy = _policy(doc, "a")
    assert policy["alert_strategy"]["notification_rate_limit"] == {"period": "300s"}
    assert policy["conditions"][0]["condition_matched_log"] == {"filter": 'resource.type="k8s_pod"'}


def test_documentation_names_severity_steps_and_runbook():
    content = _policy(_alerting([_spec("a")]), "a")["documentation"]["content"]
    assert "(web, ERROR)" in content and "- f" in content
    assert content.endswith("Runbook: https://example/runbooks/error-logs.md")


def test_ratio_and_forecast_conditions():
    condition = Threshold(
        "r",
        'metric.type="m" x',
        0.05,
        denominator_filter='metric.type="m"',
        denominator_aggregation=Aggregation("60s", "ALIGN_RATE", "REDUCE_SUM"),
        forecast_horizon="3600s",
    )
    threshold = _policy(_alerting([_spec("a", conditions=[condition])]), "a")["conditions"][0][
        "condition_threshold"
    ]
    assert threshold["denominator_filter"] == 'metric.type="m"'
    assert threshold["denominator_aggregations"][0]["per_series_aligner"] == "ALIGN_RATE"
    assert threshold["forecast_options"] == {"forecast_horizon": "3600s"}


def test_a_promql_condition_sets_every_field_the_api_would_otherwise_default():
    condition = Promql("p", 'up{job="x"} == 0', duration="600s")
    (rendered,) = _policy(_alerting([_spec("a", conditions=[condition])]), "a")["conditions"]
    assert rendered == {
        "display_name": "p",
        "condition_prometheus_query_language": {
            "query": 'up{job="x"} == 0',
            "duration": "600s",
            "evaluation_interval": "60s",
            "disable_metric_validation": True,
        },
    }


def test_a_promql_policy_has_no_log_rate_limit():
    doc = _alerting([_spec("a", conditions=[Promql("p", "q")])])
    assert "notification_rate_limit" not in _policy(doc, "a")["alert_strategy"]
