"""AuditTrail: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pace_infra.constructs.audit_trail import (
    AUDIT_LOG_FILTER,
    AUDITED_SERVICES,
    AuditTrail,
    AuditTrailProps,
)
from tests.helpers import only, resources, synth_construct

PROPS = AuditTrailProps(
    project_id="pace-t", location="europe-west2", bucket_id="pace-t-audit", retention_days=400
)


def _synth(props: AuditTrailProps = PROPS) -> dict:
    return synth_construct(lambda stack: AuditTrail(stack, "audit", props=props))


@pytest.fixture(scope="module")
def doc():
    return _synth()


def test_data_access_is_audited_for_each_listed_service_and_no_other(doc):
    configs = resources(doc, "google_project_iam_audit_config")
    assert sorted(c["service"] for c in configs.values()) == [
        "cloudkms.googleapis.com",  # use of the key that encrypts GKE Secrets
        "cloudsql.googleapis.com",  # logins, user changes, exports
        "iam.googleapis.com",  # reads of IAM policies, keys, roles
        "iamcredentials.googleapis.com",  # every token minted for a service account
        "secretmanager.googleapis.com",  # every secret read
        "sts.googleapis.com",  # every federated token exchange
    ]
    for config in configs.values():
        assert config["project"] == "pace-t"
        types = [c["log_type"] for c in config["audit_log_config"]]
        assert types == ["ADMIN_READ", "DATA_READ", "DATA_WRITE"], config["service"]


def test_audit_config_ids_are_pinned_by_service(doc):
    assert sorted(resources(doc, "google_project_iam_audit_config")) == sorted(
        f"audit_config_{service.split('.')[0]}" for service in AUDITED_SERVICES
    )


def test_the_bucket_keeps_logs_for_the_given_days_and_is_locked(doc):
    bucket = resources(doc, "google_logging_project_bucket_config")["audit_log_bucket"]
    assert (bucket["project"], bucket["location"], bucket["bucket_id"]) == (
        "pace-t",
        "europe-west2",
        "pace-t-audit",
    )
    assert bucket["retention_days"] == 400
    assert bucket["locked"] is True
    assert bucket["lifecycle"] == {"prevent_destroy": True}


def test_unlocked_where_asked_and_written_as_false_not_omitted():
    # An omitted `locked` plans true -> null: it must stay written.
    bucket = only(_synth(replace(PROPS, locked=False)), "google_logging_project_bucket_config")
    assert bucket["locked"] is False
    assert bucket["lifecycle"] == {"prevent_destroy": False}


def test_the_sink_copies_every_audit_log_into_the_bucket(doc):
    sink = resources(doc, "google_logging_project_sink")["audit_log_sink"]
    assert sink["filter"] == AUDIT_LOG_FILTER == 'logName:"cloudaudit.googleapis.com"'
    assert sink["destination"] == (
        "logging.googleapis.com/projects/pace-t/locations/europe-west2/buckets/pace-t-audit"
    )
    assert sink["name"] == "pace-t-audit-sink"
    assert sink["unique_writer_identity"] is True
    assert sink["depends_on"] == ["google_logging_project_bucket_config.audit_log_bucket"]


def test_the_trail_adds_no_iam_binding(doc):
    # Audit configs are authoritative per service only; nothing here grants a role.
    kinds = set(doc["resource"])
    assert kinds == {
        "google_project_iam_audit_config",
        "google_logging_project_bucket_config",
        "google_logging_project_sink",
    }


def test_configs_and_bucket_wait_for_what_they_depend_on():
    def build(stack):
        from cdktf import TerraformResource

        api = TerraformResource(stack, "api", terraform_resource_type="terraform_data")
        AuditTrail(stack, "audit", props=replace(PROPS, depends_on=(api,)))

    doc = synth_construct(build)
    for config in resources(doc, "google_project_iam_audit_config").values():
        assert config["depends_on"] == ["terraform_data.api"]
    assert only(doc, "google_logging_project_bucket_config")["depends_on"] == ["terraform_data.api"]
