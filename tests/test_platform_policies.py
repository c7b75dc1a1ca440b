"""Policy assertions Checkov does not make, over every synthesized environment."""

from __future__ import annotations

import re

import pytest

from pace_infra.names import PACE_AI_DB, PACE_DB, EnvNames
from tests.helpers import resources

MIN_PROD_BACKUPS = 14


def _instances(stacks, env):
    return resources(stacks[f"{env.name}-databases"], "google_sql_database_instance")


def _primaries(stacks, env):
    return {k: v for k, v in _instances(stacks, env).items() if "master_instance_name" not in v}


def test_protected_databases_are_highly_available(stacks, environments):
    for env in (e for e in environments if e.protected):
        for key, instance in _primaries(stacks, env).items():
            assert instance["settings"]["availability_type"] == "REGIONAL", (env.name, key)


def test_every_primary_database_has_pitr(stacks, environments):
    for env in environments:
        for key, instance in _primaries(stacks, env).items():
            backups = instance["settings"]["backup_configuration"]
            assert backups["enabled"] and backups["point_in_time_recovery_enabled"], (env.name, key)


def test_prod_keeps_at_least_14_backups(stacks, environments):
    prod = next(e for e in environments if e.name == "prod")
    for key, instance in _primaries(stacks, prod).items():
        retention = instance["settings"]["backup_configuration"]["backup_retention_settings"]
        assert retention["retained_backups"] >= MIN_PROD_BACKUPS, key


def test_protected_databases_cannot_be_deleted(stacks, environments):
    for env in (e for e in environments if e.protected):
        for key, instance in _instances(stacks, env).items():
            assert instance["deletion_protection"] is True, (env.name, key)
            assert instance["settings"]["deletion_protection_enabled"] is True, (env.name, key)


def test_no_database_has_a_public_ip(stacks, environments):
    for env in environments:
        for key, instance in _instances(stacks, env).items():
            assert instance["settings"]["ip_configuration"]["ipv4_enabled"] is False, (
                env.name,
                key,
            )


def test_every_cluster_has_private_nodes(stacks, environments):
    for env in environments:
        (cluster,) = resources(stacks[f"{env.name}-gke"], "google_container_cluster").values()
        assert cluster["private_cluster_config"]["enable_private_nodes"] is True


def test_protected_clusters_cannot_be_deleted(stacks, environments):
    for env in (e for e in environments if e.protected):
        (cluster,) = resources(stacks[f"{env.name}-gke"], "google_container_cluster").values()
        assert cluster["deletion_protection"] is True, env.name


def test_no_cluster_authorizes_the_internet(stacks, environments):
    for env in environments:
        (cluster,) = resources(stacks[f"{env.name}-gke"], "google_container_cluster").values()
        blocks = cluster["master_authorized_networks_config"]["cidr_blocks"]
        assert all(block["cidr_block"] != "0.0.0.0/0" for block in blocks)


# Which application GSA reaches which instance (the GSA is a cross-stack reference whose output
# name carries the pinned logical id of the gke stack's account).
OWNER = {"identity_web_sa": PACE_DB, "identity_ai_sa": PACE_AI_DB}


def _identity(reference: str) -> str:
    (match,) = re.findall(r"identity_(?:web|ai)_sa", reference)
    return match


@pytest.mark.parametrize("env_name", ["dev", "staging", "prod"])
def test_each_app_gsa_reaches_only_its_own_database(stacks, environments, env_name):
    env = next(e for e in environments if e.name == env_name)
    doc = stacks[f"{env.name}-databases"]
    grants = resources(doc, "google_project_iam_member").values()
    assert grants
    for grant in grants:
        assert grant["role"] in {"roles/cloudsql.client", "roles/cloudsql.instanceUser"}
        instance = EnvNames(env.name).database_instance(OWNER[_identity(grant["member"])])
        # Exactly one instance: its own database, or that database's DR replica (promotable).
        named = re.findall(
            rf'"projects/{env.project_id}/instances/([^"]+)"', grant["condition"]["expression"]
        )
        assert named in ([instance], [f"{instance}-dr"]), grant["condition"]
    for user in resources(doc, "google_sql_user").values():
        key = "pace_db" if OWNER[_identity(user["name"])] is PACE_DB else "pace_ai_db"
        assert user["instance"] == f"${{google_sql_database_instance.{key}.name}}"


def test_no_unconditional_cloud_sql_connect_grant_anywhere(stacks):
    # Connecting is always scoped to one instance; only the deployer administers Cloud SQL.
    for name, doc in stacks.items():
        for grant in resources(doc, "google_project_iam_member").values():
            if grant["role"] in {"roles/cloudsql.client", "roles/cloudsql.instanceUser"}:
                assert "condition" in grant, name


# --- CI/CD and in-cluster policies (issue 4) ---------------------------------------------------


def test_no_kubernetes_secret_data_anywhere(stacks):
    for name, doc in stacks.items():
        kinds = set(doc.get("resource", {})) | set(doc.get("data", {}))
        assert not {k for k in kinds if k.startswith("kubernetes_secret")}, name
        for release in resources(doc, "helm_release").values():
            assert "set_sensitive" not in release, name


def test_every_wif_provider_has_a_condition_and_an_allowed_audience(stacks):
    providers = [
        provider
        for doc in stacks.values()
        for provider in resources(doc, "google_iam_workload_identity_pool_provider").values()
    ]
    assert providers
    for provider in providers:
        assert provider["attribute_condition"].strip()
        assert provider["oidc"]["allowed_audiences"]


def _project_grants(stacks):
    return [
        (name, grant)
        for name, doc in stacks.items()
        for grant in resources(doc, "google_project_iam_member").values()
    ]


def test_ci_service_account_holds_no_project_wide_role_but_creating_attestations(stacks):
    # An attestation is an occurrence, created under the project (Container Analysis checks
    # containeranalysis.occurrences.create there), and the scan results the vulnerability gate
    # reads are occurrences too: a custom role that reads and creates, never changes.
    writer = "${google_project_iam_custom_role.attestation_writer_role.name}"
    for name, grant in _project_grants(stacks):
        if "ci_sa" in grant["member"]:
            assert grant["role"] == writer, (name, grant["role"])
            role = resources(stacks[name], "google_project_iam_custom_role")
            assert role["attestation_writer_role"]["permissions"] == [
                "containeranalysis.occurrences.create",
                "containeranalysis.occurrences.get",
                "containeranalysis.occurrences.list",
            ]


def test_only_the_deploy_service_account_holds_admin_roles_on_the_project(stacks):
    # Besides Checkov's CKV_GCP_49: no other member holds an admin or service-account role.
    # (A service-account role that only reads, serviceAccountViewer, is the planner's.)
    for name, grant in _project_grants(stacks):
        role = grant["role"]
        acts = role.startswith("roles/iam.serviceAccount") and not role.endswith("Viewer")
        if "admin" in role.lower() or acts:
            assert grant["member"].endswith("deploy_sa.member}"), (name, role)


def test_no_basic_role_anywhere(stacks):
    for name, grant in _project_grants(stacks):
        assert grant["role"] not in {"roles/owner", "roles/editor", "roles/viewer"}, name


def test_no_autoresized_instance_can_be_replaced_by_its_own_growth(stacks, environments):
    for env in environments:
        for key, instance in _instances(stacks, env).items():
            if instance["settings"].get("disk_autoresize"):
                ignored = instance.get("lifecycle", {}).get("ignore_changes", [])
                assert "settings[0].disk_size" in ignored, (env.name, key)


def test_protected_databases_and_users_survive_a_destroy_in_terraform(stacks, environments):
    for env in (e for e in environments if e.protected):
        doc = stacks[f"{env.name}-databases"]
        for kind in ("google_sql_database", "google_sql_user"):
            for key, resource in resources(doc, kind).items():
                assert resource.get("deletion_policy") == "ABANDON", (env.name, kind, key)


def test_protected_environments_refuse_to_destroy_the_argo_cd_applications(stacks, environments):
    for env in environments:
        release = resources(stacks[f"{env.name}-platform"], "helm_release")["argocd_apps_release"]
        assert release["lifecycle"]["prevent_destroy"] is env.protected, env.name


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("gke", "google_container_cluster"),
        ("gke", "google_container_node_pool"),
        ("edge", "google_compute_global_address"),
        ("edge", "google_compute_security_policy"),
        ("edge", "google_compute_ssl_policy"),
    ],
)
def test_protected_environments_refuse_plans_that_destroy(stacks, environments, unit, kind):
    for env in environments:
        for key, resource in resources(stacks[f"{env.name}-{unit}"], kind).items():
            assert resource["lifecycle"]["prevent_destroy"] is env.protected, (env.name, key)


def test_connectors_are_required_wherever_cloud_sql_allows_it(stacks, environments):
    for env in environments:
        instances = _instances(stacks, env)
        replicated = {
            i["master_instance_name"] for i in instances.values() if "master_instance_name" in i
        }
        for key, instance in instances.items():
            in_pair = (
                "master_instance_name" in instance
                or f"${{google_sql_database_instance.{key}.name}}" in replicated
            )
            expected = "NOT_REQUIRED" if in_pair else "REQUIRED"
            assert instance["settings"]["connector_enforcement"] == expected, (env.name, key)


def test_the_deploy_identity_may_grant_exactly_the_roles_its_stacks_grant(stacks, environments):
    from pace_infra import units
    from pace_infra.constructs.deployer import GRANTABLE_ROLES

    granted = {
        grant["role"]
        for env in environments
        for stack in units.pipeline_stacks(env)
        for grant in resources(stacks[stack], "google_project_iam_member").values()
    }
    assert granted == set(GRANTABLE_ROLES)


def test_the_deploy_identity_holds_a_role_for_every_type_it_applies_and_no_other(
    stacks, environments
):
    """For each stack the pipeline applies, the deploy SA can manage every resource in it; and
    it holds no project role that none of those resources needs."""
    from pace_infra import units
    from pace_infra.constructs.deployer import DEPLOY_ROLES, RESOURCE_ROLES

    for env in environments:
        applied = {
            kind
            for stack in units.pipeline_stacks(env)
            for kind in stacks[stack].get("resource", {})
        }
        assert applied <= set(RESOURCE_ROLES), applied - set(RESOURCE_ROLES)
        cicd = stacks[f"{env.name}-cicd"]
        custom = {
            f"${{google_project_iam_custom_role.{key}.name}}": role["role_id"]
            for key, role in resources(cicd, "google_project_iam_custom_role").items()
        }
        granted = {
            custom.get(member["role"], member["role"])
            for member in resources(cicd, "google_project_iam_member").values()
            if "deploy_sa" in member["member"]
        }
        assert granted == set(DEPLOY_ROLES), env.name
    every_env = {
        kind
        for env in environments
        for stack in units.pipeline_stacks(env)
        for kind in stacks[stack].get("resource", {})
    }
    assert set(RESOURCE_ROLES) == every_env  # no role kept for a type nothing applies


def test_the_state_bucket_iam_is_applied_by_hand_not_by_the_identity_it_grants(
    stacks, environments
):
    from pace_infra import units

    for env in environments:
        for stack in units.pipeline_stacks(env):
            assert "google_storage_bucket_iam_member" not in stacks[stack].get("resource", {})
        assert "cicd" in units.HAND_APPLIED_UNITS


def test_every_bucket_keeps_what_is_written_to_it(stacks):
    """Versioned (the state bucket: every apply is a version to go back to) or retention-locked
    (the exports bucket: nothing can be replaced or deleted at all within the period; GCS does
    not combine a retention policy with versioning). CKV_GCP_78 (versioning) is skipped for the
    second kind, so this is what checks both."""
    for name, doc in stacks.items():
        for key, bucket in resources(doc, "google_storage_bucket").items():
            versioned = bucket.get("versioning", {}).get("enabled") is True
            retention = bucket.get("retention_policy", {})
            locked = retention.get("retention_period", 0) > 0 and (
                retention.get("is_locked") is True or not name.startswith(("prod-", "staging-"))
            )
            assert versioned != bool(retention), (name, key)  # one or the other, not both
            assert versioned or locked, (name, key)
