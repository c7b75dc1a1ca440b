"""PostgresInstance: one Cloud SQL for PostgreSQL instance: private, backed up, IAM auth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import Fn, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.sql_database import SqlDatabase
from cdktf_cdktf_provider_google.sql_database_instance import (
    SqlDatabaseInstance,
    SqlDatabaseInstanceSettings,
    SqlDatabaseInstanceSettingsBackupConfiguration,
    SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings,
    SqlDatabaseInstanceSettingsDatabaseFlags,
    SqlDatabaseInstanceSettingsDenyMaintenancePeriod,
    SqlDatabaseInstanceSettingsInsightsConfig,
    SqlDatabaseInstanceSettingsIpConfiguration,
    SqlDatabaseInstanceSettingsMaintenanceWindow,
    SqlDatabaseInstanceSettingsPasswordValidationPolicy,
)
from cdktf_cdktf_provider_google.sql_user import SqlUser
from constructs import Construct

from pace_infra.config.schedules import DenyMaintenancePeriod, SqlMaintenanceWindow
from pace_infra.config.values import (
    Availability,
    BackupPolicy,
    PostgresVersion,
    SqlInstanceSize,
)
from pace_infra.constructs.network import NetworkHandle
from pace_infra.constructs.workload_identity import ServiceAccountHandle

# Flags Checkov requires (CKV_GCP_108-111, 51-58) plus IAM database authentication. Values are
# strings. log_statement=ddl, not mod/all: the AI DB holds transcripts, which must not be
# copied into logs.
DATABASE_FLAGS: Mapping[str, str] = {
    "cloudsql.iam_authentication": "on",
    "cloudsql.enable_pgaudit": "on",
    "log_checkpoints": "on",
    "log_connections": "on",
    "log_disconnections": "on",
    "log_lock_waits": "on",
    "log_hostname": "on",
    "log_duration": "on",
    "log_min_error_statement": "error",
    "log_min_messages": "error",
    "log_min_duration_statement": "-1",
    "log_statement": "ddl",
    "pgaudit.log": "ddl,role",
}
# What an application's GSA needs to log in through the Cloud SQL Auth Proxy or a connector.
CLIENT_ROLES: tuple[str, ...] = ("roles/cloudsql.client", "roles/cloudsql.instanceUser")
TRANSACTION_LOG_DAYS = 7  # point-in-time recovery window (the maximum for Enterprise edition)
# Autoresize grows the disk; the provider replaces an instance whose configured disk_size is
# below the actual size (customdiff.ForceNewIfChange("settings.0.disk_size", IsDiskShrinkage) in
# sql/resource_sql_database_instance.go at v6.50.0), and its docs say to ignore disk_size when
# autoresize is on. Without this, the first autoresize makes the next plan replace the instance.
AUTORESIZED_DISK_SIZE = "settings[0].disk_size"
REPLICA_MAINTENANCE_WINDOW = "settings[0].maintenance_window"


@dataclass(frozen=True)
class DrReplica:
    """A cross-region read replica, promoted to a stand-alone primary when `promoted`."""

    name: str  # e.g. pace-prod-db-dr
    region: str
    promoted: bool = False


@dataclass(frozen=True)
class PostgresInstanceProps:
    """Defaults are the secure choice: PITR, private IP only, deletion protection. Version and
    availability (REGIONAL, with a standby) are the environment config's to default."""

    name: str  # instance name, e.g. pace-prod-db
    project_id: str
    region: str
    database_version: PostgresVersion
    availability: Availability
    size: SqlInstanceSize  # tier, disk, max_connections (a flag the connections alert reads)
    # The VPC with Private Service Access, and the allocated range the private IP comes from.
    network: NetworkHandle
    database_name: str  # the one database of this instance
    # The weekly hour Cloud SQL may restart the instance, and the freeze it may not: the
    # environment's calendar derives both.
    maintenance: SqlMaintenanceWindow
    backups: BackupPolicy = field(default_factory=BackupPolicy)
    deny_maintenance_period: DenyMaintenancePeriod | None = None
    deletion_protection: bool = True
    # Destroying the database or the IAM users in Terraform leaves them in the instance
    # (deletion_policy ABANDON): a refactor that replaces the database resource must not drop
    # the database, and a user that owns objects cannot be dropped ("role cannot be dropped
    # because some objects depend on it"), which would fail every later destroy.
    keep_database_and_users_on_destroy: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    # A cross-region read replica for disaster recovery; None for none.
    dr_replica: DrReplica | None = None


def _instance_expression(project_id: str, instance: str) -> str:
    """An IAM condition matching one Cloud SQL instance only."""
    return (
        f'resource.name == "projects/{project_id}/instances/{instance}" && '
        'resource.type == "sqladmin.googleapis.com/Instance"'
    )


def _edition(tier: str) -> str:
    # PostgreSQL 16+ instances default to Enterprise Plus, which has no db-custom tiers: name the
    # edition the tier belongs to, or creation fails.
    return "ENTERPRISE_PLUS" if tier.startswith("db-perf-optimized-") else "ENTERPRISE"


def _ip_configuration(props: PostgresInstanceProps) -> SqlDatabaseInstanceSettingsIpConfiguration:
    return SqlDatabaseInstanceSettingsIpConfiguration(
        ipv4_enabled=False,  # no public IP at all (CKV_GCP_60)
        private_network=props.network.network_id,
        allocated_ip_range=props.network.psa_range_name,
        # Only clients with a certificate from the instance's CA: the Cloud SQL Auth Proxy and
        # connectors obtain short-lived ones (CKV_GCP_6 accepts nothing weaker for Postgres).
        ssl_mode="TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
    )


def _flags(max_connections: int) -> list[SqlDatabaseInstanceSettingsDatabaseFlags]:
    flags = {**DATABASE_FLAGS, "max_connections": str(max_connections)}
    return [
        SqlDatabaseInstanceSettingsDatabaseFlags(name=name, value=value)
        for name, value in flags.items()
    ]


# Cloud SQL refuses to create a read replica of a private-IP instance that accepts connections
# from the Cloud SQL connectors only ("If the primary instance has a private IP connection and
# the instance accepts database connections from Cloud SQL Language Connectors only, then you
# can't create read replicas for the instance": cloud.google.com/sql/docs/postgres/replication/
# create-replica). So an instance with a DR replica, and the replica, do not enforce connectors;
# clients still need a certificate from the instance's CA (ssl_mode) and an IAM login.
CONNECTORS_REQUIRED, CONNECTORS_NOT_REQUIRED = "REQUIRED", "NOT_REQUIRED"


def _common_settings(props: PostgresInstanceProps) -> dict:
    """Settings a primary and its replica share (the replica drops its maintenance window)."""
    connectors = CONNECTORS_NOT_REQUIRED if props.dr_replica else CONNECTORS_REQUIRED
    size = props.size
    return {
        "tier": size.tier,
        "edition": _edition(size.tier),
        "disk_type": "PD_SSD",
        "disk_size": size.disk_size_gb,
        "disk_autoresize": True,
        "disk_autoresize_limit": size.disk_autoresize_limit_gb,
        "ip_configuration": _ip_configuration(props),
        # Without a replica, direct connections are refused: the Auth Proxy / connectors are the
        # only way in (see CONNECTORS_REQUIRED for why a replicated instance cannot).
        "connector_enforcement": connectors,
        "database_flags": _flags(size.max_connections),
        "insights_config": SqlDatabaseInstanceSettingsInsightsConfig(
            query_insights_enabled=True,
            record_application_tags=True,
            record_client_address=True,
        ),
        "maintenance_window": SqlDatabaseInstanceSettingsMaintenanceWindow(
            day=props.maintenance.day, hour=props.maintenance.hour, update_track="stable"
        ),
        "deletion_protection_enabled": props.deletion_protection,
        "user_labels": dict(props.labels),
    }


def _deny_period(
    period: DenyMaintenancePeriod | None,
) -> SqlDatabaseInstanceSettingsDenyMaintenancePeriod | None:
    # settings.deny_maintenance_period (resource_sql_database_instance.go at v6.50.0): a list of
    # at most one, not Computed, no format check: dates YYYY-MM-DD, time HH:MM:SS in UTC. The
    # primary's only: Cloud SQL maintains a replica with its primary.
    if period is None:
        return None
    return SqlDatabaseInstanceSettingsDenyMaintenancePeriod(
        start_date=period.start_date, end_date=period.end_date, time=period.time
    )


def _primary_settings(
    props: PostgresInstanceProps, backup_location: str
) -> SqlDatabaseInstanceSettings:
    """A primary's settings: HA, password policy, backups and PITR (a replica has neither)."""
    return SqlDatabaseInstanceSettings(
        **_common_settings(props),
        availability_type=props.availability,
        # Built-in users (the postgres user, set out of band) need strong passwords.
        # Users live on the primary; a replica copies them.
        password_validation_policy=SqlDatabaseInstanceSettingsPasswordValidationPolicy(
            enable_password_policy=True,
            min_length=16,
            complexity="COMPLEXITY_DEFAULT",
            disallow_username_substring=True,
        ),
        backup_configuration=SqlDatabaseInstanceSettingsBackupConfiguration(
            enabled=True,
            start_time=props.backups.start_time,
            point_in_time_recovery_enabled=True,
            transaction_log_retention_days=TRANSACTION_LOG_DAYS,
            backup_retention_settings=SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings(
                retained_backups=props.backups.retained, retention_unit="COUNT"
            ),
            # backup_configuration.location at v6.50.0: Optional, not ForceNew; Cloud SQL takes
            # any region.
            location=backup_location,
        ),
        # settings.retain_backups_on_delete (resource_sql_database_instance.go at v6.50.0):
        # Optional, updated in place, always sent (ForceSendFields) and read back, so the next
        # plan is empty.
        retain_backups_on_delete=props.backups.retain_on_delete,
        deny_maintenance_period=_deny_period(props.deny_maintenance_period),
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
            settings=_primary_settings(
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
                "settings": _primary_settings(props, props.region),
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
                **{k: v for k, v in _common_settings(props).items() if k != "maintenance_window"},
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
