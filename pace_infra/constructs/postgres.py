"""PostgresInstance: one Cloud SQL for PostgreSQL instance: private, backed up, IAM auth.

Its props and settings are in `postgres_settings.py`."""

from __future__ import annotations

from cdktf import Fn, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.sql_database import SqlDatabase
from cdktf_cdktf_provider_google.sql_database_instance import (
    SqlDatabaseInstance,
    SqlDatabaseInstanceSettings,
)
from cdktf_cdktf_provider_google.sql_user import SqlUser
from constructs import Construct

from pace_infra.constructs.postgres_settings import (
    DrReplica,
    PostgresInstanceProps,
    common_settings,
    primary_settings,
)
from pace_infra.constructs.workload_identity import ServiceAccountHandle

# What an application's GSA needs to log in through the Cloud SQL Auth Proxy or a connector.
CLIENT_ROLES: tuple[str, ...] = ("roles/cloudsql.client", "roles/cloudsql.instanceUser")
# Autoresize grows the disk; the provider replaces an instance whose configured disk_size is
# below the actual size (customdiff.ForceNewIfChange("settings.0.disk_size", IsDiskShrinkage) in
# sql/resource_sql_database_instance.go at v6.50.0), and its docs say to ignore disk_size when
# autoresize is on. Without this, the first autoresize makes the next plan replace the instance.
AUTORESIZED_DISK_SIZE = "settings[0].disk_size"
REPLICA_MAINTENANCE_WINDOW = "settings[0].maintenance_window"


def _instance_expression(project_id: str, instance: str) -> str:
    """An IAM condition matching one Cloud SQL instance only."""
    return (
        f'resource.name == "projects/{project_id}/instances/{instance}" && '
        'resource.type == "sqladmin.googleapis.com/Instance"'
    )


class PostgresInstance(Construct):
    """Instance + its database (+ a cross-region DR replica where asked). Verb: `grant_connect`.
    Handles: `name`, `max_connections`, `disk_autoresize_limit_gb` and `replica_name` (plain
    values; `replica_name` None without a DR replica or once it is promoted), `instance_name`,
    `connection_name`, `private_ip`, `database_name`, `service_account_email`,
    `replica_connection_name` (None without a DR replica), `serving_name` (the instance the
    applications use: the replica once promoted).
    """

    def __init__(self, scope: Construct, id_: str, *, props: PostgresInstanceProps) -> None:
        super().__init__(scope, id_)
        # Logical ids derive from the construct id (the same in every environment), not the name.
        key = id_.replace("-", "_")
        instance = SqlDatabaseInstance(
            self,
            "instance",
            name=props.name,
            region=props.region,
            database_version=props.database_version,
            # Terraform refuses to destroy it, and so does the Cloud SQL API (below).
            deletion_protection=props.deletion_protection,
            lifecycle=TerraformResourceLifecycle(ignore_changes=[AUTORESIZED_DISK_SIZE]),
            # Backups outside the region where there is a DR region: a regional outage must not
            # take the backups with the instance.
            settings=primary_settings(
                props, props.dr_replica.region if props.dr_replica else props.region
            ),
        )
        # Stateful: the instance's logical id never moves, whatever the construct tree does.
        instance.override_logical_id(key)

        abandon = "ABANDON" if props.keep_database_and_users_on_destroy else None
        database = SqlDatabase(
            self,
            "database",
            name=props.database_name,
            instance=instance.name,
            deletion_policy=abandon,
        )
        database.override_logical_id(f"{key}_database")

        self._props = props
        self._instance = instance
        self._abandon = abandon
        self._connectors = 0
        # Plain strings known at synth: another stack may use them without a cross-stack
        # reference (the monitoring stack's filters and thresholds).
        self.name: str = props.name
        self.max_connections: int = props.size.max_connections
        self.disk_autoresize_limit_gb: int = props.size.disk_autoresize_limit_gb
        self.instance_name: str = instance.name
        self.connection_name: str = instance.connection_name
        self.private_ip: str = instance.private_ip_address
        # The instance's own service account: Cloud SQL reads and writes Cloud Storage as it
        # (exports, imports). Computed by the API (service_account_email_address at v6.50.0).
        self.service_account_email: str = instance.service_account_email_address
        self.database_name: str = database.name
        self.replica_connection_name: str | None = None
        # The instance the applications use: the replica once it has been promoted.
        self.serving_name: str = props.name
        self._replica_name: str | None = None
        # The replica the lag and up alerts watch: none once it is promoted (it is a primary).
        self.replica_name: str | None = None
        dr = props.dr_replica
        if dr:
            self._replica_name = dr.name
            replica = SqlDatabaseInstance(
                self, "dr-replica", **self._replica_args(props, dr, instance.name)
            )
            replica.override_logical_id(f"{key}_dr_replica")
            self.replica_connection_name = replica.connection_name
            if dr.promoted:
                self.serving_name = dr.name
            else:
                self.replica_name = dr.name

    @staticmethod
    def _replica_args(props: PostgresInstanceProps, dr: DrReplica, primary: str) -> dict:
        """The DR replica: a zonal read replica; once promoted, a primary like the first.

        Promotion in Terraform is the provider's documented way (sql_database_instance docs at
        v6.50.0): `instance_type = CLOUD_SQL_INSTANCE` and no `master_instance_name`; its
        update promotes first, then applies the other settings. The same configuration
        matches a replica promoted by hand (the API then reports no master and
        CLOUD_SQL_INSTANCE), where keeping `master_instance_name` would replace it
        (customdiff.ForceNewIf("master_instance_name") in resource_sql_database_instance.go).
        """
        common = {
            "name": dr.name,
            "region": dr.region,
            "database_version": props.database_version,
            "deletion_protection": props.deletion_protection,
        }
        if dr.promoted:
            return {
                **common,
                "instance_type": "CLOUD_SQL_INSTANCE",
                "lifecycle": TerraformResourceLifecycle(ignore_changes=[AUTORESIZED_DISK_SIZE]),
                # Its backups go back to the first region: still outside its own.
                "settings": primary_settings(props, props.region),
            }
        return {
            **common,
            "master_instance_name": primary,
            "lifecycle": TerraformResourceLifecycle(
                # Replicas take no maintenance window (Cloud SQL maintains them with their
                # primary); whatever the API reports for one is not ours to correct.
                ignore_changes=[AUTORESIZED_DISK_SIZE, REPLICA_MAINTENANCE_WINDOW]
            ),
            "settings": SqlDatabaseInstanceSettings(
                **{k: v for k, v in common_settings(props).items() if k != "maintenance_window"},
                # A standby region's copy: one zone is enough until it is promoted.
                availability_type="ZONAL",
            ),
        }

    def grant_connect(self, identity: ServiceAccountHandle) -> None:
        """Let a Google service account connect to this instance, and no other: an IAM database
        user for it, and `cloudsql.client` + `cloudsql.instanceUser` on the project under a
        condition naming this instance; the same on its DR replica (under a condition naming
        the replica), so that the application reaches it as soon as it is promoted."""
        index = self._connectors
        self._connectors += 1
        SqlUser(
            self,
            f"iam-user-{index}",
            instance=self._instance.name,
            # Cloud SQL names a service account's user by its email without the domain suffix.
            name=Fn.trimsuffix(identity.email, ".gserviceaccount.com"),
            type="CLOUD_IAM_SERVICE_ACCOUNT",
            deletion_policy=self._abandon,
        )
        self._connect_grants(f"iam-user-{index}", identity, self._props.name)
        if self._replica_name:
            # Separate grants, not a wider condition on the primary's: changing a condition
            # replaces the binding (ForceNew), and the application would lose access meanwhile.
            self._connect_grants(f"iam-user-{index}-dr", identity, self._replica_name)

    def _connect_grants(self, prefix: str, identity: ServiceAccountHandle, instance: str) -> None:
        """cloudsql.client + cloudsql.instanceUser on the project, for one instance only."""
        condition = ProjectIamMemberCondition(
            title=f"only {instance}",
            description=f"Connect to Cloud SQL instance {instance} and no other.",
            expression=_instance_expression(self._props.project_id, instance),
        )
        for role in CLIENT_ROLES:
            ProjectIamMember(
                self,
                f"{prefix}-{role.split('.')[-1]}",
                project=self._props.project_id,
                role=role,
                member=f"serviceAccount:{identity.email}",
                condition=condition,
            )
