"""SecretsKey: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.secrets_key import SecretsKey, SecretsKeyProps, secrets_key_id
from tests.helpers import resources, synth_construct

GKE_AGENT_DOMAIN = "container-engine-robot.iam.gserviceaccount.com"
PROPS = SecretsKeyProps(
    project_id="pace-t",
    project_number="123456789012",
    location="europe-west2",
    key_ring="pace-t",
    key="gke-secrets",
)


@pytest.fixture(scope="module")
def doc():
    return synth_construct(lambda stack: SecretsKey(stack, "secrets", props=PROPS))


def test_the_ring_is_in_the_clusters_region(doc):
    ring = resources(doc, "google_kms_key_ring")["secrets_key_ring"]
    assert (ring["name"], ring["location"], ring["project"]) == (
        "pace-t",
        "europe-west2",
        "pace-t",
    )


def test_the_key_encrypts_rotates_every_90_days_and_is_never_destroyed(doc):
    key = resources(doc, "google_kms_crypto_key")["secrets_key"]
    assert key["name"] == "gke-secrets"
    assert key["key_ring"] == "${google_kms_key_ring.secrets_key_ring.id}"
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    assert key["rotation_period"] == f"{90 * 24 * 3600}s"
    assert key["lifecycle"] == {"prevent_destroy": True}


def test_only_gkes_service_agent_may_use_the_key(doc):
    grants = resources(doc, "google_kms_crypto_key_iam_member")
    assert list(grants) == ["secrets_key_gke_agent"]
    assert grants["secrets_key_gke_agent"] == {
        "crypto_key_id": "${google_kms_crypto_key.secrets_key.id}",
        "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "member": f"serviceAccount:service-123456789012@{GKE_AGENT_DOMAIN}",
    }


def test_stateful_logical_ids_are_pinned(doc):
    assert list(resources(doc, "google_kms_key_ring")) == ["secrets_key_ring"]
    assert list(resources(doc, "google_kms_crypto_key")) == ["secrets_key"]


def test_the_key_id_is_known_before_the_key_exists():
    assert secrets_key_id("pace-t", "europe-west2", "pace-t", "gke-secrets") == (
        "projects/pace-t/locations/europe-west2/keyRings/pace-t/cryptoKeys/gke-secrets"
    )
