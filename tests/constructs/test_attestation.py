"""SigningKey and Attestor: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.attestation import (
    ATTESTATION_WRITER_PERMISSIONS,
    Attestor,
    AttestorProps,
    SigningKey,
    SigningKeyProps,
    key_version_uri,
)
from tests.helpers import only, resources, synth_construct

KEY = "projects/pace-t/locations/europe-west2/keyRings/pace-t/cryptoKeys/attestor-signing"
CI = "serviceAccount:pace-t-ci@pace-t.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def key() -> dict:
    props = SigningKeyProps(
        key_ring_id="projects/pace-t/locations/europe-west2/keyRings/pace-t",
        name="attestor-signing",
        labels={"system": "platform"},
    )
    doc = synth_construct(lambda stack: SigningKey(stack, "key", props=props))
    return only(doc, "google_kms_crypto_key")


def _attestor(protect: bool = True) -> dict:
    props = AttestorProps(
        project_id="pace-t", name="pace-t-built-by-ci", key_id=KEY, protect=protect
    )

    def build(stack):
        Attestor(stack, "attestation", props=props).grant_attest(CI)

    return synth_construct(build)


@pytest.fixture(scope="module")
def attestor() -> dict:
    return _attestor()


def test_the_key_signs_with_ecdsa_p256(key):
    assert key["purpose"] == "ASYMMETRIC_SIGN"
    assert key["version_template"] == {"algorithm": "EC_SIGN_P256_SHA256"}
    # Cloud KMS makes version 1 with the key: the attestor reads its public half.
    assert "skip_initial_version_creation" not in key


def test_the_key_is_never_destroyed_by_terraform(key):
    assert key["lifecycle"] == {"prevent_destroy": True}


def test_the_attestor_verifies_the_keys_first_version(attestor):
    note = only(attestor, "google_binary_authorization_attestor")["attestation_authority_note"]
    assert note["note_reference"] == "${google_container_analysis_note.attestor_note.name}"
    [public_key] = note["public_keys"]
    assert public_key["id"] == f"//cloudkms.googleapis.com/v1/{KEY}/cryptoKeyVersions/1"
    assert public_key["id"] == key_version_uri(KEY)
    assert public_key["pkix_public_key"] == {
        "public_key_pem": "${data.google_kms_crypto_key_version.attestor_key_version"
        ".public_key[0].pem}",
        "signature_algorithm": "EC_SIGN_P256_SHA256",
    }
    version = attestor["data"]["google_kms_crypto_key_version"]["attestor_key_version"]
    assert (version["crypto_key"], version["version"]) == (KEY, 1)


def test_the_note_is_an_attestation_authority(attestor):
    note = only(attestor, "google_container_analysis_note")
    assert note["name"] == "pace-t-built-by-ci"
    assert note["attestation_authority"]["hint"]["human_readable_name"]


def test_only_the_signer_may_sign_and_only_with_this_key(attestor):
    [grant] = resources(attestor, "google_kms_crypto_key_iam_member").values()
    assert (grant["crypto_key_id"], grant["role"], grant["member"]) == (
        KEY,
        "roles/cloudkms.signerVerifier",
        CI,
    )


def test_the_signer_attaches_to_the_note_and_reads_the_attestor(attestor):
    notes = resources(attestor, "google_container_analysis_note_iam_member")
    assert notes["attestor_attacher"]["role"] == "roles/containeranalysis.notes.attacher"
    assert notes["attestor_attacher"]["member"] == CI
    viewer = only(attestor, "google_binary_authorization_attestor_iam_member")
    assert (viewer["role"], viewer["member"]) == ("roles/binaryauthorization.attestorsViewer", CI)


def test_the_signer_may_only_read_and_create_occurrences_in_the_project(attestor):
    role = only(attestor, "google_project_iam_custom_role")
    # Create: the attestation. Get and list: the scan results the vulnerability gate reads.
    # Never update or delete: a finding cannot be made to disappear.
    assert role["permissions"] == [
        "containeranalysis.occurrences.create",
        "containeranalysis.occurrences.get",
        "containeranalysis.occurrences.list",
    ]
    assert tuple(role["permissions"]) == ATTESTATION_WRITER_PERMISSIONS
    member = only(attestor, "google_project_iam_member")
    assert member["role"] == "${google_project_iam_custom_role.attestation_writer_role.name}"
    assert member["member"] == CI


def test_the_attestor_reads_attestations_as_its_own_account(attestor):
    reader = resources(attestor, "google_container_analysis_note_iam_member")
    assert reader["attestor_note_reader"] == {
        **reader["attestor_note_reader"],
        "role": "roles/containeranalysis.notes.occurrences.viewer",
        "member": "serviceAccount:${google_binary_authorization_attestor.attestor"
        ".attestation_authority_note[0].delegation_service_account_email}",
    }


@pytest.mark.parametrize("protect", [True, False])
def test_the_attestor_and_its_note_are_kept_when_protected(protect):
    doc = _attestor(protect)
    for kind in ("google_binary_authorization_attestor", "google_container_analysis_note"):
        assert only(doc, kind)["lifecycle"] == {"prevent_destroy": protect}
