import pytest

from pace_infra.monitoring.evaluation.aggregation import Aggregation, aggregate, align, reduce
from pace_infra.monitoring.evaluation.series import Distribution, TimeSeries, Unsupported
from tests.monitoring.evaluation.helpers import cumulative, delta, gauge


def test_align_delta_of_a_cumulative_series_is_y1_minus_y0_and_survives_a_reset():
    # ALIGN_DELTA: "The output is delta = y1 - y0"; a cumulative value drops only when reset.
    series = cumulative({60: 10, 120: 12, 180: 1, 240: 4})
    assert align(series, "ALIGN_DELTA", 180, 240) == 2 + 1 + 3


def test_align_rate_is_the_delta_over_the_period():
    # ALIGN_RATE: "rate = (y1 - y0)/(t1 - t0)"
    assert align(delta({60: 30, 120: 90}), "ALIGN_RATE", 120, 120) == 1.0


def test_a_window_without_points_has_no_value():
    assert align(delta({60: 30}), "ALIGN_DELTA", 60, 600) is None


def test_align_next_older_takes_the_latest_point_in_the_period():
    # "the most recent data point before the end of the alignment period"
    assert align(gauge({60: 1.0, 600: 2.0}), "ALIGN_NEXT_OLDER", 1200, 900) == 2.0


def test_boolean_aligners_count_true_and_false():
    series = TimeSeries("m", "r", "GAUGE", points=[(60, True), (120, False), (180, True)])
    assert align(series, "ALIGN_COUNT_TRUE", 180, 180) == 2
    assert align(series, "ALIGN_COUNT_FALSE", 180, 180) == 1
    assert align(series, "ALIGN_FRACTION_TRUE", 180, 180) == pytest.approx(2 / 3)


def test_percentile_of_a_distribution():
    series = TimeSeries("m", "r", "DELTA", points=[(60, Distribution((100, 1000), (50, 45, 5)))])
    assert 100 < align(series, "ALIGN_PERCENTILE_95", 60, 60) <= 1000


def test_unimplemented_aligners_and_reducers_are_refused():
    with pytest.raises(Unsupported):
        align(gauge({60: 1}), "ALIGN_PERCENT_CHANGE", 60, 60)
    with pytest.raises(Unsupported):
        align(gauge({60: 1}), "ALIGN_RATE", 60, 60)  # the API refuses RATE on a GAUGE
    with pytest.raises(Unsupported):
        reduce([1.0], "REDUCE_NONSENSE")


def test_group_by_combines_series_with_the_same_field_values():
    # "time series that have the same value for each of the grouping fields ... combined"
    a, b, c = gauge({60: 1}, pod="p1"), gauge({60: 2}, pod="p1"), gauge({60: 5}, pod="p2")
    agg = Aggregation(60, "ALIGN_MEAN", "REDUCE_SUM", ("resource.label.pod",))
    assert aggregate([a, b, c], agg, 60) == {("p1",): 3.0, ("p2",): 5.0}


def test_count_false_across_series():
    regions = [
        TimeSeries("m", "r", "GAUGE", {"host": "h"}, {"loc": loc}, [(60, ok)])
        for loc, ok in (("a", False), ("b", False), ("c", True))
    ]
    agg = Aggregation(1200, "ALIGN_NEXT_OLDER", "REDUCE_COUNT_FALSE", ("resource.label.host",))
    assert aggregate(regions, agg, 60) == {("h",): 2.0}
