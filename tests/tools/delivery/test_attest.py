"""attest: a KMS-signed attestation of each image, as an occurrence of the attestor's note."""

from __future__ import annotations

import base64
import hashlib
import json

from pace_infra.tools.delivery import attest
from tests.tools.delivery.fixtures import Recorded, answer, ci_routes, digest, release_record

PROJECT = "pace-crm-staging"
KEY = (
    "projects/pace-crm-staging/locations/europe-west2/keyRings/pace-staging/cryptoKeys/"
    "attestor-signing"
)


def _transport(attestor=None):
    return Recorded(
        *ci_routes(),
        (
            "GET",
            "binaryauthorization",
            [attestor or answer("attestor", project=PROJECT, env="staging")],
        ),
        (
            "POST",
            ":asymmetricSign",
            [answer("kms_asymmetric_sign", key_version=f"{KEY}/cryptoKeyVersions/2")],
        ),
        (
            "POST",
            "/occurrences",
            [
                answer(
                    "attestation_occurrence",
                    project=PROJECT,
                    occurrence="a1",
                    uri="u",
                    env="staging",
                    key_id="k",
                )
            ],
        ),
    )


def test_each_image_is_signed_with_the_attestors_key_and_attested(tmp_path, monkeypatch):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record = release_record(
        tmp_path, "pace-ai", **{"pace-ai-backend": digest("b"), "pace-mcp-servers": digest("m")}
    )
    transport = _transport()
    assert attest.main(["--env", "staging", "--record", str(record)], transport) == 0
    # After the token exchange (sts, iamcredentials): the attestor, then sign + create each.
    get, *rest = transport.requests[2:]
    assert get.url.endswith(f"/v1/projects/{PROJECT}/attestors/pace-staging-built-by-ci")
    signs = [r for r in rest if r.url.endswith(":asymmetricSign")]
    creates = [r for r in rest if r.url.endswith("/occurrences")]
    assert len(signs) == len(creates) == 2
    # The newest key version the attestor trusts signs the SHA-256 of the payload it stores.
    assert all(r.url.endswith(f"{KEY}/cryptoKeyVersions/2:asymmetricSign") for r in signs)
    for sign, create in zip(signs, creates, strict=True):
        occurrence = create.body
        stored = base64.b64decode(occurrence["attestation"]["serializedPayload"])
        assert sign.body == {
            "digest": {"sha256": base64.b64encode(hashlib.sha256(stored).digest()).decode()}
        }
        critical = json.loads(stored)["critical"]
        image = critical["identity"]["docker-reference"]
        assert (
            occurrence["resourceUri"]
            == f"https://{image}@{critical['image']['docker-manifest-digest']}"
        )
        assert image.startswith(f"europe-west2-docker.pkg.dev/{PROJECT}/pace-images/pace-")
        assert occurrence["noteName"] == f"projects/{PROJECT}/notes/pace-staging-built-by-ci"
        (signature,) = occurrence["attestation"]["signatures"]
        assert signature["publicKeyId"] == f"//cloudkms.googleapis.com/v1/{KEY}/cryptoKeyVersions/2"
    assert {
        json.loads(base64.b64decode(c.body["attestation"]["serializedPayload"]))["critical"][
            "image"
        ]["docker-manifest-digest"]
        for c in creates
    } == {digest("b"), digest("m")}


def test_an_attestor_that_does_not_trust_the_key_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    other = answer("attestor", project=PROJECT, env="staging")
    for key in other["userOwnedGrafeasNote"]["publicKeys"]:
        key["id"] = key["id"].replace("attestor-signing", "someone-elses-key")
    transport = _transport(other)
    assert (
        attest.main(["--env", "staging", "--record", str(release_record(tmp_path))], transport) == 2
    )
    assert "trusts no version of" in capsys.readouterr().err
    assert not [r for r in transport.requests if "asymmetricSign" in r.url]
