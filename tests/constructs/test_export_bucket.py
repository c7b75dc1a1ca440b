"""ExportBucket: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pace_infra.constructs.export_bucket import ExportBucket, ExportBucketProps
from tests.helpers import only, synth_construct

PROPS = ExportBucketProps(
    name="pace-t-db-exports", location="europe-west1", retention_days=35, labels={"system": "data"}
)


def _synth(props: ExportBucketProps = PROPS) -> dict:
    return only(
        synth_construct(lambda stack: ExportBucket(stack, "exports", props=props)),
        "google_storage_bucket",
    )


@pytest.fixture(scope="module")
def bucket():
    return _synth()


def test_no_export_can_be_deleted_or_replaced_within_retention_and_the_policy_is_locked(bucket):
    assert bucket["retention_policy"] == {"retention_period": 35 * 86400, "is_locked": True}


def test_a_locked_bucket_is_never_destroyed_by_a_plan(bucket):
    assert bucket["lifecycle"]["prevent_destroy"] is True
    assert bucket["force_destroy"] is False


def test_an_unlocked_bucket_may_be_destroyed():
    unlocked = _synth(replace(PROPS, locked=False))
    assert unlocked["retention_policy"]["is_locked"] is False
    assert unlocked["lifecycle"]["prevent_destroy"] is False


def test_exports_are_deleted_the_day_after_their_retention_ends(bucket):
    (rule,) = bucket["lifecycle_rule"]
    assert rule == {"action": {"type": "Delete"}, "condition": {"age": 36}}


def test_the_bucket_is_private_uniform_and_in_the_given_region(bucket):
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["location"] == "EUROPE-WEST1"
    assert "versioning" not in bucket  # exclusive with a retention policy (see the module)


def test_the_bucket_keeps_its_logical_id():
    doc = synth_construct(lambda stack: ExportBucket(stack, "renamed", props=PROPS))
    assert list(doc["resource"]["google_storage_bucket"]) == ["database_exports_bucket"]
