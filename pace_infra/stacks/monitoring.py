"""`<env>-monitoring`: channels, log metrics, alert policies, uptime checks, SLOs, dashboards."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from pace_infra.alert_catalog import (
    AI_PATH_RULE,
    LB_LATENCIES,
    LB_REQUESTS,
    SERVER_ERRORS,
    WEB_URL_MAP,
    CatalogInputs,
    alert_specs,
    database_log_metric,
    lb_filter,
)
from pace_infra.config import Environment
from pace_infra.constructs.alerting import Alerting, AlertingProps, PagingRoute, System
from pace_infra.constructs.dashboards import Dashboards, DashboardsProps
from pace_infra.constructs.service_levels import ApplicationSli, ServiceLevels, ServiceLevelsProps
from pace_infra.constructs.signals import Signals, SignalsProps
from pace_infra.constructs.telemetry import TelemetryWriter, TelemetryWriterProps
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.dashboard_catalog import dashboards
from pace_infra.stacks.base import PaceStack


def _errors_filter(namespace: str) -> str:
    return (
        f'resource.type="k8s_container" resource.labels.namespace_name="{namespace}" '
        "severity>=ERROR"
    )


def _sli(app: str, *selectors: str) -> ApplicationSli:
    return ApplicationSli(
        name=app,
        requests_filter=lb_filter(LB_REQUESTS, *selectors),
        latencies_filter=lb_filter(LB_LATENCIES, *selectors),
        errors_filter=lb_filter(LB_REQUESTS, *selectors, SERVER_ERRORS),
    )


class MonitoringStack(PaceStack):
    def __init__(
        self,
        scope: Construct,
        env: Environment,
        integration_keys: Mapping[tuple[System, PagingRoute], str],
        web_identity: WorkloadServiceAccount,
        ai_identity: WorkloadServiceAccount,
    ) -> None:
        super().__init__(scope, env, "monitoring")
        monitoring = env.monitoring
        labels = {"app": "pace", "env": env.name}
        databases = {
            f"pace-{env.name}-db": env.databases.pace_db.max_connections,
            f"pace-{env.name}-ai-db": env.databases.pace_ai_db.max_connections,
        }
        log_metrics = {
            "pace-errors-web": _errors_filter("pace-web"),
            "pace-errors-ai": _errors_filter("pace-ai"),
            **{
                database_log_metric(instance): (
                    'resource.type="cloudsql_database" '
                    f'resource.labels.database_id="{env.project_id}:{instance}" severity>=ERROR'
                )
                for instance in databases
            },
        }
        signals = Signals(
            self,
            "signals",
            props=SignalsProps(
                project_id=env.project_id,
                log_metrics=log_metrics,
                uptime_checks=monitoring.uptime_checks,
                labels=labels,
            ),
        )
        levels = ServiceLevels(
            self,
            "slos",
            props=ServiceLevelsProps(
                applications=(
                    _sli("pace-web", WEB_URL_MAP),
                    _sli("pace-ai", WEB_URL_MAP, AI_PATH_RULE),
                ),
                availability_goal=monitoring.availability_goal,
                latency_goal=monitoring.latency_goal,
                latency_threshold_ms=monitoring.latency_threshold_ms,
                labels=labels,
            ),
        )
        specs = alert_specs(
            CatalogInputs(
                project_id=env.project_id,
                thresholds=monitoring.thresholds,
                databases=databases,
                uptime_checks={
                    c.name: (c.system, signals.uptime_check_ids[c.name])
                    for c in monitoring.uptime_checks
                },
                log_metrics=signals.log_metric_types,
                slo_names=levels.slo_names,
            )
        )
        Alerting(
            self,
            "alerting",
            props=AlertingProps(
                name_prefix=f"PACE {env.name}",
                runbook_base_url=(
                    f"https://bitbucket.org/{env.cicd.bitbucket_workspace}/pace-infra/src/main/docs/runbooks"
                ),
                support_email=monitoring.support_email,
                pagerduty_keys=integration_keys,
                alerts=specs,
                labels=labels,
                depends_on=signals.dependables,
            ),
        )
        Dashboards(
            self,
            "dashboards",
            props=DashboardsProps(
                dashboards=dashboards(env.name, signals.log_metric_types),
                labels={"pace": "", env.name: ""},
                # Two dashboards chart the log-based metrics.
                depends_on=signals.dependables,
            ),
        )
        for system, identity in (("web", web_identity), ("ai", ai_identity)):
            TelemetryWriter(
                self,
                f"telemetry-{system}",
                props=TelemetryWriterProps(project_id=env.project_id, member=identity.member),
            )
