"""SigningKey and Attestor: "built by CI", as Binary Authorization checks it.

CI signs the digest of every image it pushes with a Cloud KMS key only it may use; the attestor
holds that key's public half, and the admission policy of staging and prod admits an image of
the registry only with such a signature (constructs/binary_authorization.py).

From the provider at v6.50.0:
- kms/resource_kms_crypto_key.go (ResourceKMSCryptoKey): `purpose` and
  `version_template.protection_level` are ForceNew (`algorithm` is not: it only shapes new
  versions); the create URL passes `skipInitialVersionCreation`, unset here, so Cloud KMS makes
  version 1 with the key; resourceKMSCryptoKeyDelete cannot delete a key, it destroys every
  version and drops the key from state (nothing signs again, the name stays taken).
- kms/data_source_google_kms_crypto_key_version.go (dataSourceGoogleKmsCryptoKeyVersionRead):
  for an ASYMMETRIC_SIGN key it reads the version's public key (`public_key[0].pem`), retrying
  while the version is PENDING_GENERATION; a key that does not exist fails the read. A data
  source is read at plan time, so the key must exist before the stack that reads it is planned.
- binaryauthorization/resource_binary_authorization_attestor.go: `name` and
  `attestation_authority_note.note_reference` are ForceNew; a PKIX key's `id` must be an RFC 3986
  URI; `signature_algorithm` compares EC_SIGN_P256_SHA256 equal to ECDSA_P256_SHA256
  (CompareSignatureAlgorithm); `delegation_service_account_email` is computed, and the attestor
  reads attestations as that account, which needs containeranalysis.notes.occurrences.viewer on
  the note (the field's description: no other assumption about the email may be made).
- containeranalysis/resource_container_analysis_note.go: `name` is ForceNew, and
  `attestation_authority.hint.human_readable_name` is required.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf import TerraformResource, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.binary_authorization_attestor import (
    BinaryAuthorizationAttestor,
    BinaryAuthorizationAttestorAttestationAuthorityNote,
    BinaryAuthorizationAttestorAttestationAuthorityNotePublicKeys,
    BinaryAuthorizationAttestorAttestationAuthorityNotePublicKeysPkixPublicKey,
)
from cdktf_cdktf_provider_google.binary_authorization_attestor_iam_member import (
    BinaryAuthorizationAttestorIamMember,
)
from cdktf_cdktf_provider_google.container_analysis_note import (
    ContainerAnalysisNote,
    ContainerAnalysisNoteAttestationAuthority,
    ContainerAnalysisNoteAttestationAuthorityHint,
)
from cdktf_cdktf_provider_google.container_analysis_note_iam_member import (
    ContainerAnalysisNoteIamMember,
)
from cdktf_cdktf_provider_google.data_google_kms_crypto_key_version import (
    DataGoogleKmsCryptoKeyVersion,
)
from cdktf_cdktf_provider_google.kms_crypto_key import KmsCryptoKey, KmsCryptoKeyVersionTemplate
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from constructs import Construct

SIGNING_PURPOSE = "ASYMMETRIC_SIGN"
# ECDSA P-256 with SHA-256: a Cloud KMS algorithm Binary Authorization verifies (PKIX keys).
SIGNING_ALGORITHM = "EC_SIGN_P256_SHA256"
# Asymmetric keys do not rotate by themselves: a new version is made by hand and added to the
# attestor (`key_version`) before CI signs with it.
KEY_VERSION = 1

SIGNER = "roles/cloudkms.signerVerifier"  # sign with the key (and read its public key)
NOTE_ATTACHER = "roles/containeranalysis.notes.attacher"  # link an occurrence to the note
ATTESTOR_VIEWER = "roles/binaryauthorization.attestorsViewer"  # read the attestor it signs for
# What the attestor's own account needs to read the attestations on the note.
OCCURRENCES_VIEWER = "roles/containeranalysis.notes.occurrences.viewer"
# Creating the attestation (an occurrence) is a project permission, and so is reading the scan
# results the release pipeline's vulnerability gate waits for (projects.occurrences.list/get:
# containeranalysis.occurrences.list/get). The predefined editor role
# (containeranalysis.occurrences.editor) could also update and delete every occurrence of the
# project, vulnerability findings included, so a custom role grants reading and creating only.
ATTESTATION_WRITER = "paceAttestationWriter"
ATTESTATION_WRITER_PERMISSIONS: tuple[str, ...] = (
    "containeranalysis.occurrences.create",
    "containeranalysis.occurrences.get",
    "containeranalysis.occurrences.list",
)


def key_version_uri(key_id: str, version: int = KEY_VERSION) -> str:
    """The public key's id in the attestor: the version's URI, as gcloud's
    `attestations sign-and-create --keyversion` names the key it signed with."""
    return f"//cloudkms.googleapis.com/v1/{key_id}/cryptoKeyVersions/{version}"


@dataclass(frozen=True)
class SigningKeyProps:
    key_ring_id: str
    name: str
    labels: Mapping[str, str]


class SigningKey(Construct):
    """An ASYMMETRIC_SIGN key, never destroyed by Terraform. Handle: `id`."""

    def __init__(self, scope: Construct, id_: str, *, props: SigningKeyProps) -> None:
        super().__init__(scope, id_)
        key = KmsCryptoKey(
            self,
            "key",
            name=props.name,
            key_ring=props.key_ring_id,
            purpose=SIGNING_PURPOSE,
            version_template=KmsCryptoKeyVersionTemplate(algorithm=SIGNING_ALGORITHM),
            labels=dict(props.labels),
            # Destroying it destroys every version: CI could sign nothing, and no plan of the
            # attestor could read its public key again.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        key.override_logical_id("attestor_signing_key")
        self.id: str = key.id


@dataclass(frozen=True)
class AttestorProps:
    project_id: str
    name: str  # the attestor's id, also its note's
    key_id: str  # the signing key's resource name (it must already exist: see the module doc)
    # Removing the attestor or its note while the policy requires it blocks every deploy.
    protect: bool = True


class Attestor(Construct):
    """The note, the attestor verifying `key_id`'s version, and who may attest.

    Handles: `name` (projects/<project>/attestors/<name>), `note_name`. Verb: `grant_attest`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: AttestorProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        lifecycle = TerraformResourceLifecycle(prevent_destroy=props.protect)
        note = ContainerAnalysisNote(
            self,
            "note",
            project=props.project_id,
            name=props.name,
            attestation_authority=ContainerAnalysisNoteAttestationAuthority(
                hint=ContainerAnalysisNoteAttestationAuthorityHint(
                    human_readable_name=f"{props.name}: image built by the release pipeline"
                )
            ),
            lifecycle=lifecycle,
        )
        note.override_logical_id("attestor_note")
        version = DataGoogleKmsCryptoKeyVersion(
            self, "key-version", crypto_key=props.key_id, version=KEY_VERSION
        )
        version.override_logical_id("attestor_key_version")
        attestor = BinaryAuthorizationAttestor(
            self,
            "attestor",
            project=props.project_id,
            name=props.name,
            description="Images the release pipeline built and signed (Cloud KMS).",
            attestation_authority_note=BinaryAuthorizationAttestorAttestationAuthorityNote(
                note_reference=note.name,
                public_keys=[
                    BinaryAuthorizationAttestorAttestationAuthorityNotePublicKeys(
                        id=key_version_uri(props.key_id),
                        pkix_public_key=BinaryAuthorizationAttestorAttestationAuthorityNotePublicKeysPkixPublicKey(
                            public_key_pem=version.public_key.get(0).pem,
                            signature_algorithm=SIGNING_ALGORITHM,
                        ),
                    )
                ],
            ),
            lifecycle=lifecycle,
        )
        attestor.override_logical_id("attestor")
        reader = ContainerAnalysisNoteIamMember(
            self,
            "attestor-reads-note",
            project=props.project_id,
            note=note.name,
            role=OCCURRENCES_VIEWER,
            member=(
                "serviceAccount:"
                f"{attestor.attestation_authority_note.delegation_service_account_email}"
            ),
        )
        reader.override_logical_id("attestor_note_reader")
        self._note = note
        self._attestor = attestor
        self._writer = ProjectIamCustomRole(
            self,
            "writer-role",
            project=props.project_id,
            role_id=ATTESTATION_WRITER,
            title="PACE attestation writer",
            description="Read scan results and create attestations; never change or delete one.",
            permissions=list(ATTESTATION_WRITER_PERMISSIONS),
        )
        self._writer.override_logical_id("attestation_writer_role")
        # projects/<project>/attestors/<name> (the provider's id), as a reference: a policy that
        # requires the attestor is then applied after it ("Each attestor must exist before a
        # policy can reference it", resource_binary_authorization_policy.go).
        self.name: str = attestor.id
        self.note_name: str = note.name

    def grant_attest(self, member: str) -> None:
        """Let `member` sign with the key and store the attestation (once: one signer)."""
        grants: dict[str, TerraformResource] = {
            "signer": KmsCryptoKeyIamMember(
                self, "signer", crypto_key_id=self._props.key_id, role=SIGNER, member=member
            ),
            "attacher": ContainerAnalysisNoteIamMember(
                self,
                "attacher",
                project=self._props.project_id,
                note=self._note.name,
                role=NOTE_ATTACHER,
                member=member,
            ),
            "viewer": BinaryAuthorizationAttestorIamMember(
                self,
                "viewer",
                project=self._props.project_id,
                attestor=self._attestor.name,
                role=ATTESTOR_VIEWER,
                member=member,
            ),
            "writer": ProjectIamMember(
                self,
                "writer",
                project=self._props.project_id,
                role=self._writer.name,
                member=member,
            ),
        }
        for key, grant in grants.items():
            grant.override_logical_id(f"attestor_{key}")
