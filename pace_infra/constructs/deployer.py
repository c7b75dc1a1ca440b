"""Deployer: the service account Bitbucket's deploy steps use to apply this repository.

It administers exactly the services this repository manages, plus the environment's state
bucket, and only pipeline steps of one Bitbucket deployment environment may impersonate it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from pace_infra.constructs.bitbucket_federation import (
    FederatedServiceAccount,
    FederatedServiceAccountProps,
)

# One admin role per service a stack of this repository manages (no basic roles: no
# owner/editor). serviceAccountAdmin creates the platform's service accounts; projectIamAdmin
# writes the grants the stacks declare. Acting as a service account (attaching the node SA to
# node pools) is granted on that one account, not the project.
DEPLOY_ROLES: tuple[str, ...] = (
    "roles/artifactregistry.admin",
    "roles/cloudsql.admin",
    "roles/compute.networkAdmin",
    "roles/compute.securityAdmin",
    "roles/container.admin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.workloadIdentityPoolAdmin",
    "roles/logging.configWriter",
    "roles/monitoring.admin",
    "roles/resourcemanager.projectIamAdmin",
    "roles/secretmanager.admin",
    "roles/servicenetworking.networksAdmin",
    "roles/serviceusage.serviceUsageAdmin",
)


@dataclass(frozen=True)
class DeployerProps:
    account_id: str
    project_id: str
    state_bucket: str
    principal: str  # the principalSet of the Bitbucket deployment environment
    # Service accounts it attaches to resources (the GKE node SA): actAs on these only.
    acts_as: tuple[str, ...] = ()  # service account emails


class Deployer(Construct):
    """Handles: `email`, `member`."""

    def __init__(self, scope: Construct, id_: str, *, props: DeployerProps) -> None:
        super().__init__(scope, id_)
        account = FederatedServiceAccount(
            self,
            id_,
            props=FederatedServiceAccountProps(
                account_id=props.account_id,
                display_name="Applies pace-infra from Bitbucket deployments",
                principals=(props.principal,),
            ),
        )
        for role in DEPLOY_ROLES:
            ProjectIamMember(
                self,
                role.split("/")[1],
                project=props.project_id,
                role=role,
                member=account.member,
            )
        for index, email in enumerate(props.acts_as):
            ServiceAccountIamMember(
                self,
                f"acts-as-{index}",
                service_account_id=f"projects/{props.project_id}/serviceAccounts/{email}",
                role="roles/iam.serviceAccountUser",
                member=account.member,
            )
        # State: read and write objects of this environment's bucket only.
        StorageBucketIamMember(
            self,
            "state",
            bucket=props.state_bucket,
            role="roles/storage.objectAdmin",
            member=account.member,
        )
        self.email: str = account.email
        self.member: str = account.member
