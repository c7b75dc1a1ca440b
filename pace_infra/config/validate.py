"""Rules an environment must follow beyond its types: GCP naming, CIDR plan, tier policy."""

from __future__ import annotations

import re
from ipaddress import IPv4Network

from pace_infra.config.loader import ConfigError
from pace_infra.config.patterns import EMAIL
from pace_infra.config.schema import (
    DatabaseInstanceConfig,
    DatabasesConfig,
    Environment,
    GkeConfig,
    MonitoringConfig,
    NetworkConfig,
    NodePoolConfig,
)
from pace_infra.config.validate_delivery import validate_cicd, validate_gitops, validate_platform
from pace_infra.regions import GCP_REGIONS

_ENV_NAME = re.compile(r"^[a-z][a-z0-9]{1,9}$")
# GCP project ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter,
# not ending with a hyphen.
_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_PROJECT_NUMBER = re.compile(r"^[1-9][0-9]{5,19}$")
# GCS bucket names without dots (dotted names need domain verification).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")
_MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
# Enterprise edition custom tiers, or Enterprise Plus performance-optimized tiers.
_SQL_TIER = re.compile(r"^db-(custom-\d+-\d+|perf-optimized-N-\d+)$")
_RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Address space a private GKE cluster and PSA may use: RFC 1918 plus the shared 100.64/10 range.
_PRIVATE_SPACE = tuple(
    IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
MIN_PROD_RETAINED_BACKUPS = 14


def _is_private(cidr: IPv4Network) -> bool:
    return any(cidr.subnet_of(space) for space in _PRIVATE_SPACE)


def validate(env: Environment) -> None:
    """Raise ConfigError on the first rule the environment breaks."""
    file = env.source
    if not _ENV_NAME.match(env.name):
        raise ConfigError(
            file,
            "name",
            f"{env.name!r} must be 2-10 lowercase letters/digits, starting with a letter",
        )
    if not _PROJECT_ID.match(env.project_id):
        raise ConfigError(
            file,
            "project_id",
            f"{env.project_id!r} is not a valid GCP project id (6-30 chars: a-z, 0-9, '-', "
            "starting with a letter)",
        )
    if not _PROJECT_NUMBER.match(env.project_number):
        raise ConfigError(
            file, "project_number", f"{env.project_number!r} is not a project number (digits)"
        )
    if not 30 <= env.audit_log_retention_days <= 3650:
        raise ConfigError(file, "audit_log_retention_days", "must be from 30 to 3650")
    if env.region not in GCP_REGIONS:
        raise ConfigError(file, "region", f"{env.region!r} is not a Google Cloud region")
    if not _BUCKET.match(env.state_bucket) or env.state_bucket.startswith("goog"):
        raise ConfigError(
            file, "state_bucket", f"{env.state_bucket!r} is not a valid GCS bucket name"
        )
    if env.protected and not env.deletion_protection:
        raise ConfigError(
            file,
            "deletion_protection",
            f"must be true in a {env.tier} environment (only dev may be torn down by Terraform)",
        )
    _validate_network(env.network, file)
    _validate_gke(env, env.gke, file)
    _validate_databases(env, env.databases, file)
    validate_cicd(env.cicd, file)
    validate_gitops(env.gitops, env.cicd, file)
    validate_platform(env, file)
    _validate_oncall(env, file)
    _validate_monitoring(env.monitoring, file)
    if not 10 <= env.edge.rate_limit_per_minute <= 100000:
        raise ConfigError(file, "edge.rate_limit_per_minute", "must be from 10 to 100000")


def _validate_network(net: NetworkConfig, file: str) -> None:
    ranges = {
        "network.subnet_cidr": net.subnet_cidr,
        "network.pods_cidr": net.pods_cidr,
        "network.services_cidr": net.services_cidr,
        "network.psa_cidr": net.psa_cidr,
        "network.control_plane_cidr": net.control_plane_cidr,
    }
    for key, cidr in ranges.items():
        if not _is_private(cidr):
            raise ConfigError(file, key, f"{cidr} is not in private address space (RFC 1918)")
    names = list(ranges)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if ranges[first].overlaps(ranges[second]):
                raise ConfigError(
                    file, second, f"{ranges[second]} overlaps {first} ({ranges[first]})"
                )
    if net.control_plane_cidr.prefixlen != 28:
        raise ConfigError(
            file, "network.control_plane_cidr", f"{net.control_plane_cidr} must be a /28 (GKE)"
        )
    # /24 is the smallest range Private Service Access accepts; larger than /16 wastes space.
    if not 16 <= net.psa_cidr.prefixlen <= 24:
        raise ConfigError(
            file, "network.psa_cidr", f"{net.psa_cidr}: prefix must be between /16 and /24"
        )
    if net.pods_cidr.prefixlen > 21:
        raise ConfigError(
            file,
            "network.pods_cidr",
            f"{net.pods_cidr} is too small: a /21 holds 8 nodes at a /24 of pods each",
        )
    if not net.load_balancer_ports or not all(
        1 <= port <= 65535 for port in net.load_balancer_ports
    ):
        raise ConfigError(file, "network.load_balancer_ports", "needs ports from 1 to 65535")
    if not 0 < net.flow_log_sampling <= 1:
        raise ConfigError(file, "network.flow_log_sampling", "must be in (0, 1]")
    nat = net.nat
    for key, ports in (
        ("min_ports_per_vm", nat.min_ports_per_vm),
        ("max_ports_per_vm", nat.max_ports_per_vm),
    ):
        if not 32 <= ports <= 65536 or ports & (ports - 1):
            raise ConfigError(
                file, f"network.nat.{key}", f"{ports} must be a power of two from 32 to 65536"
            )
    if nat.min_ports_per_vm > nat.max_ports_per_vm:
        raise ConfigError(
            file, "network.nat.min_ports_per_vm", "must not be greater than max_ports_per_vm"
        )


def _validate_gke(env: Environment, gke: GkeConfig, file: str) -> None:
    if not gke.master_authorized_networks:
        raise ConfigError(file, "gke.master_authorized_networks", "needs at least one range")
    for i, network in enumerate(gke.master_authorized_networks):
        if not _is_private(network.cidr):
            raise ConfigError(
                file,
                f"gke.master_authorized_networks[{i}].cidr",
                f"{network.cidr} is not private: the IP endpoint is private; people and CI use "
                "the DNS endpoint",
            )
    if gke.zone is not None and not re.fullmatch(rf"{re.escape(env.region)}-[a-z]", gke.zone):
        raise ConfigError(file, "gke.zone", f"{gke.zone!r} is not a zone of {env.region}")
    if env.protected and gke.zone is not None:
        raise ConfigError(
            file, "gke.zone", f"a {env.tier} cluster must be regional (remove gke.zone)"
        )
    for key in ("maintenance_start_time", "maintenance_end_time"):
        if not _RFC3339_UTC.match(getattr(gke, key)):
            raise ConfigError(file, f"gke.{key}", "must be RFC 3339 UTC, e.g. 2025-01-04T02:00:00Z")
    if not gke.maintenance_recurrence.startswith("FREQ="):
        raise ConfigError(
            file, "gke.maintenance_recurrence", "must be an RFC 5545 RRULE (FREQ=...)"
        )
    group = gke.rbac_security_group
    if group is not None and not re.fullmatch(r"gke-security-groups@[a-z0-9.-]+\.[a-z]+", group):
        raise ConfigError(
            file, "gke.rbac_security_group", f"{group!r} must be gke-security-groups@<domain>"
        )
    for pool_name in ("web", "ai"):
        _validate_pool(getattr(gke, pool_name), file, f"gke.{pool_name}")


def _validate_pool(pool: NodePoolConfig, file: str, key: str) -> None:
    if not _MACHINE_TYPE.match(pool.machine_type):
        raise ConfigError(
            file, f"{key}.machine_type", f"{pool.machine_type!r} is not a machine type"
        )
    if pool.min_nodes < 0 or pool.max_nodes < 1:
        raise ConfigError(file, f"{key}.min_nodes", "min_nodes >= 0 and max_nodes >= 1 required")
    if pool.min_nodes > pool.max_nodes:
        raise ConfigError(
            file,
            f"{key}.min_nodes",
            f"{pool.min_nodes} is greater than max_nodes ({pool.max_nodes})",
        )
    if pool.disk_size_gb < 20:
        raise ConfigError(file, f"{key}.disk_size_gb", "must be at least 20 (GB)")


def _validate_databases(env: Environment, db: DatabasesConfig, file: str) -> None:
    if env.protected and db.availability != "REGIONAL":
        raise ConfigError(
            file,
            "databases.availability",
            f"must be REGIONAL in a {env.tier} environment (high availability)",
        )
    if env.tier == "prod" and db.retained_backups < MIN_PROD_RETAINED_BACKUPS:
        raise ConfigError(
            file,
            "databases.retained_backups",
            f"{db.retained_backups}: prod keeps at least {MIN_PROD_RETAINED_BACKUPS} backups",
        )
    if not 1 <= db.retained_backups <= 365:
        raise ConfigError(file, "databases.retained_backups", "must be from 1 to 365")
    if not _HH_MM.match(db.backup_start_time):
        raise ConfigError(file, "databases.backup_start_time", "must be HH:MM (UTC)")
    if not 1 <= db.maintenance_day <= 7:
        raise ConfigError(file, "databases.maintenance_day", "must be 1 (Monday) to 7 (Sunday)")
    if not 0 <= db.maintenance_hour <= 23:
        raise ConfigError(file, "databases.maintenance_hour", "must be 0 to 23 (UTC)")
    if db.dr_replica_region is not None:
        if db.dr_replica_region not in GCP_REGIONS:
            raise ConfigError(
                file,
                "databases.dr_replica_region",
                f"{db.dr_replica_region!r} is not a Google Cloud region",
            )
        if db.dr_replica_region == env.region:
            raise ConfigError(
                file, "databases.dr_replica_region", "must differ from the primary region"
            )
    for name in ("pace_db", "pace_ai_db"):
        _validate_instance(getattr(db, name), file, f"databases.{name}")


def _validate_instance(instance: DatabaseInstanceConfig, file: str, key: str) -> None:
    if not _SQL_TIER.match(instance.tier):
        raise ConfigError(
            file,
            f"{key}.tier",
            f"{instance.tier!r} is not a db-custom-<cpus>-<MiB> or db-perf-optimized-N-<cpus> tier",
        )
    if instance.disk_size_gb < 10:
        raise ConfigError(file, f"{key}.disk_size_gb", "must be at least 10 (GB)")
    if not 25 <= instance.max_connections <= 262143:
        raise ConfigError(file, f"{key}.max_connections", "must be from 25 to 262143")
    if instance.disk_autoresize_limit_gb < instance.disk_size_gb:
        raise ConfigError(file, f"{key}.disk_autoresize_limit_gb", "must not be below disk_size_gb")


_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


def _validate_oncall(env: Environment, file: str) -> None:
    oncall = env.oncall
    if oncall.mode == "full" and len(oncall.members) < 2:
        raise ConfigError(
            file, "oncall.members", "full on-call needs at least two people (primary, secondary)"
        )
    if env.tier == "prod" and oncall.mode != "full":
        raise ConfigError(file, "oncall.mode", "prod must page people (full)")
    for i, member in enumerate(oncall.members):
        if not EMAIL.match(member):
            raise ConfigError(file, f"oncall.members[{i}]", f"{member!r} is not an email address")
    if len(set(oncall.members)) != len(oncall.members):
        raise ConfigError(file, "oncall.members", "lists someone twice")
    if not _RFC3339_UTC.match(oncall.rotation_start):
        raise ConfigError(file, "oncall.rotation_start", "must be RFC 3339 UTC")
    hours = oncall.support_hours
    for key in ("start_time", "end_time"):
        if not _CLOCK.match(getattr(hours, key)):
            raise ConfigError(file, f"oncall.support_hours.{key}", "must be HH:MM:SS")
    if not hours.days_of_week or not set(hours.days_of_week) <= set(range(1, 8)):
        raise ConfigError(file, "oncall.support_hours.days_of_week", "must be days 1-7")


def _validate_monitoring(monitoring: MonitoringConfig, file: str) -> None:
    if not EMAIL.match(monitoring.support_email):
        raise ConfigError(file, "monitoring.support_email", "is not an email address")
    names = [check.name for check in monitoring.uptime_checks]
    if {"web", "ai"} - {check.system for check in monitoring.uptime_checks}:
        raise ConfigError(
            file, "monitoring.uptime_checks", "needs a check for the web and for the ai system"
        )
    if len(set(names)) != len(names):
        raise ConfigError(file, "monitoring.uptime_checks", "check names must be unique")
    for i, check in enumerate(monitoring.uptime_checks):
        if not re.fullmatch(r"[a-z][a-z0-9-]{1,30}", check.name):
            raise ConfigError(file, f"monitoring.uptime_checks[{i}].name", "must be a short slug")
        if not _HOST.match(check.host):
            raise ConfigError(
                file, f"monitoring.uptime_checks[{i}].host", f"{check.host!r} is not a host name"
            )
        if not check.path.startswith("/"):
            raise ConfigError(file, f"monitoring.uptime_checks[{i}].path", "must start with /")
    for key in ("availability_goal", "latency_goal"):
        if not 0.9 <= getattr(monitoring, key) < 1:
            raise ConfigError(file, f"monitoring.{key}", "must be in [0.9, 1)")
    fractions = (
        "http_5xx_ratio",
        "container_limit_utilization",
        "node_allocatable_utilization",
        "sql_cpu_utilization",
        "sql_memory_utilization",
        "sql_disk_utilization",
        "sql_connections_ratio",
    )
    for key in fractions:
        if not 0 < getattr(monitoring.thresholds, key) < 1:
            raise ConfigError(file, f"monitoring.thresholds.{key}", "must be between 0 and 1")
