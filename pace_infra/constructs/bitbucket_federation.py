"""BitbucketFederation: keyless Bitbucket Pipelines -> Google Cloud (Workload Identity Federation).

A pipeline step with `oidc: true` gets `$BITBUCKET_STEP_OIDC_TOKEN`; Google's STS exchanges it
for a federated token, which may impersonate a service account only where a binding names the
token's repository, branch and (for deploys) deployment environment together. No service
account key exists anywhere.

Why the branch: Bitbucket reads bitbucket-pipelines.yml from the commit being built, so any
pushed branch can declare a step with `deployment: prod` and `oidc: true`, and its token then
carries prod's deployment environment UUID; `trigger: manual` is not access control. The token
also carries the branch it was built from (`branchName`, absent for tag builds), which a branch
cannot choose for itself: binding to `<repository>:<environment>:main` leaves every other
branch, and every pull request, without the deploy identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktf_cdktf_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from pace_infra.names import FEDERATION_PROVIDER_ID

# Claims a token may lack (no `deployment:` on the step; a tag build has no branch) read as
# "none", so a mapping never depends on how STS treats a missing key and never matches.
_ENVIRONMENT = (
    "(has(assertion.deploymentEnvironmentUuid) ? assertion.deploymentEnvironmentUuid : 'none')"
)
_BRANCH = "(has(assertion.branchName) ? assertion.branchName : 'none')"

# Claims of a Bitbucket Pipelines OIDC token (Atlassian: "Integrate Pipelines with resource
# servers using OIDC") -> Google attributes the bindings can name. A principalSet names one
# attribute, so the two bindings' keys are composed here: `deploy_target` =
# <repository>:<deployment environment>:<branch>, `push_source` = <repository>:<branch>.
ATTRIBUTE_MAPPING: Mapping[str, str] = {
    "google.subject": "assertion.sub",
    "attribute.workspace_uuid": "assertion.workspaceUuid",
    "attribute.repository_uuid": "assertion.repositoryUuid",
    "attribute.branch": _BRANCH,
    "attribute.deploy_target": f"assertion.repositoryUuid + ':' + {_ENVIRONMENT} + ':' + {_BRANCH}",
    "attribute.push_source": f"assertion.repositoryUuid + ':' + {_BRANCH}",
}


def deploy_target(repository_uuid: str, environment_uuid: str, branch: str) -> str:
    """The `deploy_target` value of a deploy step of that repository, environment and branch."""
    return f"{repository_uuid}:{environment_uuid}:{branch}"


def push_source(repository_uuid: str, branch: str) -> str:
    """The `push_source` value of any step of that repository built from that branch."""
    return f"{repository_uuid}:{branch}"


def issuer_uri(workspace: str) -> str:
    return f"https://api.bitbucket.org/2.0/workspaces/{workspace}/pipelines-config/identity/oidc"


def audience(workspace_uuid: str) -> str:
    # Bitbucket's tokens carry this audience. With no allowed audience, Google would expect its
    # own provider name instead and refuse every Bitbucket token.
    return f"ari:cloud:bitbucket::workspace/{workspace_uuid.strip('{}')}"


@dataclass(frozen=True)
class BitbucketFederationProps:
    pool_id: str  # 4-32 chars; ids stay reserved ~30 days after deletion: never rename
    workspace: str  # the workspace slug in Bitbucket URLs
    workspace_uuid: str  # "{...}" as Bitbucket shows it
    repository_uuids: tuple[str, ...]  # the only repositories whose tokens are accepted at all
    # Terraform refuses a plan that destroys or replaces the pool or provider: a deleted id
    # stays reserved for 30 days (re-creating it fails with 409), locking every pipeline out.
    protect: bool = True


class BitbucketFederation(Construct):
    """Pool + OIDC provider. Handles: `pool_name`, `provider_name`, `principal_set(...)`."""

    def __init__(self, scope: Construct, id_: str, *, props: BitbucketFederationProps) -> None:
        super().__init__(scope, id_)
        pool = IamWorkloadIdentityPool(
            self,
            "pool",
            workload_identity_pool_id=props.pool_id,
            display_name="Bitbucket Pipelines",
            description=f"Bitbucket workspace {props.workspace}: CI and deploy steps.",
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.protect),
        )
        # Stateful in effect: a deleted pool id is reserved for 30 days.
        pool.override_logical_id("bitbucket_pool")
        repositories = ", ".join(f'"{uuid}"' for uuid in props.repository_uuids)
        provider = IamWorkloadIdentityPoolProvider(
            self,
            "provider",
            workload_identity_pool_id=pool.workload_identity_pool_id,
            workload_identity_pool_provider_id=FEDERATION_PROVIDER_ID,
            display_name="Bitbucket Pipelines OIDC",
            oidc=IamWorkloadIdentityPoolProviderOidc(
                issuer_uri=issuer_uri(props.workspace),
                allowed_audiences=[audience(props.workspace_uuid)],
            ),
            attribute_mapping=dict(ATTRIBUTE_MAPPING),
            # Tokens from any other workspace or repository are refused before any binding is
            # looked at.
            attribute_condition=(
                f'assertion.workspaceUuid == "{props.workspace_uuid}" && '
                f"assertion.repositoryUuid in [{repositories}]"
            ),
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.protect),
        )
        provider.override_logical_id("bitbucket_provider")
        self.pool_name: str = pool.name
        self.provider_name: str = provider.name

    def principal_set(self, attribute: str, value: str) -> str:
        """All identities of the pool whose mapped `attribute.<attribute>` equals `value`."""
        return f"principalSet://iam.googleapis.com/{self.pool_name}/attribute.{attribute}/{value}"


@dataclass(frozen=True)
class FederatedServiceAccountProps:
    account_id: str
    display_name: str
    principals: Sequence[str]  # principalSet:// members allowed to impersonate it


class FederatedServiceAccount(Construct):
    """A GSA only the given federated principals may impersonate. Handles: `email`, `member`."""

    def __init__(self, scope: Construct, id_: str, *, props: FederatedServiceAccountProps) -> None:
        super().__init__(scope, id_)
        account = ServiceAccount(
            self, "sa", account_id=props.account_id, display_name=props.display_name
        )
        account.override_logical_id(f"{id_.replace('-', '_')}_sa")
        for index, principal in enumerate(props.principals):
            ServiceAccountIamMember(
                self,
                f"federated-user-{index}",
                service_account_id=account.name,
                role="roles/iam.workloadIdentityUser",
                member=principal,
            )
        self.email: str = account.email
        self.member: str = account.member

    def grant_project_roles(
        self,
        scope: Construct,
        project_id: str,
        roles: Sequence[str],
        *,
        custom_roles: Mapping[str, str] | None = None,
        conditions: Mapping[str, ProjectIamMemberCondition] | None = None,
    ) -> None:
        """Grant these roles on the project, each in `scope` under its short name. A role id of
        `custom_roles` is granted as that custom role (its full name); a role of `conditions`
        only under that condition."""
        custom_roles, conditions = custom_roles or {}, conditions or {}
        for role in roles:
            ProjectIamMember(
                scope,
                role.split("/")[-1],
                project=project_id,
                role=custom_roles.get(role, role),
                member=self.member,
                condition=conditions.get(role),
            )
