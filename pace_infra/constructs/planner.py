"""Planner: a read-only identity that plans every stack against its real state.

Any pipeline of this repository may act as it (pull requests included): it reads what
Terraform must read to refresh each resource type (READ_ROLES, one predefined read role per
type, kept equal to the synthesized types by a test), plus objects of the state bucket; it
cannot write, grant, act as another identity, read a secret's payload or a Kubernetes Secret,
or read log entries. Where no predefined role reads a type without reading more (logging
configuration without log entries, a bucket's metadata), a custom role lists the permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from pace_infra.constructs.bitbucket_federation import (
    FederatedServiceAccount,
    FederatedServiceAccountProps,
)
from pace_infra.constructs.deployer import KUBERNETES_TYPES, NON_GOOGLE_TYPES

PLAN_READER = "pacePlanReader"  # a custom role (PLAN_READER_PERMISSIONS)
# Where the predefined read role reads more than plans need: logging.viewer reads log entries,
# cloudsql.viewer may export databases (cloudsql.instances.export), artifactregistry.reader
# pulls images, iam.securityReviewer reads private logs and ConfigMaps. Role contents from
# `gcloud iam roles describe` (iann0036/iam-dataset, gcp/roles, 2026-08).
PLAN_READER_PERMISSIONS: tuple[str, ...] = (
    "artifactregistry.repositories.get",
    "artifactregistry.repositories.getIamPolicy",
    "artifactregistry.repositories.list",
    # The attestor's and its note's IAM policies: their viewer roles do not read them.
    "binaryauthorization.attestors.getIamPolicy",
    # The attestor's public key, which cicd reads with a data source (cloudkms.viewer cannot).
    "cloudkms.cryptoKeyVersions.viewPublicKey",
    "cloudkms.cryptoKeys.getIamPolicy",
    "cloudsql.databases.get",
    "cloudsql.databases.list",
    "cloudsql.instances.get",
    "cloudsql.instances.list",
    "cloudsql.users.get",
    "cloudsql.users.list",
    "containeranalysis.notes.getIamPolicy",
    "logging.buckets.get",
    "logging.buckets.list",
    "logging.logMetrics.get",
    "logging.logMetrics.list",
    "logging.sinks.get",
    "logging.sinks.list",
    "servicenetworking.services.get",  # services.connections.list needs it
    "storage.buckets.get",
    "storage.buckets.getIamPolicy",
)
# compute.viewer reads no disk, image or snapshot data (its description), but does read
# instances' serial port output: GKE nodes' boot logs.
_COMPUTE = "roles/compute.viewer"
_ACCOUNTS = "roles/iam.serviceAccountViewer"  # service accounts and their IAM policies
_PROJECT_IAM = "roles/iam.roleViewer"  # custom roles, and the project's IAM policy
_FEDERATION = "roles/iam.workloadIdentityPoolViewer"
# Kubernetes objects, never Secrets (no container.secrets.*). ValidatingAdmissionPolicies have
# no IAM permission at all: a Kubernetes ClusterRole grants their read (stacks/platform.py).
_KUBERNETES = "roles/container.viewer"
STATE_READER = "roles/storage.objectViewer"  # on the state bucket only

# Resource type -> the role that lets the planner refresh it. None: no role of the planner's
# reads it: not a Google API (PagerDuty's token, Terraform's own terraform_data), or a billing
# account's budget (below).
READ_ROLES: Mapping[str, str | None] = {
    "google_compute_network": _COMPUTE,
    "google_compute_subnetwork": _COMPUTE,
    "google_compute_router": _COMPUTE,
    "google_compute_router_nat": _COMPUTE,
    "google_compute_global_address": _COMPUTE,
    "google_compute_firewall": _COMPUTE,
    "google_compute_security_policy": _COMPUTE,
    "google_compute_ssl_policy": _COMPUTE,
    "google_service_networking_connection": PLAN_READER,
    "google_dns_managed_zone": "roles/dns.reader",
    "google_dns_record_set": "roles/dns.reader",
    "google_container_cluster": "roles/container.clusterViewer",
    "google_container_node_pool": "roles/container.clusterViewer",
    "google_service_account": _ACCOUNTS,
    "google_service_account_iam_member": _ACCOUNTS,
    "google_project_iam_member": _PROJECT_IAM,
    "google_project_iam_custom_role": _PROJECT_IAM,
    "google_project_iam_audit_config": _PROJECT_IAM,
    "google_iam_workload_identity_pool": _FEDERATION,
    "google_iam_workload_identity_pool_provider": _FEDERATION,
    "google_storage_bucket_iam_member": PLAN_READER,
    "google_artifact_registry_repository_iam_member": PLAN_READER,
    "google_kms_crypto_key_iam_member": PLAN_READER,
    "google_storage_bucket": PLAN_READER,
    "google_project_service": "roles/serviceusage.serviceUsageViewer",
    "google_sql_database_instance": PLAN_READER,
    "google_sql_database": PLAN_READER,
    "google_sql_user": PLAN_READER,
    "google_logging_metric": PLAN_READER,
    "google_logging_project_sink": PLAN_READER,
    "google_logging_project_bucket_config": PLAN_READER,
    "google_monitoring_alert_policy": "roles/monitoring.viewer",
    "google_monitoring_notification_channel": "roles/monitoring.viewer",
    "google_monitoring_uptime_check_config": "roles/monitoring.viewer",
    "google_monitoring_custom_service": "roles/monitoring.viewer",
    "google_monitoring_slo": "roles/monitoring.viewer",
    "google_monitoring_dashboard": "roles/monitoring.viewer",
    "google_monitoring_metric_descriptor": "roles/monitoring.viewer",
    # Workflows' definitions and executions (the jobs' arguments and results hold no data).
    "google_workflows_workflow": "roles/workflows.viewer",
    "google_cloud_scheduler_job": "roles/cloudscheduler.viewer",
    "google_artifact_registry_repository": PLAN_READER,
    "google_secret_manager_secret": "roles/secretmanager.viewer",
    "google_binary_authorization_policy": "roles/binaryauthorization.policyViewer",
    "google_binary_authorization_attestor": "roles/binaryauthorization.attestorsViewer",
    "google_binary_authorization_attestor_iam_member": PLAN_READER,
    "google_container_analysis_note": "roles/containeranalysis.notes.viewer",
    "google_container_analysis_note_iam_member": PLAN_READER,
    "google_kms_key_ring": "roles/cloudkms.viewer",
    "google_kms_crypto_key": "roles/cloudkms.viewer",
    # Helm keeps its release records in ConfigMaps here (helm_driver, stacks/platform.py), so
    # reading a release needs no access to Secrets.
    **dict.fromkeys(KUBERNETES_TYPES, _KUBERNETES),
    **dict.fromkeys(NON_GOOGLE_TYPES),
    # The budget (bootstrap) is the billing account's: billing.budgets.get is granted on the
    # account, by no project role, and the one predefined role holding it (roles/billing.viewer)
    # also reads every cost and the payment details of the whole account. The planner never
    # plans bootstrap (its state is local); the admin who applies it reads the budget.
    "google_billing_budget": None,
}
PLANNER_ROLES: tuple[str, ...] = tuple(
    sorted({role for role in READ_ROLES.values() if role is not None})
)


@dataclass(frozen=True)
class PlannerProps:
    account_id: str
    project_id: str
    state_bucket: str
    principal: str  # the principalSet allowed to act as it


class Planner(Construct):
    """Handles: `email`, `member`."""

    def __init__(self, scope: Construct, id_: str, *, props: PlannerProps) -> None:
        super().__init__(scope, id_)
        account = FederatedServiceAccount(
            self,
            id_,
            props=FederatedServiceAccountProps(
                account_id=props.account_id,
                display_name="Read-only plans of pace-infra (pull requests, drift checks)",
                principals=(props.principal,),
            ),
        )
        reader = ProjectIamCustomRole(
            self,
            "role",
            project=props.project_id,
            role_id=PLAN_READER,
            title="PACE plan reader",
            description="What terraform plan reads that no predefined read role gives alone.",
            permissions=list(PLAN_READER_PERMISSIONS),
        )
        account.grant_project_roles(
            self, props.project_id, PLANNER_ROLES, custom_roles={PLAN_READER: reader.name}
        )
        StorageBucketIamMember(
            self, "state", bucket=props.state_bucket, role=STATE_READER, member=account.member
        )
        self.email: str = account.email
        self.member: str = account.member
