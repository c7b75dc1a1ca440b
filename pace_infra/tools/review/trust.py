"""Changes to who may do what: every one is a risk, whatever else the change does.

A pull request that adds `roles/owner` for someone, widens the Bitbucket federation, creates a
service account key or adds a log exclusion must never pass `--fail-on-risk` as "0 risks".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Suffixes of the google provider's IAM resources: each grants (or takes) a role.
_IAM_SUFFIXES = ("_iam_member", "_iam_binding", "_iam_policy")
# Trust itself: federation, keys, custom roles, the admission policy.
_TRUST_TYPES: Mapping[str, str] = {
    "google_iam_workload_identity_pool": "workload identity pool",
    "google_iam_workload_identity_pool_provider": "workload identity provider (who may federate)",
    "google_service_account_key": "service account key",
    "google_project_iam_custom_role": "custom IAM role",
    "google_binary_authorization_policy": "Binary Authorization policy (which images may run)",
    # Disabling or replacing it makes every Kubernetes Secret unreadable.
    "google_kms_crypto_key": "KMS key (GKE Secrets encryption)",
    "google_kms_key_ring": "KMS key ring",
    "kubernetes_cluster_role_v1": "Kubernetes ClusterRole",
    "kubernetes_cluster_role_binding_v1": "Kubernetes ClusterRole binding (cluster access)",
    "kubernetes_role_binding_v1": "Kubernetes Role binding",
}
# What is recorded about who did what, and what is thrown away.
_AUDIT_TYPES: Mapping[str, str] = {
    "google_project_iam_audit_config": "audit log configuration",
    "google_logging_project_sink": "log sink",
    "google_logging_project_exclusion": "log exclusion",
    "google_logging_project_bucket_config": "log bucket",
}
_VERB = {"create": "adds", "update": "changes", "replace": "replaces", "destroy": "removes"}


def _is_iam(kind: str) -> bool:
    return kind.startswith("google_") and kind.endswith(_IAM_SUFFIXES)


def _grant(attributes: Mapping[str, Any] | None) -> str:
    if not attributes:
        return "a grant"
    role = attributes.get("role", "a role")
    members = attributes.get("member") or ", ".join(attributes.get("members") or []) or "?"
    return f"{role} to {members}"


def trust_risks(
    action: str,
    kind: str,
    address: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> list[str]:
    """One sentence for a change of IAM, federation, keys, audit logging or log routing."""
    verb = _VERB.get(action, action)
    if _is_iam(kind):
        if action == "update":
            return [f"changes IAM grant {address}: {_grant(old)} -> {_grant(new)}"]
        subject = new if action in ("create", "replace") else old
        return [f"{verb} IAM grant {address}: {_grant(subject)}"]
    for table in (_TRUST_TYPES, _AUDIT_TYPES):
        if kind in table:
            return [f"{verb} {table[kind]} {address}"]
    return []
