"""What PACE alerts on: the seed's three rule families (error-rate spikes, resource exhaustion,
health-check failures) for web, ai and data, plus the platform, SLO burn rates and certificates.

Specs (plain dataclasses, no resources) built from an environment's thresholds and the handles
of the monitoring stack (uptime check ids, log metric types, SLO names, database handles); the
Alerting construct turns them into policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pace_infra.config import Thresholds
from pace_infra.monitoring.argocd_alerts import argocd_alerts
from pace_infra.monitoring.database_alerts import (
    DrillWatch,
    ExportWatch,
    database_alerts,
    database_export_alert,
    replica_alerts,
    restore_drill_alert,
)
from pace_infra.monitoring.filters import log_metric_filter
from pace_infra.monitoring.model import Aggregation, AlertSpec, Threshold
from pace_infra.monitoring.platform_alerts import platform_alerts
from pace_infra.monitoring.security_alerts import SecurityWatch, security_alerts
from pace_infra.monitoring.service_alerts import burn_rate_alerts, http_5xx_alert, uptime_alerts
from pace_infra.monitoring.signal_catalog import application_slis
from pace_infra.monitoring.workload_alerts import workload_alerts
from pace_infra.names import WORKLOADS, System, errors_log_metric, namespace


@dataclass(frozen=True)
class WatchedDatabase:
    """What the alerts need of one Cloud SQL instance (the databases stack's handles)."""

    max_connections: int
    disk_autoresize_limit_gb: int
    dr_replica: str | None = None  # the replica's instance name, where there is one


@dataclass(frozen=True)
class CatalogInputs:
    project_id: str
    security: SecurityWatch  # whose expected changes the security alerts leave out
    thresholds: Thresholds
    databases: Mapping[str, WatchedDatabase]  # instance name -> what its alerts need
    uptime_checks: Mapping[str, tuple[System, str]]  # name -> (system, check id)
    log_metrics: Mapping[str, str]  # log metric name -> metric type
    slo_names: Mapping[str, str]  # "<app>-availability|latency" -> SLO resource name
    slo_goals: Mapping[str, float]  # the same keys -> goal
    # The restore drill, where the environment has one.
    restore_drill: DrillWatch | None = None
    # The logical export, where the environment has one.
    database_export: ExportWatch | None = None


def _error_logs(system: System, metric_type: str, subject: str, t: Thresholds) -> AlertSpec:
    # An application's error entries are a count, not a share of its requests: where there are
    # requests (the CRM, the AI path) the 5xx ratio pages and this is a support-hours signal;
    # a database's own errors page.
    app = system != "data"
    return AlertSpec(
        key=f"{system}-error-logs",
        title=f"{subject}: error log spike",
        system=system,
        family="error",
        severity="WARNING" if app else "ERROR",
        summary=f"{subject} logs more than {t.error_logs_per_minute:g} errors a minute"
        + (
            " (structured entries with severity ERROR or worse: the logging contract)."
            if app
            else "."
        ),
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


def alert_specs(inputs: CatalogInputs) -> list[AlertSpec]:
    """Every alert of one environment."""
    t = inputs.thresholds
    web, ai = application_slis()
    specs: list[AlertSpec] = [
        http_5xx_alert("web", "CRM", web, t.http_5xx_ratio, t.min_requests_per_second),
        http_5xx_alert("ai", "AI path", ai, t.http_5xx_ratio, t.ai_min_requests_per_second),
        *(
            _error_logs(w, inputs.log_metrics[errors_log_metric(w)], namespace(w), t)
            for w in WORKLOADS
        ),
        *(spec for w in WORKLOADS for spec in workload_alerts(w, t)),
        *platform_alerts(t),
        *argocd_alerts(),
        *security_alerts(inputs.project_id, inputs.security),
    ]
    for instance, db in inputs.databases.items():
        metric_type = inputs.log_metrics[errors_log_metric(instance)]
        error_logs = _error_logs("data", metric_type, instance, t)
        specs.append(replace(error_logs, key=f"data-{instance}-error-logs"))
        specs.extend(
            database_alerts(
                inputs.project_id, instance, db.max_connections, db.disk_autoresize_limit_gb, t
            )
        )
        if db.dr_replica:
            specs.extend(replica_alerts(inputs.project_id, db.dr_replica, t))
    drill = inputs.restore_drill
    for instance in drill.instances if drill else ():
        specs.append(restore_drill_alert(instance, drill))
    export = inputs.database_export
    for instance in export.instances if export else ():
        specs.append(database_export_alert(instance, export))
    for name, (system, check_id) in inputs.uptime_checks.items():
        specs.extend(uptime_alerts(name, system, check_id, t.certificate_days_left))
    requests = {sli.name: sli.requests_filter for sli in (web, ai)}
    for slo_key, slo_name in inputs.slo_names.items():
        app = slo_key.rsplit("-", 1)[0]  # "pace-web-latency" -> "pace-web"
        system: System = "web" if app == namespace("web") else "ai"
        specs.extend(
            burn_rate_alerts(slo_key, system, slo_name, inputs.slo_goals[slo_key], requests[app])
        )
    return specs
