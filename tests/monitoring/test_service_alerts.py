"""uptime_alerts, http_5xx_alert and burn_rate_alerts: what users reach, from plain inputs."""

from __future__ import annotations

import pytest

from pace_infra.monitoring.model import ApplicationSli, Threshold
from pace_infra.monitoring.service_alerts import (
    MIN_BAD_REQUESTS,
    burn_rate_alerts,
    burn_traffic_floor,
    http_5xx_alert,
    uptime_alerts,
)

SLI = ApplicationSli("pace-ai", "ai requests", "ai latencies", "ai requests 5xx")


def test_an_uptime_check_pages_on_two_failing_regions_and_mails_on_its_certificate():
    failing, certificate = uptime_alerts("crm", "web", "crm-check-id", 10)
    (regions,) = failing.conditions
    assert (failing.severity, failing.page) == ("CRITICAL", True)
    assert isinstance(regions, Threshold) and regions.threshold == 1  # more than one region
    assert regions.aggregation.cross_series_reducer == "REDUCE_COUNT_FALSE"
    assert 'metric.label.check_id="crm-check-id"' in regions.filter
    assert (certificate.severity, certificate.page, certificate.system) == (
        "WARNING",
        False,
        "platform",
    )
    (days,) = certificate.conditions
    assert days.threshold == 10  # certificate_days_left, not a constant


def test_burn_rates_page_twice_and_ticket_once_each_on_a_long_and_a_short_window():
    fast, slow, ticket = burn_rate_alerts("pace-web-availability", "web", "slo", 0.995, "reqs")
    assert [s.combiner for s in (fast, slow, ticket)] == ["AND"] * 3
    assert [[c.threshold for c in s.conditions[:2]] for s in (fast, slow, ticket)] == [
        [14.4, 14.4],
        [6, 6],
        [1, 1],
    ]
    # The ticket is low urgency: WARNING goes to the support-hours service.
    assert (fast.severity, slow.severity, ticket.severity) == ("CRITICAL", "ERROR", "WARNING")


def test_every_burn_alert_needs_enough_requests_in_its_short_window():
    for spec in burn_rate_alerts("pace-ai-latency", "ai", "slo", 0.95, "ai requests"):
        traffic = spec.conditions[2]
        assert traffic.filter == "ai requests"
        assert traffic.aggregation.per_series_aligner == "ALIGN_RATE"
        # The guard's window is the short burn window.
        window = traffic.aggregation.alignment_period
        assert spec.conditions[1].name == f"Burn rate over {window}"


@pytest.mark.parametrize(
    ("rate", "goal", "short", "floor"),
    [(14.4, 0.995, 300, 0.231), (6, 0.995, 1800, 0.0926), (1, 0.95, 21600, 0.00463)],
)
def test_the_traffic_floor_is_where_the_threshold_takes_five_bad_requests(rate, goal, short, floor):
    assert burn_traffic_floor(rate, goal, short) == floor
    # At the floor, the bad share the threshold means is (just over) MIN_BAD_REQUESTS requests.
    assert floor * short * rate * (1 - goal) == pytest.approx(MIN_BAD_REQUESTS, rel=0.01)


def test_a_5xx_ratio_divides_the_applications_errors_by_its_requests_above_a_floor():
    spec = http_5xx_alert("ai", "AI path", SLI, 0.05, 0.1)
    ratio, traffic = spec.conditions
    assert (spec.key, spec.system, spec.combiner) == ("ai-http-5xx-ratio", "ai", "AND")
    assert (ratio.filter, ratio.denominator_filter, ratio.threshold) == (
        "ai requests 5xx",
        "ai requests",
        0.05,
    )
    assert (traffic.filter, traffic.threshold) == ("ai requests", 0.1)
