"""GitopsCredential: where the GitOps repository's read credential lives, outside Terraform state.

Terraform creates the Secret Manager secret and says who may read it; it never holds a version.
A platform admin adds the value (`gcloud secrets versions add`) and hands it to Argo CD without
Terraform reading it (README: "Handing the GitOps repository to Argo CD").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_google.secret_manager_secret import (
    SecretManagerSecret,
    SecretManagerSecretReplication,
    SecretManagerSecretReplicationUserManaged,
    SecretManagerSecretReplicationUserManagedReplicas,
)
from cdktf_cdktf_provider_google.secret_manager_secret_iam_member import (
    SecretManagerSecretIamMember,
)
from constructs import Construct


@dataclass(frozen=True)
class GitopsCredentialProps:
    secret_id: str
    region: str  # the secret's only replica: it stays where the platform runs
    readers: tuple[str, ...] = ()  # IAM members allowed to read the value
    labels: Mapping[str, str] = field(default_factory=dict)
    # The value is added by hand; a destroy, or a replacement (replication is ForceNew), would
    # delete it with its versions. True: Terraform refuses (the provider's own check).
    deletion_protection: bool = True


class GitopsCredential(Construct):
    """Handles: `secret_id`, `name`."""

    def __init__(self, scope: Construct, id_: str, *, props: GitopsCredentialProps) -> None:
        super().__init__(scope, id_)
        secret = SecretManagerSecret(
            self,
            "secret",
            secret_id=props.secret_id,
            replication=SecretManagerSecretReplication(
                user_managed=SecretManagerSecretReplicationUserManaged(
                    replicas=[
                        SecretManagerSecretReplicationUserManagedReplicas(location=props.region)
                    ]
                )
            ),
            labels=dict(props.labels),
            deletion_protection=props.deletion_protection,
        )
        for index, member in enumerate(props.readers):
            SecretManagerSecretIamMember(
                self,
                f"reader-{index}",
                secret_id=secret.id,
                role="roles/secretmanager.secretAccessor",
                member=member,
            )
        self.secret_id: str = secret.secret_id
        self.name: str = secret.name
