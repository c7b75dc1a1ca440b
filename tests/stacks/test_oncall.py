"""The oncall stack: the PagerDuty team, rotations, escalation and services, by environment."""

from __future__ import annotations

import re

from pace_infra.monitoring.model import PAGING_ROUTES
from pace_infra.names import pagerduty_service
from tests.helpers import only, resources


def test_oncall_team_schedules_and_escalation(stacks, environments):
    prod = next(env for env in environments if env.name == "prod")
    doc = stacks["prod-oncall"]
    assert only(doc, "pagerduty_team")["name"] == "PACE Support"
    memberships = resources(doc, "pagerduty_team_membership")
    assert len(memberships) == len(prod.oncall.members)
    schedules = {s["name"]: s for s in resources(doc, "pagerduty_schedule").values()}
    primary, secondary = schedules["PACE Support primary"], schedules["PACE Support secondary"]
    assert primary["layer"][0]["rotation_turn_length_seconds"] == 604800
    assert (
        secondary["layer"][0]["users"]
        == primary["layer"][0]["users"][1:] + primary["layer"][0]["users"][:1]
    )
    policy = only(doc, "pagerduty_escalation_policy")
    assert policy["num_loops"] >= 1
    rules = policy["rule"]
    assert [r["escalation_delay_in_minutes"] for r in rules] == [5, 5, 5]
    assert [t["type"] for t in rules[0]["target"]] == ["schedule_reference"]
    assert [t["type"] for t in rules[1]["target"]] == ["schedule_reference"]
    assert len(rules[2]["target"]) == len(prod.oncall.members)


SYSTEMS = ("web", "ai", "data", "platform")


def test_prod_pages_errors_at_any_hour_and_warnings_in_support_hours(stacks):
    services = {
        s["name"]: s for s in resources(stacks["prod-oncall"], "pagerduty_service").values()
    }
    assert set(services) == {pagerduty_service(s, r) for s in SYSTEMS for r in PAGING_ROUTES}
    for name, service in services.items():
        assert service["auto_resolve_timeout"] == "null"
        rule = service["incident_urgency_rule"]
        if name.endswith("-warnings"):
            assert rule["outside_support_hours"] == {"type": "constant", "urgency": "low"}
            assert service["scheduled_actions"][0]["to_urgency"] == "high"
        else:
            assert rule == {"type": "constant", "urgency": "high"}


def test_staging_never_pages_at_night(stacks):
    for service in resources(stacks["staging-oncall"], "pagerduty_service").values():
        assert service["incident_urgency_rule"] == {"type": "constant", "urgency": "low"}
        assert service["name"].endswith(" (staging)")


def test_business_service_depends_on_every_urgent_technical_service(stacks):
    doc = stacks["prod-oncall"]
    assert only(doc, "pagerduty_business_service")["name"] == "PACE CRM"
    dependencies = resources(doc, "pagerduty_service_dependency").values()
    supporting = {d["dependency"][0]["supporting_service"][0]["id"] for d in dependencies}
    assert len(supporting) == 4 and not any("warnings" in s for s in supporting)


def test_every_service_has_a_cloud_monitoring_integration_and_grouping(stacks):
    doc = stacks["prod-oncall"]
    (vendor,) = doc["data"]["pagerduty_vendor"].values()
    assert vendor["name"] == "Google Cloud Monitoring"
    monitoring = [
        i for i in resources(doc, "pagerduty_service_integration").values() if "vendor" in i
    ]
    assert len(monitoring) == 8
    services = {f"${{pagerduty_service.{i}.id}}" for i in resources(doc, "pagerduty_service")}
    groupings = list(resources(doc, "pagerduty_alert_grouping_setting").values())
    # pagerduty 3.30.8 refuses a `time` setting naming more than one service (ValidateConfig).
    assert {tuple(g["services"]) for g in groupings} == {(s,) for s in services}
    assert {g["type"] for g in groupings} == {"time"}
    # config.timeout is in seconds: 15 minutes, not 15 s.
    assert {g["config"]["timeout"] for g in groupings} == {900}


def test_pagerduty_token_only_from_the_environment(stacks, synth_dir):
    for name, doc in stacks.items():
        for provider in doc.get("provider", {}).get("pagerduty", []):
            assert "token" not in provider and "user_token" not in provider, name
    for path in synth_dir.rglob("*.json"):
        text = path.read_text()
        assert not re.search(r'"service_key"\s*:\s*"(?!\$\{)', text), path.name
        assert not re.search(r'"integration_key"\s*:\s*"', text), path.name


def test_prod_support_hours_and_rotations_are_the_calendars(stacks):
    services = resources(stacks["prod-oncall"], "pagerduty_service").values()
    hours = [s["support_hours"] for s in services if "support_hours" in s]
    assert hours and all(
        h
        == {
            "type": "fixed_time_per_day",
            "time_zone": "Europe/London",
            "start_time": "09:00:00",
            "end_time": "17:30:00",
            "days_of_week": [1, 2, 3, 4, 5],
        }
        for h in hours
    )
    schedules = resources(stacks["prod-oncall"], "pagerduty_schedule").values()
    assert {s["time_zone"] for s in schedules} == {"Europe/London"}
