import pytest

from pace_infra.monitoring.evaluation.promql import PromQLCondition, evaluate, parse, promql_name
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
