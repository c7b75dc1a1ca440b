"""StateBucket: the GCS bucket that holds an environment's Terraform state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_iam_audit_config import (
    ProjectIamAuditConfig,
    ProjectIamAuditConfigAuditLogConfig,
)
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketVersioning,
)
from constructs import Construct


@dataclass(frozen=True)
class StateBucketProps:
    """Defaults are the secure choice: versioned, private, never force-destroyed."""

    name: str
    project_id: str
    location: str  # the environment's region: state stays where the platform runs
    labels: Mapping[str, str] = field(default_factory=dict)
    # Old state versions are the undo of a bad apply; keep them this long after they are replaced.
    noncurrent_version_retention_days: int = 90
    # Cloud Audit Logs of every read and write of Cloud Storage objects in the project: who read
    # the state (it holds resource attributes, some sensitive) is on record. Google recommends
    # these over legacy bucket usage logs (why CKV_GCP_62 is skipped in .checkov.yaml).
    audit_data_access: bool = True
    # The audit config is written through the Resource Manager API (the project's IAM policy):
    # on a new project it must wait for that API to be enabled.
    audit_depends_on: Sequence[ITerraformDependable] = ()


class StateBucket(Construct):
    """Versioned, uniform-access, public-access-prevented, audited bucket; handle: `name`."""

    def __init__(self, scope: Construct, id_: str, *, props: StateBucketProps) -> None:
        super().__init__(scope, id_)
        bucket = StorageBucket(
            self,
            "bucket",
            name=props.name,
            location=props.location.upper(),
            storage_class="STANDARD",
            # Every apply writes a new version: a corrupted or wrongly edited state can be restored.
            versioning=StorageBucketVersioning(enabled=True),
            uniform_bucket_level_access=True,  # IAM only, no object ACLs (CKV_GCP_29)
            public_access_prevention="enforced",  # state holds secrets' metadata (CKV_GCP_114)
            # Never let Terraform delete a bucket that still holds state.
            force_destroy=False,
            lifecycle_rule=[
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=StorageBucketLifecycleRuleCondition(
                        days_since_noncurrent_time=props.noncurrent_version_retention_days,
                        with_state="ARCHIVED",
                    ),
                )
            ],
            labels=dict(props.labels),
        )
        # Stateful: the bucket holds every other stack's state; its id never moves.
        bucket.override_logical_id("state_bucket")
        self.name: str = bucket.name
        if props.audit_data_access:
            ProjectIamAuditConfig(
                self,
                "storage-data-access-audit",
                project=props.project_id,
                service="storage.googleapis.com",
                depends_on=list(props.audit_depends_on) or None,
                audit_log_config=[
                    ProjectIamAuditConfigAuditLogConfig(log_type="DATA_READ"),
                    ProjectIamAuditConfigAuditLogConfig(log_type="DATA_WRITE"),
                ],
            )
