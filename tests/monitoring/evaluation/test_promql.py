import pytest

from pace_infra.monitoring.evaluation.promql import (
    PromQLCondition,
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
        "rate(x[5m] offset 1h)",
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
