"""What the Support Team sees: the PACE overview and one dashboard per system."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pace_infra.monitoring.filters import (
    LB_LATENCIES,
    LB_REQUESTS,
    SERVER_ERRORS,
    WEB_URL_MAP,
    container_filter,
    lb_filter,
    log_metric_filter,
    node_filter,
    sql_filter,
)
from pace_infra.monitoring.model import Chart, IncidentsTile
from pace_infra.names import Workload, errors_log_metric, namespace


def _by_database(title: str, metric: str) -> Chart:
    return Chart(
        title, sql_filter(metric), "ALIGN_MEAN", "REDUCE_MEAN", ("resource.label.database_id",)
    )


def _latency(percentile: int) -> Chart:
    return Chart(
        f"CRM latency p{percentile} (ms)",
        lb_filter(LB_LATENCIES, WEB_URL_MAP),
        f"ALIGN_PERCENTILE_{percentile:02d}",
        "REDUCE_MEAN",
    )


TRAFFIC = Chart("CRM requests/s", lb_filter(LB_REQUESTS, WEB_URL_MAP), "ALIGN_RATE", "REDUCE_SUM")
ERROR_RATIO = Chart(
    "CRM 5xx ratio",
    lb_filter(LB_REQUESTS, WEB_URL_MAP, SERVER_ERRORS),
    "ALIGN_RATE",
    "REDUCE_SUM",
    denominator_filter=lb_filter(LB_REQUESTS, WEB_URL_MAP),
)
UPTIME = Chart(
    "Uptime checks passing (by check)",
    'metric.type="monitoring.googleapis.com/uptime_check/check_passed" resource.type="uptime_url"',
    "ALIGN_FRACTION_TRUE",
    "REDUCE_MEAN",
    ("metric.label.check_id",),
)
RESTARTS = Chart(
    "Container restarts (by namespace)",
    'metric.type="kubernetes.io/container/restart_count" resource.type="k8s_container"',
    "ALIGN_DELTA",
    "REDUCE_SUM",
    ("resource.label.namespace_name",),
)


def _workload(namespace: str) -> list[Chart]:
    return [
        Chart(
            f"{namespace} CPU / limit",
            container_filter(namespace, "cpu/limit_utilization"),
            "ALIGN_MEAN",
            "REDUCE_MAX",
            ("resource.label.pod_name",),
        ),
        Chart(
            f"{namespace} memory / limit",
            container_filter(namespace, "memory/limit_utilization"),
            "ALIGN_MEAN",
            "REDUCE_MAX",
            ("resource.label.pod_name",),
        ),
        Chart(
            f"{namespace} restarts",
            container_filter(namespace, "restart_count"),
            "ALIGN_DELTA",
            "REDUCE_SUM",
            ("resource.label.pod_name",),
        ),
    ]


def dashboards(
    env_name: str, log_metrics: Mapping[str, str]
) -> dict[str, tuple[str, Sequence[Chart | IncidentsTile]]]:
    """Dashboard key -> (display name, tiles)."""

    def errors(workload: Workload) -> Chart:
        return Chart(
            f"{namespace(workload)} error logs/min",
            log_metric_filter(log_metrics[errors_log_metric(workload)], "k8s_container"),
            "ALIGN_SUM",
            "REDUCE_SUM",
        )

    sql = [
        _by_database("Cloud SQL CPU", "cpu/utilization"),
        _by_database("Cloud SQL memory", "memory/utilization"),
        _by_database("Cloud SQL disk", "disk/utilization"),
        Chart(
            "Cloud SQL connections",
            sql_filter("postgresql/num_backends"),
            "ALIGN_MEAN",
            "REDUCE_SUM",
            ("resource.label.database_id",),
        ),
        Chart(
            "Cloud SQL up",
            sql_filter("up"),
            "ALIGN_MIN",
            "REDUCE_MIN",
            ("resource.label.database_id",),
        ),
    ]
    title = f"PACE {env_name}"
    return {
        "overview": (
            f"{title}: overview",
            [
                TRAFFIC,
                ERROR_RATIO,
                _latency(50),
                _latency(95),
                _latency(99),
                UPTIME,
                RESTARTS,
                *sql[:3],
                IncidentsTile(),
            ],
        ),
        "web": (
            f"{title}: web (CRM)",
            [
                TRAFFIC,
                ERROR_RATIO,
                _latency(95),
                errors("web"),
                *_workload(namespace("web")),
                IncidentsTile(),
            ],
        ),
        "ai": (
            f"{title}: ai (AI backend, MCP servers)",
            [
                errors("ai"),
                *_workload(namespace("ai")),
                UPTIME,
                IncidentsTile(),
            ],
        ),
        "data": (f"{title}: data (Cloud SQL)", sql),
        "platform": (
            f"{title}: platform (cluster, nodes)",
            [
                Chart(
                    "Node CPU / allocatable",
                    node_filter("cpu/allocatable_utilization"),
                    "ALIGN_MEAN",
                    "REDUCE_MAX",
                    ("resource.label.node_name",),
                ),
                Chart(
                    "Node memory / allocatable",
                    node_filter("memory/allocatable_utilization"),
                    "ALIGN_MEAN",
                    "REDUCE_MAX",
                    ("resource.label.node_name",),
                ),
                RESTARTS,
                IncidentsTile(),
            ],
        ),
    }
