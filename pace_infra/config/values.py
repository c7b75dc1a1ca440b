"""Value types that environment config and construct props share: each default and rule once.

An environment file is read into these (config/schema.py embeds them), and constructs take them
as props, so a default written here is the one both use, and a rule in `__post_init__` holds
wherever the value is built: from YAML (the loader names file and key) or in code (a test, a
stack). No cdktf or provider imports: config must load before the bindings do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Literal

from pace_infra.config.checks import (
    EMAIL,
    HH_MM,
    HH_MM_SS,
    RFC3339_UTC,
    SLUG,
    is_time_zone,
    require,
    valid_ports,
)

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
class MaintenanceWindow:
    """When GKE may upgrade and repair: a recurring window (RFC 5545 RRULE), UTC."""

    start_time: str = "2025-01-04T02:00:00Z"
    end_time: str = "2025-01-04T08:00:00Z"
    recurrence: str = "FREQ=WEEKLY;BYDAY=SA,SU"

    def __post_init__(self) -> None:
        for key in ("start_time", "end_time"):
            require(
                bool(RFC3339_UTC.match(getattr(self, key))),
                key,
                "must be RFC 3339 UTC, e.g. 2025-01-04T02:00:00Z",
            )
        require(
            self.recurrence.startswith("FREQ="),
            "recurrence",
            "must be an RFC 5545 RRULE (FREQ=...)",
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
class SqlMaintenanceWindow:
    """When Cloud SQL may restart an instance for maintenance: a weekly hour, UTC."""

    day: int = 7  # 1 = Monday ... 7 = Sunday
    hour: int = 3  # UTC

    def __post_init__(self) -> None:
        require(1 <= self.day <= 7, "day", "must be 1 (Monday) to 7 (Sunday)")
        require(0 <= self.hour <= 23, "hour", "must be 0 to 23 (UTC)")


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


@dataclass(frozen=True)
class SupportHours:
    """When the Support Team works: capacity alerts page at high urgency only then."""

    time_zone: str = "Europe/London"  # IANA name
    start_time: str = "09:00:00"
    end_time: str = "17:30:00"
    days_of_week: tuple[int, ...] = (1, 2, 3, 4, 5)  # 1 = Monday

    def __post_init__(self) -> None:
        for key in ("start_time", "end_time"):
            require(bool(HH_MM_SS.match(getattr(self, key))), key, "must be HH:MM:SS")
        require(
            bool(self.days_of_week) and set(self.days_of_week) <= set(range(1, 8)),
            "days_of_week",
            "must be days 1-7",
        )


_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$")


@dataclass(frozen=True)
class Quota:
    """ResourceQuota of one application namespace (Kubernetes quantities)."""

    requests_cpu: str
    requests_memory: str
    limits_cpu: str
    limits_memory: str
    pods: int

    def __post_init__(self) -> None:
        for key in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
            require(
                bool(_QUANTITY.match(getattr(self, key))),
                key,
                "is not a Kubernetes quantity (e.g. 4, 500m, 8Gi)",
            )
        require(self.pods >= 1, "pods", "must be at least 1")


_GOOGLE_CLIENT_ID = re.compile(r"^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$")
_HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+(:\d{1,5})?$")


@dataclass(frozen=True)
class GoogleSignIn:
    """Sign-in to Argo CD with Google accounts through its own OIDC client (no Dex to run);
    README, "Argo CD sign-in"."""

    client_id: str  # OAuth 2.0 client ("Web application"), <id>.apps.googleusercontent.com
    # Emails of the platform team, given role:admin. Google's ID tokens carry no groups claim, so
    # admins are named one by one; everyone else who signs in reads only.
    admins: tuple[str, ...]
    # Argo CD's external URL; `<url>/auth/callback` is a redirect URI of the OAuth client.
    # The default is the `kubectl port-forward` address of the README.
    url: str = "https://localhost:8080"

    def __post_init__(self) -> None:
        require(
            bool(_GOOGLE_CLIENT_ID.match(self.client_id)),
            "client_id",
            f"{self.client_id!r} is not a Google OAuth client id "
            "(<number>-<id>.apps.googleusercontent.com)",
        )
        require(bool(self.admins), "admins", "needs at least one admin")
        for i, email in enumerate(self.admins):
            require(bool(EMAIL.match(email)), f"admins[{i}]", f"{email!r} is not an email address")
        require(
            bool(_HTTPS_URL.match(self.url)), "url", f"{self.url!r} must be https://<host>[:port]"
        )


# Wider than this is "the internet", which an allowlist must not be.
MIN_EGRESS_PREFIX = 8


@dataclass(frozen=True)
class EgressEndpoint:
    """An external endpoint pods of one namespace may call (TCP), by its published ranges."""

    name: str  # what it is, e.g. model-api: names the NetworkPolicy rule
    cidrs: tuple[IPv4Network, ...]
    ports: tuple[int, ...] = (443,)

    def __post_init__(self) -> None:
        require(bool(SLUG.match(self.name)), "name", f"{self.name!r} must be a short slug")
        require(bool(self.cidrs), "cidrs", "needs at least one range")
        for j, cidr in enumerate(self.cidrs):
            require(
                cidr.prefixlen >= MIN_EGRESS_PREFIX,
                f"cidrs[{j}]",
                f"{cidr} is wider than /{MIN_EGRESS_PREFIX}: name the endpoint's own ranges",
            )
        require(valid_ports(self.ports), "ports", "needs ports from 1 to 65535")


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


@dataclass(frozen=True)
class WorkloadSize:
    """One Deployment of the GitOps skeleton: replicas (the HPA's range) and per-pod resources
    of its main container. Quantities as Kubernetes writes them."""

    min_replicas: int = 2  # two: a PodDisruptionBudget of one can then always drain a node
    max_replicas: int = 4
    requests_cpu: str = "250m"
    requests_memory: str = "512Mi"
    limits_cpu: str = "1"
    limits_memory: str = "1Gi"

    def __post_init__(self) -> None:
        require(self.min_replicas >= 1, "min_replicas", "must be at least 1")
        require(
            self.max_replicas >= self.min_replicas,
            "max_replicas",
            f"must be at least min_replicas ({self.min_replicas})",
        )
        for key in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
            require(bool(_QUANTITY.match(getattr(self, key))), key, "is not a Kubernetes quantity")


# The Cloud SQL Auth Proxy sidecar's own size (a connection pump: small and steady), in every
# database client of the GitOps skeleton; config validation counts it against the quotas.
PROXY_SIZE = WorkloadSize(
    requests_cpu="100m", requests_memory="128Mi", limits_cpu="500m", limits_memory="256Mi"
)


# Argo CD parses a window's schedule as a 5-field cron and its duration with Go's
# time.ParseDuration (SyncWindow.Validate, pkg/apis/application/v1alpha1/types.go at v3.1.8).
_CRON_FIELD = r"[0-9*,/-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}( {_CRON_FIELD}){{4}}$")
_GO_DURATION = re.compile(r"^(?=\d)(\d+h)?(\d+m)?(\d+s)?$")
_GPG_KEY_ID = re.compile(r"^([0-9A-F]{16}|[0-9A-F]{40})$")


@dataclass(frozen=True)
class SyncWindow:
    """When Argo CD may (allow) or may not (deny) sync PACE's Applications automatically, e.g.
    a deny window over a release freeze. Outside every allow window, syncs wait."""

    kind: Literal["allow", "deny"]
    schedule: str  # cron, 5 fields: when the window opens
    duration: str  # how long it stays open: 1h, 90m, 48h
    # IANA zone of the schedule. Argo CD falls back to UTC on an unknown one: refused here.
    time_zone: str = "UTC"
    # A person may still sync by hand inside a deny window (break-glass for a hotfix).
    manual_sync: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        require(bool(_CRON.match(self.schedule)), "schedule", "must be a 5-field cron schedule")
        require(
            bool(_GO_DURATION.match(self.duration)),
            "duration",
            f"{self.duration!r} must be hours, minutes and/or seconds (1h, 90m, 48h)",
        )
        require(is_time_zone(self.time_zone), "time_zone", f"{self.time_zone!r} is unknown")
        require(len(self.description) <= 255, "description", "is longer than 255 characters")


@dataclass(frozen=True)
class SignatureKey:
    """A GnuPG key whose signature Argo CD requires on every GitOps commit it syncs."""

    # Long key id or fingerprint, upper-case hex (`gpg --list-keys --keyid-format long`).
    key_id: str
    public_key: str  # `gpg --export --armor <key id>`: public, safe in the repository

    def __post_init__(self) -> None:
        require(bool(_GPG_KEY_ID.match(self.key_id)), "key_id", "must be 16 or 40 upper-case hex")
        require(
            self.public_key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
            "public_key",
            "must be an ASCII-armored public key block",
        )
