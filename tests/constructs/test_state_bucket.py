"""The StateBucket construct: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.state_bucket import StateBucket, StateBucketProps
from tests.helpers import only, resources, synth_construct

PROPS = StateBucketProps(
    name="pace-t-tfstate",
    project_id="pace-t",
    location="europe-west2",
    labels={"system": "platform"},
)


@pytest.fixture(scope="module")
def doc():
    return synth_construct(lambda stack: StateBucket(stack, "state", props=PROPS))


@pytest.fixture(scope="module")
def bucket(doc):
    return only(doc, "google_storage_bucket")


def test_versioning_is_on(bucket):
    assert bucket["versioning"] == {"enabled": True}


def test_uniform_bucket_level_access(bucket):
    assert bucket["uniform_bucket_level_access"] is True


def test_public_access_prevention_enforced(bucket):
    assert bucket["public_access_prevention"] == "enforced"


def test_never_force_destroyed(bucket):
    assert bucket["force_destroy"] is False


def test_noncurrent_versions_expire_after_retention(bucket):
    assert bucket["lifecycle_rule"] == [
        {
            "action": {"type": "Delete"},
            "condition": {"days_since_noncurrent_time": 90, "with_state": "ARCHIVED"},
        }
    ]


def test_lives_in_the_environment_region_with_labels(bucket):
    assert bucket["location"] == "EUROPE-WEST2"
    assert bucket["labels"] == {"system": "platform"}


def test_logical_id_is_pinned(doc):
    assert list(resources(doc, "google_storage_bucket")) == ["state_bucket"]


def test_data_access_to_storage_is_audited(doc):
    audit = only(doc, "google_project_iam_audit_config")
    assert audit["service"] == "storage.googleapis.com"
    assert audit["project"] == "pace-t"
    assert sorted(c["log_type"] for c in audit["audit_log_config"]) == ["DATA_READ", "DATA_WRITE"]


def test_audit_can_be_left_to_an_organization_policy():
    from dataclasses import replace

    doc = synth_construct(
        lambda stack: StateBucket(stack, "state", props=replace(PROPS, audit_data_access=False))
    )
    assert resources(doc, "google_project_iam_audit_config") == {}
