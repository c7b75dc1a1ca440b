import pytest

from pace_infra.monitoring.evaluation.aggregation import Aggregation
from pace_infra.monitoring.evaluation.conditions import Absence, Slo, Threshold
from pace_infra.monitoring.evaluation.filters import MetricFilter, SloSelector, parse_metric_filter
from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported
from tests.monitoring.evaluation.helpers import gauge

ALL = parse_metric_filter('metric.type="custom.googleapis.com/x"')
MEAN = Aggregation(60, "ALIGN_MEAN")


def _run(condition, series, end, slos=None) -> list[bool | None]:
    condition.reset()
    return [condition.step(series, slos or {}, t) for t in range(60, end + 1, 60)]


def test_the_duration_window_resets_when_a_measurement_does_not_satisfy_the_condition():
    # Doc example: a 5-minute duration; 3 minutes above, one below (reset), then 5 consecutive
    # minutes above trigger it.
    values = {60: 3, 120: 3, 180: 3, 240: 1, **{t: 3 for t in range(300, 901, 60)}}
    c = Threshold("latency", ALL, "COMPARISON_GT", 2, duration=300, aggregation=MEAN)
    met = _run(c, [gauge(values)], 900)
    assert met[:4] == [False] * 4  # the reset at 240 s: three minutes were not enough
    assert met.index(True) * 60 + 60 == 600  # violating since 300 s, failing 300 s later


def test_duration_zero_fails_at_once():
    c = Threshold("x", ALL, "COMPARISON_GT", 2, aggregation=MEAN)
    assert _run(c, [gauge({60: 3})], 60) == [True]


def test_missing_data_active_inactive_no_op():
    # ACTIVE: "If there is no data ... evaluate the condition as true"; INACTIVE: "as false";
    # NO_OP: "Do not evaluate the condition to any value if there is no data."
    series = [gauge({60: 1, 120: 1})]  # data stops after 120 s
    for missing, expected in (
        ("EVALUATION_MISSING_DATA_ACTIVE", True),
        ("EVALUATION_MISSING_DATA_INACTIVE", False),
        ("EVALUATION_MISSING_DATA_NO_OP", None),
        ("EVALUATION_MISSING_DATA_UNSPECIFIED", None),  # "Equivalent to ... NO_OP"
    ):
        c = Threshold("up", ALL, "COMPARISON_LT", 1, aggregation=MEAN, missing_data=missing)
        assert _run(c, series, 300)[-1] is expected, missing


def test_trigger_count_and_percent():
    # "The absolute number of time series that must fail" / "The percentage of time series".
    series = [gauge({60: 5}, pod=str(i)) for i in range(2)] + [gauge({60: 0}, pod="2")]
    assert _run(
        Threshold("x", ALL, "COMPARISON_GT", 1, aggregation=MEAN, trigger_count=3), series, 60
    ) == [False]
    assert _run(
        Threshold("x", ALL, "COMPARISON_GT", 1, aggregation=MEAN, trigger_count=2), series, 60
    ) == [True]
    assert _run(
        Threshold("x", ALL, "COMPARISON_GT", 1, aggregation=MEAN, trigger_percent=60), series, 60
    ) == [True]
    assert _run(
        Threshold("x", ALL, "COMPARISON_GT", 1, aggregation=MEAN, trigger_percent=70), series, 60
    ) == [False]


def test_a_ratio_divides_numerator_by_denominator():
    # "the time series specified by the filter field will be used as the numerator"
    errors = TimeSeries("custom.googleapis.com/x", "global", "DELTA", {}, {"c": "5"}, [(60, 6.0)])
    total = TimeSeries("custom.googleapis.com/y", "global", "DELTA", {}, {}, [(60, 100.0)])
    sum_rate = Aggregation(60, "ALIGN_RATE", "REDUCE_SUM")
    c = Threshold(
        "ratio",
        parse_metric_filter('metric.type="custom.googleapis.com/x"'),
        "COMPARISON_GT",
        0.05,
        aggregation=sum_rate,
        denominator=parse_metric_filter('metric.type="custom.googleapis.com/y"'),
        denominator_aggregation=sum_rate,
    )
    assert _run(c, [errors, total], 60) == [True]
    c.threshold = 0.07
    assert _run(c, [errors, total], 60) == [False]


def test_only_gt_and_lt_are_supported():
    with pytest.raises(Unsupported):
        _run(Threshold("x", ALL, "COMPARISON_GE", 1, aggregation=MEAN), [gauge({60: 1})], 60)


def test_a_forecast_compares_the_predicted_value():
    # "forecasts whether the time series is predicted to violate the threshold within the horizon"
    growing = gauge({t: 0.5 + t / 36000 for t in range(60, 3601, 60)})  # +0.1 an hour
    c = Threshold("f", ALL, "COMPARISON_GT", 0.95, aggregation=MEAN, forecast_horizon=6 * 3600)
    assert _run(c, [growing], 3600)[-1] is True  # 0.6 now, about 1.2 in six hours
    c = Threshold("f", ALL, "COMPARISON_GT", 0.95, aggregation=MEAN, forecast_horizon=3600)
    assert _run(c, [growing], 3600)[-1] is False  # about 0.7 in an hour


def test_burn_rate_is_the_error_rate_over_the_budget():
    # Error budget "(1 - SLO goal) x (eligible events)"; no errors: burn rate zero.
    flt = parse_metric_filter('metric.type="custom.googleapis.com/r"')
    bad = parse_metric_filter('metric.type="custom.googleapis.com/r" metric.label.c="500"')
    slo = Slo("s", 0.99, total_filter=flt, bad_filter=bad)
    ok = TimeSeries("custom.googleapis.com/r", "global", "DELTA", {}, {"c": "200"}, [(60, 95.0)])
    err = TimeSeries("custom.googleapis.com/r", "global", "DELTA", {}, {"c": "500"}, [(60, 5.0)])
    assert slo.burn_rate([ok, err], 300, 60) == pytest.approx(5.0)  # 5 % errors / 1 % budget
    assert slo.burn_rate([ok], 300, 60) == 0.0
    assert slo.burn_rate([], 300, 60) is None
    c = Threshold("burn", SloSelector("s", 300), "COMPARISON_GT", 4.0)
    assert _run(c, [ok, err], 60, {"s": slo}) == [True]


def test_a_latency_burn_rate_counts_the_requests_above_the_distribution_cut():
    # distribution_cut: good events are the values within the range; the burn rate is the bad
    # share over the budget. 20 of 100 requests over 20 000 ms against a 5 % budget: 4x.
    from pace_infra.monitoring.evaluation.series import Distribution

    flt = parse_metric_filter('metric.type="custom.googleapis.com/l"')
    slo = Slo("s", 0.95, distribution_filter=flt, range_max=20000)
    dist = Distribution((1000, 20000), (0, 80, 20))
    series = TimeSeries("custom.googleapis.com/l", "global", "DELTA", {}, {}, [(60, dist)])
    assert slo.burn_rate([series], 300, 60) == pytest.approx(4.0)


def test_a_three_day_lookback_reads_every_request_of_the_three_days():
    # The ticket tier's select_slo_burn_rate(slo, "259200s"): the whole lookback, not its end.
    flt = parse_metric_filter('metric.type="custom.googleapis.com/r"')
    bad = parse_metric_filter('metric.type="custom.googleapis.com/r" metric.label.c="500"')
    slo = Slo("s", 0.995, total_filter=flt, bad_filter=bad)
    day, minutes = 86400, range(60, 4 * 86400 + 1, 60)
    ok = TimeSeries("custom.googleapis.com/r", "global", "DELTA", {}, {"c": "200"},
                    [(t, 100.0) for t in minutes])  # fmt: skip
    err = TimeSeries("custom.googleapis.com/r", "global", "DELTA", {}, {"c": "500"},
                     [(t, 1.0) for t in minutes if t > 3 * day])  # fmt: skip
    # The last day: 1 % errors (2x the 0.5 % budget); over three days a third of that.
    assert slo.burn_rate([ok, err], day, 4 * day) == pytest.approx(1 / 101 / 0.005)
    assert slo.burn_rate([ok, err], 3 * day, 4 * day) == pytest.approx(1440 / 433440 / 0.005)


def test_absence_violates_when_a_series_stops_reporting_for_the_duration():
    # "in violation when a time series ... does not include any data in the specified duration"
    series = [gauge({t: 1 for t in range(60, 601, 60)})]
    c = Absence("absent", MetricFilter(ALL.clauses), 180)
    met = _run(c, series, 900)
    assert met[9] is False  # 600 s: it reported
    assert met[12] is True  # 780 s: nothing since 600 s
    with pytest.raises(Unsupported):
        Absence("absent", ALL, 60)  # "The minimum value of this field is 120 seconds."
