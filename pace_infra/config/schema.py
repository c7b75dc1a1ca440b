"""The shape of an environment file: frozen dataclasses whose defaults are the secure choice.

Field comments say why a value is what it is; `validate.py` holds the rules across fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Literal

Tier = Literal["dev", "staging", "prod"]
NatLogFilter = Literal["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"]
ReleaseChannel = Literal["RAPID", "REGULAR", "STABLE"]
# Major versions Cloud SQL offers that we accept; CKV_GCP_79 expects the newest.
PostgresVersion = Literal["POSTGRES_16", "POSTGRES_17", "POSTGRES_18"]
Availability = Literal["REGIONAL", "ZONAL"]

# Tiers whose stateful resources must keep deletion protection and high availability.
PROTECTED_TIERS: frozenset[str] = frozenset({"staging", "prod"})


@dataclass(frozen=True)
class NatConfig:
    """Cloud NAT: the only egress path for private nodes (they have no external IPs)."""

    # Dynamic port allocation: ports per VM grow from min to max under load. GCP requires both to
    # be powers of two; 64 is GCP's default minimum, 4096 leaves room for chatty AI backends.
    min_ports_per_vm: int = 64
    max_ports_per_vm: int = 4096
    # ERRORS_ONLY: dropped connections (port exhaustion) are logged without logging every flow.
    log_filter: NatLogFilter = "ERRORS_ONLY"


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
    nat: NatConfig = field(default_factory=NatConfig)
    # Container ports Google's load balancer sends traffic and health checks to (container-
    # native load balancing reaches pod IPs directly): the CRM's serving port, Next.js's 3000 by
    # default. The firewall and pace-web's ingress policy open only these to Google's ranges.
    load_balancer_ports: tuple[int, ...] = (3000,)


@dataclass(frozen=True)
class AuthorizedNetwork:
    """A private range allowed to reach the control plane's (private) IP endpoint."""

    name: str
    cidr: IPv4Network


@dataclass(frozen=True)
class NodePoolConfig:
    """One GKE node pool. Node counts are totals across the cluster's zones."""

    machine_type: str
    min_nodes: int
    max_nodes: int
    disk_size_gb: int = 100


@dataclass(frozen=True)
class GkeConfig:
    """The private GKE cluster."""

    # Private ranges allowed to the control plane's private IP endpoint (the nodes' subnet, say).
    # People and CI reach it through the IAM-gated DNS endpoint instead; never 0.0.0.0/0.
    master_authorized_networks: tuple[AuthorizedNetwork, ...]
    web: NodePoolConfig  # pace-web: the CRM (Payload + Next.js)
    ai: NodePoolConfig  # pace-ai: AI backend and MCP servers, tainted for pace-ai only
    release_channel: ReleaseChannel = "REGULAR"
    # A zone makes the cluster zonal (one control plane replica, cheaper: dev only).
    # Unset: regional, with control plane and nodes across the region's zones.
    zone: str | None = None
    # When GKE may upgrade and repair: a recurring window (RFC 5545 RRULE), UTC.
    maintenance_start_time: str = "2025-01-04T02:00:00Z"
    maintenance_end_time: str = "2025-01-04T08:00:00Z"
    maintenance_recurrence: str = "FREQ=WEEKLY;BYDAY=SA,SU"
    # Google Groups for RBAC: `gke-security-groups@<your domain>` (Workspace / Cloud Identity),
    # whose member groups can be named in RoleBindings. Unset: RBAC subjects are users and SAs.
    rbac_security_group: str | None = None


@dataclass(frozen=True)
class DatabaseInstanceConfig:
    """Size of one Cloud SQL instance."""

    tier: str  # db-custom-<vCPUs>-<MiB> (Enterprise) or db-perf-optimized-N-<vCPUs>
    disk_size_gb: int
    # Autoresize grows the disk on its own; the limit caps a runaway (a log or a bad migration).
    disk_autoresize_limit_gb: int
    # Written as a flag so that the connections alert compares against a known number.
    max_connections: int = 200


@dataclass(frozen=True)
class DatabasesConfig:
    """Cloud SQL for PostgreSQL: Pace DB and PACE AI DB."""

    pace_db: DatabaseInstanceConfig
    pace_ai_db: DatabaseInstanceConfig
    postgres_version: PostgresVersion = "POSTGRES_18"
    # REGIONAL: a standby in a second zone with automatic failover. Only dev may choose ZONAL.
    availability: Availability = "REGIONAL"
    backup_start_time: str = "02:00"  # HH:MM, UTC
    retained_backups: int = 14  # daily backups kept; prod requires at least 14
    maintenance_day: int = 7  # 1 = Monday ... 7 = Sunday
    maintenance_hour: int = 3  # UTC
    # A cross-region read replica of Pace DB for disaster recovery (promote it if the region is
    # lost). Unset: none.
    dr_replica_region: str | None = None


@dataclass(frozen=True)
class CicdConfig:
    """Bitbucket Pipelines -> Google Cloud without keys (Workload Identity Federation)."""

    bitbucket_workspace: str  # the workspace slug, as in bitbucket.org/<workspace>/...
    bitbucket_workspace_uuid: str  # "{...}", Workspace settings -> OpenID Connect
    # Application repositories (pace-web, pace-ai) whose pipelines build and push images.
    image_repository_uuids: tuple[str, ...]
    # This infrastructure repository, and the UUID of its Bitbucket deployment environment for
    # this environment: only steps of that deployment may act as the deploy service account.
    infra_repository_uuid: str
    deployment_environment_uuid: str
    keep_recent_images: int = 20  # per image, for rollbacks
    # The one branch whose pipelines may deploy (this repository) or push images (application
    # repositories); protect it in Bitbucket (README, "CI/CD").
    release_branch: str = "main"
    # Images Binary Authorization admits besides this environment's pace-images repository,
    # Argo CD's own and Google's system images (global policy): registry/path patterns with an
    # optional trailing * or **, e.g. a sidecar an application needs. Everything else is denied.
    admitted_images: tuple[str, ...] = ()


@dataclass(frozen=True)
class GitopsConfig:
    """The CI/CD repository Argo CD watches."""

    repo_url: str  # https://bitbucket.org/<workspace>/<repo>.git
    revision: str  # branch or tag Argo CD follows for this environment
    web_path: str  # directory of pace-web's manifests for this environment
    ai_path: str  # directory of pace-ai's manifests


@dataclass(frozen=True)
class EgressEndpoint:
    """An external endpoint pods of one namespace may call (TCP)."""

    name: str  # what it is, e.g. model-api: names the NetworkPolicy rule
    cidrs: tuple[IPv4Network, ...]  # its published address ranges
    ports: tuple[int, ...] = (443,)


@dataclass(frozen=True)
class NamespaceQuota:
    """ResourceQuota of one application namespace (Kubernetes quantities)."""

    requests_cpu: str
    requests_memory: str
    limits_cpu: str
    limits_memory: str
    pods: int


@dataclass(frozen=True)
class ArgoCdSso:
    """Sign-in to Argo CD with Google accounts (README, "Argo CD sign-in")."""

    client_id: str  # OAuth 2.0 client ("Web application"), <id>.apps.googleusercontent.com
    # Emails of the platform team, given role:admin. Google's ID tokens carry no groups, so
    # admins are named one by one; everyone else who signs in reads only.
    admins: tuple[str, ...]
    # Argo CD's external URL; `<url>/auth/callback` is a redirect URI of the OAuth client.
    # The default is the `kubectl port-forward` address of the README.
    url: str = "https://localhost:8080"


@dataclass(frozen=True)
class PlatformConfig:
    """What runs inside the cluster besides the applications."""

    web_quota: NamespaceQuota
    ai_quota: NamespaceQuota
    # Argo CD with several replicas of each component and Redis HA (prod).
    argocd_ha: bool = False
    # Unset: nobody signs in to Argo CD; people use `argocd --core` with their GKE credentials.
    argocd_sso: ArgoCdSso | None = None
    # Argo CD's built-in admin account (a shared password). Off: only for an environment without
    # SSO whose team needs the web UI on the cluster itself; refused together with argocd_sso.
    argocd_local_admin: bool = False
    # Egress the application namespaces may have beyond the platform's own (DNS, metadata
    # server, Google APIs, Cloud SQL, each other): named external endpoints, e.g. the AI
    # backend's model API. Everything else is refused.
    web_egress: tuple[EgressEndpoint, ...] = ()
    ai_egress: tuple[EgressEndpoint, ...] = ()
    # Whether the applications' pods get a Kubernetes API token. Off: neither calls the API, and
    # Workload Identity needs none. Turn on for a system whose pods must call the API.
    web_kubernetes_api: bool = False
    ai_kubernetes_api: bool = False


@dataclass(frozen=True)
class EdgeConfig:
    """What stands in front of the CRM: Cloud Armor and TLS policy."""

    # preview: OWASP rules log what they would block; enforce: they block. New environments start
    # in preview until the logs show no false positives.
    waf_mode: Literal["preview", "enforce"] = "enforce"
    rate_limit_per_minute: int = 600  # per client IP, before 429s
    ssl_profile: Literal["MODERN", "RESTRICTED"] = "MODERN"


@dataclass(frozen=True)
class SupportHours:
    """When the Support Team works: capacity alerts page at high urgency only then."""

    time_zone: str = "Europe/London"  # IANA name
    start_time: str = "09:00:00"
    end_time: str = "17:30:00"
    days_of_week: tuple[int, ...] = (1, 2, 3, 4, 5)  # 1 = Monday


@dataclass(frozen=True)
class OncallConfig:
    """PagerDuty for this environment.

    full: the PACE Support team, schedules and escalation; customer-facing failures page 24/7.
    low: the same services at low urgency only (notifications, never a page at night).
    none: no PagerDuty; alerts reach the support email only.
    """

    mode: Literal["full", "low", "none"]
    # Emails of existing PagerDuty users, in rotation order (primary week by week; the secondary
    # schedule is the same list shifted by one, so nobody is their own backup).
    members: tuple[str, ...] = ()
    rotation_start: str = "2026-01-05T09:00:00Z"  # a Monday, handover time
    support_hours: SupportHours = field(default_factory=SupportHours)


@dataclass(frozen=True)
class UptimeTarget:
    """A public HTTPS endpoint checked from several regions every minute."""

    name: str  # crm | ai-backend: names the check and its alert
    system: Literal["web", "ai"]
    host: str
    path: str = "/"


@dataclass(frozen=True)
class Thresholds:
    """Alert thresholds; defaults from Google's and SRE practice (fractions are 0-1)."""

    http_5xx_ratio: float = 0.05
    min_requests_per_second: float = 1.0  # no 5xx-ratio alert on a trickle of traffic
    error_logs_per_minute: float = 10.0
    container_limit_utilization: float = 0.9
    node_allocatable_utilization: float = 0.85
    restarts_per_5_minutes: int = 3
    sql_cpu_utilization: float = 0.8
    sql_memory_utilization: float = 0.9
    sql_disk_utilization: float = 0.85
    sql_connections_ratio: float = 0.8  # of max_connections
    certificate_days_left: int = 14


@dataclass(frozen=True)
class MonitoringConfig:
    support_email: str
    uptime_checks: tuple[UptimeTarget, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    availability_goal: float = 0.995  # SLO over 28 days
    latency_goal: float = 0.95  # share of requests under latency_threshold_ms
    latency_threshold_ms: int = 1000


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
    oncall: OncallConfig
    monitoring: MonitoringConfig
    edge: EdgeConfig = field(default_factory=EdgeConfig)
    # Deletion protection on stateful resources. Only a dev tier may turn it off (for teardown).
    deletion_protection: bool = True
    # Days the audit log bucket keeps every audit log entry (locked where deletion_protection).
    audit_log_retention_days: int = 400
    # The file this came from, for messages; not a YAML key.
    source: str = field(default="", compare=False, metadata={"yaml": False})

    @property
    def protected(self) -> bool:
        """True for tiers whose stateful resources must never be deletable by Terraform."""
        return self.tier in PROTECTED_TIERS
