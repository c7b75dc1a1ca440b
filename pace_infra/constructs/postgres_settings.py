"""The Cloud SQL settings a PostgresInstance is built from: its props, the flags, the primary's
settings and what a replica shares with it. No resources here: `postgres.py` creates them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_google.sql_database_instance import (
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

from pace_infra.config.schedules import DenyMaintenancePeriod, SqlMaintenanceWindow
from pace_infra.config.values import (
    Availability,
    BackupPolicy,
    PostgresVersion,
    SqlInstanceSize,
)
from pace_infra.constructs.network import NetworkHandle

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
TRANSACTION_LOG_DAYS = 7  # point-in-time recovery window (the maximum for Enterprise edition)


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


def common_settings(props: PostgresInstanceProps) -> dict:
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


def primary_settings(
    props: PostgresInstanceProps, backup_location: str
) -> SqlDatabaseInstanceSettings:
    """A primary's settings: HA, password policy, backups and PITR (a replica has neither)."""
    return SqlDatabaseInstanceSettings(
        **common_settings(props),
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
