"""PagerDutyOnCall: one behaviour per test."""

from __future__ import annotations

import re

from pace_infra.config.values_calendar import SupportHours
from pace_infra.constructs.pagerduty import (
    PagerDutyOnCall,
    PagerDutyOnCallProps,
    ServiceSpec,
)
from tests.helpers import resources, synth_construct


def _oncall(paging: bool) -> dict:
    props = PagerDutyOnCallProps(
        name_suffix="",
        members=("a@pace.example", "b@pace.example", "c@pace.example"),
        rotation_start="2026-01-05T09:00:00Z",
        time_zone="Europe/Paris",
        support_hours=SupportHours("09:00:00", "17:30:00", (1, 2, 3, 4, 5)),
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
    services = _services(_oncall(False))
    assert set(services) == {"pace-web", "pace-web-warnings"}
    for service in services.values():
        assert service["incident_urgency_rule"] == {"type": "constant", "urgency": "low"}
        assert "support_hours" not in service


def test_schedules_and_policy_change_before_a_membership_goes():
    doc = _oncall(True)
    memberships = {
        f"pagerduty_team_membership.{k}" for k in resources(doc, "pagerduty_team_membership")
    }
    assert len(memberships) == 3  # one per member
    for kind in ("pagerduty_schedule", "pagerduty_escalation_policy"):
        assert resources(doc, kind), kind
        for resource in resources(doc, kind).values():
            assert set(resource["depends_on"]) == memberships


def test_integrations_keep_their_keys_if_the_vendor_lookup_changes():
    integrations = resources(_oncall(True), "pagerduty_service_integration")
    assert len(integrations) == 2  # one per service
    for integration in integrations.values():
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


def test_schedules_and_support_hours_keep_the_calendars_time_zone():
    # PagerDuty applies the zone's daylight saving time itself: the hours stay local all year.
    doc = _oncall(True)
    assert {s["time_zone"] for s in resources(doc, "pagerduty_schedule").values()} == {
        "Europe/Paris"
    }
    hours = _services(doc)["pace-web-warnings"]["support_hours"]
    assert (hours["time_zone"], hours["start_time"], hours["end_time"]) == (
        "Europe/Paris",
        "09:00:00",
        "17:30:00",
    )


def test_an_email_integration_opens_incidents_on_its_service_only_where_asked():
    props = PagerDutyOnCallProps(
        name_suffix="",
        members=("a@pace.example", "b@pace.example"),
        rotation_start="2026-01-05T09:00:00Z",
        time_zone="Europe/London",
        support_hours=SupportHours("09:00:00", "17:30:00", (1, 2, 3, 4, 5)),
        services={
            "pace-platform": ServiceSpec("platform", urgency="urgent"),
            "pace-platform-warnings": ServiceSpec(
                "platform warnings",
                urgency="support-hours",
                email_integration="pace-t-budget@pace.pagerduty.com",
            ),
        },
    )
    doc = synth_construct(lambda stack: PagerDutyOnCall(stack, "oncall", props=props))
    services = {k: s["name"] for k, s in resources(doc, "pagerduty_service").items()}
    emails = [i for i in resources(doc, "pagerduty_service_integration").values() if "type" in i]
    (email,) = emails
    assert email["type"] == "generic_email_inbound_integration"
    assert email["integration_email"] == "pace-t-budget@pace.pagerduty.com"
    assert "vendor" not in email  # `type` and `vendor` exclude each other
    (service_key,) = re.findall(r"pagerduty_service\.([\w-]+)\.id", email["service"])
    assert services[service_key] == "pace-platform-warnings"
