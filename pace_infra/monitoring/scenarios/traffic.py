"""Mechanisms of what users do and meet: a daily traffic curve with a low-traffic night, the load
balancer's request counts and latencies, uptime checkers in their regions.

Sources of the numbers:
- Load balancer metrics (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring):
  `https/request_count` (DELTA INT64, label response_code_class) and `https/total_latencies`
  (DELTA DISTRIBUTION, ms) on resource `https_lb_rule` (labels url_map_name,
  matched_url_path_rule, ...), written once a minute.
- Uptime checks: `uptime_check/check_passed` (GAUGE BOOL) per checker location, every `period`
  (60 s here); the USA region runs from three locations (the API's UptimeCheckRegion has
  USA_OREGON, USA_IOWA, USA_VIRGINIA within USA), Europe and Asia Pacific from one each
  (assumed: Belgium, Singapore). `time_until_ssl_cert_expires` (GAUGE DOUBLE, days).
- Google-managed certificates are renewed about 30 days before they expire (assumed from the
  certificate manager's renewal window).
- Counts per minute are Poisson draws from the rate, seeded: every run gives the same series.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from pace_infra.monitoring.evaluation.series import Distribution, TimeSeries

SAMPLE = 60
HOUR = 3600
# Latency histogram bounds (ms); 1000 is a bound so an SLO cut at 1 s is exact.
LATENCY_BOUNDS: tuple[float, ...] = (50, 100, 200, 400, 700, 1000, 2000, 5000, 10000, 30000)
CHECKER_LOCATIONS = {
    "EUROPE": ("eur-belgium",),
    "USA": ("usa-oregon", "usa-iowa", "usa-virginia"),
    "ASIA_PACIFIC": ("apac-singapore",),
}


def daily_rate(peak: float, night_fraction: float = 0.03) -> Callable[[int], float]:
    """Requests per second over a day starting at midnight (t=0): a night floor 01:00-06:00, a
    morning ramp to the plateau at 09:00-17:00, an evening decline."""

    def rate(t: int) -> float:
        hour = (t / HOUR) % 24
        if 9 <= hour < 17:
            level = 1.0
        elif 6 <= hour < 9:
            level = (
                night_fraction + (1 - night_fraction) * (1 - math.cos((hour - 6) / 3 * math.pi)) / 2
            )
        elif 17 <= hour < 24:
            level = (
                night_fraction
                + (1 - night_fraction) * (1 + math.cos((hour - 17) / 7 * math.pi)) / 2
            )
        else:
            level = night_fraction
        return peak * level

    return rate


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def lb_resource(path_rule: str) -> dict[str, str]:
    # GKE names the Ingress's URL map after its namespace and name:
    # k8s2-um-<hash>-pace-web-crm-<hash>.
    return {
        "project_id": "project",
        "url_map_name": "k8s2-um-1a2b3c4d-pace-web-crm-9z8y7x6w",
        "matched_url_path_rule": path_rule,
        "forwarding_rule_name": "k8s2-fs-1a2b3c4d-pace-web-crm-9z8y7x6w",
        "backend_target_name": "k8s1-1a2b3c4d-pace-web-crm-80",
    }


def load_balancer(
    rate: Callable[[int], float],
    error_fraction: Callable[[int], float],
    slow_fraction: Callable[[int], float],
    end: int,
    *,
    path_rule: str = "UNMATCHED",
    seed: int = 1,
) -> list[TimeSeries]:
    """request_count per response class and total_latencies of one path rule, per minute.

    `error_fraction(t)` of requests return 5xx; `slow_fraction(t)` take over 1 s (spread over the
    buckets above 1 s); the rest spread over the buckets below it.
    """
    rng = random.Random(seed)
    resource = lb_resource(path_rule)
    ok = TimeSeries(
        "loadbalancing.googleapis.com/https/request_count",
        "https_lb_rule",
        "DELTA",
        resource,
        {"response_code_class": "200"},
    )
    errors = TimeSeries(
        "loadbalancing.googleapis.com/https/request_count",
        "https_lb_rule",
        "DELTA",
        resource,
        {"response_code_class": "500"},
    )
    latencies = TimeSeries(
        "loadbalancing.googleapis.com/https/total_latencies", "https_lb_rule", "DELTA", resource
    )
    fast_buckets = LATENCY_BOUNDS.index(1000) + 1
    for t in range(SAMPLE, end + 1, SAMPLE):
        total = poisson(rng, rate(t) * SAMPLE)
        if total == 0:
            continue  # a DELTA metric writes no point for a minute without requests
        failed = sum(rng.random() < error_fraction(t) for _ in range(min(total, 5000)))
        failed = round(failed * total / min(total, 5000))
        slow = round(total * slow_fraction(t))
        ok.add(t, float(total - failed))
        if failed:
            errors.add(t, float(failed))
        counts = [0] * (len(LATENCY_BOUNDS) + 1)
        for i in range(total - slow):
            counts[1 + i % (fast_buckets - 1)] += 1
        for i in range(slow):
            counts[fast_buckets + i % (len(counts) - fast_buckets)] += 1
        latencies.add(t, Distribution(LATENCY_BOUNDS, tuple(counts)))
    return [s for s in (ok, errors, latencies) if s.points]


def uptime_checks(
    check_id: str,
    host: str,
    regions: tuple[str, ...],
    passing: Callable[[str, int], bool],
    end: int,
    cert_days: Callable[[int], float] | None = None,
) -> list[TimeSeries]:
    """check_passed of every checker location of the selected regions, one check a minute; and
    time_until_ssl_cert_expires when `cert_days` is given."""
    resource = {"project_id": "project", "host": host}
    out = []
    for region in regions:
        for location in CHECKER_LOCATIONS[region]:
            labels = {"check_id": check_id, "checker_location": location}
            passed = TimeSeries(
                "monitoring.googleapis.com/uptime_check/check_passed",
                "uptime_url",
                "GAUGE",
                resource,
                labels,
            )
            expires = TimeSeries(
                "monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires",
                "uptime_url",
                "GAUGE",
                resource,
                labels,
            )
            for t in range(SAMPLE, end + 1, SAMPLE):
                passed.add(t, passing(location, t))
                if cert_days is not None:
                    expires.add(t, cert_days(t))
            out.append(passed)
            if cert_days is not None:
                out.append(expires)
    return out


def managed_certificate(days_left_at_start: float, renews: bool) -> Callable[[int], float]:
    """Days until the served certificate expires: 90-day certificates renewed at 30 days left,
    or, when renewal is stuck, counting down."""

    def days(t: int) -> float:
        left = days_left_at_start - t / 86400
        if renews:
            while left <= 30:
                left += 60  # the renewed certificate: 90 days from the renewal
        return left

    return days
