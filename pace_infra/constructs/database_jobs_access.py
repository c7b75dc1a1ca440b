"""DatabaseJobsAccess: what the database jobs' accounts may do. Trust, so it lives in the
hand-applied cicd stack; the accounts, workflows and schedules are the databases stack's
(database_jobs.py).

- The export account: `paceDatabaseExporter` (instances.export, instances.get) on the two
  instances only. Cloud SQL writes the dump as the instance's own service account, which gets
  object create on the exports bucket and nothing else (Cloud SQL, "Export and import using SQL
  dump files": the instance's service account needs storage.objects.create);
  `monitoring.metricWriter` for its completion metric.
- The drill account: `paceRestoreDrillSource` (instances.clone, instances.get) on the two
  instances only, and `paceRestoreDrillScratch` (instances.create, get, update, delete) on
  instances named with the scratch prefix only; `monitoring.metricWriter` for its duration.
- The scheduler account: `workflows.invoker` (Workflows has no per-workflow IAM policy).

The conditions (IAM Conditions on Cloud SQL name instances: resource.type
sqladmin.googleapis.com/Instance, resource.name projects/<project>/instances/<name>; the docs'
own example, terraform-google-modules/terraform-docs-samples cloud_sql/instance_iam_condition):
a Workflows connector waits for each call's operation by reading it, which Cloud SQL checks as
cloudsql.instances.get on the project, not on an instance (Cloud SQL IAM permissions: "Get the
operations of a project: cloudsql.instances.get"). An instance-only condition would refuse that,
so the exporter's and the scratch role's conditions admit any resource that is not an
instance; what that admits beyond operations is what these roles can do outside an instance:
create one (the scratch role: the clone's new instance, wherever Cloud SQL checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from pace_infra.names import DRILL_SCRATCH_ROLE, DRILL_SOURCE_ROLE, EXPORTER_ROLE

INSTANCE_TYPE = "sqladmin.googleapis.com/Instance"
# What each workflow call needs, by the Cloud SQL and Monitoring IAM permission tables; the
# tests hold the workflows' calls to this map and the roles to exactly these permissions.
CALL_PERMISSIONS: dict[str, str] = {
    "googleapis.sqladmin.v1.instances.export": "cloudsql.instances.export",
    "googleapis.sqladmin.v1.instances.clone": "cloudsql.instances.clone",
    "googleapis.sqladmin.v1.instances.get": "cloudsql.instances.get",
    "googleapis.sqladmin.v1.instances.patch": "cloudsql.instances.update",
    "googleapis.sqladmin.v1.instances.delete": "cloudsql.instances.delete",
    "googleapis.monitoring.v3.projects.timeSeries.create": "monitoring.timeSeries.create",
}
# Every connector call also reads its operation until done (cloudsql.instances.get).
OPERATION_READ = "cloudsql.instances.get"
EXPORTER_PERMISSIONS: tuple[str, ...] = ("cloudsql.instances.export", OPERATION_READ)
DRILL_SOURCE_PERMISSIONS: tuple[str, ...] = ("cloudsql.instances.clone", OPERATION_READ)
# create: a clone creates the scratch instance.
DRILL_SCRATCH_PERMISSIONS: tuple[str, ...] = (
    "cloudsql.instances.create",
    "cloudsql.instances.delete",
    OPERATION_READ,
    "cloudsql.instances.update",
)
METRIC_WRITER = "roles/monitoring.metricWriter"
INVOKER = "roles/workflows.invoker"
EXPORT_WRITER = "roles/storage.objectCreator"  # storage.objects.create, no read, no delete


@dataclass(frozen=True)
class DatabaseJobsAccessProps:
    project_id: str
    instances: tuple[str, ...]  # plain names: the instances the jobs export and clone
    scratch_prefix: str  # the only instances the drill may change or delete
    export_bucket: str
    # The instances' own service accounts (references): Cloud SQL writes exports as them.
    instance_service_accounts: tuple[str, ...]
    # The jobs' accounts (emails), None where a job is off.
    export_account: str | None = None
    drill_account: str | None = None
    scheduler_account: str | None = None


def _instance(project_id: str, name: str) -> str:
    return f"projects/{project_id}/instances/{name}"


def named_instances(project_id: str, instances: Sequence[str]) -> str:
    """A CEL expression true for these instances only."""
    return " || ".join(f'resource.name == "{_instance(project_id, i)}"' for i in instances)


class DatabaseJobsAccess(Construct):
    """The custom roles and grants of whichever jobs have an account."""

    def __init__(self, scope: Construct, id_: str, *, props: DatabaseJobsAccessProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        instances = named_instances(props.project_id, props.instances)
        if props.export_account:
            self._grant(
                "export",
                props.export_account,
                self._role(EXPORTER_ROLE, "PACE database exporter", EXPORTER_PERMISSIONS),
                ProjectIamMemberCondition(
                    title="the PACE databases only",
                    description="Export these instances; read operations.",
                    expression=f'resource.type != "{INSTANCE_TYPE}" || {instances}',
                ),
            )
            for index, email in enumerate(props.instance_service_accounts):
                StorageBucketIamMember(
                    self,
                    f"export-writer-{index}",
                    bucket=props.export_bucket,
                    role=EXPORT_WRITER,
                    member=f"serviceAccount:{email}",
                )
            self._grant("export-metric", props.export_account, METRIC_WRITER)
        if props.drill_account:
            account = props.drill_account
            self._grant(
                "drill-source",
                account,
                self._role(
                    DRILL_SOURCE_ROLE, "PACE restore drill: sources", DRILL_SOURCE_PERMISSIONS
                ),
                ProjectIamMemberCondition(
                    title="clone the PACE databases only",
                    description="Clone these instances.",
                    expression=f'resource.type == "{INSTANCE_TYPE}" && ({instances})',
                ),
            )
            scratch = _instance(props.project_id, props.scratch_prefix)
            self._grant(
                "drill-scratch",
                account,
                self._role(
                    DRILL_SCRATCH_ROLE, "PACE restore drill: scratch", DRILL_SCRATCH_PERMISSIONS
                ),
                ProjectIamMemberCondition(
                    title="scratch instances only",
                    description=f"Change or delete only instances named {props.scratch_prefix}*.",
                    expression=(
                        f'resource.type != "{INSTANCE_TYPE}" || '
                        f'resource.name.startsWith("{scratch}")'
                    ),
                ),
            )
            self._grant("drill-metric", account, METRIC_WRITER)
        if props.scheduler_account:
            self._grant("scheduler", props.scheduler_account, INVOKER)

    def _role(self, role_id: str, title: str, permissions: Sequence[str]) -> str:
        role = ProjectIamCustomRole(
            self,
            f"role-{role_id}",
            project=self._props.project_id,
            role_id=role_id,
            title=title,
            description="What a PACE database job needs and nothing else.",
            permissions=list(permissions),
        )
        return role.name

    def _grant(
        self,
        key: str,
        email: str,
        role: str,
        condition: ProjectIamMemberCondition | None = None,
    ) -> None:
        ProjectIamMember(
            self,
            key,
            project=self._props.project_id,
            role=role,
            member=f"serviceAccount:{email}",
            condition=condition,
        )
