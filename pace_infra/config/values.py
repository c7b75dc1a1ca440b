"""Value types that environment config and construct props share: each default and rule once.

An environment file is read into these (config/schema.py embeds them), and constructs take them
as props, so a default written here is the one both use, and a rule in `__post_init__` holds
wherever the value is built: from YAML (the loader names file and key) or in code (a test, a
stack). No cdktf or provider imports: config must load before the bindings do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pace_infra.config.checks import HH_MM, require

NatLogFilter = Literal["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"]
ReleaseChannel = Literal["RAPID", "REGULAR", "STABLE"]
# Major versions Cloud SQL offers that we accept; CKV_GCP_79 expects the newest.
PostgresVersion = Literal["POSTGRES_16", "POSTGRES_17", "POSTGRES_18"]
Availability = Literal["REGIONAL", "ZONAL"]
WafMode = Literal["preview", "enforce"]
SslProfile = Literal["MODERN", "RESTRICTED"]

_MACHINE_TYPE = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9-]+$")
# Enterprise edition custom tiers, or Enterprise Plus performance-optimized tiers.
_SQL_TIER = re.compile(r"^db-(custom-\d+-\d+|perf-optimized-N-\d+)$")


@dataclass(frozen=True)
class NatSettings:
    """Cloud NAT: the only egress path for private nodes (they have no external IPs)."""

    # Dynamic port allocation: ports per VM grow from min to max under load. GCP requires both to
    # be powers of two; 64 is GCP's default minimum, 4096 leaves room for chatty AI backends.
    min_ports_per_vm: int = 64
    max_ports_per_vm: int = 4096
    # ERRORS_ONLY: dropped connections (port exhaustion) are logged without logging every flow.
    log_filter: NatLogFilter = "ERRORS_ONLY"

    def __post_init__(self) -> None:
        for key in ("min_ports_per_vm", "max_ports_per_vm"):
            ports = getattr(self, key)
            require(
                32 <= ports <= 65536 and not ports & (ports - 1),
                key,
                f"{ports} must be a power of two from 32 to 65536",
            )
        require(
            self.min_ports_per_vm <= self.max_ports_per_vm,
            "min_ports_per_vm",
            "must not be greater than max_ports_per_vm",
        )


@dataclass(frozen=True)
class NodePoolSize:
    """One GKE node pool's machines. Node counts are totals across the cluster's zones."""

    machine_type: str
    min_nodes: int
    max_nodes: int
    disk_size_gb: int = 100

    def __post_init__(self) -> None:
        require(
            bool(_MACHINE_TYPE.match(self.machine_type)),
            "machine_type",
            f"{self.machine_type!r} is not a machine type",
        )
        require(
            self.min_nodes >= 0 and self.max_nodes >= 1,
            "min_nodes",
            "min_nodes >= 0 and max_nodes >= 1 required",
        )
        require(
            self.min_nodes <= self.max_nodes,
            "min_nodes",
            f"{self.min_nodes} is greater than max_nodes ({self.max_nodes})",
        )
        require(self.disk_size_gb >= 20, "disk_size_gb", "must be at least 20 (GB)")


@dataclass(frozen=True)
class SqlInstanceSize:
    """Size of one Cloud SQL instance."""

    tier: str  # db-custom-<vCPUs>-<MiB> (Enterprise) or db-perf-optimized-N-<vCPUs>
    disk_size_gb: int
    # Autoresize grows the disk on its own; the limit caps a runaway (a log or a bad migration).
    disk_autoresize_limit_gb: int
    # Written as a flag so that the connections alert compares against a known number.
    max_connections: int = 200

    def __post_init__(self) -> None:
        require(
            bool(_SQL_TIER.match(self.tier)),
            "tier",
            f"{self.tier!r} is not a db-custom-<cpus>-<MiB> or db-perf-optimized-N-<cpus> tier",
        )
        require(self.disk_size_gb >= 10, "disk_size_gb", "must be at least 10 (GB)")
        require(
            25 <= self.max_connections <= 262143, "max_connections", "must be from 25 to 262143"
        )
        require(
            self.disk_autoresize_limit_gb >= self.disk_size_gb,
            "disk_autoresize_limit_gb",
            "must not be below disk_size_gb",
        )


@dataclass(frozen=True)
class BackupPolicy:
    """Cloud SQL's daily automated backups."""

    start_time: str = "02:00"  # HH:MM, UTC
    retained: int = 14  # daily backups kept; prod requires at least 14 (validate.py)
    # Deleting the instance keeps its automated backups (for `retained`) and on-demand ones:
    # an instance deleted by mistake, or by a plan that replaces it, can be restored. Only dev
    # may turn it off (validate.py): its backups would outlive a teardown at a cost.
    retain_on_delete: bool = True

    def __post_init__(self) -> None:
        require(1 <= self.retained <= 365, "retained", "must be from 1 to 365")
        require(bool(HH_MM.match(self.start_time)), "start_time", "must be HH:MM (UTC)")


@dataclass(frozen=True)
class EdgePolicy:
    """What stands in front of the CRM: Cloud Armor and TLS policy."""

    # preview: OWASP rules log what they would block; enforce: they block. New environments start
    # in preview until the logs show no false positives.
    waf_mode: WafMode = "enforce"
    rate_limit_per_minute: int = 600  # per client IP, before 429s
    ssl_profile: SslProfile = "MODERN"

    def __post_init__(self) -> None:
        require(
            10 <= self.rate_limit_per_minute <= 100000,
            "rate_limit_per_minute",
            "must be from 10 to 100000",
        )


_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


def is_host_name(host: str) -> bool:
    return bool(_HOST.match(host))


@dataclass(frozen=True)
class UptimeTarget:
    """A public HTTPS endpoint checked from several regions every minute."""

    name: str  # crm | ai-backend: names the check and its alert
    system: Literal["web", "ai"]
    host: str
    path: str = "/"

    def __post_init__(self) -> None:
        require(
            bool(re.fullmatch(r"[a-z][a-z0-9-]{1,30}", self.name)), "name", "must be a short slug"
        )
        require(bool(_HOST.match(self.host)), "host", f"{self.host!r} is not a host name")
        require(self.path.startswith("/"), "path", "must start with /")
