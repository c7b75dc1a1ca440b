"""WorkloadServiceAccount: one application's Google identity, usable only by its Kubernetes SA.

The account is created where the cluster is (the gke stack, by the pipeline, which may create
service accounts but not change who may use them); who may act as it, the Workload Identity
binding, is trust and lives in the trust plane: `grant_workload_identity` creates it in the
scope it is given (the hand-applied cicd stack).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct


class ServiceAccountHandle(Protocol):
    """What a grant needs of a Google service account (WorkloadServiceAccount has it)."""

    email: str


@dataclass(frozen=True)
class WorkloadServiceAccountProps:
    account_id: str  # <= 30 chars, e.g. pace-prod-web
    display_name: str
    workload_pool: str  # <project>.svc.id.goog
    namespace: str  # Kubernetes namespace of the KSA
    kubernetes_service_account: str


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
        self._props = props
        self.email: str = account.email
        self.member: str = account.member
        self.name: str = account.name

    def grant_workload_identity(self, scope: Construct, id_: str) -> ServiceAccountIamMember:
        """Let KSA `<namespace>/<ksa>` act as this account (a binding created in `scope`).

        `scope` must be applied after the cluster: the workload pool exists only once a
        Workload Identity cluster does ("Identity Pool does not exist" otherwise).
        """
        props = self._props
        return ServiceAccountIamMember(
            scope,
            id_,
            service_account_id=self.name,
            role="roles/iam.workloadIdentityUser",
            member=(
                f"serviceAccount:{props.workload_pool}"
                f"[{props.namespace}/{props.kubernetes_service_account}]"
            ),
        )
