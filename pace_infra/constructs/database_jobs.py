"""DatabaseJobs: the scheduled logical export and restore drill of the databases, as Cloud
Workflows started by Cloud Scheduler. No code of ours runs in the cluster; the workflow sources
are the YAML files in pace_infra/workflows/.

Each job has its own service account (what it may do is granted in the trust plane, see
database_jobs_access.py), and Cloud Scheduler starts both as a third account that may only
start workflows. Created here: the accounts, the workflows, the scheduler jobs, the drill's
duration metric and the export's completion metric.

From the provider at v6.50.0 (checked by reading it):
- google_workflows_workflow: `deletion_protection` defaults to true and is Terraform's own;
  source_contents, service_account and user_env_vars update in place (a new revision); the id
  is projects/{project}/locations/{region}/workflows/{name}, what the execution API takes.
- google_cloud_scheduler_job: an empty `oauth_token.scope` means cloud-platform (the provider
  suppresses the diff against what the API returns, authHeaderDiffSuppress); it is written out
  here all the same, so the token's scope is on the page. The job's account must be in the
  job's project, and whoever creates the job must be able to act as it.
- google_monitoring_metric_descriptor: type, kinds and labels are ForceNew; defining it before
  the first write lets the drill and export alerts name it, and fixes its kind (a first write
  would otherwise create it with whatever the write implies).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_google.cloud_scheduler_job import (
    CloudSchedulerJob,
    CloudSchedulerJobHttpTarget,
    CloudSchedulerJobHttpTargetOauthToken,
    CloudSchedulerJobRetryConfig,
)
from cdktf_cdktf_provider_google.monitoring_metric_descriptor import (
    MonitoringMetricDescriptor,
    MonitoringMetricDescriptorLabels,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.workflows_workflow import WorkflowsWorkflow
from constructs import Construct

from pace_infra.config.values_protection import LogicalExports, RestoreDrill
from pace_infra.workflows.sources import DATABASE_EXPORT, RESTORE_DRILL, source

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
# How long a connector waits for one operation: a dump or a clone of a large database takes
# hours (the connector's default is 30 minutes; the maximum a year).
OPERATION_TIMEOUT_SECONDS = 6 * 3600
# The drill clones each database as it was this long ago: inside the transaction log Cloud SQL
# has already archived, so the newest recoverable point is what is proven.
POINT_IN_TIME_LAG_SECONDS = 600
# Cloud Scheduler retries a start that failed (the API refused or timed out) this many times.
START_RETRIES = 3
# Only failed calls are logged: a call's result (an instance's settings) adds nothing to the
# execution history, which Workflows keeps anyway.
CALL_LOG_LEVEL = "LOG_ERRORS_ONLY"


def terraform_literal(text: str) -> str:
    """`text` as a Terraform string literal: every string in Terraform JSON is a template, so a
    Workflows expression `${...}` would be read as a Terraform interpolation (and `%{` as a
    directive) unless escaped as `$${` and `%%{`, which Terraform turns back into `${` and `%{`."""
    return text.replace("${", "$${").replace("%{", "%%{")


@dataclass(frozen=True)
class JobTarget:
    """One database the jobs export and drill: its instance and the database in it."""

    instance: str  # plain name, e.g. pace-prod-db
    database: str  # e.g. pace
    # Its drill's scratch instances are named this plus `-<unix time>` (EnvNames has it).
    scratch_stem: str


@dataclass(frozen=True)
class DatabaseJobNames:
    """What the jobs are called (EnvNames has each)."""

    export: str  # the export workflow, scheduler job and account id
    drill: str  # the drill workflow, scheduler job and account id
    scheduler_account: str  # the account Cloud Scheduler starts the workflows as


@dataclass(frozen=True)
class DatabaseJobsProps:
    """Defaults are the config's: both jobs on, deletion protection on the workflows."""

    project_id: str
    region: str  # where the workflows and scheduler jobs run
    targets: tuple[JobTarget, ...]
    names: DatabaseJobNames
    export_bucket: str
    # The Private Service Access range the drill's clones take their private IP from.
    allocated_ip_range: str
    metric_type: str  # the drill's duration metric
    metric_label: str  # its one label: the instance cloned
    export_metric_type: str  # the export's completion metric
    export_metric_label: str  # its one label: the instance exported
    exports: LogicalExports = field(default_factory=LogicalExports)
    restore_drill: RestoreDrill = field(default_factory=RestoreDrill)
    deletion_protection: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)


class DatabaseJobs(Construct):
    """The jobs `props` turns on (none where both are off).

    Handles: `export_account` and `drill_account` (emails, None where the job is off),
    `scheduler_account` (None where both are off), `accounts` (every job account's email: who
    the deployer must be able to attach), `drilled` (instance names the drill clones),
    `exported` (instance names the export dumps).
    """

    def __init__(self, scope: Construct, id_: str, *, props: DatabaseJobsProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        self.export_account: str | None = None
        self.drill_account: str | None = None
        self.scheduler_account: str | None = None
        self.drilled: tuple[str, ...] = ()
        self.exported: tuple[str, ...] = ()
        exports, drill = props.exports, props.restore_drill
        if not (exports.enabled or drill.enabled):
            self.accounts: tuple[str, ...] = ()
            return
        scheduler = self._account(
            "scheduler",
            props.names.scheduler_account,
            "Starts the database workflows",
            "Cloud Scheduler starts the database workflows as this account.",
        )
        self.scheduler_account = scheduler
        if exports.enabled:
            self.export_account = self._account(
                "export",
                props.names.export,
                "Logical exports of the databases",
                "The export workflow runs as this account.",
            )
            self._job(
                "export",
                props.names.export,
                DATABASE_EXPORT,
                self.export_account,
                scheduler,
                exports.schedule,
                {
                    "PACE_EXPORTS": json.dumps(
                        [{"instance": t.instance, "database": t.database} for t in props.targets]
                    ),
                    "PACE_EXPORT_BUCKET": props.export_bucket,
                    "PACE_EXPORT_TIMEOUT_SECONDS": str(OPERATION_TIMEOUT_SECONDS),
                    "PACE_METRIC_TYPE": props.export_metric_type,
                },
            )
            MonitoringMetricDescriptor(
                self,
                "export-completed",
                type=props.export_metric_type,
                metric_kind="GAUGE",
                value_type="INT64",
                unit="1",
                display_name="Logical export completed",
                description="One point (1) per database whose logical export succeeded.",
                labels=[
                    MonitoringMetricDescriptorLabels(
                        key=props.export_metric_label,
                        value_type="STRING",
                        description="The Cloud SQL instance exported.",
                    )
                ],
            )
            self.exported = tuple(t.instance for t in props.targets)
        if drill.enabled:
            self.drill_account = self._account(
                "drill",
                props.names.drill,
                "Restore drills of the databases",
                "The restore drill workflow runs as this account.",
            )
            self._job(
                "drill",
                props.names.drill,
                RESTORE_DRILL,
                self.drill_account,
                scheduler,
                drill.schedule,
                {
                    "PACE_DRILLS": json.dumps(
                        [
                            {"instance": t.instance, "scratch_stem": t.scratch_stem}
                            for t in props.targets
                        ]
                    ),
                    "PACE_ALLOCATED_IP_RANGE": props.allocated_ip_range,
                    "PACE_METRIC_TYPE": props.metric_type,
                    "PACE_POINT_IN_TIME_LAG_SECONDS": str(POINT_IN_TIME_LAG_SECONDS),
                    "PACE_CLONE_TIMEOUT_SECONDS": str(OPERATION_TIMEOUT_SECONDS),
                },
            )
            MonitoringMetricDescriptor(
                self,
                "drill-duration",
                type=props.metric_type,
                metric_kind="GAUGE",
                value_type="DOUBLE",
                unit="s",
                display_name="Restore drill duration",
                description=(
                    "Seconds from a restore drill's clone request to a RUNNABLE clone, one "
                    "point per successful drill."
                ),
                labels=[
                    MonitoringMetricDescriptorLabels(
                        key=props.metric_label,
                        value_type="STRING",
                        description="The Cloud SQL instance the drill cloned.",
                    )
                ],
            )
            self.drilled = tuple(t.instance for t in props.targets)
        self.accounts = tuple(
            email
            for email in (self.scheduler_account, self.export_account, self.drill_account)
            if email
        )

    def _account(self, key: str, account_id: str, display_name: str, description: str) -> str:
        account = ServiceAccount(
            self,
            f"{key}-sa",
            account_id=account_id,
            display_name=display_name,
            description=description,
        )
        # A replaced account gets a new unique id and loses every grant made to the old one.
        account.override_logical_id(f"database_{key}_sa")
        return account.email

    def _job(
        self,
        key: str,
        name: str,
        workflow_source: str,
        account: str,
        invoker: str,
        schedule: str,
        env: Mapping[str, str],
    ) -> None:
        props = self._props
        workflow = WorkflowsWorkflow(
            self,
            f"{key}-workflow",
            name=name,
            region=props.region,
            description=f"{name}: see pace_infra/workflows/{workflow_source}.yaml",
            service_account=account,
            source_contents=terraform_literal(source(workflow_source)),
            user_env_vars=dict(env),
            call_log_level=CALL_LOG_LEVEL,
            labels=dict(props.labels),
            deletion_protection=props.deletion_protection,
        )
        CloudSchedulerJob(
            self,
            f"{key}-schedule",
            name=name,
            region=props.region,
            description=f"Starts workflow {name}.",
            schedule=schedule,
            time_zone="Etc/UTC",
            retry_config=CloudSchedulerJobRetryConfig(retry_count=START_RETRIES),
            http_target=CloudSchedulerJobHttpTarget(
                uri=f"https://workflowexecutions.googleapis.com/v1/{workflow.id}/executions",
                http_method="POST",
                oauth_token=CloudSchedulerJobHttpTargetOauthToken(
                    service_account_email=invoker,
                    scope=CLOUD_PLATFORM,
                ),
            ),
        )
