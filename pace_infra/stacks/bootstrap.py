"""`<env>-bootstrap`: what everything else stands on. Applied by hand, by an admin, first.

The project's APIs, the state bucket, the audit trail (Data Access logs, locked audit log
bucket), the retention-locked bucket of the databases' logical exports, the key GKE encrypts
Secrets with and the key CI signs attestations with: none of it may be changed by the pipeline.
"""

from __future__ import annotations

from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.attestation import SigningKey, SigningKeyProps
from pace_infra.constructs.audit_trail import AuditTrail, AuditTrailProps
from pace_infra.constructs.export_bucket import ExportBucket, ExportBucketProps
from pace_infra.constructs.project_services import ProjectServices, ProjectServicesProps
from pace_infra.constructs.secrets_key import SecretsKey, SecretsKeyProps, secrets_key_id
from pace_infra.constructs.state_bucket import StateBucket, StateBucketProps
from pace_infra.names import EnvNames, database_exports_bucket
from pace_infra.stacks.base import PaceStack, system_labels

# Every API the platform's stacks call. cloudresourcemanager and serviceusage are Terraform's own
# needs (project IAM, enabling the rest); serviceusage must be on before the first apply.
PLATFORM_APIS: tuple[str, ...] = (
    "artifactregistry.googleapis.com",
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
