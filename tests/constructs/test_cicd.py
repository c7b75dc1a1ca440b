"""ImageRepository, BitbucketFederation, FederatedServiceAccount and Deployer."""

from __future__ import annotations

import pytest

from pace_infra.constructs.artifact_registry import ImageRepository, ImageRepositoryProps
from pace_infra.constructs.bitbucket_federation import (
    BitbucketFederation,
    BitbucketFederationProps,
    FederatedServiceAccount,
    FederatedServiceAccountProps,
)
from pace_infra.constructs.deployer import (
    DEPLOY_ROLES,
    GRANTABLE_ROLES,
    Deployer,
    DeployerProps,
    grant_condition_expression,
)
from tests.helpers import only, resources, synth_construct

WORKSPACE_UUID = "{11111111-2222-4333-8444-555555555555}"
REPO_A = "{aaaaaaaa-2222-4333-8444-555555555555}"
REPO_B = "{bbbbbbbb-2222-4333-8444-555555555555}"


# --- image repository --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry():
    props = ImageRepositoryProps(
        repository_id="pace-images",
        location="europe-west2",
        project_id="pace-t",
        keep_recent_versions=15,
        labels={"system": "platform"},
        readers=("serviceAccount:nodes@pace-t.iam.gserviceaccount.com",),
        writers=("serviceAccount:ci@pace-t.iam.gserviceaccount.com",),
    )
    handles = {}

    def build(stack):
        handles["repo"] = ImageRepository(stack, "images", props=props)

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
    grants = {
        g["role"]: g["member"]
        for g in resources(doc, "google_artifact_registry_repository_iam_member").values()
    }
    assert grants == {
        "roles/artifactregistry.reader": "serviceAccount:nodes@pace-t.iam.gserviceaccount.com",
        "roles/artifactregistry.writer": "serviceAccount:ci@pace-t.iam.gserviceaccount.com",
    }


def test_registry_url_and_pinned_id(registry):
    assert registry[1].url == "europe-west2-docker.pkg.dev/pace-t/pace-images"
    assert list(resources(registry[0], "google_artifact_registry_repository")) == [
        "image_repository"
    ]


# --- federation --------------------------------------------------------------------------------


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


# --- deployer ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deployer():
    props = DeployerProps(
        account_id="pace-t-deploy",
        project_id="pace-t",
        state_bucket="pace-t-tfstate",
        principal="principalSet://iam.googleapis.com/pool/attribute.deployment_environment_uuid/x",
        acts_as=("nodes@pace-t.iam.gserviceaccount.com",),
    )
    return synth_construct(lambda stack: Deployer(stack, "deploy", props=props))


def _custom_role_names(doc) -> dict[str, str]:
    return {
        f"${{google_project_iam_custom_role.{key}.name}}": role["role_id"]
        for key, role in resources(doc, "google_project_iam_custom_role").items()
    }


def test_deployer_holds_the_roles_of_what_it_applies_and_no_basic_role(deployer):
    custom = _custom_role_names(deployer)
    roles = {
        custom.get(g["role"], g["role"])
        for g in resources(deployer, "google_project_iam_member").values()
    }
    assert roles == set(DEPLOY_ROLES)
    assert not roles & {"roles/owner", "roles/editor", "roles/viewer"}


def test_deployer_may_grant_only_the_roles_its_stacks_grant(deployer):
    (grant,) = [
        g
        for g in resources(deployer, "google_project_iam_member").values()
        if g["role"] == "roles/resourcemanager.projectIamAdmin"
    ]
    expression = grant["condition"]["expression"]
    assert expression.startswith(
        "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(["
    )
    assert expression == grant_condition_expression(GRANTABLE_ROLES)


def test_deployer_writes_log_metrics_through_a_custom_role_without_sinks_or_exclusions(deployer):
    (role,) = resources(deployer, "google_project_iam_custom_role").values()
    assert role["role_id"] == "paceLogMetricWriter"
    assert all(p.startswith("logging.logMetrics.") for p in role["permissions"])


def _sa_grants(doc, role):
    return [
        g for g in resources(doc, "google_service_account_iam_member").values() if g["role"] == role
    ]


def test_deployer_acts_as_the_node_sa_only(deployer):
    (grant,) = _sa_grants(deployer, "roles/iam.serviceAccountUser")
    assert grant["service_account_id"] == (
        "projects/pace-t/serviceAccounts/nodes@pace-t.iam.gserviceaccount.com"
    )
    project_roles = {g["role"] for g in resources(deployer, "google_project_iam_member").values()}
    assert "roles/iam.serviceAccountUser" not in project_roles


def test_deployer_writes_state_in_the_environment_bucket_only(deployer):
    grant = only(deployer, "google_storage_bucket_iam_member")
    assert (grant["bucket"], grant["role"]) == ("pace-t-tfstate", "roles/storage.objectAdmin")


def test_only_the_deployment_environment_may_impersonate_the_deployer(deployer):
    (binding,) = _sa_grants(deployer, "roles/iam.workloadIdentityUser")
    assert binding["member"].endswith("/attribute.deployment_environment_uuid/x")
