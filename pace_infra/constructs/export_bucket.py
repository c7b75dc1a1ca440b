"""ExportBucket: where the logical exports of the databases are kept, retention-locked.

In the bootstrap stack, beside the state bucket and the locked audit log bucket: applied by an
admin, never by the pipeline, so no identity a pipeline can become may change or delete it.

Object Versioning is off, on purpose. A bucket retention policy already refuses to delete or
replace any object younger than the retention period ("Bucket Lock", cloud.google.com/storage/
docs/bucket-lock), which is all versioning would add here (each export is a new object, never
replaced), and Google's own configurations treat the two as mutually exclusive on one bucket
(google/exposure-notifications-verification-server#877, terraform-google-modules/
terraform-example-foundation#898); no Google page we could find says they now combine. Object
Retention Lock (per-object retention, `enable_object_retention`) could combine with versioning,
but it needs a retention set on each object as it is written, which a Cloud SQL export does not
do. So: a locked bucket retention policy, no versioning (CKV_GCP_78 is skipped in .checkov.yaml
for this reason; tests/test_platform_policies.py checks every bucket is versioned or locked).

From the provider at v6.50.0 (resource_storage_bucket.go): the lock is applied after creation
(`is_locked` cannot be sent on create), and unlocking plans a replacement (ForceNewIfChange on
retention_policy.0.is_locked), which the lock itself then refuses; deleting a bucket with a
locked policy fails while any object is within its retention period, whatever force_destroy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketRetentionPolicy,
)
from constructs import Construct

DAY_SECONDS = 86400


@dataclass(frozen=True)
class ExportBucketProps:
    """Defaults are the secure choice: locked, private, never force-destroyed."""

    name: str
    location: str  # a region other than the databases' (config refuses theirs)
    retention_days: int
    # Lock the retention policy (irreversible). False only where an environment must be torn
    # down before its exports expire.
    locked: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)


class ExportBucket(Construct):
    """Uniform-access, public-access-prevented bucket with a (locked) retention policy and a
    lifecycle rule deleting each export the day after its retention ends. Handle: `name`."""

    def __init__(self, scope: Construct, id_: str, *, props: ExportBucketProps) -> None:
        super().__init__(scope, id_)
        bucket = StorageBucket(
            self,
            "bucket",
            name=props.name,
            location=props.location.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,  # IAM only, no object ACLs (CKV_GCP_29)
            public_access_prevention="enforced",  # database dumps (CKV_GCP_114)
            force_destroy=False,
            retention_policy=StorageBucketRetentionPolicy(
                retention_period=props.retention_days * DAY_SECONDS,
                is_locked=props.locked,
            ),
            lifecycle_rule=[
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    # A day past the retention period: a lifecycle rule cannot delete an object
                    # the policy still holds.
                    condition=StorageBucketLifecycleRuleCondition(age=props.retention_days + 1),
                )
            ],
            labels=dict(props.labels),
            # A locked bucket cannot be deleted while it holds exports; a plan that tries fails
            # here, before anything is touched.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.locked),
        )
        # Stateful: the exports live here; the id never moves.
        bucket.override_logical_id("database_exports_bucket")
        self.name: str = bucket.name
