"""The identity matrix is generated and true; no pipeline-reachable identity can escalate."""

from __future__ import annotations

from dataclasses import replace

from pace_infra.names import WORKLOADS, EnvNames, service_account_email
from pace_infra.tools.review.identity import DOCUMENT, escalations, grants, render
from tests.conftest import REPO

PROD = EnvNames("prod")


def _workload_accounts(environments) -> dict[str, list[str]]:
    return {
        env.name: [
            service_account_email(EnvNames(env.name).workload_service_account(w), env.project_id)
            for w in WORKLOADS
        ]
        for env in environments
    }


def test_the_committed_identity_matrix_is_what_the_code_grants(stacks):
    assert DOCUMENT.read_text() == render(grants(stacks)), "run `make identity-matrix`"
    assert DOCUMENT.is_relative_to(REPO / "docs")


def test_no_identity_a_pipeline_can_become_can_grant_roles_or_act_as_others(stacks, environments):
    all_grants = grants(stacks)
    accounts = _workload_accounts(environments)
    for env in environments:
        mine = [g for g in all_grants if g.stack.startswith(f"{env.name}-")]
        assert escalations(mine, accounts[env.name]) == [], env.name


def test_the_check_finds_an_owner_grant_to_the_deployer(stacks, environments):
    prod = [g for g in grants(stacks) if g.stack.startswith("prod-")]
    deployer = next(g for g in prod if f"{PROD.deploy_service_account}@" in g.principal)
    found = escalations([*prod, replace(deployer, role="roles/owner", condition="", expression="")])
    holder = deployer.principal.removeprefix("serviceAccount:")
    assert found == [f"{holder} holds roles/owner on project pace-crm-prod"]


def test_the_check_finds_a_widened_grant_delegation(stacks):
    prod = [g for g in grants(stacks) if g.stack.startswith("prod-")]
    delegation = next(g for g in prod if g.role == "roles/resourcemanager.projectIamAdmin")
    widened = replace(
        delegation,
        expression=delegation.expression.replace("'roles/cloudsql.client'", "'roles/owner'"),
    )
    found = escalations([g for g in prod if g is not delegation] + [widened])
    assert found == [
        f"{delegation.principal.removeprefix('serviceAccount:')} may grant roles/owner"
    ]


def test_the_check_finds_a_pipeline_that_can_act_as_an_application(stacks, environments):
    prod = [g for g in grants(stacks) if g.stack.startswith("prod-")]
    binding = next(
        g
        for g in prod
        if g.role == "roles/iam.workloadIdentityUser"
        and f"{PROD.workload_service_account('ai')}@" in g.scope
    )
    deployer = next(g.principal for g in prod if f"{PROD.deploy_service_account}@" in g.principal)
    leak = replace(binding, principal=deployer, role="roles/iam.serviceAccountTokenCreator")
    accounts = _workload_accounts(environments)["prod"]
    assert escalations([*prod, leak], accounts) == [
        "a pipeline can act as pace-prod-ai@pace-crm-prod.iam.gserviceaccount.com"
    ]


def test_an_instances_own_service_account_is_named_by_its_instance(stacks):
    exporters = [
        g.principal
        for g in grants(stacks)
        if g.stack == "prod-cicd" and g.role == "roles/storage.objectCreator"
    ]
    assert sorted(exporters) == [
        "serviceAccount:<instance pace-prod-ai-db's service account>",
        "serviceAccount:<instance pace-prod-db's service account>",
    ]
