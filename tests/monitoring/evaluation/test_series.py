import pytest

from pace_infra.monitoring.evaluation.series import Distribution, LogEntry, TimeSeries, Unsupported


def test_a_window_holds_the_points_after_its_start_up_to_its_end():
    # "at 1:00 PM, the alignment period contains the samples received between 12:55 PM and 1:00 PM"
    series = TimeSeries("m", "r", "GAUGE", points=[(t, float(t)) for t in range(0, 601, 60)])
    assert [t for t, _ in series.window(300, 600)] == [360, 420, 480, 540, 600]


def test_labels_are_read_as_filters_name_them():
    series = TimeSeries("m", "r", "GAUGE", {"pod_name": "p"}, {"state": "FAILED"})
    assert series.label("resource.label.pod_name") == "p"
    assert series.label("resource.labels.pod_name") == "p"
    assert series.label("metric.label.state") == "FAILED"
    with pytest.raises(Unsupported):
        series.label("metadata.system_labels.x")


def test_a_distribution_counts_below_a_bound_and_refuses_a_cut_between_bounds():
    d = Distribution((100, 1000), (5, 3, 2))
    assert d.count == 10
    assert d.count_below(1000) == 8
    with pytest.raises(Unsupported):
        d.count_below(500)


def test_a_log_entry_has_a_known_severity():
    with pytest.raises(ValueError):
        LogEntry(0, "global", {}, "LOUD")


def test_a_window_total_is_the_sum_of_its_points():
    # Running sums (a 3-day SLO window evaluated every minute): the same as summing the window.
    series = TimeSeries("m", "r", "DELTA", points=[(t, float(t % 7)) for t in range(60, 6001, 60)])
    for start, end in ((0, 6000), (300, 900), (330, 930), (6000, 9000)):
        assert series.total(start, end) == sum(v for _, v in series.window(start, end))
    series.add(6060, 5.0)
    assert series.total(6000, 6060) == 5.0  # a new point resets the running sums


def test_a_distribution_total_counts_all_values_or_those_below_a_bound():
    d = Distribution((100, 1000), (5, 3, 2))
    series = TimeSeries("m", "r", "DELTA", points=[(60, d), (120, d)])
    assert series.total(0, 120) == 20
    assert series.total(0, 120, below=1000) == 16
    with pytest.raises(Unsupported):
        series.total(0, 120, below=500)
