"""WorkloadServiceAccount: a GSA only its own Kubernetes SA may use."""

from __future__ import annotations

import cdktf
import pytest

from pace_infra.constructs.workload_identity import (
    WorkloadServiceAccount,
    WorkloadServiceAccountProps,
)
from tests.helpers import only, resources, synth_construct


def _web_identity(stack: cdktf.TerraformStack) -> WorkloadServiceAccount:
    return WorkloadServiceAccount(
        stack,
        "identity-web",
        props=WorkloadServiceAccountProps(
            account_id="pace-t-web",
            display_name="PACE web",
            workload_pool="pace-t.svc.id.goog",
            namespace="pace-web",
            kubernetes_service_account="pace-web",
        ),
    )


@pytest.fixture(scope="module")
def built():
    handles = {}

    def build(stack: cdktf.TerraformStack):
        handles["sa"] = _web_identity(stack)

    return synth_construct(build), handles


def test_service_account_id_and_pinned_logical_id(built):
    doc, _ = built
    assert list(resources(doc, "google_service_account")) == ["identity_web_sa"]
    assert only(doc, "google_service_account")["account_id"] == "pace-t-web"


def test_the_account_alone_lets_nobody_act_as_it(built):
    # Who may act as it is trust, granted in the trust plane (grant_workload_identity).
    assert resources(built[0], "google_service_account_iam_member") == {}


def test_only_the_namespaced_ksa_may_impersonate_it_once_granted():
    def build(stack: cdktf.TerraformStack):
        account = _web_identity(stack)
        account.grant_workload_identity(stack, "binding")

    binding = only(synth_construct(build), "google_service_account_iam_member")
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == "serviceAccount:pace-t.svc.id.goog[pace-web/pace-web]"
    assert binding["service_account_id"] == "${google_service_account.identity_web_sa.name}"


def test_handles_reference_the_account(built):
    sa = built[1]["sa"]
    assert sa.email.startswith("${TfToken[") and sa.member.startswith("${TfToken[")
