import pytest

from pace_infra.monitoring.evaluation.promql import (
    LOOKBACK,
    PromQLCondition,
    duration,
    equality_matchers,
    evaluate,
    parse,
    promql_name,
)
from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported


def _waiting(pod: str, reason: str, value: float, until: int = 3600) -> TimeSeries:
    return TimeSeries(
        "prometheus.googleapis.com/kube_pod_container_status_waiting_reason/gauge",
        "prometheus_target",
        "GAUGE",
        {"namespace": "pace-web", "cluster": "pace"},
        {"pod": pod, "reason": reason},
        [(t, value) for t in range(30, until, 30)],
    )


def test_metric_names_as_cloud_monitoring_maps_them():
    assert promql_name(_waiting("p", "x", 1)) == "kube_pod_container_status_waiting_reason"
    restarts = TimeSeries("kubernetes.io/container/restart_count", "k8s_container", "CUMULATIVE")
    assert promql_name(restarts) == "kubernetes_io:container_restart_count"


def test_a_comparison_filters_the_vector():
    series = [_waiting("a", "CrashLoopBackOff", 1), _waiting("b", "CrashLoopBackOff", 0)]
    result = evaluate(
        parse('kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"} > 0'),
        series,
        600,
    )
    assert [dict(k)["pod"] for k in result] == ["a"]


def test_aggregation_by_and_range_functions():
    series = [_waiting("a", "CrashLoopBackOff", 1), _waiting("b", "CrashLoopBackOff", 1)]
    query = (
        "sum by (namespace) (max_over_time("
        'kube_pod_container_status_waiting_reason{reason=~"Crash.*"}[5m]))'
    )
    assert evaluate(parse(query), series, 600) == {frozenset({("namespace", "pace-web")}): 2.0}


def test_the_for_duration_makes_an_alert_pending_first():
    # "Alerts are considered firing once their PromQL expression was evaluated to be "true"
    # for this long"
    condition = PromQLCondition(
        "loop", "kube_pod_container_status_waiting_reason > 0", duration=300
    )
    series = [_waiting("a", "CrashLoopBackOff", 1)]
    states = [condition.step(series, {}, t) for t in range(60, 601, 60)]
    assert states.index(True) == 5  # true since 60 s, firing at 360 s (index 5)


def test_unimplemented_promql_is_refused():
    for query in (
        "rate(x[5m] @ 100)",
        "x offset -5m",
        "max_over_time(x[1h:5m])",
        "x > bool 1",
        "histogram_quantile(0.9, x)",
        "x * on(a) group_left y",
    ):
        with pytest.raises(Unsupported):
            parse(query)


def _ksm(name: str, value: dict[int, float], **labels: str) -> TimeSeries:
    namespace = labels.pop("namespace", "pace-web")
    return TimeSeries(
        f"prometheus.googleapis.com/{name}/gauge",
        "prometheus_target",
        "GAUGE",
        {"namespace": namespace, "cluster": "pace"},
        labels,
        sorted(value.items()),
    )


CRASH_LOOP = (
    "max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason"
    '{namespace="pace-web",reason="CrashLoopBackOff"}[5m])) > 0'
)


def test_max_over_time_keeps_a_series_for_its_range_after_the_last_sample():
    # Range vectors select the samples of the last [5m]; the aggregation keeps the by-labels.
    waiting = _ksm(
        "kube_pod_container_status_waiting_reason",
        {600: 1.0},
        pod="p",
        container="app",
        reason="CrashLoopBackOff",
    )
    node = parse(CRASH_LOOP)
    assert evaluate(node, [waiting], 600) == {
        frozenset({("namespace", "pace-web"), ("pod", "p"), ("container", "app")}): 1.0
    }
    assert evaluate(node, [waiting], 899) != {}
    assert evaluate(node, [waiting], 900) == {}  # the window is (t - 5m, t]


def test_desired_minus_available_matches_one_to_one_and_an_and_on_filters():
    # Vector arithmetic matches series with the same labels; `and on (...)` keeps the left's
    # series that have a match on those labels ("and: intersection").
    series = [
        _ksm("kube_deployment_spec_replicas", {60: 4.0}, deployment="pace-web"),
        _ksm("kube_deployment_status_replicas_available", {60: 0.0}, deployment="pace-web"),
    ]
    short = parse(
        '(sum by (namespace, deployment) (kube_deployment_spec_replicas{namespace="pace-web"}) '
        "- sum by (namespace, deployment) "
        '(kube_deployment_status_replicas_available{namespace="pace-web"})) > 0'
    )
    key = frozenset({("namespace", "pace-web"), ("deployment", "pace-web")})
    assert evaluate(short, series, 60) == {key: 4.0}
    none = parse(
        "(sum by (namespace, deployment) (kube_deployment_status_replicas_available) == 0) "
        "and on (namespace, deployment) (sum by (namespace, deployment) "
        "(kube_deployment_spec_replicas) > 0)"
    )
    assert evaluate(none, series, 60) == {key: 0.0}
    series[0] = _ksm("kube_deployment_spec_replicas", {60: 0.0}, deployment="pace-web")
    assert evaluate(none, series, 60) == {}  # scaled to zero on purpose


def test_the_equality_matchers_of_a_query():
    assert equality_matchers(parse(CRASH_LOOP)) == {
        "namespace": "pace-web",
        "reason": "CrashLoopBackOff",
    }


# --- absent, absent_over_time, offset, unless, or, lookback ----------------------------------


def _metric(metric: str, times: list[int], value: float = 1.0, **labels: str) -> TimeSeries:
    return TimeSeries(
        f"prometheus.googleapis.com/{metric}/gauge",
        "prometheus_target",
        "GAUGE",
        {"namespace": "argocd"},
        labels,
        [(t, value) for t in times],
    )


def _labels(result) -> list[dict[str, str]]:
    """The result's label sets, less the labels every series here carries."""
    common = {"namespace", "monitored_resource", "__name__"}
    return [{k: v for k, v in key if k not in common} for key in result]


def test_absent_labels_come_from_the_equality_matchers_as_the_docs_examples_say():
    # absent(nonexistent{job="myjob"}) => {job="myjob"};
    # absent(nonexistent{job="myjob",instance=~".*"}) => {job="myjob"};
    # absent(sum(nonexistent{job="myjob"})) => {}
    assert evaluate(parse('absent(nonexistent{job="myjob"})'), [], 600) == {
        frozenset({("job", "myjob")}): 1.0
    }
    assert evaluate(parse('absent(nonexistent{job="myjob",instance=~".*"})'), [], 600) == {
        frozenset({("job", "myjob")}): 1.0
    }
    assert evaluate(parse('absent(sum(nonexistent{job="myjob"}))'), [], 600) == {frozenset(): 1.0}
    # "returns an empty vector if the vector passed to it has any elements"
    present = [_metric("up", [540], job="myjob")]
    assert evaluate(parse('absent(up{job="myjob"})'), present, 600) == {}
    # Prometheus (createLabelsForAbsentFunction): a label matched twice is left out.
    assert evaluate(parse('absent(x{job="a",job="b",foo="bar"})'), [], 600) == {
        frozenset({("foo", "bar")}): 1.0
    }


def test_absent_sees_a_series_for_the_5_minute_lookback_after_its_last_sample():
    # An instant selector takes the latest sample of the last 5 minutes, and Cloud Monitoring
    # has no staleness markers ("Staleness is not supported in the Monarch backend"): a
    # series whose scrapes stop is present for 5 minutes after its last sample.
    series = [_metric("argocd_app_info", list(range(30, 601, 30)))]
    query = parse("absent(argocd_app_info)")
    assert LOOKBACK == 300
    assert evaluate(query, series, 600 + 299) == {}
    assert evaluate(query, series, 600 + 300) == {frozenset(): 1.0}


def test_absent_over_time_is_empty_while_the_range_holds_a_sample():
    # absent_over_time(nonexistent{job="myjob"}[1h]) => {job="myjob"}, and "an empty vector if
    # the range vector passed to it has any elements".
    query = parse('absent_over_time(x{job="myjob",instance=~".*"}[1h])')
    series = [_metric("x", [1000], job="myjob", instance="i")]
    assert evaluate(query, series, 1000 + 3599) == {}
    assert evaluate(query, series, 1000 + 3600) == {frozenset({("job", "myjob")}): 1.0}
    assert evaluate(query, [], 10) == {frozenset({("job", "myjob")}): 1.0}


def test_max_over_time_reads_a_range_of_days():
    query = parse("max_over_time(x[8d]) > 3600")
    day = 86400
    series = [_metric("x", [day, 8 * day], 4000.0, i="a"), _metric("x", [2 * day], 1500.0, i="b")]
    assert _labels(evaluate(query, series, 8 * day)) == [{"i": "a"}]
    assert evaluate(query, series, 9 * day) != {}  # the 8th day's sample
    assert evaluate(query, series, 16 * day) == {}


def test_offset_evaluates_a_selector_earlier():
    # "the following expression returns the value of http_requests_total 5 minutes in the past
    # relative to the current query evaluation time: http_requests_total offset 5m"
    series = [_metric("x", [60], 1.0), _metric("y", [600], 2.0)]
    assert evaluate(parse("x offset 5m"), series, 360) != {}
    assert evaluate(parse("x offset 10m"), series, 360) == {}
    assert list(evaluate(parse("max_over_time(y[1m] offset 1m)"), series, 660).values()) == [2.0]
    assert evaluate(parse("max_over_time(y[1m] offset 1m)"), series, 600) == {}
    assert duration("1h30m") == 5400


def test_unless_keeps_the_left_series_without_a_match_so_a_new_series_shows_for_the_offset():
    # "vector1 unless vector2 results in a vector consisting of the elements of vector1 for
    # which there are no elements in vector2 with exactly matching label sets"
    query = parse(
        'count by (name) (x{phase=~"Error|Failed"} unless x{phase=~"Error|Failed"} offset 15m)'
    )
    old = _metric("x", list(range(30, 7200, 30)), name="web", phase="Failed")
    new = _metric("x", list(range(3600, 7200, 30)), name="ai", phase="Error")
    assert _labels(evaluate(query, [old, new], 3600)) == [{"name": "ai"}]
    assert _labels(evaluate(query, [old, new], 3600 + 899)) == [{"name": "ai"}]
    assert evaluate(query, [old, new], 3600 + 900) == {}


def test_or_joins_vectors_of_different_label_sets():
    # "vector1 or vector2 results in a vector that contains all original elements (label sets
    # + values) of vector1 and additionally all elements of vector2 which do not have matching
    # label sets in vector1"
    series = [_metric("x", [60], 5000.0, i="a")]
    query = parse('absent_over_time(x{i="b"}[8d]) or max_over_time(x{i=~"a|b"}[8d]) > 3600')
    result = evaluate(query, series, 120)
    assert [dict(k) for k in result] == [
        {"i": "b"},
        {"namespace": "argocd", "monitored_resource": "prometheus_target", "i": "a"},
    ]


def test_an_evaluation_interval_longer_than_a_step_holds_the_last_evaluation():
    # evaluation_interval: "How often this rule should be evaluated"
    condition = PromQLCondition("x", "x > 0", evaluation_interval=300)
    series = [_metric("x", [400])]
    states = [condition.step(series, {}, t) for t in range(60, 1201, 60)]
    # evaluated at 60 (no data), then at 360 (none yet), 660 (the sample at 400), 960
    assert states.index(True) == 10  # 660 s
    assert states[9] is False  # 600 s: the 360 s evaluation stands
    with pytest.raises(Unsupported):
        PromQLCondition("x", "x > 0", evaluation_interval=45)


def test_regex_matchers_are_fully_anchored():
    # "Regex matches are fully anchored. A match of env=~"foo" is treated as env=~"^foo$"."
    series = [_metric("x", [60], phase=p) for p in ("Error", "Failed", "FailedOver", "Succeeded")]
    result = evaluate(parse('x{phase=~"Error|Failed"}'), series, 60)
    assert sorted(_labels(result), key=str) == [{"phase": "Error"}, {"phase": "Failed"}]
    assert len(evaluate(parse('x{phase!~"Error|Failed"}'), series, 60)) == 2
