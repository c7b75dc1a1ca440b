"""`<env>-cicd`: the trust plane. Applied by hand by an admin, never by the pipeline it trusts.

What decides who may do what lives here: the Bitbucket federation and the CI and deploy
identities with their grants, the state bucket's IAM, who may act as the application identities
(Workload Identity bindings), the custom roles the deploy identity holds, what the database
jobs may do (their custom roles, the exports bucket's writers), the image registry, and which
images may run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import TerraformOutput
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.argocd_values import argocd_images
from pace_infra.constructs.artifact_registry import ImageRepository, ImageRepositoryProps
from pace_infra.constructs.attestation import Attestor, AttestorProps
from pace_infra.constructs.binary_authorization import AdmissionPolicy, AdmissionPolicyProps
from pace_infra.constructs.bitbucket_federation import (
    BitbucketFederation,
    BitbucketFederationProps,
    FederatedServiceAccount,
    FederatedServiceAccountProps,
    deploy_target,
    push_source,
)
from pace_infra.constructs.database_jobs import DatabaseJobs
from pace_infra.constructs.database_jobs_access import (
    DatabaseJobsAccess,
    DatabaseJobsAccessProps,
)
from pace_infra.constructs.deployer import Deployer, DeployerProps
from pace_infra.constructs.gitops_credential import GitopsCredential, GitopsCredentialProps
from pace_infra.constructs.gke import GkeCluster
from pace_infra.constructs.planner import Planner, PlannerProps
from pace_infra.constructs.postgres import PostgresInstance
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.names import IMAGE_REPOSITORY_ID, database_exports_bucket
from pace_infra.stacks.base import PaceStack, earlier, system_labels
from pace_infra.stacks.bootstrap import attestor_key
from pace_infra.stacks.databases import DatabasesStack
from pace_infra.stacks.gke import GkeStack


class CicdStack(PaceStack):
    """Handles: `images` (ImageRepository), `federation`, `ci`, `deployer`, `attestor`.

    Also the project's Binary Authorization policy and attestor: which images may run, and who
    may vouch for one, are trust decisions.
    """

    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> CicdStack:
        gke = earlier(built, "gke", GkeStack)
        databases = earlier(built, "databases", DatabasesStack)
        return cls(
            scope,
            env,
            gke.cluster,
            (gke.web_identity, gke.ai_identity),
            databases.instances,
            databases.jobs,
        )

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        cluster: GkeCluster,
        workload_identities: Sequence[WorkloadServiceAccount],
        databases: Sequence[PostgresInstance],
        jobs: DatabaseJobs,
    ) -> None:
        super().__init__(scope, env, "cicd")
        # Who may act as each application identity: only its Kubernetes service account.
        for identity in workload_identities:
            identity.grant_workload_identity(self, f"workload-identity-{identity.node.id}")
        cicd = env.cicd
        self.federation = BitbucketFederation(
            self,
            "bitbucket",
            props=BitbucketFederationProps(
                pool_id=self.names.federation_pool,
                workspace=cicd.bitbucket_workspace,
                workspace_uuid=cicd.bitbucket_workspace_uuid,
                repository_uuids=(*cicd.image_repository_uuids, cicd.infra_repository_uuid),
                protect=env.deletion_protection,
            ),
        )
        # Builds of the application repositories' release branch push images, nothing else;
        # other branches and pull requests build and test without any Google identity.
        self.ci = FederatedServiceAccount(
            self,
            "ci",
            props=FederatedServiceAccountProps(
                account_id=self.names.ci_service_account,
                display_name="Bitbucket Pipelines image builds",
                principals=tuple(
                    self.federation.principal_set(
                        "push_source", push_source(uuid, cicd.release_branch)
                    )
                    for uuid in cicd.image_repository_uuids
                ),
            ),
        )
        self.deployer = Deployer(
            self,
            "deploy",
            props=DeployerProps(
                account_id=self.names.deploy_service_account,
                project_id=env.project_id,
                state_bucket=env.state_bucket,
                # This repository's deployment environment, from the release branch only.
                principal=self.federation.principal_set(
                    "deploy_target",
                    deploy_target(
                        cicd.infra_repository_uuid,
                        cicd.deployment_environment_uuid,
                        cicd.release_branch,
                    ),
                ),
                # The node SA (node pools), and the database jobs' accounts (their workflows
                # and schedules run as them).
                acts_as=(cluster.node_service_account_email, *jobs.accounts),
            ),
        )
        DatabaseJobsAccess(
            self,
            "database-jobs",
            props=DatabaseJobsAccessProps(
                project_id=env.project_id,
                instances=tuple(db.name for db in databases),
                scratch_prefix=self.names.drill_scratch_prefix,
                # The bootstrap stack's bucket, by name: bootstrap's state is read by no stack.
                export_bucket=database_exports_bucket(env.project_id),
                instance_service_accounts=tuple(db.service_account_email for db in databases),
                export_account=jobs.export_account,
                drill_account=jobs.drill_account,
                scheduler_account=jobs.scheduler_account,
            ),
        )
        # Read-only plans for pull requests and drift checks: any pipeline of this repository.
        self.planner = Planner(
            self,
            "planner",
            props=PlannerProps(
                account_id=self.names.planner_service_account,
                project_id=env.project_id,
                state_bucket=env.state_bucket,
                principal=self.federation.principal_set(
                    "repository_uuid", cicd.infra_repository_uuid
                ),
            ),
        )
        self.images = ImageRepository(
            self,
            "images",
            props=ImageRepositoryProps(
                repository_id=IMAGE_REPOSITORY_ID,
                location=env.region,
                project_id=env.project_id,
                keep_recent_versions=cicd.keep_recent_images,
                labels=system_labels("platform"),
            ),
        )
        self.images.grant_pull(f"serviceAccount:{cluster.node_service_account_email}")
        self.images.grant_push(self.ci.member)
        # "Built by CI": the CI identity signs each image it pushes with the bootstrap stack's
        # signing key (bootstrap is applied first, so the attestor's plan can read the key).
        # Every environment has one, so that the pipeline is the same everywhere.
        self.attestor = Attestor(
            self,
            "attestation",
            props=AttestorProps(
                project_id=env.project_id,
                name=self.names.attestor,
                key_id=attestor_key(env),
                protect=env.protected,
            ),
        )
        self.attestor.grant_attest(self.ci.member)
        # Which images the cluster runs: Argo CD's pinned images, what config names, Google's
        # system images through the global policy; and this environment's builds: in staging
        # and prod only with CI's attestation, in dev by registry path alone (its pipeline may
        # push from anywhere the CI identity can, and dev holds no customer data). The switch is
        # the tier (env.protected), not a field of its own: staging and prod cannot opt out,
        # and a second switch could disagree with the tier that decides every other weakening.
        # Everything else is denied.
        attested = env.protected
        registry = f"{self.images.url}/**"
        AdmissionPolicy(
            self,
            "admission",
            props=AdmissionPolicyProps(
                project_id=env.project_id,
                admitted=(
                    *(() if attested else (registry,)),
                    *(image.reference for image in argocd_images(env.platform.argocd_ha)),
                    *cicd.admitted_images,
                ),
                attestor=self.attestor.name if attested else None,
                protect=env.protected,
            ),
        )
        # The GitOps repository's read credential: a secret with no version (added by hand);
        # here, because whoever manages secrets could read them, and the pipeline must not.
        GitopsCredential(
            self,
            "gitops-credential",
            props=GitopsCredentialProps(
                secret_id=self.names.gitops_secret,
                region=env.region,
                labels=system_labels("platform"),
                deletion_protection=env.deletion_protection,
            ),
        )
        # What bitbucket-pipelines.yml needs (none of it secret).
        outputs = {
            "workload_identity_provider": self.federation.provider_name,
            "ci_service_account": self.ci.email,
            "deploy_service_account": self.deployer.email,
            "planner_service_account": self.planner.email,
            "image_registry": self.images.url,
            "attestor": self.attestor.name,
        }
        for name, value in outputs.items():
            TerraformOutput(self, name, value=value)
