"""The bootstrap stack: local state, the state bucket, the project's APIs and audit configs."""

from __future__ import annotations

from tests.helpers import only, resources

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
    )
}


def test_bootstrap_state_is_local_with_a_relative_path(stacks, environments):
    for env in environments:
        backend = stacks[f"{env.name}-bootstrap"]["terraform"]["backend"]
        assert backend == {"local": {"path": f"../../../terraform.{env.name}-bootstrap.tfstate"}}


def test_bootstrap_creates_the_configured_state_bucket(stacks, environments):
    for env in environments:
        bucket = only(stacks[f"{env.name}-bootstrap"], "google_storage_bucket")
        assert bucket["name"] == env.state_bucket


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
