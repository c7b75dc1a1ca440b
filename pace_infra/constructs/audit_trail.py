"""AuditTrail: who did what to identities, credentials, secrets and databases, kept and locked.

Admin Activity audit logs are always on; Data Access logs (who read a secret, who minted a
token for which service account, who exchanged a federated token) are off unless configured per
service. All of them are copied by a sink into a log bucket whose retention is locked: nobody,
the pipeline's identity included, can shorten it or delete the bucket while logs are in it.

From the provider at v6.50.0 (checked by reading it):
- google_project_iam_audit_config is authoritative per service only and touches no bindings
  (tpgiamresource/resource_iam_audit_config.go; iam_project.go sets the mask
  "bindings,etag,auditConfigs"), so it coexists with the google_project_iam_member grants.
- google_logging_project_bucket_config: `locked` is sent at create and must stay written (an
  omitted `locked` plans true -> null); `retention_days` defaults to 30; destroying a user
  bucket is a real DELETE, which a locked bucket refuses.
- google_logging_project_sink: `unique_writer_identity` defaults to true; a log bucket in the
  same project needs no grant to the writer identity (the provider's own same-project
  examples and tests grant none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.logging_project_bucket_config import (
    LoggingProjectBucketConfig,
)
from cdktf_cdktf_provider_google.logging_project_sink import LoggingProjectSink
from cdktf_cdktf_provider_google.project_iam_audit_config import (
    ProjectIamAuditConfig,
    ProjectIamAuditConfigAuditLogConfig,
)
from constructs import Construct

# Services whose Data Access logs are turned on here (Cloud Storage's are with the state bucket).
AUDITED_SERVICES: tuple[str, ...] = (
    "cloudkms.googleapis.com",  # use of the key that encrypts GKE Secrets
    "cloudsql.googleapis.com",  # instance logins, user and password changes, exports
    "iam.googleapis.com",  # reads of IAM policies, keys, roles
    "iamcredentials.googleapis.com",  # every token minted for a service account
    "secretmanager.googleapis.com",  # every secret read
    "sts.googleapis.com",  # every federated token exchange (Bitbucket)
)
LOG_TYPES: tuple[str, ...] = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")
# Every audit log: activity, data access, system events, policy denials.
AUDIT_LOG_FILTER = 'logName:"cloudaudit.googleapis.com"'


@dataclass(frozen=True)
class AuditTrailProps:
    project_id: str
    location: str  # the log bucket's region
    bucket_id: str
    # No default here: the environment's audit_log_retention_days (400) is the one, and a second
    # default (this was 365) would only disagree with it.
    retention_days: int
    # Locked: retention cannot be reduced and the bucket cannot be deleted. False only where
    # the environment must be torn down by Terraform (dev).
    locked: bool = True
    # The audit configs are part of the project's IAM policy (Resource Manager API).
    depends_on: Sequence[ITerraformDependable] = ()


class AuditTrail(Construct):
    """Data Access audit configs, the locked audit log bucket and the sink into it."""

    def __init__(self, scope: Construct, id_: str, *, props: AuditTrailProps) -> None:
        super().__init__(scope, id_)
        for service in AUDITED_SERVICES:
            config = ProjectIamAuditConfig(
                self,
                service.split(".", 1)[0],
                project=props.project_id,
                service=service,
                audit_log_config=[
                    ProjectIamAuditConfigAuditLogConfig(log_type=log_type) for log_type in LOG_TYPES
                ],
                depends_on=list(props.depends_on) or None,
            )
            config.override_logical_id(f"audit_config_{service.split('.', 1)[0]}")
        bucket = LoggingProjectBucketConfig(
            self,
            "bucket",
            project=props.project_id,
            location=props.location,
            bucket_id=props.bucket_id,
            description="Audit logs of the PACE project, retention locked.",
            retention_days=props.retention_days,
            locked=props.locked,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.locked),
            depends_on=list(props.depends_on) or None,
        )
        bucket.override_logical_id("audit_log_bucket")
        sink = LoggingProjectSink(
            self,
            "sink",
            project=props.project_id,
            name=f"{props.bucket_id}-sink",
            description="Every audit log entry into the locked audit log bucket.",
            destination=(
                f"logging.googleapis.com/projects/{props.project_id}/locations/"
                f"{props.location}/buckets/{props.bucket_id}"
            ),
            filter=AUDIT_LOG_FILTER,
            unique_writer_identity=True,
            depends_on=[bucket],
        )
        sink.override_logical_id("audit_log_sink")
