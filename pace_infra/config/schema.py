"""The shape of an environment file: frozen dataclasses whose defaults are the secure choice.

Field comments say why a value is what it is. A rule that reads one type's own fields sits in
its `__post_init__` (raising FieldError, which the loader names by file and key); `validate.py`
holds the rules across sections. Types that construct props take too live in `values*.py`;
delivery, operations and calendar sections in `schema_delivery.py`, `schema_operations.py` and
`schema_calendar.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any, Literal

from pace_infra.config.checks import is_private, require, valid_ports
from pace_infra.config.schema_calendar import CalendarConfig
from pace_infra.config.schema_delivery import (
    ApplicationsConfig,
    CicdConfig,
    GitopsConfig,
    PlatformConfig,
)
from pace_infra.config.schema_operations import MonitoringConfig, OncallConfig
from pace_infra.config.values import (
    Availability,
    BackupPolicy,
    EdgePolicy,
    NatSettings,
    NodePoolSize,
    PostgresVersion,
    ReleaseChannel,
    SqlInstanceSize,
)
from pace_infra.config.values_protection import LogicalExports, RestoreDrill
from pace_infra.regions import GCP_REGIONS

Tier = Literal["dev", "staging", "prod"]

# Tiers whose stateful resources must keep deletion protection and high availability.
PROTECTED_TIERS: frozenset[str] = frozenset({"staging", "prod"})


def flat(**yaml_keys: str) -> dict[str, Any]:
    """Field metadata: the value type's fields are keys of the enclosing mapping (field -> YAML
    key), so that a grouped value keeps the flat keys environment files have always had."""
    return {"flat": yaml_keys}


_RANGES = ("subnet_cidr", "pods_cidr", "services_cidr", "psa_cidr", "control_plane_cidr")


@dataclass(frozen=True)
class NetworkConfig:
    """The CIDR plan. Secondary ranges cannot be resized in place: size them generously."""

    subnet_cidr: IPv4Network  # primary range of the GKE subnet: node IPs
    pods_cidr: IPv4Network  # secondary range "pods" (a /24 per node at 110 pods per node)
    services_cidr: IPv4Network  # secondary range "services" (ClusterIPs)
    psa_cidr: IPv4Network  # Private Service Access range reserved for Cloud SQL private IPs
    control_plane_cidr: IPv4Network  # GKE control plane peering range, exactly a /28
    # IAP TCP forwarding (SSH to nodes through `gcloud compute ssh --tunnel-through-iap`).
    # Off by default: node SSH is a break-glass path, opened per environment on purpose.
    allow_iap_ssh: bool = False
    # Share of flows sampled into VPC flow logs (0 < x <= 1): 0.5 keeps forensics useful at half
    # the log volume.
    flow_log_sampling: float = 0.5
    nat: NatSettings = field(default_factory=NatSettings)
    # Container ports Google's load balancer sends traffic and health checks to (container-
    # native load balancing reaches pod IPs directly): the CRM's serving port, Next.js's 3000 by
    # default. The firewall and pace-web's ingress policy open only these to Google's ranges.
    load_balancer_ports: tuple[int, ...] = (3000,)

    def __post_init__(self) -> None:
        for key in _RANGES:
            cidr = getattr(self, key)
            require(is_private(cidr), key, f"{cidr} is not in private address space (RFC 1918)")
        for i, first in enumerate(_RANGES):
            for second in _RANGES[i + 1 :]:
                a, b = getattr(self, first), getattr(self, second)
                require(not b.overlaps(a), second, f"{b} overlaps network.{first} ({a})")
        require(
            self.control_plane_cidr.prefixlen == 28,
            "control_plane_cidr",
            f"{self.control_plane_cidr} must be a /28 (GKE)",
        )
        # /24 is the smallest range Private Service Access accepts; larger than /16 wastes space.
        require(
            16 <= self.psa_cidr.prefixlen <= 24,
            "psa_cidr",
            f"{self.psa_cidr}: prefix must be between /16 and /24",
        )
        require(
            self.pods_cidr.prefixlen <= 21,
            "pods_cidr",
            f"{self.pods_cidr} is too small: a /21 holds 8 nodes at a /24 of pods each",
        )
        require(
            valid_ports(self.load_balancer_ports),
            "load_balancer_ports",
            "needs ports from 1 to 65535",
        )
        require(0 < self.flow_log_sampling <= 1, "flow_log_sampling", "must be in (0, 1]")


@dataclass(frozen=True)
class AuthorizedNetwork:
    """A private range allowed to reach the control plane's (private) IP endpoint."""

    name: str
    cidr: IPv4Network

    def __post_init__(self) -> None:
        require(
            is_private(self.cidr),
            "cidr",
            f"{self.cidr} is not private: the IP endpoint is private; people and CI use the DNS "
            "endpoint",
        )


_RBAC_GROUP = re.compile(r"gke-security-groups@[a-z0-9.-]+\.[a-z]+")


@dataclass(frozen=True)
class GkeConfig:
    """The private GKE cluster."""

    # Private ranges allowed to the control plane's private IP endpoint (the nodes' subnet, say).
    # People and CI reach it through the IAM-gated DNS endpoint instead; never 0.0.0.0/0.
    master_authorized_networks: tuple[AuthorizedNetwork, ...]
    web: NodePoolSize  # pace-web: the CRM (Payload + Next.js)
    ai: NodePoolSize  # pace-ai: AI backend and MCP servers, tainted for pace-ai only
    release_channel: ReleaseChannel = "REGULAR"
    # A zone makes the cluster zonal (one control plane replica, cheaper: dev only).
    # Unset: regional, with control plane and nodes across the region's zones.
    zone: str | None = None
    # Google Groups for RBAC: `gke-security-groups@<your domain>` (Workspace / Cloud Identity),
    # whose member groups can be named in RoleBindings. Unset: RBAC subjects are users and SAs.
    rbac_security_group: str | None = None

    def __post_init__(self) -> None:
        require(
            bool(self.master_authorized_networks),
            "master_authorized_networks",
            "needs at least one range",
        )
        group = self.rbac_security_group
        require(
            group is None or bool(_RBAC_GROUP.fullmatch(group)),
            "rbac_security_group",
            f"{group!r} must be gke-security-groups@<domain>",
        )


@dataclass(frozen=True)
class DatabasesConfig:
    """Cloud SQL for PostgreSQL: Pace DB and PACE AI DB."""

    pace_db: SqlInstanceSize
    pace_ai_db: SqlInstanceSize
    postgres_version: PostgresVersion = "POSTGRES_18"
    # REGIONAL: a standby in a second zone with automatic failover. Only dev may choose ZONAL.
    availability: Availability = "REGIONAL"
    backups: BackupPolicy = field(
        default_factory=BackupPolicy,
        metadata=flat(
            start_time="backup_start_time",
            retained="retained_backups",
            retain_on_delete="retain_backups_on_delete",
        ),
    )
    # The DR region of both databases: a cross-region read replica of each (promote it if the
    # region is lost) and their backups stored there. Unset: no replica, backups in the region.
    dr_replica_region: str | None = None
    # True once the DR replicas have been promoted (in an incident, `gcloud sql instances
    # promote-replica`, or by applying this): each replica becomes a stand-alone primary with
    # the primary's settings, the GitOps overlays' proxies and the alerts follow it. Set it
    # before the next apply of the databases stack after a promotion by hand, or that plan
    # would replace the promoted instance (docs/operations/restoring-a-database.md).
    dr_promoted: bool = False
    # Daily SQL dumps of both databases into a retention-locked bucket in another region.
    exports: LogicalExports = field(default_factory=LogicalExports)
    # Weekly point-in-time clones of both databases, timed against the RTO, then deleted.
    restore_drill: RestoreDrill = field(default_factory=RestoreDrill)

    def __post_init__(self) -> None:
        region = self.dr_replica_region
        require(
            region is None or region in GCP_REGIONS,
            "dr_replica_region",
            f"{region!r} is not a Google Cloud region",
        )
        require(
            not self.dr_promoted or region is not None,
            "dr_promoted",
            "needs dr_replica_region: there is no replica to promote",
        )

    def serving_region(self, primary_region: str) -> str:
        """Where the instances the applications use live: the DR region once promoted."""
        if self.dr_promoted and self.dr_replica_region:
            return self.dr_replica_region
        return primary_region

    @property
    def exports_region(self) -> str | None:
        """Where the logical exports are kept: their own region, else the DR region."""
        return self.exports.bucket_region or self.dr_replica_region


_ENV_NAME = re.compile(r"^[a-z][a-z0-9]{1,9}$")
# GCP project ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter,
# not ending with a hyphen.
_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_PROJECT_NUMBER = re.compile(r"^[1-9][0-9]{5,19}$")
# GCS bucket names without dots (dotted names need domain verification).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class Environment:
    """One environment (`environments/<name>.yaml`): everything its stacks need to know."""

    name: str  # short: it is part of every resource name (pace-<name>-...)
    tier: Tier  # dev | staging | prod: decides which weaker settings are allowed at all
    project_id: str
    # The project's number (`gcloud projects describe <id> --format='value(projectNumber)'`):
    # Google's service agents are named by it, e.g. GKE's, which uses the Secrets key.
    project_number: str
    region: str
    state_bucket: str  # GCS bucket for every stack's state but bootstrap's (which creates it)
    network: NetworkConfig
    gke: GkeConfig
    databases: DatabasesConfig
    cicd: CicdConfig
    gitops: GitopsConfig
    platform: PlatformConfig
    applications: ApplicationsConfig
    oncall: OncallConfig
    monitoring: MonitoringConfig
    edge: EdgePolicy = field(default_factory=EdgePolicy)
    # Support hours, the weekly maintenance window and freezes: every service's schedule.
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    # Deletion protection on stateful resources. Only a dev tier may turn it off (for teardown).
    deletion_protection: bool = True
    # Days the audit log bucket keeps every audit log entry (locked where deletion_protection).
    audit_log_retention_days: int = 400
    # The file this came from, for messages; not a YAML key.
    source: str = field(default="", compare=False, metadata={"yaml": False})

    def __post_init__(self) -> None:
        require(
            bool(_ENV_NAME.match(self.name)),
            "name",
            f"{self.name!r} must be 2-10 lowercase letters/digits, starting with a letter",
        )
        require(
            bool(_PROJECT_ID.match(self.project_id)),
            "project_id",
            f"{self.project_id!r} is not a valid GCP project id (6-30 chars: a-z, 0-9, '-', "
            "starting with a letter)",
        )
        require(
            bool(_PROJECT_NUMBER.match(self.project_number)),
            "project_number",
            f"{self.project_number!r} is not a project number (digits)",
        )
        require(
            30 <= self.audit_log_retention_days <= 3650,
            "audit_log_retention_days",
            "must be from 30 to 3650",
        )
        require(
            self.region in GCP_REGIONS, "region", f"{self.region!r} is not a Google Cloud region"
        )
        require(
            bool(_BUCKET.match(self.state_bucket)) and not self.state_bucket.startswith("goog"),
            "state_bucket",
            f"{self.state_bucket!r} is not a valid GCS bucket name",
        )

    @property
    def protected(self) -> bool:
        """True for tiers whose stateful resources must never be deletable by Terraform."""
        return self.tier in PROTECTED_TIERS
