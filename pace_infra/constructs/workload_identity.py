"""WorkloadServiceAccount: one application's Google identity, usable only by its Kubernetes SA."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct


@dataclass(frozen=True)
class WorkloadServiceAccountProps:
    account_id: str  # <= 30 chars, e.g. pace-prod-web
    display_name: str
    workload_pool: str  # <project>.svc.id.goog
    namespace: str  # Kubernetes namespace of the KSA
    kubernetes_service_account: str
    # The cluster: the workload pool exists only once a Workload Identity cluster does, and the
    # IAM binding fails ("Identity Pool does not exist") if it is created first.
    depends_on: Sequence[ITerraformDependable] = field(default_factory=tuple)


class WorkloadServiceAccount(Construct):
    """A GSA that only KSA `<namespace>/<ksa>` may impersonate, through Workload Identity.

    Handles: `email`, `member` (`serviceAccount:<email>`), `name` (the GSA's resource name).
    """

    def __init__(self, scope: Construct, id_: str, *, props: WorkloadServiceAccountProps) -> None:
        super().__init__(scope, id_)
        account = ServiceAccount(
            self,
            "sa",
            account_id=props.account_id,
            display_name=props.display_name,
            description=(
                f"Workload identity of KSA {props.namespace}/{props.kubernetes_service_account}."
            ),
        )
        # A replaced GSA gets a new unique id and loses every grant made to the old one.
        account.override_logical_id(f"{id_.replace('-', '_')}_sa")
        ServiceAccountIamMember(
            self,
            "workload-identity-user",
            service_account_id=account.name,
            role="roles/iam.workloadIdentityUser",
            member=(
                f"serviceAccount:{props.workload_pool}"
                f"[{props.namespace}/{props.kubernetes_service_account}]"
            ),
            depends_on=list(props.depends_on),
        )
        self.email: str = account.email
        self.member: str = account.member
        self.name: str = account.name
