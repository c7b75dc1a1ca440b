"""DigestPinnedImages: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.image_admission import (
    DIGEST_EXPRESSION,
    POLICY_NAME,
    DigestPinnedImages,
    DigestPinnedImagesProps,
)
from tests.helpers import only, resources, synth_construct

PLANNER = "pace-t-planner@pace-t.iam.gserviceaccount.com"


def _synth(readers: tuple[str, ...] = ()) -> dict:
    props = DigestPinnedImagesProps(namespaces=("pace-web", "pace-ai"), readers=readers)
    return synth_construct(lambda stack: DigestPinnedImages(stack, "images", props=props))


@pytest.fixture(scope="module")
def manifests():
    return resources(_synth(), "kubernetes_manifest")


def test_logical_ids_are_pinned(manifests):
    assert sorted(manifests) == ["image_digest_policy", "image_digest_policy_binding"]


def test_the_policy_checks_every_container_list_of_created_and_updated_pods(manifests):
    policy = manifests["image_digest_policy"]["manifest"]
    assert (policy["kind"], policy["metadata"]["name"]) == (
        "ValidatingAdmissionPolicy",
        POLICY_NAME,
    )
    (rule,) = policy["spec"]["matchConstraints"]["resourceRules"]
    assert rule["operations"] == ["CREATE", "UPDATE"]
    assert rule["resources"] == ["pods", "pods/ephemeralcontainers"]
    (validation,) = policy["spec"]["validations"]
    assert validation["expression"] == DIGEST_EXPRESSION
    for field in ("containers", "initContainers", "ephemeralContainers"):
        assert f"object.spec.{field}.all(" in DIGEST_EXPRESSION, field


def test_an_error_evaluating_the_rule_refuses_the_pod(manifests):
    assert manifests["image_digest_policy"]["manifest"]["spec"]["failurePolicy"] == "Fail"


def test_the_binding_denies_in_the_named_namespaces_only(manifests):
    binding = manifests["image_digest_policy_binding"]
    spec = binding["manifest"]["spec"]
    assert spec["policyName"] == POLICY_NAME
    assert spec["validationActions"] == ["Deny", "Audit"]
    (selector,) = spec["matchResources"]["namespaceSelector"]["matchExpressions"]
    assert selector == {
        "key": "kubernetes.io/metadata.name",
        "operator": "In",
        "values": ["pace-ai", "pace-web"],
    }
    assert binding["depends_on"] == ["kubernetes_manifest.image_digest_policy"]


def test_no_rbac_without_readers():
    doc = _synth()
    assert not resources(doc, "kubernetes_cluster_role_v1")
    assert not resources(doc, "kubernetes_cluster_role_binding_v1")


def test_readers_may_read_the_policy_and_its_binding_only():
    doc = _synth(readers=(PLANNER,))
    role = only(doc, "kubernetes_cluster_role_v1")
    assert role["rule"] == [
        {
            "api_groups": ["admissionregistration.k8s.io"],
            "resources": ["validatingadmissionpolicies", "validatingadmissionpolicybindings"],
            "verbs": ["get", "list", "watch"],
        }
    ]
    binding = only(doc, "kubernetes_cluster_role_binding_v1")
    assert binding["role_ref"]["kind"] == "ClusterRole"
    assert binding["subject"] == [
        {"api_group": "rbac.authorization.k8s.io", "kind": "User", "name": PLANNER}
    ]
