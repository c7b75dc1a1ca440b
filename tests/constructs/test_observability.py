"""Alerting, PagerDutyOnCall and dashboard JSON, built alone."""

from __future__ import annotations

import json

import pytest

from pace_infra.config.values import SupportHours
from pace_infra.constructs.pagerduty import (
    PagerDutyOnCall,
    PagerDutyOnCallProps,
    ServiceSpec,
)
from pace_infra.monitoring.alerting import Alerting, AlertingProps
from pace_infra.monitoring.dashboards import dashboard_json
from pace_infra.monitoring.model import (
    Aggregation,
    AlertSpec,
    Chart,
    IncidentsTile,
    LogMatch,
    Threshold,
)
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
    ("severity", "service"),
    [("CRITICAL", "pace-web"), ("ERROR", "pace-web"), ("WARNING", "pace-web-warnings")],
)
def test_severity_picks_the_service_that_pages(severity, service):
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


def _oncall(paging: bool) -> dict:
    props = PagerDutyOnCallProps(
        name_suffix="",
        members=("a@pace.example", "b@pace.example", "c@pace.example"),
        rotation_start="2026-01-05T09:00:00Z",
        support_hours=SupportHours("Europe/London", "09:00:00", "17:30:00", (1, 2, 3, 4, 5)),
        services={
            "pace-web": ServiceSpec("web", urgency="urgent"),
            "pace-web-warnings": ServiceSpec("web warnings", urgency="support-hours"),
        },
        paging=paging,
    )
    return synth_construct(lambda stack: PagerDutyOnCall(stack, "oncall", props=props))


def _services(doc) -> dict[str, dict]:
    return {s["name"]: s for s in resources(doc, "pagerduty_service").values()}


def test_urgent_services_page_at_high_urgency_at_any_hour():
    service = _services(_oncall(True))["pace-web"]
    assert service["incident_urgency_rule"] == {"type": "constant", "urgency": "high"}
    assert "scheduled_actions" not in service and "support_hours" not in service


def test_warning_services_page_in_support_hours_and_rise_when_they_start():
    # The one combination the provider allows scheduled actions with: high during, low outside.
    service = _services(_oncall(True))["pace-web-warnings"]
    rule = service["incident_urgency_rule"]
    assert rule["type"] == "use_support_hours"
    assert rule["during_support_hours"] == {"type": "constant", "urgency": "high"}
    assert rule["outside_support_hours"] == {"type": "constant", "urgency": "low"}
    assert service["support_hours"]["days_of_week"] == [1, 2, 3, 4, 5]
    (action,) = service["scheduled_actions"]
    assert action["to_urgency"] == "high"
    assert action["at"] == [{"type": "named_time", "name": "support_hours_start"}]


def test_non_paging_services_are_low_urgency_without_support_hours():
    for service in _services(_oncall(False)).values():
        assert service["incident_urgency_rule"] == {"type": "constant", "urgency": "low"}
        assert "support_hours" not in service


def test_schedules_and_policy_change_before_a_membership_goes():
    doc = _oncall(True)
    memberships = {
        f"pagerduty_team_membership.{k}" for k in resources(doc, "pagerduty_team_membership")
    }
    for kind in ("pagerduty_schedule", "pagerduty_escalation_policy"):
        for resource in resources(doc, kind).values():
            assert set(resource["depends_on"]) == memberships


def test_integrations_keep_their_keys_if_the_vendor_lookup_changes():
    for integration in resources(_oncall(True), "pagerduty_service_integration").values():
        assert integration["lifecycle"] == {"ignore_changes": ["vendor"]}


def test_only_urgent_services_support_the_business_service():
    doc = _oncall(True)
    ids = {k: f"${{pagerduty_service.{k}.id}}" for k in resources(doc, "pagerduty_service")}
    supporting = [
        d["dependency"][0]["supporting_service"][0]["id"]
        for d in resources(doc, "pagerduty_service_dependency").values()
    ]
    assert len(supporting) == 1 and "warnings" not in supporting[0]
    assert supporting[0] in ids.values()


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
