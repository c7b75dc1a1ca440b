"""ImageRepository: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.artifact_registry import ImageRepository, ImageRepositoryProps
from tests.helpers import only, resources, synth_construct


@pytest.fixture(scope="module")
def registry():
    props = ImageRepositoryProps(
        repository_id="pace-images",
        location="europe-west2",
        project_id="pace-t",
        labels={"system": "platform"},
        keep_recent_versions=15,
    )
    handles = {}

    def build(stack):
        handles["repo"] = ImageRepository(stack, "images", props=props)
        handles["repo"].grant_pull("serviceAccount:nodes@pace-t.iam.gserviceaccount.com")
        handles["repo"].grant_push("serviceAccount:ci@pace-t.iam.gserviceaccount.com")
        handles["repo"].grant_pull("serviceAccount:other@pace-t.iam.gserviceaccount.com")

    return synth_construct(build), handles["repo"]


def test_registry_is_docker_with_immutable_tags(registry):
    repository = only(registry[0], "google_artifact_registry_repository")
    assert repository["format"] == "DOCKER"
    assert repository["docker_config"] == {"immutable_tags": True}


def test_registry_inherits_vulnerability_scanning(registry):
    repository = only(registry[0], "google_artifact_registry_repository")
    assert repository["vulnerability_scanning_config"] == {"enablement_config": "INHERITED"}


def test_registry_keeps_releases_and_recent_builds_and_deletes_old_untagged(registry):
    policies = {
        p["id"]: p
        for p in only(registry[0], "google_artifact_registry_repository")["cleanup_policies"]
    }
    assert policies["keep-releases"]["action"] == "KEEP"
    assert policies["keep-releases"]["condition"] == {"tag_state": "TAGGED", "tag_prefixes": ["v"]}
    assert policies["keep-recent"]["most_recent_versions"] == {"keep_count": 15}
    assert policies["delete-old-untagged"]["action"] == "DELETE"
    assert policies["delete-old-untagged"]["condition"]["tag_state"] == "UNTAGGED"
    assert (
        only(registry[0], "google_artifact_registry_repository")["cleanup_policy_dry_run"] is False
    )


def test_registry_access_is_granted_on_the_repository_not_the_project(registry):
    doc = registry[0]
    assert resources(doc, "google_project_iam_member") == {}
    grants = sorted(
        (g["role"], g["member"], g["repository"])
        for g in resources(doc, "google_artifact_registry_repository_iam_member").values()
    )
    on_repository = "${google_artifact_registry_repository.image_repository.name}"
    assert grants == [
        (
            "roles/artifactregistry.reader",
            f"serviceAccount:{who}@pace-t.iam.gserviceaccount.com",
            on_repository,
        )
        for who in ("nodes", "other")
    ] + [
        (
            "roles/artifactregistry.writer",
            "serviceAccount:ci@pace-t.iam.gserviceaccount.com",
            on_repository,
        )
    ]


def test_registry_url_and_pinned_id(registry):
    assert registry[1].url == "europe-west2-docker.pkg.dev/pace-t/pace-images"
    assert list(resources(registry[0], "google_artifact_registry_repository")) == [
        "image_repository"
    ]
