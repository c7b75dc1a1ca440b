"""Deployer: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.deployer import (
    DEPLOY_ROLES,
    GRANTABLE_ROLES,
    Deployer,
    DeployerProps,
    grant_condition_expression,
)
from tests.helpers import only, resources, synth_construct


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
    assert {"logging.logMetrics.create", "logging.logMetrics.update"} <= set(role["permissions"])
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
