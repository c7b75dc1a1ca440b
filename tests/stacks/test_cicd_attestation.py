"""Attestations, read from the synthesized stacks: the key (bootstrap), the attestor and who may
sign (cicd), under the names the application pipelines use (pace_infra/names.py)."""

from __future__ import annotations

from pace_infra.names import EnvNames
from pace_infra.stacks.bootstrap import attestor_key
from pace_infra.units import HAND_APPLIED_UNITS, REGISTRY
from tests.helpers import only, resources

CI_MEMBER = "${google_service_account.ci_sa.member}"
SIGNING = {"roles/cloudkms.signerVerifier", "roles/cloudkms.signer", "roles/cloudkms.admin"}


def test_the_signing_key_is_bootstraps_in_the_environments_key_ring(stacks, environments):
    for env in environments:
        names = EnvNames(env.name)
        bootstrap = stacks[f"{env.name}-bootstrap"]
        key = resources(bootstrap, "google_kms_crypto_key")["attestor_signing_key"]
        ring = only(bootstrap, "google_kms_key_ring")
        assert (ring["name"], key["name"]) == (names.attestor_key_ring, names.attestor_key)
        assert key["key_ring"] == "${google_kms_key_ring.secrets_key_ring.id}"
        assert ring["location"] == env.region
        assert attestor_key(env) == (
            f"projects/{env.project_id}/locations/{env.region}/keyRings/pace-{env.name}"
            "/cryptoKeys/attestor-signing"
        )


def test_the_attestor_reads_a_key_an_earlier_stack_applied_by_hand_created(stacks, environments):
    """The data source is read at plan time: on a first apply the key must already exist, so it
    lives in bootstrap, applied (by a person) before cicd, and never in cicd itself."""
    order = [unit.name for unit in REGISTRY]
    assert order.index("bootstrap") < order.index("cicd")
    assert "bootstrap" in HAND_APPLIED_UNITS
    for env in environments:
        cicd = stacks[f"{env.name}-cicd"]
        assert resources(cicd, "google_kms_crypto_key") == {}
        version = cicd["data"]["google_kms_crypto_key_version"]["attestor_key_version"]
        assert version["crypto_key"] == attestor_key(env)


def test_every_environment_has_its_attestor_under_the_pipelines_name(stacks, environments):
    for env in environments:
        cicd = stacks[f"{env.name}-cicd"]
        name = EnvNames(env.name).attestor
        assert name == f"pace-{env.name}-built-by-ci"
        assert only(cicd, "google_binary_authorization_attestor")["name"] == name
        assert only(cicd, "google_container_analysis_note")["name"] == name
        assert cicd["output"]["attestor"]["value"] == (
            "${google_binary_authorization_attestor.attestor.id}"
        )


def test_only_the_ci_identity_may_sign_attestations(stacks, environments):
    for env in environments:
        key = attestor_key(env)
        for stack, doc in stacks.items():
            for grant in resources(doc, "google_kms_crypto_key_iam_member").values():
                if grant["crypto_key_id"] == key:
                    assert stack == f"{env.name}-cicd"
                    assert (grant["role"], grant["member"]) == (
                        "roles/cloudkms.signerVerifier",
                        CI_MEMBER,
                    )
            # No project-wide grant lets anyone sign with every key of the project.
            for grant in resources(doc, "google_project_iam_member").values():
                assert grant["role"] not in SIGNING, (stack, grant)
        cicd = stacks[f"{env.name}-cicd"]
        attachers = [
            g["member"]
            for g in resources(cicd, "google_container_analysis_note_iam_member").values()
            if g["role"] == "roles/containeranalysis.notes.attacher"
        ]
        assert attachers == [CI_MEMBER]
        assert resources(cicd, "google_service_account")["ci_sa"]["account_id"] == (
            EnvNames(env.name).ci_service_account
        )


def test_the_attestor_and_its_note_are_kept_where_protected(stacks, environments):
    for env in environments:
        cicd = stacks[f"{env.name}-cicd"]
        for kind in ("google_binary_authorization_attestor", "google_container_analysis_note"):
            assert only(cicd, kind)["lifecycle"] == {"prevent_destroy": env.protected}


def test_container_analysis_is_on_for_the_note_and_its_occurrences(stacks, environments):
    for env in environments:
        apis = {
            s["service"]
            for s in resources(stacks[f"{env.name}-bootstrap"], "google_project_service").values()
        }
        assert "containeranalysis.googleapis.com" in apis
