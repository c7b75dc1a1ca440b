"""Planner: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.planner import (
    PLAN_READER,
    PLAN_READER_PERMISSIONS,
    PLANNER_ROLES,
    READ_ROLES,
    Planner,
    PlannerProps,
)
from tests.helpers import only, resources, synth_construct

MEMBER = "${google_service_account.planner_sa.member}"
PRINCIPAL = "principalSet://iam.googleapis.com/pool/attribute.repository_uuid/{infra}"


@pytest.fixture(scope="module")
def doc():
    props = PlannerProps(
        account_id="pace-t-planner",
        project_id="pace-t",
        state_bucket="pace-t-tfstate",
        principal=PRINCIPAL,
    )
    return synth_construct(lambda stack: Planner(stack, "planner", props=props))


def _roles(doc) -> set[str]:
    custom = {
        f"${{google_project_iam_custom_role.{key}.name}}": role["role_id"]
        for key, role in resources(doc, "google_project_iam_custom_role").items()
    }
    grants = resources(doc, "google_project_iam_member").values()
    return {custom.get(g["role"], g["role"]) for g in grants}


def test_only_the_given_principal_may_act_as_the_planner(doc):
    account = only(doc, "google_service_account")
    assert account["account_id"] == "pace-t-planner"
    (binding,) = resources(doc, "google_service_account_iam_member").values()
    assert (binding["role"], binding["member"]) == ("roles/iam.workloadIdentityUser", PRINCIPAL)


def test_the_planner_holds_exactly_its_read_roles(doc):
    assert _roles(doc) == set(PLANNER_ROLES)
    assert PLAN_READER in PLANNER_ROLES
    grants = resources(doc, "google_project_iam_member").values()
    assert {g["member"] for g in grants} == {MEMBER}
    assert {g["project"] for g in grants} == {"pace-t"}


def test_every_role_only_reads(doc):
    for role in _roles(doc) - {PLAN_READER}:
        # roles/compute.viewer, roles/dns.reader, roles/iam.serviceAccountViewer...
        assert role.rsplit(".", 1)[-1].lower().endswith(("viewer", "reader")), role
    assert not _roles(doc) & {"roles/viewer", "roles/editor", "roles/owner"}


def test_the_custom_role_lists_read_permissions_only(doc):
    role = only(doc, "google_project_iam_custom_role")
    assert (role["role_id"], role["project"]) == (PLAN_READER, "pace-t")
    assert role["permissions"] == list(PLAN_READER_PERMISSIONS)
    verbs = {permission.rsplit(".", 1)[-1] for permission in PLAN_READER_PERMISSIONS}
    # viewPublicKey: the attestor key's public half, which the cicd stack's data source reads.
    assert verbs <= {"get", "list", "getIamPolicy", "viewPublicKey"}


def test_no_secret_payload_kubernetes_secret_or_log_entry_is_readable():
    granted = set(READ_ROLES.values()) | set(PLAN_READER_PERMISSIONS)
    assert "roles/secretmanager.secretAccessor" not in granted
    assert "roles/logging.viewer" not in granted and "roles/logging.privateLogViewer" not in granted
    assert not [
        p for p in PLAN_READER_PERMISSIONS if p.startswith(("secretmanager.", "logging.logEntries"))
    ]


def test_the_planner_reads_objects_of_the_state_bucket_only(doc):
    (grant,) = resources(doc, "google_storage_bucket_iam_member").values()
    assert (grant["bucket"], grant["role"]) == ("pace-t-tfstate", "roles/storage.objectViewer")
    assert grant["member"] == MEMBER


def test_no_billing_account_role_even_for_the_budget_it_cannot_plan():
    # Reading a budget takes a billing-account role that also reads every cost of the account;
    # bootstrap (the budget's stack) is planned by the admin who applies it, never the planner.
    assert READ_ROLES["google_billing_budget"] is None
    assert not [role for role in PLANNER_ROLES if role.startswith("roles/billing.")]
