"""Deployer: the service account Bitbucket's deploy steps use to apply this repository.

It holds exactly the roles the stacks it applies need (RESOURCE_ROLES), plus object access to
the environment's state bucket, and only pipeline steps of one Bitbucket deployment environment
may impersonate it. It does not apply bootstrap or cicd (its own trust): a person does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from pace_infra.constructs.bitbucket_federation import (
    FederatedServiceAccount,
    FederatedServiceAccountProps,
)

_KUBERNETES = "roles/container.admin"  # the Kubernetes API through IAM (DNS endpoint), RBAC too
_PROJECT_IAM = "roles/resourcemanager.projectIamAdmin"  # only with GRANTABLE_ROLES (below)
LOG_METRIC_WRITER = "paceLogMetricWriter"  # a custom role (CUSTOM_ROLES)

# Everything the kubernetes and helm providers manage goes through the Kubernetes API, reached
# through IAM (the DNS endpoint): namespaces, quotas, limits, policies, KSAs, the digest-only
# admission policy and its binding (manifests), the planner's read of that policy (RBAC), and
# the Argo CD releases.
KUBERNETES_TYPES: tuple[str, ...] = (
    "kubernetes_namespace_v1",
    "kubernetes_resource_quota_v1",
    "kubernetes_limit_range_v1",
    "kubernetes_network_policy_v1",
    "kubernetes_service_account_v1",
    "kubernetes_manifest",
    "kubernetes_cluster_role_v1",
    "kubernetes_cluster_role_binding_v1",
    "helm_release",
)
# Not Google APIs: PagerDuty (its own token) and Terraform's own terraform_data.
NON_GOOGLE_TYPES: tuple[str, ...] = (
    "pagerduty_team",
    "pagerduty_team_membership",
    "pagerduty_schedule",
    "pagerduty_escalation_policy",
    "pagerduty_service",
    "pagerduty_service_integration",
    "pagerduty_business_service",
    "pagerduty_service_dependency",
    "pagerduty_alert_grouping_setting",
    "terraform_data",
)

# For each resource type of the stacks the pipeline applies (all but bootstrap and cicd, see
# pace_infra/units.py), the role that lets the deploy identity create, read, update and delete
# it (Google's IAM roles reference; e.g. compute.sslPolicies.* is in compute.securityAdmin,
# servicenetworking.services.addPeering in servicenetworking.networksAdmin). None: not a Google
# API (PagerDuty's token, Terraform's own terraform_data). A test keeps the keys equal to the
# types those stacks synthesize, so a new type without a role fails there.
RESOURCE_ROLES: Mapping[str, str | None] = {
    "google_compute_network": "roles/compute.networkAdmin",
    "google_compute_subnetwork": "roles/compute.networkAdmin",
    "google_compute_router": "roles/compute.networkAdmin",
    "google_compute_router_nat": "roles/compute.networkAdmin",
    "google_compute_global_address": "roles/compute.networkAdmin",
    # The private googleapis.com zone (network stack): DNS only, no IAM in it.
    "google_dns_managed_zone": "roles/dns.admin",
    "google_dns_record_set": "roles/dns.admin",
    "google_compute_firewall": "roles/compute.securityAdmin",
    "google_compute_security_policy": "roles/compute.securityAdmin",
    "google_compute_ssl_policy": "roles/compute.securityAdmin",
    "google_service_networking_connection": "roles/servicenetworking.networksAdmin",
    "google_container_cluster": "roles/container.admin",
    # + actAs on the node service account, granted on that account only (below).
    "google_container_node_pool": "roles/container.admin",
    # Create only: no setIamPolicy, no keys, no tokens on what it creates. Who may act as an
    # application account is decided in cicd (Workload Identity bindings).
    "google_service_account": "roles/iam.serviceAccountCreator",
    "google_project_iam_member": _PROJECT_IAM,
    "google_sql_database_instance": "roles/cloudsql.admin",
    "google_sql_database": "roles/cloudsql.admin",
    "google_sql_user": "roles/cloudsql.admin",
    "google_logging_metric": LOG_METRIC_WRITER,
    "google_monitoring_alert_policy": "roles/monitoring.admin",
    "google_monitoring_notification_channel": "roles/monitoring.admin",
    "google_monitoring_uptime_check_config": "roles/monitoring.admin",
    "google_monitoring_custom_service": "roles/monitoring.admin",
    "google_monitoring_slo": "roles/monitoring.admin",
    "google_monitoring_dashboard": "roles/monitoring.admin",
    # The restore drill's duration metric (monitoring.metricDescriptors.*).
    "google_monitoring_metric_descriptor": "roles/monitoring.admin",
    # The database jobs: workflows and their schedules (+ actAs on the jobs' accounts, granted
    # on those accounts only, below). What the accounts may do is granted by an admin (cicd).
    "google_workflows_workflow": "roles/workflows.editor",
    "google_cloud_scheduler_job": "roles/cloudscheduler.admin",
    **dict.fromkeys(KUBERNETES_TYPES, _KUBERNETES),
    **dict.fromkeys(NON_GOOGLE_TYPES),
}
# Exactly the roles those types need, nothing more: the project-level grants of the deploy SA.
# (State is read and written through roles/storage.objectAdmin on the state bucket only.)
DEPLOY_ROLES: tuple[str, ...] = tuple(sorted({r for r in RESOURCE_ROLES.values() if r}))

# The only roles the deploy identity may grant or revoke on the project: the ones the stacks it
# applies grant (node SA, Cloud SQL connect, telemetry; a test keeps the list equal to them).
# None of them can grant roles or act as a service account. Enforced by Google: the
# projectIamAdmin grant carries an IAM condition on iam.googleapis.com/modifiedGrantsByRole
# ("Set limits on granting roles", cloud.google.com/iam/docs/setting-limits-on-granting-roles);
# reading the policy changes no grant and stays allowed.
GRANTABLE_ROLES: tuple[str, ...] = (
    "roles/cloudsql.client",
    "roles/cloudsql.instanceUser",
    "roles/cloudtrace.agent",
    "roles/container.defaultNodeServiceAccount",
    "roles/monitoring.metricWriter",
)

# Custom roles, where every predefined role holds more than the pipeline should: the narrowest
# predefined logging role that writes log metrics (logging.configWriter) also writes sinks and
# exclusions, which could silence the audit trail.
CUSTOM_ROLES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    LOG_METRIC_WRITER: (
        "PACE log-based metrics writer",
        (
            "logging.logMetrics.create",
            "logging.logMetrics.delete",
            "logging.logMetrics.get",
            "logging.logMetrics.list",
            "logging.logMetrics.update",
        ),
    ),
}


def grant_condition_expression(roles: Sequence[str]) -> str:
    """The IAM condition that lets a projectIamAdmin grant or revoke these roles only."""
    listed = ", ".join(f"'{role}'" for role in roles)
    return f"api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([{listed}])"


@dataclass(frozen=True)
class DeployerProps:
    account_id: str
    project_id: str
    state_bucket: str
    principal: str  # the principalSet of the Bitbucket deployment environment
    # Service accounts it attaches to resources (the GKE node SA, the database jobs' accounts):
    # actAs on these only.
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
        custom = {
            role_id: ProjectIamCustomRole(
                self,
                f"role-{role_id}",
                project=props.project_id,
                role_id=role_id,
                title=title,
                permissions=list(permissions),
            )
            for role_id, (title, permissions) in CUSTOM_ROLES.items()
        }
        account.grant_project_roles(
            self,
            props.project_id,
            DEPLOY_ROLES,
            custom_roles={role_id: role.name for role_id, role in custom.items()},
            conditions={
                _PROJECT_IAM: ProjectIamMemberCondition(
                    title="grants only the pipeline's roles",
                    description="May grant or revoke only the roles its stacks grant.",
                    expression=grant_condition_expression(GRANTABLE_ROLES),
                )
            },
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
