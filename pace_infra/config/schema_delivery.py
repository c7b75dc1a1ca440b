"""Sections of an environment file about delivery: Bitbucket federation, images, GitOps, and
what runs in the cluster. Each rule on a section's own fields sits in its `__post_init__`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pace_infra.config.checks import require
from pace_infra.config.values import is_host_name
from pace_infra.config.values_delivery import (
    EgressEndpoint,
    GoogleSignIn,
    Quota,
    SignatureKey,
    WorkloadSize,
)

_UUID = re.compile(r"^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$")
_WORKSPACE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,61}$")
# Part of `deploy_target` = <repo>:<environment>:<branch> (127 characters at most) and of a
# principalSet URL path: no '/', no ':'.
_RELEASE_BRANCH = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
# A Binary Authorization allowlist pattern (registry/path, optional trailing * or **), with at
# least one literal path segment: `docker.io/**` would admit every image of a public registry.
_IMAGE_PATTERN = re.compile(
    r"^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(/[A-Za-z0-9._-]+)+(/?[A-Za-z0-9._:@-]*\*{0,2})?$"
)
# Group 1, the workspace, must be cicd.bitbucket_workspace (validate.py: a rule across sections).
BITBUCKET_REPO = re.compile(r"^https://bitbucket\.org/([a-z0-9][a-z0-9_-]*)/[a-z0-9._-]+\.git$")


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

    def __post_init__(self) -> None:
        require(
            bool(_WORKSPACE.match(self.bitbucket_workspace)),
            "bitbucket_workspace",
            "must be the workspace slug",
        )
        uuids = {
            "bitbucket_workspace_uuid": self.bitbucket_workspace_uuid,
            "infra_repository_uuid": self.infra_repository_uuid,
            "deployment_environment_uuid": self.deployment_environment_uuid,
            **{
                f"image_repository_uuids[{i}]": u for i, u in enumerate(self.image_repository_uuids)
            },
        }
        for key, uuid in uuids.items():
            require(
                bool(_UUID.match(uuid)),
                key,
                f"{uuid!r} is not a Bitbucket UUID ({{lowercase uuid}})",
            )
        require(
            bool(self.image_repository_uuids),
            "image_repository_uuids",
            "needs at least one repository",
        )
        require(
            1 <= self.keep_recent_images <= 1000, "keep_recent_images", "must be from 1 to 1000"
        )
        require(
            bool(_RELEASE_BRANCH.match(self.release_branch)),
            "release_branch",
            "must be a branch name of letters, digits, '.', '_' or '-' (at most 40): it is "
            "part of a federation attribute, where '/' and ':' cannot appear",
        )
        for i, pattern in enumerate(self.admitted_images):
            require(
                bool(_IMAGE_PATTERN.match(pattern)),
                f"admitted_images[{i}]",
                f"{pattern!r} must be <registry>/<path> naming at least one path segment before "
                "any trailing * or ** (a whole registry is not an allowlist)",
            )


@dataclass(frozen=True)
class GitopsConfig:
    """The CI/CD repository Argo CD watches."""

    repo_url: str  # https://bitbucket.org/<workspace>/<repo>.git
    revision: str  # branch or tag Argo CD follows for this environment
    # The paths Argo CD syncs are the overlays `make synth` generates (cdktf.out/gitops/):
    # <namespace>/overlays/<env>, named in pace_infra/names.py.
    # Keys whose signatures Argo CD requires on the commits it syncs; none: not verified.
    signature_keys: tuple[SignatureKey, ...] = ()

    def __post_init__(self) -> None:
        require(
            bool(BITBUCKET_REPO.match(self.repo_url)),
            "repo_url",
            f"{self.repo_url!r} is not a Bitbucket HTTPS repository URL "
            "(https://bitbucket.org/<workspace>/<repo>.git)",
        )
        require(
            bool(self.revision) and ".." not in self.revision.split("/"),
            "revision",
            f"{self.revision!r} must be a branch or tag",
        )


@dataclass(frozen=True)
class PlatformConfig:
    """What runs inside the cluster besides the applications."""

    web_quota: Quota
    ai_quota: Quota
    # Argo CD with several replicas of each component and Redis HA (prod).
    argocd_ha: bool = False
    # Unset: nobody signs in to Argo CD; people use `argocd --core` with their GKE credentials.
    argocd_sso: GoogleSignIn | None = None
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

    def __post_init__(self) -> None:
        require(
            self.argocd_sso is None or not self.argocd_local_admin,
            "argocd_local_admin",
            "must be false when argocd_sso is set (SSO replaces the shared admin password)",
        )
        for key in ("web_egress", "ai_egress"):
            names = [endpoint.name for endpoint in getattr(self, key)]
            require(len(set(names)) == len(names), key, "endpoint names must be unique")


# An image by digest: what the app namespaces admit (pace_infra/constructs/image_admission.py).
_IMAGE_BY_DIGEST = re.compile(
    r"^[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9._-]+)+(:[\w.-]+)?@sha256:[0-9a-f]{64}$"
)


@dataclass(frozen=True)
class ApplicationsConfig:
    """What the platform-owned GitOps skeleton (`cdktf.out/gitops/`) runs: pace-web's CRM,
    pace-ai's AI backend and MCP servers. Application teams own their images and app config."""

    crm_hosts: tuple[str, ...]  # DNS names the CRM serves; its managed certificate covers them
    # The Cloud SQL Auth Proxy beside each database client (native sidecar), by digest: the app
    # namespaces admit images by digest only, and Binary Authorization must admit its registry
    # path (cicd.admitted_images). Verify a new digest with `crane digest <image>:<tag>`.
    cloud_sql_proxy_image: str
    crm: WorkloadSize = field(default_factory=WorkloadSize)
    ai_backend: WorkloadSize = field(default_factory=WorkloadSize)
    mcp_servers: WorkloadSize = field(default_factory=WorkloadSize)

    def size_of(self, image: str) -> WorkloadSize:
        """The size of the Deployment running `image` (names.IMAGES)."""
        key = {
            "pace-web": "crm",
            "pace-ai-backend": "ai_backend",
            "pace-mcp-servers": "mcp_servers",
        }[image]
        return getattr(self, key)

    def __post_init__(self) -> None:
        require(bool(self.crm_hosts), "crm_hosts", "needs at least one host")
        for index, host in enumerate(self.crm_hosts):
            require(is_host_name(host), f"crm_hosts[{index}]", f"{host!r} is not a host name")
        require(
            bool(_IMAGE_BY_DIGEST.match(self.cloud_sql_proxy_image)),
            "cloud_sql_proxy_image",
            f"{self.cloud_sql_proxy_image!r} must be <registry>/<path>[:tag]@sha256:<digest>",
        )
