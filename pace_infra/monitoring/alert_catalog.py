"""What PACE alerts on: the seed's three rule families (error-rate spikes, resource exhaustion,
health-check failures) for web, ai and data, plus the platform, SLO burn rates and certificates.

Specs (plain dataclasses, no resources) built from an environment's thresholds and the handles
of the monitoring stack (uptime check ids, log metric types, SLO names); the Alerting construct
turns them into policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pace_infra.config import Thresholds
from pace_infra.monitoring.argocd_alerts import argocd_alerts
from pace_infra.monitoring.database_alerts import (
    DrillWatch,
    database_alerts,
    restore_drill_alert,
)
from pace_infra.monitoring.filters import (
    LB_REQUESTS,
    SERVER_ERRORS,
    WEB_URL_MAP,
    container_filter,
    lb_filter,
    log_metric_filter,
    node_filter,
)
from pace_infra.monitoring.model import Aggregation, AlertSpec, LogMatch, Threshold
from pace_infra.monitoring.security_alerts import SecurityWatch, security_alerts
from pace_infra.monitoring.service_alerts import burn_rate_alerts, uptime_alerts
from pace_infra.names import WORKLOADS, errors_log_metric, namespace


@dataclass(frozen=True)
class CatalogInputs:
    project_id: str
    security: SecurityWatch  # whose expected changes the security alerts leave out
    thresholds: Thresholds
    # instance name -> max_connections
    databases: Mapping[str, int]
    uptime_checks: Mapping[str, tuple[str, str]]  # name -> (system, check id)
    log_metrics: Mapping[str, str]  # log metric name -> metric type
    slo_names: Mapping[str, str]  # "<app>-availability|latency" -> SLO resource name
    # The restore drill, where the environment has one.
    restore_drill: DrillWatch | None = None


def _workload_alerts(system: str, namespace: str, t: Thresholds) -> list[AlertSpec]:
    per_pod = Aggregation("300s", "ALIGN_DELTA", "REDUCE_SUM", ("resource.label.pod_name",))
    return [
        AlertSpec(
            key=f"{system}-container-cpu",
            title=f"{namespace}: containers at their CPU limit",
            system=system,
            family="exhaustion",
            severity="WARNING",
            summary=f"Containers in {namespace} use more than {t.container_limit_utilization:.0%} "
            "of their CPU limit: they are throttled and respond slowly.",
            first_steps=f"- `kubectl -n {namespace} top pods`\n"
            "- Check the HPA and recent deploys in Argo CD",
            runbook="container-limits",
            conditions=[
                Threshold(
                    name="CPU limit utilization",
                    filter=container_filter(namespace, "cpu/limit_utilization"),
                    threshold=t.container_limit_utilization,
                    duration="600s",
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-container-memory",
            title=f"{namespace}: containers near their memory limit",
            system=system,
            family="exhaustion",
            severity="WARNING",
            summary=f"Containers in {namespace} use more than {t.container_limit_utilization:.0%} "
            "of their memory limit: the next spike is an OOM kill.",
            first_steps=f"- `kubectl -n {namespace} top pods`\n- Look for OOMKilled in pod status",
            runbook="container-limits",
            conditions=[
                Threshold(
                    name="Memory limit utilization",
                    filter=container_filter(namespace, "memory/limit_utilization"),
                    threshold=t.container_limit_utilization,
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-restart-loop",
            title=f"{namespace}: containers restarting",
            system=system,
            family="health",
            severity="ERROR",
            summary=f"A pod in {namespace} restarted more than {t.restarts_per_5_minutes} times in "
            "5 minutes: it is crash-looping or failing its liveness probe.",
            first_steps=f"- `kubectl -n {namespace} get pods`\n"
            f"- `kubectl -n {namespace} logs <pod> --previous`",
            runbook="restart-loop",
            conditions=[
                Threshold(
                    name="Restarts per pod in 5 minutes",
                    filter=container_filter(namespace, "restart_count"),
                    threshold=t.restarts_per_5_minutes,
                    duration="0s",
                    aggregation=per_pod,
                )
            ],
        ),
    ]


def _error_logs(system: str, metric_type: str, subject: str, t: Thresholds) -> AlertSpec:
    return AlertSpec(
        key=f"{system}-error-logs",
        title=f"{subject}: error log spike",
        system=system,
        family="error",
        severity="ERROR",
        summary=f"{subject} logs more than {t.error_logs_per_minute:g} errors a minute.",
        first_steps="- Logs Explorer: the log metric's filter, last 30 minutes\n"
        "- Did a deploy (Argo CD history) or a dependency change just before?",
        runbook="error-logs",
        conditions=[
            Threshold(
                name="Error log entries per minute",
                filter=log_metric_filter(
                    metric_type, "cloudsql_database" if system == "data" else "k8s_container"
                ),
                threshold=t.error_logs_per_minute,
                aggregation=Aggregation("60s", "ALIGN_SUM", "REDUCE_SUM"),
            )
        ],
    )


def _platform_alerts(t: Thresholds) -> list[AlertSpec]:
    def node(metric: str, what: str) -> AlertSpec:
        return AlertSpec(
            key=f"platform-node-{what}",
            title=f"Nodes short of allocatable {what}",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary=f"Node {what} use is above {t.node_allocatable_utilization:.0%} of "
            "allocatable: the autoscaler is at its maximum or cannot keep up.",
            first_steps="- `kubectl top nodes`\n- Node pool autoscaling limits in the config",
            runbook="node-pressure",
            conditions=[
                Threshold(
                    name=f"Allocatable {what} utilization",
                    filter=node_filter(metric),
                    threshold=t.node_allocatable_utilization,
                    duration="600s",
                )
            ],
        )

    return [
        node("cpu/allocatable_utilization", "cpu"),
        node("memory/allocatable_utilization", "memory"),
        AlertSpec(
            key="platform-unschedulable-pods",
            title="Pods cannot be scheduled",
            system="platform",
            family="exhaustion",
            severity="WARNING",
            summary="The scheduler reports FailedScheduling: pods wait for capacity.",
            first_steps="- `kubectl get pods -A --field-selector=status.phase=Pending`\n"
            "- `kubectl describe pod <pod>`: taints, quota, or no capacity",
            runbook="unschedulable-pods",
            conditions=[
                LogMatch(
                    name="FailedScheduling events",
                    filter='resource.type="k8s_pod" jsonPayload.reason="FailedScheduling"',
                )
            ],
        ),
    ]


def alert_specs(inputs: CatalogInputs) -> list[AlertSpec]:
    """Every alert of one environment."""
    t = inputs.thresholds
    web_requests = lb_filter(LB_REQUESTS, WEB_URL_MAP)
    specs: list[AlertSpec] = [
        AlertSpec(
            key="web-http-5xx-ratio",
            title="CRM: 5xx responses spike",
            system="web",
            family="error",
            severity="CRITICAL",
            summary=f"More than {t.http_5xx_ratio:.0%} of the CRM's requests fail with 5xx at the "
            "load balancer, with real traffic flowing.",
            first_steps="- Load balancer logs: which paths and backends\n"
            "- `kubectl -n pace-web get pods`; Argo CD: a deploy just before?",
            runbook="http-5xx-ratio",
            combiner="AND",
            conditions=[
                Threshold(
                    name="5xx ratio",
                    filter=lb_filter(LB_REQUESTS, WEB_URL_MAP, SERVER_ERRORS),
                    threshold=t.http_5xx_ratio,
                    aggregation=Aggregation("60s", "ALIGN_RATE", "REDUCE_SUM"),
                    denominator_filter=web_requests,
                    denominator_aggregation=Aggregation("60s", "ALIGN_RATE", "REDUCE_SUM"),
                ),
                # The traffic floor: a handful of requests is no ratio worth a page.
                Threshold(
                    name="Requests per second",
                    filter=web_requests,
                    threshold=t.min_requests_per_second,
                    aggregation=Aggregation("60s", "ALIGN_RATE", "REDUCE_SUM"),
                ),
            ],
        ),
        *(
            _error_logs(w, inputs.log_metrics[errors_log_metric(w)], namespace(w), t)
            for w in WORKLOADS
        ),
        *(spec for w in WORKLOADS for spec in _workload_alerts(w, namespace(w), t)),
        *_platform_alerts(t),
        *argocd_alerts(),
        *security_alerts(inputs.project_id, inputs.security),
    ]
    for instance, max_connections in inputs.databases.items():
        metric_type = inputs.log_metrics[errors_log_metric(instance)]
        error_logs = _error_logs("data", metric_type, instance, t)
        specs.append(replace(error_logs, key=f"data-{instance}-error-logs"))
        specs.extend(database_alerts(inputs.project_id, instance, max_connections, t))
    drill = inputs.restore_drill
    for instance in drill.instances if drill else ():
        specs.append(restore_drill_alert(instance, drill))
    for name, (system, check_id) in inputs.uptime_checks.items():
        specs.extend(uptime_alerts(name, system, check_id))
    for slo_key, slo_name in inputs.slo_names.items():
        system = "web" if slo_key.startswith(namespace("web")) else "ai"
        specs.extend(burn_rate_alerts(slo_key, system, slo_name))
    return specs
