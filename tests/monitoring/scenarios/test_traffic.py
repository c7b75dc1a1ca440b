import random

from pace_infra.monitoring.scenarios.traffic import (
    CHECKER_LOCATIONS,
    daily_rate,
    load_balancer,
    managed_certificate,
    poisson,
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
    series = load_balancer(lambda t: 10, lambda t: 0.1, lambda t: 0.2, 600)
    counts = {
        s.metric_labels.get("response_code_class"): s
        for s in series
        if "request_count" in s.metric_type
    }
    latencies = next(s for s in series if "total_latencies" in s.metric_type)
    for t, dist in latencies.points:
        total = sum(v for s in counts.values() for pt, v in s.points if pt == t)
        assert dist.count == total
        assert dist.count - dist.count_below(1000) == round(total * 0.2)


def test_the_usa_region_checks_from_three_locations():
    series = uptime_checks("c", "h", ("EUROPE", "USA", "ASIA_PACIFIC"), lambda loc, t: True, 120)
    assert len(series) == 5 == sum(len(v) for v in CHECKER_LOCATIONS.values())


def test_managed_certificates_renew_at_30_days():
    assert managed_certificate(31, True)(2 * 86400) > 30
    assert managed_certificate(15, False)(2 * 86400) == 13
