import random

from pace_infra.monitoring.scenarios.traffic import (
    CHECKER_LOCATIONS,
    LATENCY_BOUNDS,
    daily_rate,
    load_balancer,
    managed_certificate,
    poisson,
    split_at,
    streamed_answers,
    uptime_checks,
)


def test_the_day_has_a_low_night_and_a_plateau():
    rate = daily_rate(40)
    assert rate(3 * 3600) == 40 * 0.03
    assert rate(12 * 3600) == 40
    assert rate(7 * 3600) < rate(8 * 3600) < 40


def test_poisson_draws_are_seeded_and_centred():
    a = [poisson(random.Random(1), 20) for _ in range(3)]
    assert a == [poisson(random.Random(1), 20) for _ in range(3)]
    rng = random.Random(2)
    assert abs(sum(poisson(rng, 5) for _ in range(2000)) / 2000 - 5) < 0.3


def test_load_balancer_counts_and_latencies_agree():
    series = load_balancer(lambda t: 10, lambda t: 0.1, split_at(1000, lambda t: 0.2), 600)
    counts = {
        s.metric_labels.get("response_code_class"): s
        for s in series
        if "request_count" in s.metric_type
    }
    latencies = next(s for s in series if "total_latencies" in s.metric_type)
    for t, dist in latencies.points:
        total = sum(v for s in counts.values() for pt, v in s.points if pt == t)
        assert dist.count == total
        # each bucket its expected count rounded (largest remainders): off by under one a bucket
        assert abs(dist.count - dist.count_below(1000) - total * 0.2) < len(LATENCY_BOUNDS)


def test_the_usa_region_checks_from_three_locations_each_usa_region_from_one():
    series = uptime_checks("c", "h", ("EUROPE", "USA", "ASIA_PACIFIC"), lambda loc, t: True, 120)
    assert len(series) == 5
    assert len(uptime_checks("c", "h", ("EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC"),
                             lambda loc, t: True, 120)) == 3  # fmt: skip
    assert CHECKER_LOCATIONS["USA"] == ("usa-oregon", "usa-iowa", "usa-virginia")


def test_managed_certificates_renew_at_30_days():
    assert managed_certificate(31, True)(2 * 86400) > 30
    assert managed_certificate(15, False)(2 * 86400) == 13


def test_streamed_answers_take_seconds_and_rarely_20():
    # First token after 1.5 s, then a log-normal length (median 250 tokens) at 50 tokens/s.
    shares = streamed_answers(lambda t: 50.0)(0)
    assert abs(sum(shares) - 1) < 1e-9
    over = {b: 1 - sum(shares[: LATENCY_BOUNDS.index(b) + 1]) for b in (1000, 5000, 20000)}
    assert over[1000] == 1.0  # nothing streams in under a second
    assert 0.4 < over[5000] < 0.9  # the median answer: 1.5 s + 5 s
    assert over[20000] < 0.01
    late = streamed_answers(lambda t: 50.0, lambda t: 17_000.0)(0)
    assert 1 - sum(late[: LATENCY_BOUNDS.index(20000) + 1]) > 0.8


def test_the_slo_cuts_are_bucket_bounds():
    assert 1000 in LATENCY_BOUNDS and 20000 in LATENCY_BOUNDS
