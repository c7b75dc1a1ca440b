"""`python -m pace_infra.tools.delivery.attest --env <env>`: sign, with the environment's
attestor key in Cloud KMS, that each image of the release was built by CI, and store the
attestation where Binary Authorization looks for it (an occurrence of the attestor's note).

The payload is Binary Authorization's container signature (what `gcloud container binauthz
create-signature-payload` prints): it names the image and its manifest digest. KMS signs its
SHA-256 (EC_SIGN_P256_SHA256); the signature's key id is the attestor's own id for that key
version, taken from the attestor, so a key the attestor does not trust is never used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from typing import Any

from pace_infra.tools.delivery.api import Google, Transport, ci_google
from pace_infra.tools.delivery.contract import Refusal, Target
from pace_infra.tools.delivery.release import step_inputs, step_parser

KMS_KEY_ID = "//cloudkms.googleapis.com/v1/"
SIGNATURE_TYPE = "Google cloud binauthz container signature"


def payload(image: str, digest: str) -> bytes:
    document = {
        "critical": {
            "identity": {"docker-reference": image},
            "image": {"docker-manifest-digest": digest},
            "type": SIGNATURE_TYPE,
        }
    }
    return json.dumps(document, sort_keys=True).encode()


def signing_key_version(attestor: dict[str, Any], env: Target) -> tuple[str, str]:
    """(note, public key id) of the attestor's key version under the environment's key."""
    note = attestor["userOwnedGrafeasNote"]
    prefix = f"{KMS_KEY_ID}{env.signing_key}/cryptoKeyVersions/"
    ids = [key["id"] for key in note.get("publicKeys", []) if key["id"].startswith(prefix)]
    if not ids:
        raise Refusal(f"{attestor['name']} trusts no version of {env.signing_key}")
    # The newest version the attestor trusts (a rotation adds one before retiring the old).
    key_id = max(ids, key=lambda key: int(key.rsplit("/", 1)[1]))
    return note["noteReference"], key_id


def attest(google: Google, env: Target, images: dict[str, str]) -> list[str]:
    """Create one attestation per image; the occurrences' names."""
    note, key_id = signing_key_version(google.attestor(env.attestor), env)
    created = []
    for name, digest in sorted(images.items()):
        signed = payload(env.image(name), digest)
        signature = google.asymmetric_sign(
            key_id.removeprefix(KMS_KEY_ID), hashlib.sha256(signed).digest()
        )
        occurrence = {
            "resourceUri": env.resource_uri(name, digest),
            "noteName": note,
            "attestation": {
                "serializedPayload": base64.b64encode(signed).decode(),
                "signatures": [
                    {"signature": base64.b64encode(signature).decode(), "publicKeyId": key_id}
                ],
            },
        }
        created.append(google.create_occurrence(env.project_id, occurrence)["name"])
    return created


def main(argv: list[str] | None = None, transport: Transport | None = None) -> int:
    parser = step_parser("attest", __doc__)
    args = parser.parse_args(argv)
    try:
        env, release = step_inputs(args)
        created = attest(ci_google(env, transport), env, release.images)
    except Refusal as refusal:
        print(f"attest: {refusal}", file=sys.stderr)
        return 2
    for name in created:
        print(f"attest: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
