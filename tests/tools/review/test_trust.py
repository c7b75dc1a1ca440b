"""Every change to who may do what is a risk in the review."""

from __future__ import annotations

import pytest

from tests.tools.review.test_diff import _one, _review

OWNER = {"project": "p", "role": "roles/owner", "member": "user:eve@example.com"}


def test_a_new_grant_of_owner_is_flagged_with_role_and_member(tmp_path):
    new = {"prod-x": {"google_project_iam_member": {"eve": OWNER}}}
    stack = _one(_review(tmp_path, {"prod-x": {}}, new))
    assert stack.risks == [
        "adds IAM grant google_project_iam_member.eve: roles/owner to user:eve@example.com"
    ]


def test_a_removed_grant_is_flagged(tmp_path):
    old = {"prod-x": {"google_storage_bucket_iam_member": {"g": {**OWNER, "bucket": "b"}}}}
    (risk,) = _one(_review(tmp_path, old, {"prod-x": {}})).risks
    assert risk.startswith("removes IAM grant google_storage_bucket_iam_member.g")


def test_a_widened_federation_condition_is_flagged(tmp_path):
    kind = "google_iam_workload_identity_pool_provider"
    old = {"prod-c": {kind: {"p": {"attribute_condition": "a == 1"}}}}
    new = {"prod-c": {kind: {"p": {"attribute_condition": "true"}}}}
    assert _one(_review(tmp_path, old, new)).risks == [
        f"changes workload identity provider (who may federate) {kind}.p"
    ]


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("google_service_account_key", "service account key"),
        ("google_logging_project_exclusion", "log exclusion"),
        ("google_logging_project_sink", "log sink"),
        ("google_project_iam_audit_config", "audit log configuration"),
        ("google_logging_project_bucket_config", "log bucket"),
        (
            "google_binary_authorization_policy",
            "Binary Authorization policy (which images may run)",
        ),
        ("google_kms_crypto_key", "KMS key (GKE Secrets encryption)"),
    ],
)
def test_keys_exclusions_sinks_and_audit_config_are_flagged(tmp_path, kind, what):
    stack = _one(_review(tmp_path, {"prod-x": {}}, {"prod-x": {kind: {"x": {"name": "n"}}}}))
    assert stack.risks == [f"adds {what} {kind}.x"]


def test_an_ordinary_resource_is_not_a_trust_risk(tmp_path):
    new = {"prod-x": {"google_compute_router": {"r": {"name": "r"}}}}
    assert _one(_review(tmp_path, {"prod-x": {}}, new)).risks == []
