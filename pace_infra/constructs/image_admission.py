"""DigestPinnedImages: pods in the application namespaces run images named by digest only.

Binary Authorization's allowlist admits this environment's registry but matches names, so a tag
would do; a tag is a pointer, and what runs must be exactly what was built and scanned. The
check is Kubernetes' own ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in
1.30), so nothing extra runs in the cluster. Built-in kinds: `kubernetes_manifest` plans them
against the live API, which exists once the gke stack is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_kubernetes.cluster_role_binding_v1 import (
    ClusterRoleBindingV1,
    ClusterRoleBindingV1Metadata,
    ClusterRoleBindingV1RoleRef,
    ClusterRoleBindingV1Subject,
)
from cdktf_cdktf_provider_kubernetes.cluster_role_v1 import (
    ClusterRoleV1,
    ClusterRoleV1Metadata,
    ClusterRoleV1Rule,
)
from cdktf_cdktf_provider_kubernetes.manifest import Manifest
from constructs import Construct

POLICY_NAME = "pace-images-by-digest"
DIGEST = "@sha256:"
# Every container list of a Pod; the last two may be absent.
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def _all_by_digest(field: str) -> str:
    check = f"object.spec.{field}.all(c, c.image.contains('{DIGEST}'))"
    return check if field == "containers" else f"(!has(object.spec.{field}) || {check})"


# The CEL expression the API server evaluates on each pod created or updated.
DIGEST_EXPRESSION = " && ".join(_all_by_digest(field) for field in _CONTAINER_LISTS)


@dataclass(frozen=True)
class DigestPinnedImagesProps:
    namespaces: tuple[str, ...]  # literal names: the binding selects them by name label
    # Google identities (emails) that may read the policy and its binding: IAM has no
    # permission for ValidatingAdmissionPolicies, so a read-only identity (the planner) needs
    # Kubernetes RBAC to refresh them.
    readers: tuple[str, ...] = ()


def policy_manifest() -> dict[str, Any]:
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": POLICY_NAME},
        "spec": {
            # An error evaluating the rule refuses the pod rather than letting it through.
            "failurePolicy": "Fail",
            "matchConstraints": {
                "resourceRules": [
                    {
                        "apiGroups": [""],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE", "UPDATE"],
                        # Ephemeral containers (kubectl debug) are added through a subresource.
                        "resources": ["pods", "pods/ephemeralcontainers"],
                    }
                ]
            },
            "validations": [
                {
                    "expression": DIGEST_EXPRESSION,
                    "message": "images in this namespace must be named by digest "
                    "(<registry>/<image>@sha256:...), as the GitOps repository pins them",
                    "reason": "Forbidden",
                }
            ],
        },
    }


def binding_manifest(namespaces: tuple[str, ...]) -> dict[str, Any]:
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": POLICY_NAME},
        "spec": {
            "policyName": POLICY_NAME,
            "validationActions": ["Deny", "Audit"],
            "matchResources": {
                "namespaceSelector": {
                    "matchExpressions": [
                        {
                            # Set by the API server on every namespace; nobody can forge it.
                            "key": "kubernetes.io/metadata.name",
                            "operator": "In",
                            "values": sorted(namespaces),
                        }
                    ]
                }
            },
        },
    }


class DigestPinnedImages(Construct):
    """The policy and its binding to the application namespaces."""

    def __init__(self, scope: Construct, id_: str, *, props: DigestPinnedImagesProps) -> None:
        super().__init__(scope, id_)
        policy = Manifest(self, "policy", manifest=policy_manifest())
        policy.override_logical_id("image_digest_policy")
        binding = Manifest(
            self,
            "binding",
            manifest=binding_manifest(props.namespaces),
            depends_on=[policy],
        )
        binding.override_logical_id("image_digest_policy_binding")
        if props.readers:
            reader = ClusterRoleV1(
                self,
                "reader",
                metadata=ClusterRoleV1Metadata(name=f"{POLICY_NAME}-reader"),
                rule=[
                    ClusterRoleV1Rule(
                        api_groups=["admissionregistration.k8s.io"],
                        resources=[
                            "validatingadmissionpolicies",
                            "validatingadmissionpolicybindings",
                        ],
                        verbs=["get", "list", "watch"],
                    )
                ],
            )
            ClusterRoleBindingV1(
                self,
                "readers",
                metadata=ClusterRoleBindingV1Metadata(name=f"{POLICY_NAME}-readers"),
                role_ref=ClusterRoleBindingV1RoleRef(
                    api_group="rbac.authorization.k8s.io",
                    kind="ClusterRole",
                    name=reader.metadata.name,
                ),
                subject=[
                    ClusterRoleBindingV1Subject(
                        api_group="rbac.authorization.k8s.io", kind="User", name=email
                    )
                    for email in props.readers
                ],
            )
