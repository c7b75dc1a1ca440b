"""Alerting, PagerDutyOnCall and dashboard JSON, built alone."""

from __future__ import annotations

import json

from pace_infra.constructs.alerting import (
    Aggregation,
    Alerting,
    AlertingProps,
    AlertSpec,
    LogMatch,
    Threshold,
)
from pace_infra.constructs.dashboards import Chart, IncidentsTile, dashboard_json
from pace_infra.constructs.pagerduty import PagerDutyOnCall, PagerDutyOnCallProps, SupportHoursProps
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
        pagerduty_keys=keys if keys is not None else {"web": "${var.key}"},
        alerts=alerts,
    )
    return synth_construct(lambda stack: Alerting(stack, "alerting", props=props))


def _policy(doc, key):
    (policy,) = [p for k, p in resources(doc, "google_monitoring_alert_policy").items() if key in k]
    return policy


def test_paging_alert_goes_to_pagerduty_and_email():
    doc = _alerting([_spec("a")])
    assert len(_policy(doc, "a")["notification_channels"]) == 2


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


def test_pagerduty_key_is_a_sensitive_label():
    doc = _alerting([_spec("a")])
    (channel,) = [
        c
        for c in resources(doc, "google_monitoring_notification_channel").values()
        if c["type"] == "pagerduty"
    ]
    assert channel["sensitive_labels"] == {"service_key": "${var.key}"}
    assert "labels" not in channel


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


def _oncall(paging: bool) -> dict:
    props = PagerDutyOnCallProps(
        name_suffix="",
        members=("a@pace.example", "b@pace.example", "c@pace.example"),
        rotation_start="2026-01-05T09:00:00Z",
        support_hours=SupportHoursProps("Europe/London", "09:00:00", "17:30:00", (1, 2, 3, 4, 5)),
        services={"pace-web": "web"},
        paging=paging,
    )
    return synth_construct(lambda stack: PagerDutyOnCall(stack, "oncall", props=props))


def test_paging_services_use_support_hours():
    (service,) = resources(_oncall(True), "pagerduty_service").values()
    assert service["support_hours"]["days_of_week"] == [1, 2, 3, 4, 5]
    assert service["incident_urgency_rule"]["type"] == "use_support_hours"


def test_non_paging_services_are_low_urgency_without_support_hours():
    (service,) = resources(_oncall(False), "pagerduty_service").values()
    assert service["incident_urgency_rule"] == {"type": "constant", "urgency": "low"}
    assert "support_hours" not in service


def test_secondary_rotation_is_the_primary_shifted_by_one():
    schedules = {
        s["name"]: s["layer"][0]["users"]
        for s in resources(_oncall(True), "pagerduty_schedule").values()
    }
    primary, secondary = schedules["PACE Support primary"], schedules["PACE Support secondary"]
    assert secondary == primary[1:] + primary[:1]
    assert all(p != s for p, s in zip(primary, secondary, strict=True))


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
    for name, doc in stacks.items():
        for key, dashboard in resources(doc, "google_monitoring_dashboard").items():
            body = json.loads(dashboard["dashboard_json"])
            assert _default_valued_scalars(body) == [], (name, key)


def test_ratio_chart_uses_time_series_filter_ratio():
    body = json.loads(dashboard_json("D", [Chart("r", "n", denominator_filter="d")], {}))
    query = body["mosaicLayout"]["tiles"][0]["widget"]["xyChart"]["dataSets"][0]["timeSeriesQuery"]
    assert query["timeSeriesFilterRatio"]["denominator"]["filter"] == "d"
