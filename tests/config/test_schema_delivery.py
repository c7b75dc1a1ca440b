"""Delivery sections (Bitbucket federation, images, GitOps, what runs in the cluster): each rule
on a section's own fields names the file, the key and the problem."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.config import ConfigError, load_environments
from tests.config.files import (
    assert_invalid_input_names_file_key_and_problem,
    raw,
    set_key,
    write,
)

# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID = [
    ("repo-not-bitbucket", "dev", "gitops.repo_url", "https://github.com/pace/gitops.git",
     "not a Bitbucket HTTPS repository URL"),
    ("repo-ssh", "dev", "gitops.repo_url", "git@bitbucket.org:pace-crm/gitops.git", "Bitbucket"),
    ("workspace-uuid", "dev", "cicd.bitbucket_workspace_uuid", "1234", "not a Bitbucket UUID"),
    ("repo-uuid", "dev", "cicd.image_repository_uuids", ["{x}"], "not a Bitbucket UUID",
     "cicd.image_repository_uuids[0]"),
    ("no-image-repos", "dev", "cicd.image_repository_uuids", [], "at least one repository"),
    ("workspace-slug", "dev", "cicd.bitbucket_workspace", "PACE CRM", "workspace slug"),
    ("release-branch-slash", "prod", "cicd.release_branch", "release/1", "where '/' and ':'"),
    ("gitops-revision", "dev", "gitops.revision", "../escape", "branch or tag"),
    ("admit-whole-registry", "prod", "cicd.admitted_images", ["docker.io/**"],
     "a whole registry is not an allowlist", "cicd.admitted_images[0]"),
    ("admit-no-registry", "prod", "cicd.admitted_images", ["nginx:1.27"], "<registry>/<path>",
     "cicd.admitted_images[0]"),
    ("egress-twice", "prod", "platform.ai_egress",
     [{"name": "a", "cidrs": ["203.0.113.0/24"]}, {"name": "a", "cidrs": ["198.51.100.0/24"]}],
     "unique"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


def test_local_admin_is_refused_together_with_sso(tmp_path):
    data = set_key(
        raw("staging"),
        "platform.argocd_sso",
        {"client_id": "1234-abc.apps.googleusercontent.com", "admins": ["a@pace.example"]},
    )
    data = set_key(data, "platform.argocd_local_admin", True)
    write(tmp_path / "environments", {"staging.yaml": data})
    with pytest.raises(ConfigError) as error:
        load_environments(tmp_path / "environments")
    assert error.value.key == "platform.argocd_local_admin"
    assert "SSO replaces the shared admin password" in error.value.problem


def test_a_pinned_image_and_a_named_endpoint_are_accepted(tmp_path):
    data = set_key(raw("prod"), "cicd.admitted_images", ["gcr.io/cloud-sql-connectors/proxy:2.14"])
    data = set_key(data, "platform.ai_egress", [{"name": "model-api", "cidrs": ["203.0.113.0/24"]}])
    write(tmp_path / "environments", {"prod.yaml": data})
    (env,) = load_environments(tmp_path / "environments")
    assert env.cicd.admitted_images == ("gcr.io/cloud-sql-connectors/proxy:2.14",)
    assert env.platform.ai_egress[0].cidrs == (IPv4Network("203.0.113.0/24"),)
    assert env.platform.ai_egress[0].ports == (443,)
