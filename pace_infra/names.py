"""Every name PACE gives: resources, namespaces, databases, service accounts, signals, paging.

One module owns the convention `pace-<env>-<thing>` (and `pace-<system>` for what a cluster or a
PagerDuty account holds once), so that what one stack creates and what another stack, a test or
a tool refers to cannot drift apart: renaming an instance here renames the alerts that watch it.

Light on purpose (no provider bindings): tools such as `make ci-credentials` derive names from
an environment file without loading cdktf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The two application systems; each has a namespace, a node pool and a workload identity.
Workload = Literal["web", "ai"]
WORKLOADS: tuple[Workload, ...] = ("web", "ai")
# What an alert belongs to, and so which PagerDuty service it pages.
System = Literal["web", "ai", "data", "platform"]
# Which PagerDuty service of a system: urgent (any hour) or support-hours (WARNING alerts).
PagingRoute = Literal["urgent", "support-hours"]
# Where the billing budget notifies: pace-platform-warnings (low urgency outside support hours).
BUDGET_ROUTE: tuple[System, PagingRoute] = ("platform", "support-hours")

FEDERATION_PROVIDER_ID = "bitbucket-pipelines"
# Artifact Registry repository of the application images (one per project).
IMAGE_REPOSITORY_ID = "pace-images"
# Where Argo CD and its Applications live in every cluster (make promote reads them there).
ARGOCD_NAMESPACE = "argocd"


def namespace(workload: Workload) -> str:
    """The Kubernetes namespace of a system: `pace-web`, `pace-ai`."""
    return f"pace-{workload}"


def errors_log_metric(subject: str) -> str:
    """The log-based metric counting a subject's error entries: a namespace's or an instance's."""
    return f"pace-errors-{subject}"


# The port every PACE application container listens on (Next.js's default): the Services,
# probes and load balancer health checks use it.
APP_PORT = 3000

# Node label of each pool (value: the pool's system); the ai pool is also tainted with it.
NODE_POOL_LABEL = "pace/pool"


@dataclass(frozen=True)
class EdgeNames:
    """What the CRM's Ingress attaches by name: GKE creates the load balancer, we the rest."""

    ip: str  # global static IP (Ingress annotation kubernetes.io/ingress.global-static-ip-name)
    security_policy: str  # Cloud Armor policy (BackendConfig securityPolicy.name)
    ssl_policy: str  # SSL policy (FrontendConfig sslPolicy)


# The images each system's pipeline builds into pace-images, as the GitOps manifests name them.
IMAGES: dict[Workload, tuple[str, ...]] = {
    "web": ("pace-web",),
    "ai": ("pace-ai-backend", "pace-mcp-servers"),
}


def gitops_base(workload: Workload) -> str:
    """A system's platform-owned Kustomize base in the GitOps repository."""
    return f"{namespace(workload)}/base"


def gitops_overlay(workload: Workload, env: str) -> str:
    """A system's overlay of one environment: the path its Argo CD Application syncs."""
    return f"{namespace(workload)}/overlays/{env}"


def pagerduty_service(system: System, route: PagingRoute) -> str:
    """`pace-web` pages now; `pace-web-warnings` pages in support hours."""
    return f"pace-{system}" if route == "urgent" else f"pace-{system}-warnings"


@dataclass(frozen=True)
class Database:
    """One of PACE's Cloud SQL instances, as the stacks create it and the alerts watch it."""

    key: str  # construct id, also the stem of its logical ids: "pace-db"
    database: str  # the one database inside the instance
    workload: Workload  # the only system whose identity may connect


# Pace DB: the CRM's business data. PACE AI DB: conversations, transcripts, agent state,
# embeddings.
PACE_DB = Database("pace-db", "pace", "web")
PACE_AI_DB = Database("pace-ai-db", "pace_ai", "ai")


# The metric each restore drill writes: how long one clone took to become RUNNABLE (seconds),
# labelled with the instance it cloned. The drill workflow writes it, the drill alert reads it.
RESTORE_DRILL_METRIC = "custom.googleapis.com/pace/restore_drill/duration_seconds"
RESTORE_DRILL_METRIC_LABEL = "source_instance"
# The metric each logical export writes: one point (the value 1) per database whose export
# succeeded, labelled with the instance exported. The export workflow writes it, the export alert
# reads it.
DATABASE_EXPORT_METRIC = "custom.googleapis.com/pace/database_export/completed"
DATABASE_EXPORT_METRIC_LABEL = "source_instance"
# Custom roles of the database jobs (created in the trust plane, granted to the jobs' accounts).
EXPORTER_ROLE = "paceDatabaseExporter"
DRILL_SOURCE_ROLE = "paceRestoreDrillSource"
DRILL_SCRATCH_ROLE = "paceRestoreDrillScratch"


def database_exports_bucket(project_id: str) -> str:
    """The bucket logical exports go to: named by the project, so that the global bucket
    namespace has it free (project ids are unique)."""
    return f"{project_id}-db-exports"


# Which image connects to which database (through its Cloud SQL Auth Proxy sidecar).
IMAGE_DATABASE: dict[str, Database] = {"pace-web": PACE_DB, "pace-ai-backend": PACE_AI_DB}


@dataclass(frozen=True)
class EnvNames:
    """The names of one environment's resources: `EnvNames("prod").cluster == "pace-prod-gke"`."""

    env: str

    @property
    def prefix(self) -> str:
        """`pace-<env>`: the network's resources take it as their prefix."""
        return f"pace-{self.env}"

    def resource(self, thing: str) -> str:
        return f"{self.prefix}-{thing}"

    @property
    def cluster(self) -> str:
        return self.resource("gke")

    @property
    def node_service_account(self) -> str:
        return self.resource("gke-nodes")

    def workload_service_account(self, workload: Workload) -> str:
        """The Google service account a system's pods act as (Workload Identity)."""
        return self.resource(workload)

    def database_instance(self, database: Database) -> str:
        """`pace-prod-db`, `pace-prod-ai-db`: the Cloud SQL instance name."""
        return self.resource(database.key.removeprefix("pace-"))

    def database_dr_replica(self, database: Database) -> str:
        """`pace-prod-db-dr`: the instance's cross-region read replica (disaster recovery)."""
        return f"{self.database_instance(database)}-dr"

    def database_serving(self, database: Database, *, dr_promoted: bool) -> str:
        """The instance the applications use: the DR replica once it has been promoted."""
        if dr_promoted:
            return self.database_dr_replica(database)
        return self.database_instance(database)

    @property
    def database_export(self) -> str:
        """The export job: its workflow, scheduler job and service account."""
        return self.resource("db-export")

    @property
    def restore_drill(self) -> str:
        """The restore drill: its workflow, scheduler job and service account."""
        return self.resource("db-drill")

    @property
    def database_jobs_scheduler(self) -> str:
        """The service account Cloud Scheduler starts the database workflows as."""
        return self.resource("db-scheduler")

    @property
    def drill_scratch_prefix(self) -> str:
        """What every scratch instance of a restore drill is named by (a unique suffix per run);
        the drill's account may change or delete only instances named so."""
        return self.resource("drill-")

    def drill_scratch_stem(self, database: Database) -> str:
        """A database's scratch instances: `pace-prod-drill-ai-db-<unix time>` for PACE AI DB."""
        return self.drill_scratch_prefix + database.key.removeprefix("pace-")

    @property
    def edge(self) -> EdgeNames:
        """The CRM's public edge: its static IP, Cloud Armor policy and SSL policy."""
        prefix = self.resource("web")
        return EdgeNames(f"{prefix}-ip", f"{prefix}-armor", f"{prefix}-tls")

    @property
    def ci_service_account(self) -> str:
        return self.resource("ci")

    @property
    def deploy_service_account(self) -> str:
        return self.resource("deploy")

    @property
    def planner_service_account(self) -> str:
        return self.resource("planner")

    @property
    def gitops_secret(self) -> str:
        """Secret Manager secret holding Argo CD's read credential of the GitOps repository."""
        return self.resource("gitops-repo")

    @property
    def key_ring(self) -> str:
        """The environment's Cloud KMS key ring (bootstrap): the Secrets key, the attestor's key."""
        return self.prefix

    @property
    def attestor_key_ring(self) -> str:
        return self.key_ring

    @property
    def attestor_key(self) -> str:
        """The asymmetric key CI signs attestations with (in `attestor_key_ring`)."""
        return "attestor-signing"

    @property
    def attestor(self) -> str:
        """The Binary Authorization attestor (and its Container Analysis note): built by CI."""
        return self.resource("built-by-ci")

    def budget_email_integration(self, pagerduty_subdomain: str) -> str:
        """The address of pace-platform-warnings' email integration, which the budget emails:
        Cloud Billing budgets notify email channels only, never a PagerDuty channel."""
        return f"{self.resource('budget')}@{pagerduty_subdomain}.pagerduty.com"

    @property
    def budget(self) -> str:
        """The Cloud Billing budget's display name (60 characters at most)."""
        return f"PACE {self.env} monthly budget"

    @property
    def federation_pool(self) -> str:
        return self.resource("bitbucket")

    def federation_provider(self, project_number: str) -> str:
        """The provider's resource name, as STS's audience and `WIF_PROVIDER` use it."""
        return (
            f"projects/{project_number}/locations/global/workloadIdentityPools/"
            f"{self.federation_pool}/providers/{FEDERATION_PROVIDER_ID}"
        )


def image_registry(region: str, project_id: str, repository: str = IMAGE_REPOSITORY_ID) -> str:
    """An Artifact Registry Docker repository's path: `<region>-docker.pkg.dev/<project>/<repo>`."""
    return f"{region}-docker.pkg.dev/{project_id}/{repository}"


def stack_name(env: str, unit: str) -> str:
    """A deploy unit's stack in one environment: `prod-databases`."""
    return f"{env}-{unit}"


def service_account_email(account_id: str, project_id: str) -> str:
    return f"{account_id}@{project_id}.iam.gserviceaccount.com"


def gke_service_agent_email(project_number: str) -> str:
    """GKE's service agent: it encrypts Secrets with the KMS key and manages the cluster's (and
    its Ingresses') firewall rules."""
    return f"service-{project_number}@container-engine-robot.iam.gserviceaccount.com"
