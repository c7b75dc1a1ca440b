"""The bootstrap stack: local state, the state bucket, the project's APIs and audit configs."""

from __future__ import annotations

from pace_infra.names import database_exports_bucket
from tests.helpers import resources

# The APIs issue #2 names; bootstrap may enable more (Terraform's own), never fewer.
REQUIRED_APIS = {
    f"{api}.googleapis.com"
    for api in (
        "compute",
        "container",
        "sqladmin",
        "servicenetworking",
        "monitoring",
        "logging",
        "cloudtrace",
        "artifactregistry",
        "iam",
        "iamcredentials",
        "sts",
        "secretmanager",
        "binaryauthorization",
        # The database jobs (issue 16): Cloud Workflows started by Cloud Scheduler.
        "workflows",
        "workflowexecutions",
        "cloudscheduler",
    )
}


def test_bootstrap_state_is_local_with_a_relative_path(stacks, environments):
    for env in environments:
        backend = stacks[f"{env.name}-bootstrap"]["terraform"]["backend"]
        assert backend == {"local": {"path": f"../../../terraform.{env.name}-bootstrap.tfstate"}}


def test_bootstrap_creates_the_configured_state_bucket(stacks, environments):
    for env in environments:
        bucket = resources(stacks[f"{env.name}-bootstrap"], "google_storage_bucket")
        assert bucket["state_bucket"]["name"] == env.state_bucket


def test_bootstrap_creates_the_exports_bucket_where_exports_are_on(stacks, environments):
    for env in environments:
        bucket = resources(stacks[f"{env.name}-bootstrap"], "google_storage_bucket").get(
            "database_exports_bucket"
        )
        exports = env.databases.exports
        if not exports.enabled:
            assert bucket is None, env.name
            continue
        assert bucket["name"] == database_exports_bucket(env.project_id)
        assert bucket["location"] == env.databases.exports_region.upper() != env.region.upper()
        assert bucket["retention_policy"] == {
            "retention_period": exports.retention_days * 86400,
            "is_locked": exports.lock_retention,
        }
    assert {e.name for e in environments if e.databases.exports.enabled} == {"staging", "prod"}


def test_bootstrap_enables_every_platform_api(stacks, environments):
    for env in environments:
        apis = resources(stacks[f"{env.name}-bootstrap"], "google_project_service").values()
        enabled = {api["service"] for api in apis}
        assert enabled.issuperset(REQUIRED_APIS)
        assert all(api["disable_on_destroy"] is False for api in apis)


def test_bootstrap_writes_the_audit_configs_after_resource_manager_is_on(stacks):
    for env in ("dev", "staging", "prod"):
        configs = stacks[f"{env}-bootstrap"]["resource"]["google_project_iam_audit_config"]
        assert len(configs) == 7  # Cloud Storage (state bucket) and AUDITED_SERVICES
        for config in configs.values():
            assert "google_project_service.cloudresourcemanager" in config["depends_on"]
