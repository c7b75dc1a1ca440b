"""`<env>-bootstrap`: what everything else stands on. Applied by hand, by an admin, first.

The project's APIs, the state bucket, the audit trail (Data Access logs, locked audit log
bucket), the retention-locked bucket of the databases' logical exports, the key GKE encrypts
Secrets with, the key CI signs attestations with, and the project's billing budget: none of it
may be changed by the pipeline.

Why the budget is here and not in the monitoring stack beside the other channels: a budget
lives on the billing account, not the project. Managing it takes billing.budgets.* on the
billing account (roles/billing.costsManager, which also manages every other project's budget
on that account and the account's billing export), and planning it billing.budgets.get
(roles/billing.viewer, which reads the whole account's costs and payment details); no project
role holds either. Given to the pipeline's identities, any environment's pipeline could change
every environment's budget. Here the admin who applies bootstrap, with a billing role of their
own, applies it; the pipeline never plans this stack (its state is local).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.attestation import SigningKey, SigningKeyProps
from pace_infra.constructs.audit_trail import AuditTrail, AuditTrailProps
from pace_infra.constructs.budget import BudgetRecipient, CostBudget, CostBudgetProps
from pace_infra.constructs.export_bucket import ExportBucket, ExportBucketProps
from pace_infra.constructs.project_services import ProjectServices, ProjectServicesProps
from pace_infra.constructs.secrets_key import SecretsKey, SecretsKeyProps, secrets_key_id
from pace_infra.constructs.state_bucket import StateBucket, StateBucketProps
from pace_infra.names import BUDGET_ROUTE, EnvNames, database_exports_bucket, pagerduty_service
from pace_infra.stacks.base import PaceStack, system_labels

# Every API the platform's stacks call. cloudresourcemanager and serviceusage are Terraform's own
# needs (project IAM, enabling the rest); serviceusage must be on before the first apply.
PLATFORM_APIS: tuple[str, ...] = (
    "artifactregistry.googleapis.com",
    # Cloud Billing budgets: called on the caller's quota project (the admin's ADC quota
    # project must be this project; docs/operations/first-environment.md).
    "billingbudgets.googleapis.com",
    "binaryauthorization.googleapis.com",
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    # Starts the database jobs (logical export, restore drill) on their schedules.
    "cloudscheduler.googleapis.com",
    "cloudtrace.googleapis.com",
    # Binary Authorization attestations are Container Analysis notes and occurrences.
    "containeranalysis.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    # Artifact Registry scans pushed images for vulnerabilities only while this is on (the
    # repository's scanning config is INHERITED from the project).
    "containerscanning.googleapis.com",
    "dns.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "serviceusage.googleapis.com",
    "sqladmin.googleapis.com",
    "sts.googleapis.com",
    # The database jobs are Cloud Workflows; Cloud Scheduler starts their executions.
    "workflowexecutions.googleapis.com",
    "workflows.googleapis.com",
)


SECRETS_KEY = "gke-secrets"
AUDIT_LOG_BUCKET = "pace-audit"


def budget_recipients(env: Environment) -> tuple[BudgetRecipient, ...]:
    """Who the budget emails: the support address, and pace-platform-warnings (low urgency
    outside support hours) through its email integration where there is PagerDuty."""
    prefix = f"PACE {env.name} budget"
    recipients = [BudgetRecipient(f"{prefix}: support email", env.monitoring.support_email)]
    subdomain = env.oncall.pagerduty_subdomain
    if env.oncall.mode != "none" and subdomain is not None:
        recipients.append(
            BudgetRecipient(
                f"{prefix}: PagerDuty {pagerduty_service(*BUDGET_ROUTE)}",
                EnvNames(env.name).budget_email_integration(subdomain),
            )
        )
    return tuple(recipients)


def budget_props(
    env: Environment, depends_on: Sequence[ITerraformDependable] = ()
) -> CostBudgetProps | None:
    """The environment's budget, or None where `monitoring.budget` is unset."""
    budget = env.monitoring.budget
    if budget is None:
        return None
    return CostBudgetProps(
        billing_account=budget.billing_account,
        project_number=env.project_number,
        display_name=EnvNames(env.name).budget,
        amount=budget.amount,
        recipients=budget_recipients(env),
        labels={"app": "pace", "env": env.name, **system_labels("platform")},
        depends_on=depends_on,
    )


def secrets_key_ring(env: Environment) -> str:
    return EnvNames(env.name).key_ring


def gke_secrets_key(env: Environment) -> str:
    """The key GKE encrypts Secrets with, by name: the gke stack names it literally."""
    return secrets_key_id(env.project_id, env.region, secrets_key_ring(env), SECRETS_KEY)


class BootstrapStack(PaceStack):
    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "bootstrap", local_state=True)
        apis = ProjectServices(self, "apis", props=ProjectServicesProps(services=PLATFORM_APIS))
        state = StateBucket(
            self,
            "state",
            props=StateBucketProps(
                name=env.state_bucket,
                project_id=env.project_id,
                location=env.region,
                labels=system_labels("platform"),
                audit_depends_on=(apis.enabled["cloudresourcemanager.googleapis.com"],),
            ),
        )
        self.state_bucket_name: str = state.name
        iam_policy_api = apis.enabled["cloudresourcemanager.googleapis.com"]
        AuditTrail(
            self,
            "audit",
            props=AuditTrailProps(
                project_id=env.project_id,
                location=env.region,
                bucket_id=AUDIT_LOG_BUCKET,
                retention_days=env.audit_log_retention_days,
                locked=env.deletion_protection,
                depends_on=(iam_policy_api, apis.enabled["logging.googleapis.com"]),
            ),
        )
        exports = env.databases.exports
        if exports.enabled:
            # Here, not in the databases stack: the pipeline's identity may neither shorten the
            # retention nor delete the bucket (it holds no storage admin role at all).
            ExportBucket(
                self,
                "database-exports",
                props=ExportBucketProps(
                    name=database_exports_bucket(env.project_id),
                    # validate.py: set, and not the primary region, wherever exports are on.
                    location=env.databases.exports_region or "",
                    retention_days=exports.retention_days,
                    locked=exports.lock_retention,
                    labels=system_labels("data"),
                ),
            )
        secrets_key = SecretsKey(
            self,
            "secrets-key",
            props=SecretsKeyProps(
                project_id=env.project_id,
                project_number=env.project_number,
                location=env.region,
                key_ring=secrets_key_ring(env),
                key=SECRETS_KEY,
                # GKE's service agent exists once the Kubernetes Engine API is on.
                depends_on=(
                    apis.enabled["cloudkms.googleapis.com"],
                    apis.enabled["container.googleapis.com"],
                ),
            ),
        )
        budget = budget_props(
            env,
            depends_on=(
                apis.enabled["billingbudgets.googleapis.com"],
                apis.enabled["monitoring.googleapis.com"],
            ),
        )
        if budget is not None:
            CostBudget(self, "budget", props=budget)
        # Here, not in cicd beside the attestor: the attestor reads the key's public half with a
        # data source, which is read at plan time and fails if the key does not exist yet; this
        # stack is applied first, so cicd's first plan finds the key (and its version 1).
        # Whom the key lets sign is cicd's to say (the CI identity lives there).
        SigningKey(
            self,
            "attestor-key",
            props=SigningKeyProps(
                key_ring_id=secrets_key.ring_id,
                name=EnvNames(env.name).attestor_key,
                labels=system_labels("platform"),
            ),
        )


def attestor_key(env: Environment) -> str:
    """The signing key's resource name: the cicd stack names it literally (bootstrap's state is
    local, read by no other stack)."""
    names = EnvNames(env.name)
    return secrets_key_id(env.project_id, env.region, names.attestor_key_ring, names.attestor_key)
