"""uptime_alerts and burn_rate_alerts: what users reach, from plain inputs (no synth)."""

from __future__ import annotations

from pace_infra.monitoring.model import Threshold
from pace_infra.monitoring.service_alerts import burn_rate_alerts, uptime_alerts


def test_an_uptime_check_pages_on_two_failing_regions_and_mails_on_its_certificate():
    failing, certificate = uptime_alerts("crm", "web", "crm-check-id")
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


def test_burn_rates_need_the_long_and_the_short_window_together():
    fast, slow = burn_rate_alerts("pace-web-availability", "web", "slo-name")
    assert (fast.combiner, slow.combiner) == ("AND", "AND")
    assert [c.threshold for c in fast.conditions] == [14.4, 14.4]
    assert [c.threshold for c in slow.conditions] == [6, 6]
    assert (fast.severity, slow.severity) == ("CRITICAL", "WARNING")
