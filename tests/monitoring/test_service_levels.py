"""ServiceLevels: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.monitoring.model import ApplicationSli
from pace_infra.monitoring.service_levels import ServiceLevels, ServiceLevelsProps
from tests.helpers import resources, synth_construct

WEB = ApplicationSli("pace-web", "requests", "latencies", "requests 5xx")
AI = ApplicationSli("pace-ai", "ai requests", "ai latencies", "ai requests 5xx")


@pytest.fixture(scope="module")
def synthesized():
    built: list[ServiceLevels] = []

    def build(stack) -> None:
        props = ServiceLevelsProps(
            applications=(WEB, AI),
            availability_goal=0.995,
            latency_goal=0.95,
            latency_thresholds_ms={"pace-web": 900, "pace-ai": 15000},
            labels={"system": "web"},
        )
        built.append(ServiceLevels(stack, "slos", props=props))

    return synth_construct(build), built[0]


def _slos(doc) -> dict[str, dict]:
    return {slo["slo_id"]: slo for slo in resources(doc, "google_monitoring_slo").values()}


def test_one_custom_service_per_application(synthesized):
    doc, _ = synthesized
    services = resources(doc, "google_monitoring_custom_service").values()
    assert sorted(s["service_id"] for s in services) == ["pace-ai", "pace-web"]
    assert all(s["user_labels"] == {"system": "web"} for s in services)


def test_availability_counts_5xx_as_bad_requests_over_28_days(synthesized):
    slo = _slos(synthesized[0])["pace-web-availability"]
    assert slo["goal"] == 0.995
    assert slo["rolling_period_days"] == 28
    assert slo["request_based_sli"]["good_total_ratio"] == {
        "total_service_filter": "requests",
        "bad_service_filter": "requests 5xx",
    }
    assert slo["display_name"] == "pace-web: 99.5% of requests succeed"


def test_latency_counts_requests_under_the_applications_own_threshold(synthesized):
    slos = _slos(synthesized[0])
    ai, web = slos["pace-ai-latency"], slos["pace-web-latency"]
    assert ai["goal"] == 0.95
    assert ai["rolling_period_days"] == 28
    assert ai["request_based_sli"]["distribution_cut"] == {
        "distribution_filter": "ai latencies",
        "range": {"max": 15000},
    }
    assert ai["display_name"] == "pace-ai: 95% of requests under 15000 ms"
    assert web["request_based_sli"]["distribution_cut"]["range"] == {"max": 900}


def test_each_slo_belongs_to_its_applications_service(synthesized):
    doc, _ = synthesized
    services = {
        s["service_id"]: key
        for key, s in resources(doc, "google_monitoring_custom_service").items()
    }
    for slo_id, slo in _slos(doc).items():
        app = slo_id.rsplit("-", 1)[0]
        assert slo["service"] == (
            f"${{google_monitoring_custom_service.{services[app]}.service_id}}"
        )


def test_the_handle_names_every_slo(synthesized):
    _, levels = synthesized
    assert sorted(levels.slo_names) == [
        "pace-ai-availability",
        "pace-ai-latency",
        "pace-web-availability",
        "pace-web-latency",
    ]
    assert levels.slo_goals == {
        "pace-ai-availability": 0.995,
        "pace-ai-latency": 0.95,
        "pace-web-availability": 0.995,
        "pace-web-latency": 0.95,
    }
