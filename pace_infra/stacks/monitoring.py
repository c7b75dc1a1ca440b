"""`<env>-monitoring`: channels, log metrics, alert policies, uptime checks, SLOs, dashboards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.database_jobs import DatabaseJobs
from pace_infra.constructs.postgres import PostgresInstance
from pace_infra.constructs.telemetry import TelemetryWriter, TelemetryWriterProps
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.monitoring.alert_catalog import CatalogInputs, WatchedDatabase, alert_specs
from pace_infra.monitoring.alerting import Alerting, AlertingProps
from pace_infra.monitoring.dashboard_catalog import dashboards
from pace_infra.monitoring.dashboards import Dashboards, DashboardsProps
from pace_infra.monitoring.database_alerts import DrillWatch, ExportWatch
from pace_infra.monitoring.security_alerts import SecurityWatch
from pace_infra.monitoring.service_levels import ServiceLevels, ServiceLevelsProps
from pace_infra.monitoring.signal_catalog import application_slis, log_metrics
from pace_infra.monitoring.signals import Signals, SignalsProps
from pace_infra.names import PagingRoute, System, namespace, service_account_email
from pace_infra.stacks.base import PaceStack, earlier
from pace_infra.stacks.databases import DatabasesStack
from pace_infra.stacks.gke import GkeStack
from pace_infra.stacks.oncall import OncallStack


class MonitoringStack(PaceStack):
    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> MonitoringStack:
        gke = earlier(built, "gke", GkeStack)
        # Where PagerDuty is off there is no oncall stack: alerts go to the support email only.
        oncall = built.get("oncall")
        integration_keys = earlier(built, "oncall", OncallStack).integration_keys if oncall else {}
        databases = earlier(built, "databases", DatabasesStack)
        return cls(
            scope,
            env,
            integration_keys,
            databases.instances,
            gke.web_identity,
            gke.ai_identity,
            databases.jobs,
        )

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        integration_keys: Mapping[tuple[System, PagingRoute], str],
        databases: Sequence[PostgresInstance],
        web_identity: WorkloadServiceAccount,
        ai_identity: WorkloadServiceAccount,
        jobs: DatabaseJobs,
    ) -> None:
        super().__init__(scope, env, "monitoring")
        monitoring = env.monitoring
        labels = {"app": "pace", "env": env.name}
        signals = Signals(
            self,
            "signals",
            props=SignalsProps(
                project_id=env.project_id,
                log_metrics=log_metrics(env.project_id, [db.serving_name for db in databases]),
                uptime_checks=monitoring.uptime_checks,
                labels=labels,
            ),
        )
        levels = ServiceLevels(
            self,
            "slos",
            props=ServiceLevelsProps(
                applications=application_slis(),
                availability_goal=monitoring.availability_goal,
                latency_goal=monitoring.latency_goal,
                latency_thresholds_ms={
                    namespace("web"): monitoring.latency_threshold_ms,
                    namespace("ai"): monitoring.ai_latency_threshold_ms,
                },
                labels=labels,
            ),
        )
        specs = alert_specs(
            CatalogInputs(
                project_id=env.project_id,
                security=SecurityWatch(
                    project_number=env.project_number,
                    deploy_identity=service_account_email(
                        self.names.deploy_service_account, env.project_id
                    ),
                ),
                thresholds=monitoring.thresholds,
                databases={
                    db.serving_name: WatchedDatabase(
                        max_connections=db.max_connections,
                        disk_autoresize_limit_gb=db.disk_autoresize_limit_gb,
                        dr_replica=db.replica_name,
                    )
                    for db in databases
                },
                uptime_checks={
                    c.name: (c.system, signals.uptime_check_ids[c.name])
                    for c in monitoring.uptime_checks
                },
                log_metrics=signals.log_metric_types,
                slo_names=levels.slo_names,
                slo_goals=levels.slo_goals,
                restore_drill=(
                    DrillWatch(
                        workflow=self.names.restore_drill,
                        instances=jobs.drilled,
                        rto_minutes=env.databases.restore_drill.rto_minutes,
                        stale_after_days=env.databases.restore_drill.stale_after_days,
                    )
                    if jobs.drilled
                    else None
                ),
                database_export=(
                    ExportWatch(workflow=self.names.database_export, instances=jobs.exported)
                    if jobs.exported
                    else None
                ),
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
