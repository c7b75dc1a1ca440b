"""AdmissionPolicy: the project's Binary Authorization policy, which the cluster enforces.

The cluster's `PROJECT_SINGLETON_POLICY_ENFORCE` mode points at this policy; without it the
project's default policy admits every image (ALWAYS_ALLOW).

From the provider at v6.50.0 (google/services/binaryauthorization/
resource_binary_authorization_policy.go): the policy is a singleton per project (`project` is
ForceNew), destroying it PUTs Google's default policy back (ALWAYS_ALLOW: every image admitted
again), `admission_whitelist_patterns` is an ordered list, `global_policy_evaluation_mode`
is Optional+Computed, and `require_attestations_by` must be non-empty exactly when the rule's
evaluation mode is REQUIRE_ATTESTATION, naming attestors that already exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.binary_authorization_policy import (
    BinaryAuthorizationPolicy,
    BinaryAuthorizationPolicyAdmissionWhitelistPatterns,
    BinaryAuthorizationPolicyDefaultAdmissionRule,
)
from constructs import Construct

ENFORCED = "ENFORCED_BLOCK_AND_AUDIT_LOG"


@dataclass(frozen=True)
class AdmissionPolicyProps:
    project_id: str
    # Image name patterns admitted (registry/path, trailing * or ** allowed) without any check:
    # every other image is denied, or needs `attestor`'s attestation.
    # Google's GKE system images are admitted by the global policy.
    admitted: tuple[str, ...]
    # An attestor's resource name (projects/<p>/attestors/<a>): an image no pattern admits runs
    # only with its attestation. None: an image no pattern admits never runs.
    attestor: str | None = None
    # Destroying the policy readmits every image: refused where the environment is protected.
    protect: bool = True


class AdmissionPolicy(Construct):
    """Admit the named patterns and Google's system images; deny or require an attestation."""

    def __init__(self, scope: Construct, id_: str, *, props: AdmissionPolicyProps) -> None:
        super().__init__(scope, id_)
        if len(set(props.admitted)) != len(props.admitted):
            raise ValueError(f"admitted image patterns repeat: {props.admitted}")
        if props.attestor is None:
            rule = BinaryAuthorizationPolicyDefaultAdmissionRule(
                evaluation_mode="ALWAYS_DENY", enforcement_mode=ENFORCED
            )
            description = "PACE: only this environment's images and Argo CD's pinned images run."
        else:
            # The default rule, not a per-cluster rule: it holds for any cluster of the project,
            # including one re-created under another name or location.
            rule = BinaryAuthorizationPolicyDefaultAdmissionRule(
                evaluation_mode="REQUIRE_ATTESTATION",
                enforcement_mode=ENFORCED,
                require_attestations_by=[props.attestor],
            )
            description = "PACE: images CI built and signed, and Argo CD's pinned images, run."
        policy = BinaryAuthorizationPolicy(
            self,
            "policy",
            project=props.project_id,
            description=description,
            default_admission_rule=rule,
            # Sorted: the list is ordered in state, and a reordering would be a pointless diff.
            admission_whitelist_patterns=[
                BinaryAuthorizationPolicyAdmissionWhitelistPatterns(name_pattern=pattern)
                for pattern in sorted(props.admitted)
            ],
            # Google-maintained allowlist of GKE system images (kube-dns, GMP collectors, the
            # metadata server...): without it the cluster's own components could not start.
            global_policy_evaluation_mode="ENABLE",
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.protect),
        )
        policy.override_logical_id("binary_authorization_policy")
