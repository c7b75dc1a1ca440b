"""BitbucketFederation and FederatedServiceAccount: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.bitbucket_federation import (
    BitbucketFederation,
    BitbucketFederationProps,
    FederatedServiceAccount,
    FederatedServiceAccountProps,
)
from tests.helpers import only, resources, synth_construct

WORKSPACE_UUID = "{11111111-2222-4333-8444-555555555555}"
REPO_A = "{aaaaaaaa-2222-4333-8444-555555555555}"
REPO_B = "{bbbbbbbb-2222-4333-8444-555555555555}"


@pytest.fixture(scope="module")
def federation():
    handles = {}

    def build(stack):
        federation = BitbucketFederation(
            stack,
            "bitbucket",
            props=BitbucketFederationProps(
                pool_id="pace-t-bitbucket",
                workspace="pace-crm",
                workspace_uuid=WORKSPACE_UUID,
                repository_uuids=(REPO_A, REPO_B),
            ),
        )
        handles["federation"] = federation
        FederatedServiceAccount(
            stack,
            "ci",
            props=FederatedServiceAccountProps(
                account_id="pace-t-ci",
                display_name="CI",
                principals=(federation.principal_set("repository_uuid", REPO_A),),
            ),
        )

    return synth_construct(build), handles["federation"]


def test_provider_trusts_the_workspace_issuer_with_bitbucket_audience(federation):
    provider = only(federation[0], "google_iam_workload_identity_pool_provider")
    assert provider["oidc"] == {
        "issuer_uri": "https://api.bitbucket.org/2.0/workspaces/pace-crm/pipelines-config/identity/oidc",
        "allowed_audiences": [
            "ari:cloud:bitbucket::workspace/11111111-2222-4333-8444-555555555555"
        ],
    }


def test_provider_composes_repository_environment_and_branch(federation):
    mapping = only(federation[0], "google_iam_workload_identity_pool_provider")["attribute_mapping"]
    assert mapping["google.subject"] == "assertion.sub"
    assert mapping["attribute.repository_uuid"] == "assertion.repositoryUuid"
    # Guarded: image builds carry no deploymentEnvironmentUuid, tag builds no branchName.
    environment = (
        "(has(assertion.deploymentEnvironmentUuid) ? assertion.deploymentEnvironmentUuid : 'none')"
    )
    branch = "(has(assertion.branchName) ? assertion.branchName : 'none')"
    assert mapping["attribute.branch"] == branch
    assert mapping["attribute.deploy_target"] == (
        f"assertion.repositoryUuid + ':' + {environment} + ':' + {branch}"
    )
    assert mapping["attribute.push_source"] == f"assertion.repositoryUuid + ':' + {branch}"
    assert "attribute.deployment_environment_uuid" not in mapping  # bound to nothing alone


def test_pool_and_provider_refuse_destroying_plans(federation):
    # A deleted pool or provider id stays reserved for 30 days: the pipeline would be locked out.
    for kind in ("google_iam_workload_identity_pool", "google_iam_workload_identity_pool_provider"):
        assert only(federation[0], kind)["lifecycle"] == {"prevent_destroy": True}


def test_provider_condition_pins_workspace_and_repositories(federation):
    condition = only(federation[0], "google_iam_workload_identity_pool_provider")[
        "attribute_condition"
    ]
    assert condition == (
        f'assertion.workspaceUuid == "{WORKSPACE_UUID}" && '
        f'assertion.repositoryUuid in ["{REPO_A}", "{REPO_B}"]'
    )


def test_pool_and_provider_ids_are_pinned(federation):
    assert list(resources(federation[0], "google_iam_workload_identity_pool")) == ["bitbucket_pool"]
    assert list(resources(federation[0], "google_iam_workload_identity_pool_provider")) == [
        "bitbucket_provider"
    ]


def test_service_account_is_bound_to_a_repository_principal_set_not_a_subject(federation):
    binding = only(federation[0], "google_service_account_iam_member")
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == (
        "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.bitbucket_pool.name}"
        f"/attribute.repository_uuid/{REPO_A}"
    )
