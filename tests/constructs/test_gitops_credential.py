"""GitopsCredential: one behaviour per test."""

from __future__ import annotations

from pace_infra.constructs.gitops_credential import GitopsCredential, GitopsCredentialProps
from tests.helpers import only, resources, synth_construct


def test_credential_secret_exists_without_any_version():
    props = GitopsCredentialProps(
        secret_id="pace-t-gitops-repo",
        region="europe-west2",
        readers=("group:platform@pace.example",),
        labels={"system": "platform"},
    )
    doc = synth_construct(lambda stack: GitopsCredential(stack, "cred", props=props))
    secret = only(doc, "google_secret_manager_secret")
    assert secret["secret_id"] == "pace-t-gitops-repo"
    assert secret["replication"]["user_managed"]["replicas"] == [{"location": "europe-west2"}]
    assert resources(doc, "google_secret_manager_secret_version") == {}
    reader = only(doc, "google_secret_manager_secret_iam_member")
    assert (reader["role"], reader["member"]) == (
        "roles/secretmanager.secretAccessor",
        "group:platform@pace.example",
    )


def test_the_gitops_secret_cannot_be_destroyed_by_terraform():
    # Its value is added by hand: a destroy or a replacement would delete every version.
    doc = synth_construct(
        lambda stack: GitopsCredential(
            stack, "c", props=GitopsCredentialProps(secret_id="s", region="europe-west2")
        )
    )
    assert only(doc, "google_secret_manager_secret")["deletion_protection"] is True
