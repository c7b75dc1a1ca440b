"""AdmissionPolicy: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.binary_authorization import AdmissionPolicy, AdmissionPolicyProps
from tests.helpers import only, synth_construct

ATTESTOR = "projects/pace-t/attestors/pace-t-built-by-ci"
ADMITTED = ("quay.io/argoproj/argocd:v3.1.8", "europe-west2-docker.pkg.dev/pace-t/pace-images/**")


def _policy(**overrides: object) -> dict:
    props = AdmissionPolicyProps(**{"project_id": "pace-t", "admitted": ADMITTED, **overrides})
    doc = synth_construct(lambda stack: AdmissionPolicy(stack, "admission", props=props))
    return only(doc, "google_binary_authorization_policy")


def test_without_an_attestor_what_no_pattern_admits_is_denied():
    assert _policy()["default_admission_rule"] == {
        "evaluation_mode": "ALWAYS_DENY",
        "enforcement_mode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
    }


def test_with_an_attestor_what_no_pattern_admits_needs_its_attestation():
    assert _policy(attestor=ATTESTOR)["default_admission_rule"] == {
        "evaluation_mode": "REQUIRE_ATTESTATION",
        "enforcement_mode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
        "require_attestations_by": [ATTESTOR],
    }


@pytest.mark.parametrize("attestor", [None, ATTESTOR])
def test_google_system_images_stay_admitted(attestor):
    assert _policy(attestor=attestor)["global_policy_evaluation_mode"] == "ENABLE"


def test_patterns_are_admitted_in_a_stable_order():
    patterns = [p["name_pattern"] for p in _policy()["admission_whitelist_patterns"]]
    assert patterns == sorted(ADMITTED)


def test_a_repeated_pattern_is_refused():
    with pytest.raises(ValueError, match="repeat"):
        _policy(admitted=(ADMITTED[0], ADMITTED[0]))


@pytest.mark.parametrize("protect", [True, False])
def test_destroying_the_policy_is_refused_when_protected(protect):
    assert _policy(protect=protect)["lifecycle"] == {"prevent_destroy": protect}
