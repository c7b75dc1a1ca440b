"""The naming rules, as pure values: `pace-<env>-<thing>`, and `pace-<system>` for what a cluster
or a PagerDuty account holds once. That the stacks create exactly these names is proved on the
synthesized stacks in tests/stacks/test_names.py."""

from __future__ import annotations

import pytest

from pace_infra.names import (
    FEDERATION_PROVIDER_ID,
    PACE_AI_DB,
    PACE_DB,
    WORKLOADS,
    EdgeNames,
    EnvNames,
    database_exports_bucket,
    errors_log_metric,
    namespace,
    pagerduty_service,
    service_account_email,
    stack_name,
)

PROD = EnvNames("prod")


def test_an_environments_resources_are_pace_env_thing():
    assert PROD.prefix == "pace-prod"
    assert PROD.resource("vpc") == "pace-prod-vpc"
    assert PROD.cluster == "pace-prod-gke"
    assert PROD.node_service_account == "pace-prod-gke-nodes"
    assert PROD.edge == EdgeNames("pace-prod-web-ip", "pace-prod-web-armor", "pace-prod-web-tls")
    assert PROD.gitops_secret == "pace-prod-gitops-repo"
    assert PROD.federation_pool == "pace-prod-bitbucket"


def test_the_pipelines_and_the_applications_service_accounts():
    assert (PROD.ci_service_account, PROD.deploy_service_account) == (
        "pace-prod-ci",
        "pace-prod-deploy",
    )
    assert PROD.planner_service_account == "pace-prod-planner"
    assert [PROD.workload_service_account(w) for w in WORKLOADS] == [
        "pace-prod-web",
        "pace-prod-ai",
    ]


def test_names_carry_the_environment_they_belong_to():
    assert EnvNames("dev").cluster == "pace-dev-gke"
    assert EnvNames("staging").database_instance(PACE_DB) == "pace-staging-db"


def test_database_instances_drop_the_pace_of_their_key():
    assert PROD.database_instance(PACE_DB) == "pace-prod-db"
    assert PROD.database_instance(PACE_AI_DB) == "pace-prod-ai-db"


def test_each_database_belongs_to_one_system():
    assert (PACE_DB.key, PACE_DB.database, PACE_DB.workload) == ("pace-db", "pace", "web")
    assert (PACE_AI_DB.key, PACE_AI_DB.database, PACE_AI_DB.workload) == (
        "pace-ai-db",
        "pace_ai",
        "ai",
    )


def test_namespaces_are_pace_system():
    assert WORKLOADS == ("web", "ai")
    assert [namespace(w) for w in WORKLOADS] == ["pace-web", "pace-ai"]


def test_error_log_metrics_name_their_subject():
    assert errors_log_metric("web") == "pace-errors-web"
    assert errors_log_metric("pace-prod-db") == "pace-errors-pace-prod-db"


@pytest.mark.parametrize(
    ("system", "route", "service"),
    [
        ("web", "urgent", "pace-web"),
        ("web", "support-hours", "pace-web-warnings"),
        ("data", "urgent", "pace-data"),
        ("platform", "support-hours", "pace-platform-warnings"),
    ],
)
def test_pagerduty_services_page_now_or_in_support_hours(system, route, service):
    assert pagerduty_service(system, route) == service


def test_stacks_are_env_dash_unit():
    assert stack_name("prod", "databases") == "prod-databases"


def test_service_account_emails():
    assert service_account_email("pace-prod-ci", "pace-crm-prod") == (
        "pace-prod-ci@pace-crm-prod.iam.gserviceaccount.com"
    )


def test_the_federation_provider_is_named_by_project_number_and_pool():
    assert FEDERATION_PROVIDER_ID == "bitbucket-pipelines"
    assert PROD.federation_provider("123456789012") == (
        "projects/123456789012/locations/global/workloadIdentityPools/pace-prod-bitbucket/"
        "providers/bitbucket-pipelines"
    )


def test_the_database_jobs_names():
    assert (PROD.database_export, PROD.restore_drill, PROD.database_jobs_scheduler) == (
        "pace-prod-db-export",
        "pace-prod-db-drill",
        "pace-prod-db-scheduler",
    )
    assert PROD.drill_scratch_stem(PACE_AI_DB) == "pace-prod-drill-ai-db"
    assert PROD.drill_scratch_stem(PACE_DB).startswith(PROD.drill_scratch_prefix)
    assert database_exports_bucket("pace-crm-prod") == "pace-crm-prod-db-exports"
    # No real instance may look like a scratch one: the drill may delete those.
    for database in (PACE_DB, PACE_AI_DB):
        assert not PROD.database_instance(database).startswith(PROD.drill_scratch_prefix)
        assert not f"{PROD.database_instance(database)}-dr".startswith(PROD.drill_scratch_prefix)
