"""SecretsKey: the Cloud KMS key GKE encrypts Kubernetes Secrets with (application layer).

From the provider at v6.50.0 (google/services/kms): a key ring's name and location and a key's
name, key ring and purpose are ForceNew; neither can be deleted in Cloud KMS, so destroying the
key schedules every version for destruction (30 days) and drops it from state: every Secret in
the cluster becomes unreadable. `rotation_period` must be at least one day, in seconds ("…s").
GKE needs the key in the cluster's region (the provider's own test: "GKE does not support the
'global' location for KMS keys"), and its service agent,
service-<project number>@container-engine-robot.iam.gserviceaccount.com, needs encrypt/decrypt
on it (the provider's tests grant roles/cloudkms.cryptoKeyEncrypterDecrypter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.kms_crypto_key import KmsCryptoKey
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktf_cdktf_provider_google.kms_key_ring import KmsKeyRing
from constructs import Construct

from pace_infra.names import gke_service_agent_email

ROTATION_PERIOD = f"{90 * 86400}s"  # a new key version every 90 days; old ones still decrypt
ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


def gke_service_agent(project_number: str) -> str:
    return f"serviceAccount:{gke_service_agent_email(project_number)}"


def secrets_key_id(project_id: str, location: str, key_ring: str, key: str) -> str:
    """The key's resource name, known before it exists (other stacks name it literally)."""
    return f"projects/{project_id}/locations/{location}/keyRings/{key_ring}/cryptoKeys/{key}"


@dataclass(frozen=True)
class SecretsKeyProps:
    project_id: str
    project_number: str
    location: str  # the cluster's region
    key_ring: str
    key: str
    # Cloud KMS must be on first (bootstrap enables it).
    depends_on: Sequence[ITerraformDependable] = ()


class SecretsKey(Construct):
    """Key ring, key (rotated, never destroyed by Terraform) and GKE's use of it.

    Handles: `id` (the key), `ring_id` (the environment's key ring, which other keys share).
    """

    def __init__(self, scope: Construct, id_: str, *, props: SecretsKeyProps) -> None:
        super().__init__(scope, id_)
        ring = KmsKeyRing(
            self,
            "ring",
            name=props.key_ring,
            location=props.location,
            project=props.project_id,
            depends_on=list(props.depends_on) or None,
        )
        ring.override_logical_id("secrets_key_ring")
        key = KmsCryptoKey(
            self,
            "key",
            name=props.key,
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=ROTATION_PERIOD,
            # Losing this key loses every Secret in the cluster: no plan may destroy it.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        key.override_logical_id("secrets_key")
        grant = KmsCryptoKeyIamMember(
            self,
            "gke-agent",
            crypto_key_id=key.id,
            role=ENCRYPTER_DECRYPTER,
            member=gke_service_agent(props.project_number),
        )
        grant.override_logical_id("secrets_key_gke_agent")
        self.id: str = key.id
        self.ring_id: str = ring.id
