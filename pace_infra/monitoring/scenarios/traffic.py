"""Mechanisms of what users do and meet: a daily traffic curve with a low-traffic night, the load
balancer's request counts and latencies, uptime checkers in their regions.

Sources of the numbers:
- Load balancer metrics (https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring):
  `https/request_count` (DELTA INT64, label response_code_class) and `https/total_latencies`
  (DELTA DISTRIBUTION, ms) on resource `https_lb_rule` (labels url_map_name,
  matched_url_path_rule, ...), written once a minute.
- Uptime checks: `uptime_check/check_passed` (GAUGE BOOL) per checker location, every `period`
  (60 s here); the USA region runs from three locations (the API's UptimeCheckRegion has
  USA_OREGON, USA_IOWA, USA_VIRGINIA within USA, each a region of its own too), Europe and Asia
  Pacific from one each (assumed: Belgium, Singapore). `time_until_ssl_cert_expires` (GAUGE
  DOUBLE, days).
- Google-managed certificates are renewed about 30 days before they expire (assumed from the
  certificate manager's renewal window).
- Counts per minute are Poisson draws from the rate, seeded: every run gives the same series;
  the failed requests among them a binomial draw (normal approximation past 200 requests); the
  latency histogram the expected count of each bucket under the latency model (largest
  remainders), so that its total is the minute's count.
- The AI path streams its answers, and the load balancer's total latency runs to the last byte:
  an answer takes the time to its first token plus its length over the model's token rate.
  Assumed: lengths are log-normal (median 250 tokens, sigma 0.5: 1 in 100 answers is over 800
  tokens), 50 tokens/s, the first token after 1.5 s; a slowdown is a lower token rate or a later
  first token.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

from pace_infra.monitoring.evaluation.series import Distribution, TimeSeries

SAMPLE = 60
HOUR = 3600
# Latency histogram bounds (ms): the SLO cuts (1 s for the CRM, 20 s for the AI path) are bounds,
# so a cut is exact; 30 s is the backend service's timeout (a slower request is a 5xx).
LATENCY_BOUNDS: tuple[float, ...] = (
    50, 100, 200, 400, 700, 1000, 2000, 5000, 10000, 20000, 30000,
)  # fmt: skip
Latency = Callable[[int], tuple[float, ...]]  # t -> the share of requests in each bucket
CHECKER_LOCATIONS = {
    "EUROPE": ("eur-belgium",),
    "USA": ("usa-oregon", "usa-iowa", "usa-virginia"),
    "USA_OREGON": ("usa-oregon",),
    "USA_IOWA": ("usa-iowa",),
    "USA_VIRGINIA": ("usa-virginia",),
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


def split_at(threshold_ms: float, slow_share: Callable[[int], float]) -> Latency:
    """A latency model: `slow_share(t)` of the requests over `threshold_ms` (a bucket bound),
    spread evenly over the buckets above it up to the backend timeout, the rest evenly over the
    buckets from 50 ms up to it."""
    cut = LATENCY_BOUNDS.index(threshold_ms) + 1
    fast, slow = range(1, cut), range(cut, len(LATENCY_BOUNDS))

    def shares(t: int) -> tuple[float, ...]:
        share = slow_share(t)
        out = [0.0] * (len(LATENCY_BOUNDS) + 1)
        for i in fast:
            out[i] = (1 - share) / len(fast)
        for i in slow:
            out[i] = share / len(slow)
        return tuple(out)

    return shares


def streamed_answers(
    tokens_per_second: Callable[[int], float],
    first_token_ms: Callable[[int], float] = lambda t: 1500.0,
    median_tokens: float = 250.0,
    sigma: float = 0.5,
) -> Latency:
    """The AI path's latency model: first token, then the answer's tokens at the model's rate
    (module docstring); a log-normal length gives P(latency <= x) in closed form."""

    def cdf(x: float, t: int) -> float:
        streaming = (x - first_token_ms(t)) / 1000
        if streaming <= 0:
            return 0.0
        z = (math.log(streaming * tokens_per_second(t)) - math.log(median_tokens)) / sigma
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    def shares(t: int) -> tuple[float, ...]:
        below = [cdf(b, t) for b in LATENCY_BOUNDS]
        out = [below[0], *(b - a for a, b in itertools.pairwise(below))]
        return (*out, 1 - below[-1])

    return shares


def _apportion(total: int, shares: tuple[float, ...]) -> tuple[int, ...]:
    """`total` split by `shares` (largest remainders), summing to `total` exactly."""
    exact = [total * s / (sum(shares) or 1) for s in shares]
    counts = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return tuple(counts)


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if p <= 0 or n == 0:
        return 0
    if n <= 200:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def load_balancer(
    rate: Callable[[int], float],
    error_fraction: Callable[[int], float],
    latency: Latency,
    end: int,
    *,
    path_rule: str = "UNMATCHED",
    seed: int = 1,
    start: int = 0,
) -> list[TimeSeries]:
    """request_count per response class and total_latencies of one path rule, per minute, from
    `start` to `end`: `error_fraction(t)` of requests return 5xx, `latency(t)` their latencies."""
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
    for t in range(start + SAMPLE, end + 1, SAMPLE):
        total = poisson(rng, rate(t) * SAMPLE)
        if total == 0:
            continue  # a DELTA metric writes no point for a minute without requests
        failed = _binomial(rng, total, error_fraction(t))
        ok.add(t, float(total - failed))
        if failed:
            errors.add(t, float(failed))
        latencies.add(t, Distribution(LATENCY_BOUNDS, _apportion(total, latency(t))))
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
