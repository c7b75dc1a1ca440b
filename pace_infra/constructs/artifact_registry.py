"""ImageRepository: the Artifact Registry Docker repository the PACE images live in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_google.artifact_registry_repository import (
    ArtifactRegistryRepository,
    ArtifactRegistryRepositoryCleanupPolicies,
    ArtifactRegistryRepositoryCleanupPoliciesCondition,
    ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions,
    ArtifactRegistryRepositoryDockerConfig,
    ArtifactRegistryRepositoryVulnerabilityScanningConfig,
)
from cdktf_cdktf_provider_google.artifact_registry_repository_iam_member import (
    ArtifactRegistryRepositoryIamMember,
)
from constructs import Construct

from pace_infra.names import image_registry

# Images tagged like a release (v1.2.3) are kept whatever their age.
RELEASE_TAG_PREFIXES: tuple[str, ...] = ("v",)


@dataclass(frozen=True)
class ImageRepositoryProps:
    """Defaults are the secure choice: immutable tags, scanning, cleanup of old builds."""

    repository_id: str  # e.g. pace-prod-images
    location: str
    project_id: str
    # Per image: the last N builds stay, for rollbacks (cicd.keep_recent_images: config owns the
    # default).
    keep_recent_versions: int
    labels: Mapping[str, str] = field(default_factory=dict)
    delete_untagged_after_days: int = 14


class ImageRepository(Construct):
    """Handles: `id`, `name`, `url` (`<location>-docker.pkg.dev/<project>/<repository>`).
    Verbs: `grant_pull`, `grant_push`."""

    def __init__(self, scope: Construct, id_: str, *, props: ImageRepositoryProps) -> None:
        super().__init__(scope, id_)
        repository = ArtifactRegistryRepository(
            self,
            "repository",
            repository_id=props.repository_id,
            location=props.location,
            format="DOCKER",
            description="PACE container images (pace-web, pace-ai), pushed by Bitbucket Pipelines.",
            # A tag, once pushed, always names the same image: what Argo CD deploys is what CI
            # tested, and a tag cannot be re-pointed by a compromised pipeline.
            docker_config=ArtifactRegistryRepositoryDockerConfig(immutable_tags=True),
            # Scanning follows the project's Container Scanning API setting (inherited).
            vulnerability_scanning_config=ArtifactRegistryRepositoryVulnerabilityScanningConfig(
                enablement_config="INHERITED"
            ),
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                ArtifactRegistryRepositoryCleanupPolicies(
                    id="keep-releases",
                    action="KEEP",
                    condition=ArtifactRegistryRepositoryCleanupPoliciesCondition(
                        tag_state="TAGGED", tag_prefixes=list(RELEASE_TAG_PREFIXES)
                    ),
                ),
                ArtifactRegistryRepositoryCleanupPolicies(
                    id="keep-recent",
                    action="KEEP",
                    most_recent_versions=ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions(
                        keep_count=props.keep_recent_versions
                    ),
                ),
                ArtifactRegistryRepositoryCleanupPolicies(
                    id="delete-old-untagged",
                    action="DELETE",
                    condition=ArtifactRegistryRepositoryCleanupPoliciesCondition(
                        tag_state="UNTAGGED",
                        older_than=f"{props.delete_untagged_after_days * 86400}s",
                    ),
                ),
            ],
            labels=dict(props.labels),
        )
        repository.override_logical_id("image_repository")
        self._props = props
        self._repository = repository
        self._grants: dict[str, int] = {}
        self.id: str = repository.id
        self.name: str = repository.name
        self.url = image_registry(props.location, props.project_id, props.repository_id)

    def grant_pull(self, member: str) -> None:
        """Let an IAM member (GKE nodes) pull images of this repository, and of no other."""
        self._grant("roles/artifactregistry.reader", member)

    def grant_push(self, member: str) -> None:
        """Let an IAM member (CI) push images to this repository, and to no other."""
        self._grant("roles/artifactregistry.writer", member)

    def _grant(self, role: str, member: str) -> None:
        # Access on this repository only, never on the project's registries.
        kind = role.split(".")[-1]
        index = self._grants.get(kind, 0)
        self._grants[kind] = index + 1
        ArtifactRegistryRepositoryIamMember(
            self,
            f"{kind}-{index}",
            project=self._props.project_id,
            location=self._props.location,
            repository=self._repository.name,
            role=role,
            member=member,
        )
