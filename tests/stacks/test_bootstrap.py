"""The bootstrap stack: local state, the state bucket, the project's APIs and audit configs."""

from __future__ import annotations

from pace_infra.names import database_exports_bucket
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


def _budget(stacks, env) -> tuple[dict, list[str]]:
    doc = stacks[f"{env.name}-bootstrap"]
    budget = only(doc, "google_billing_budget")
    channels = resources(doc, "google_monitoring_notification_channel")
    emails = [
        channels[ref.split(".")[1]]["labels"]["email_address"]
        for ref in budget["all_updates_rule"]["monitoring_notification_channels"]
    ]
    return budget, emails


def test_each_environments_budget_is_its_configured_one(stacks, environments):
    for env in environments:
        budget, _ = _budget(stacks, env)
        assert budget["billing_account"] == env.monitoring.budget.billing_account
        assert budget["amount"]["specified_amount"]["units"] == str(env.monitoring.budget.amount)
        assert budget["budget_filter"]["projects"] == [f"projects/{env.project_number}"]
        assert budget["display_name"] == f"PACE {env.name} monthly budget"
        assert "google_project_service.billingbudgets" in budget["depends_on"]


def test_the_budget_emails_support_and_pages_pace_platform_warnings_where_there_is_pagerduty(
    stacks, environments
):
    for env in environments:
        _, emails = _budget(stacks, env)
        if env.oncall.mode == "none":
            assert emails == [env.monitoring.support_email], env.name
            continue
        address = f"pace-{env.name}-budget@{env.oncall.pagerduty_subdomain}.pagerduty.com"
        assert emails == [env.monitoring.support_email, address], env.name
        # The oncall stack's email integration on pace-platform-warnings has that address.
        (integration,) = [
            i
            for i in resources(
                stacks[f"{env.name}-oncall"], "pagerduty_service_integration"
            ).values()
            if i.get("type") == "generic_email_inbound_integration"
        ]
        assert integration["integration_email"] == address
        assert "platform-warnings" in integration["service"]


def test_no_budget_where_none_is_configured(environments):
    from dataclasses import replace

    from pace_infra.stacks.bootstrap import budget_props

    env = environments[0]
    assert budget_props(env) is not None
    unset = replace(env, monitoring=replace(env.monitoring, budget=None))
    assert budget_props(unset) is None
