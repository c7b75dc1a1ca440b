"""AdmissionPolicy: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.binary_authorization import AdmissionPolicy, AdmissionPolicyProps
from tests.helpers import only, resources, synth_construct

REGISTRY = "europe-west2-docker.pkg.dev/pace-t/pace-images/**"
ARGOCD = "quay.io/argoproj/argocd@sha256:" + "a" * 64


def _synth(*admitted: str, protect: bool = True) -> dict:
    props = AdmissionPolicyProps(project_id="pace-t", admitted=admitted, protect=protect)
    return synth_construct(lambda stack: AdmissionPolicy(stack, "admission", props=props))


@pytest.fixture(scope="module")
def policy():
    return resources(_synth(ARGOCD, REGISTRY), "google_binary_authorization_policy")[
        "binary_authorization_policy"
    ]


def test_every_image_not_named_is_denied_and_the_denial_logged(policy):
    assert policy["project"] == "pace-t"
    assert policy["default_admission_rule"] == {
        "evaluation_mode": "ALWAYS_DENY",
        "enforcement_mode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
    }


def test_the_named_patterns_are_admitted_sorted(policy):
    assert [p["name_pattern"] for p in policy["admission_whitelist_patterns"]] == [
        REGISTRY,
        ARGOCD,
    ]
    again = only(_synth(REGISTRY, ARGOCD), "google_binary_authorization_policy")
    assert again["admission_whitelist_patterns"] == policy["admission_whitelist_patterns"]


def test_googles_system_images_are_admitted_by_the_global_policy(policy):
    assert policy["global_policy_evaluation_mode"] == "ENABLE"


def test_destroying_the_policy_is_refused_unless_unprotected(policy):
    # Destroying it puts Google's default back: every image admitted.
    assert policy["lifecycle"] == {"prevent_destroy": True}
    unprotected = only(_synth(REGISTRY, protect=False), "google_binary_authorization_policy")
    assert unprotected["lifecycle"] == {"prevent_destroy": False}


def test_a_repeated_pattern_is_refused():
    with pytest.raises(ValueError, match="admitted image patterns repeat"):
        _synth(REGISTRY, ARGOCD, REGISTRY)
