"""The delivery contract: every name the application pipeline and promotion share with the
platform side (the GitOps skeleton, the cicd stack, the attestor). Nothing else in
pace_infra/tools/delivery/ spells one of these names; change one here and tell the platform.

Why each image goes to every environment's registry: an environment's admission policy admits
only its own `pace-images` (stacks/cicd.py, AdmissionPolicy), so a digest can run in staging only
if staging's registry holds it. The release pipeline pushes one build to each registry (same
manifest, same digest) and promotion then moves only the digest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pace_infra.names import (
    IMAGES,
    WORKLOADS,
    EnvNames,
    gitops_overlay,
    image_registry,
    namespace,
    service_account_email,
)

# Promotion order: a digest reaches an environment only from the one before it.
PROMOTION_ORDER: tuple[str, ...] = ("dev", "staging", "prod")
# The environment the release pipeline commits new digests to.
FIRST_ENV = PROMOTION_ORDER[0]


@dataclass(frozen=True)
class Image:
    """An image an application repository builds: name in the registry, Dockerfile, context."""

    name: str
    dockerfile: str
    context: str


# Where each image's Dockerfile and build context sit in its application repository. A
# Dockerfile's `test` stage runs the image's tests: a pull request builds that stage, so a
# failing test fails the build with no test runner in the pipeline image.
BUILDS: dict[str, tuple[str, str]] = {
    "pace-web": ("Dockerfile", "."),
    "pace-ai-backend": ("backend/Dockerfile", "backend"),
    "pace-mcp-servers": ("mcp-servers/Dockerfile", "mcp-servers"),
}
# Application (its Bitbucket repository slug: the system's namespace) -> the images it ships,
# as pace_infra/names.py names them for the GitOps skeleton.
APPS: dict[str, tuple[Image, ...]] = {
    namespace(w): tuple(Image(name, *BUILDS[name]) for name in IMAGES[w]) for w in WORKLOADS
}
TEST_TARGET = "test"

# The GitOps repository: `<app>/overlays/<env>/` lists `components: [images]`, and the images
# Component is the only file the pipeline and promotion write.
IMAGES_COMPONENT = "images"
COMPONENT_API_VERSION = "kustomize.config.k8s.io/v1alpha1"
COMPONENT_KIND = "Component"

# What the pipeline passes between its steps (a Bitbucket artifact of one run).
RELEASE_RECORD = ".delivery/release.json"


class Refusal(Exception):
    """Bad input: the command prints one line and exits 2."""


def overlay_dir(app: str, env: str) -> PurePosixPath:
    """The overlay the GitOps skeleton generates for the app's system (names.gitops_overlay)."""
    (workload,) = [w for w in WORKLOADS if namespace(w) == app_name(app)]
    return PurePosixPath(gitops_overlay(workload, env))


def app_name(app: str) -> str:
    if app not in APPS:
        raise Refusal(f"unknown application {app!r} (one of: {', '.join(APPS)})")
    return app


def images_file(app: str, env: str) -> PurePosixPath:
    """`<app>/overlays/<env>/images/kustomization.yaml`."""
    return overlay_dir(app, env) / IMAGES_COMPONENT / "kustomization.yaml"


def app_images(app: str) -> tuple[Image, ...]:
    return APPS[app_name(app)]


def next_env(env: str) -> str:
    """The environment a digest running in `env` is promoted to."""
    check_env(env)
    index = PROMOTION_ORDER.index(env)
    if index + 1 == len(PROMOTION_ORDER):
        raise Refusal(f"{env} is the last environment: there is nothing to promote to")
    return PROMOTION_ORDER[index + 1]


def check_env(env: str) -> None:
    if env not in PROMOTION_ORDER:
        raise Refusal(f"unknown environment {env!r} (one of: {', '.join(PROMOTION_ORDER)})")


@dataclass(frozen=True)
class Target:
    """One environment as the delivery tools see it: registry, CI identity, attestor, key."""

    env: str
    project_id: str
    project_number: str
    region: str
    release_branch: str
    gitops_repo_url: str
    gitops_revision: str
    # GnuPG key ids Argo CD requires on GitOps commits (gitops.signature_keys); empty: none.
    signature_key_ids: tuple[str, ...] = ()
    # The cluster's location: its zone where config makes it zonal, else the region.
    cluster_location: str = ""

    @property
    def registry(self) -> str:
        return image_registry(self.region, self.project_id)

    @property
    def repository(self) -> str:
        """The registry as Artifact Registry's API names it (`projects/.../repositories/...`)."""
        return (
            f"projects/{self.project_id}/locations/{self.region}/repositories/"
            f"{self.registry.rsplit('/', 1)[1]}"
        )

    def version(self, name: str, digest: str) -> str:
        """An image version as Artifact Registry's API names it (an attachment's `target`)."""
        return f"{self.repository}/packages/{name}/versions/{digest}"

    @property
    def registry_host(self) -> str:
        return f"{self.region}-docker.pkg.dev"

    def image(self, name: str) -> str:
        """`<region>-docker.pkg.dev/<project>/pace-images/<name>`: the overlay's `newName`."""
        return f"{self.registry}/{name}"

    def resource_uri(self, name: str, digest: str) -> str:
        """How Artifact Analysis names an image version (its occurrences' `resourceUri`)."""
        return f"https://{self.image(name)}@{digest}"

    @property
    def ci_service_account(self) -> str:
        return service_account_email(EnvNames(self.env).ci_service_account, self.project_id)

    @property
    def federation_provider(self) -> str:
        return EnvNames(self.env).federation_provider(self.project_number)

    @property
    def kube_context(self) -> str:
        """The kubectl context `gcloud container clusters get-credentials` writes for the
        environment's cluster (`gke_<project>_<location>_<cluster>`)."""
        location = self.cluster_location or self.region
        return f"gke_{self.project_id}_{location}_{EnvNames(self.env).cluster}"

    @property
    def attestor(self) -> str:
        return f"projects/{self.project_id}/attestors/{EnvNames(self.env).attestor}"

    @property
    def signing_key(self) -> str:
        names = EnvNames(self.env)
        return (
            f"projects/{self.project_id}/locations/{self.region}/keyRings/"
            f"{names.attestor_key_ring}/cryptoKeys/{names.attestor_key}"
        )


def environments_dir() -> Path:
    """This repository's environments/ (the pipeline runs from a checkout of it, not the app's)."""
    default = Path(__file__).resolve().parents[3] / "environments"
    return Path(os.environ.get("PACE_ENVIRONMENTS", default))


def target(env: str, directory: Path | None = None) -> Target:
    """The environment's target, from its file; Refusal when it is unknown or invalid."""
    from pace_infra.config import ConfigError, load_environments

    check_env(env)
    try:
        found = {e.name: e for e in load_environments(directory or environments_dir())}
    except ConfigError as error:
        raise Refusal(str(error)) from error
    if env not in found:
        raise Refusal(f"no environments/{env}.yaml")
    e = found[env]
    return Target(
        env=e.name,
        project_id=e.project_id,
        project_number=e.project_number,
        region=e.region,
        release_branch=e.cicd.release_branch,
        gitops_repo_url=e.gitops.repo_url,
        gitops_revision=e.gitops.revision,
        signature_key_ids=tuple(k.key_id for k in e.gitops.signature_keys),
        cluster_location=e.gke.zone or e.region,
    )
