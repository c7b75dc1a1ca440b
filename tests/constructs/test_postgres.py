"""PostgresInstance: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import cdktf
import pytest

from pace_infra.config.schedules import DenyMaintenancePeriod, SqlMaintenanceWindow
from pace_infra.config.values import BackupPolicy, SqlInstanceSize
from pace_infra.constructs.postgres import PostgresInstance
from pace_infra.constructs.postgres_settings import DrReplica, PostgresInstanceProps
from tests.helpers import PlainNetwork, PlainServiceAccount, resources, synth_construct

WEB_SA = "pace-t-web@pace-t.iam.gserviceaccount.com"
PROPS = PostgresInstanceProps(
    name="pace-t-db",
    project_id="pace-t",
    region="europe-west2",
    database_version="POSTGRES_18",
    availability="REGIONAL",
    size=SqlInstanceSize(tier="db-custom-2-7680", disk_size_gb=50, disk_autoresize_limit_gb=500),
    network=PlainNetwork(),
    database_name="pace",
    maintenance=SqlMaintenanceWindow(day=7, hour=3),
    backups=BackupPolicy(retained=30),
    labels={"system": "web"},
)
DR = DrReplica(name="pace-t-db-dr", region="europe-west1")
PROMOTED = replace(PROPS, dr_replica=replace(DR, promoted=True))


def _synth(props: PostgresInstanceProps = PROPS, *connectors: str) -> dict:
    """The instance, with `grant_connect` for each connector's email (default: the web GSA)."""

    def build(stack) -> None:
        instance = PostgresInstance(stack, "pace-db", props=props)
        for email in connectors or (WEB_SA,):
            instance.grant_connect(PlainServiceAccount(email))

    return synth_construct(build)


@pytest.fixture(scope="module")
def doc():
    return _synth()


@pytest.fixture(scope="module")
def instance(doc):
    return resources(doc, "google_sql_database_instance")["pace_db"]


@pytest.fixture(scope="module")
def settings(instance):
    return instance["settings"]


def test_version_tier_and_edition(instance, settings):
    assert instance["database_version"] == "POSTGRES_18"
    assert settings["tier"] == "db-custom-2-7680"
    # Postgres 16+ defaults to Enterprise Plus, which has no db-custom tiers.
    assert settings["edition"] == "ENTERPRISE"


def test_performance_optimized_tier_is_enterprise_plus():
    doc = _synth(replace(PROPS, size=replace(PROPS.size, tier="db-perf-optimized-N-8")))
    settings = resources(doc, "google_sql_database_instance")["pace_db"]["settings"]
    assert settings["edition"] == "ENTERPRISE_PLUS"


def test_availability_follows_props(settings):
    assert settings["availability_type"] == "REGIONAL"


def test_ssd_disk_autoresizes_up_to_a_limit(settings):
    assert settings["disk_type"] == "PD_SSD"
    assert (settings["disk_size"], settings["disk_autoresize"]) == (50, True)
    assert settings["disk_autoresize_limit"] == 500


def test_backups_with_point_in_time_recovery(settings):
    backups = settings["backup_configuration"]
    assert backups["enabled"] is True
    assert backups["point_in_time_recovery_enabled"] is True
    assert backups["transaction_log_retention_days"] == 7
    assert backups["start_time"] == "02:00"


def test_retained_backups_counted_and_kept_in_region(settings):
    backups = settings["backup_configuration"]
    assert backups["backup_retention_settings"] == {
        "retained_backups": 30,
        "retention_unit": "COUNT",
    }
    assert backups["location"] == "europe-west2"


def test_private_ip_only_from_the_psa_range(settings):
    ip = settings["ip_configuration"]
    assert ip["ipv4_enabled"] is False
    assert ip["private_network"] == PROPS.network.network_id
    assert ip["allocated_ip_range"] == "pace-t-psa"
    assert "authorized_networks" not in ip


def test_clients_need_a_trusted_certificate_and_a_connector(settings):
    assert settings["ip_configuration"]["ssl_mode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert settings["connector_enforcement"] == "REQUIRED"


def test_iam_authentication_and_pgaudit_flags(settings):
    flags = {f["name"]: f["value"] for f in settings["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"
    assert flags["cloudsql.enable_pgaudit"] == "on"


def test_log_flags_log_ddl_not_row_data(settings):
    flags = {f["name"]: f["value"] for f in settings["database_flags"]}
    assert flags["log_statement"] == "ddl"
    for name in ("log_checkpoints", "log_connections", "log_disconnections", "log_lock_waits"):
        assert flags[name] == "on", name
    assert flags["log_min_error_statement"] == "error"


def test_flag_values_are_strings(settings):
    assert all(isinstance(f["value"], str) for f in settings["database_flags"])


def test_query_insights_on(settings):
    assert settings["insights_config"]["query_insights_enabled"] is True


def test_maintenance_window_on_the_stable_track(settings):
    assert settings["maintenance_window"] == {"day": 7, "hour": 3, "update_track": "stable"}


def test_deletion_protection_in_terraform_and_in_the_api(instance, settings):
    assert instance["deletion_protection"] is True
    assert settings["deletion_protection_enabled"] is True


def test_user_labels(settings):
    assert settings["user_labels"] == {"system": "web"}


def test_built_in_user_passwords_are_policed(settings):
    policy = settings["password_validation_policy"]
    assert policy["enable_password_policy"] is True
    assert policy["min_length"] >= 16


def test_no_root_password_and_no_built_in_user_in_state(instance, doc):
    assert "root_password" not in instance
    assert all(
        user["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
        for user in resources(doc, "google_sql_user").values()
    )
    assert not any("password" in user for user in resources(doc, "google_sql_user").values())


def test_one_database(doc):
    (database,) = resources(doc, "google_sql_database").values()
    assert database["name"] == "pace"
    assert database["instance"] == "${google_sql_database_instance.pace_db.name}"


def test_iam_user_is_the_service_account_without_its_domain_suffix(doc):
    (user,) = resources(doc, "google_sql_user").values()
    assert user["name"] == f'${{trimsuffix("{WEB_SA}", ".gserviceaccount.com")}}'


def test_service_account_may_connect_to_this_instance_only(doc):
    members = list(resources(doc, "google_project_iam_member").values())
    assert sorted(m["role"] for m in members) == [
        "roles/cloudsql.client",
        "roles/cloudsql.instanceUser",
    ]
    for member in members:
        assert member["member"] == f"serviceAccount:{WEB_SA}"
        assert member["condition"]["expression"] == (
            'resource.name == "projects/pace-t/instances/pace-t-db" && '
            'resource.type == "sqladmin.googleapis.com/Instance"'
        )


def test_logical_ids_are_pinned_and_independent_of_the_environment(doc):
    assert list(resources(doc, "google_sql_database_instance")) == ["pace_db"]
    assert list(resources(doc, "google_sql_database")) == ["pace_db_database"]


def test_no_dr_replica_by_default(doc):
    assert "pace_db_dr_replica" not in resources(doc, "google_sql_database_instance")


def test_dr_replica_in_another_region_follows_the_primary():
    doc = _synth(replace(PROPS, dr_replica=DR))
    replica = resources(doc, "google_sql_database_instance")["pace_db_dr_replica"]
    assert replica["name"] == "pace-t-db-dr"
    assert replica["region"] == "europe-west1"
    assert replica["master_instance_name"] == "${google_sql_database_instance.pace_db.name}"
    assert replica["deletion_protection"] is True
    assert replica["settings"]["ip_configuration"]["ipv4_enabled"] is False
    assert replica["settings"]["tier"] == PROPS.size.tier


def test_autoresized_disk_size_is_ignored_so_growth_never_replaces_the_instance():
    # Without it the provider plans a replacement once the disk has grown past disk_size.
    doc = _synth(replace(PROPS, dr_replica=DR))
    for name, instance in resources(doc, "google_sql_database_instance").items():
        assert instance["settings"]["disk_autoresize"] is True, name
        assert "settings[0].disk_size" in instance["lifecycle"]["ignore_changes"], name


def test_the_replica_takes_no_maintenance_window():
    # Replicas are maintained with their primary; a window written there is refused or drifts.
    doc = _synth(replace(PROPS, dr_replica=DR))
    replica = resources(doc, "google_sql_database_instance")["pace_db_dr_replica"]
    assert "maintenance_window" not in replica["settings"]
    assert "settings[0].maintenance_window" in replica["lifecycle"]["ignore_changes"]


def test_connectors_cannot_be_enforced_on_an_instance_with_a_replica():
    # Cloud SQL cannot create a read replica of a private-IP, connectors-only instance.
    doc = _synth(replace(PROPS, dr_replica=DR))
    for name, instance in resources(doc, "google_sql_database_instance").items():
        settings = instance["settings"]
        assert settings["connector_enforcement"] == "NOT_REQUIRED", name
        # What still holds: private IP only, client certificates from the instance's CA.
        assert settings["ip_configuration"]["ipv4_enabled"] is False, name
        assert settings["ip_configuration"]["ssl_mode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"


def test_database_and_iam_users_are_left_in_place_on_destroy(doc):
    (database,) = resources(doc, "google_sql_database").values()
    assert database["deletion_policy"] == "ABANDON"
    users = resources(doc, "google_sql_user").values()
    assert users and {user["deletion_policy"] for user in users} == {"ABANDON"}


def test_destroying_database_and_users_can_be_chosen_where_data_is_disposable():
    doc = _synth(replace(PROPS, keep_database_and_users_on_destroy=False))
    (database,) = resources(doc, "google_sql_database").values()
    assert "deletion_policy" not in database


def test_grant_connect_is_the_only_way_in_and_each_grant_is_its_own_user():
    alone = synth_construct(lambda stack: PostgresInstance(stack, "pace-db", props=PROPS))
    assert not resources(alone, "google_sql_user")
    assert not resources(alone, "google_project_iam_member")

    other = "pace-t-jobs@pace-t.iam.gserviceaccount.com"
    doc = _synth(PROPS, WEB_SA, other)
    users = {u["name"] for u in resources(doc, "google_sql_user").values()}
    assert users == {
        f'${{trimsuffix("{email}", ".gserviceaccount.com")}}' for email in (WEB_SA, other)
    }
    members = resources(doc, "google_project_iam_member").values()
    assert sorted(m["member"] for m in members) == sorted(
        f"serviceAccount:{email}" for email in (WEB_SA, WEB_SA, other, other)
    )
    assert {m["condition"]["title"] for m in members} == {"only pace-t-db"}


def test_backups_outlive_a_deleted_primary_unless_turned_off():
    doc = _synth(replace(PROPS, dr_replica=DR))
    instances = resources(doc, "google_sql_database_instance")
    assert instances["pace_db"]["settings"]["retain_backups_on_delete"] is True
    # A replica has no backups of its own: nothing to retain, the provider sends false.
    assert "retain_backups_on_delete" not in instances["pace_db_dr_replica"]["settings"]
    off = replace(PROPS, backups=replace(PROPS.backups, retain_on_delete=False))
    settings = resources(_synth(off), "google_sql_database_instance")["pace_db"]["settings"]
    assert settings["retain_backups_on_delete"] is False


def test_with_a_dr_region_backups_live_there_and_the_app_may_reach_the_promoted_replica():
    doc = _synth(replace(PROPS, dr_replica=DR))
    instances = resources(doc, "google_sql_database_instance")
    backups = instances["pace_db"]["settings"]["backup_configuration"]
    assert backups["location"] == "europe-west1"  # a regional outage leaves the backups
    grants = list(resources(doc, "google_project_iam_member").values())
    conditions = {g["condition"]["title"]: g for g in grants}
    assert sorted(g["condition"]["title"] for g in grants) == [
        "only pace-t-db",
        "only pace-t-db",
        "only pace-t-db-dr",
        "only pace-t-db-dr",
    ]
    assert conditions["only pace-t-db-dr"]["condition"]["expression"] == (
        'resource.name == "projects/pace-t/instances/pace-t-db-dr" && '
        'resource.type == "sqladmin.googleapis.com/Instance"'
    )
    assert instances["pace_db_dr_replica"]["name"] == "pace-t-db-dr"


def test_without_a_dr_region_backups_stay_in_the_region_and_nothing_names_a_replica(doc):
    instance = resources(doc, "google_sql_database_instance")["pace_db"]
    assert instance["settings"]["backup_configuration"]["location"] == "europe-west2"
    titles = {g["condition"]["title"] for g in resources(doc, "google_project_iam_member").values()}
    assert titles == {"only pace-t-db"}


def test_a_promoted_replica_is_a_primary_with_the_primary_settings():
    # The provider's promotion: instance_type CLOUD_SQL_INSTANCE and no master_instance_name.
    # It also matches a replica promoted by hand, where a kept master would force replacement.
    instances = resources(_synth(PROMOTED), "google_sql_database_instance")
    promoted, primary = instances["pace_db_dr_replica"], instances["pace_db"]
    assert promoted["instance_type"] == "CLOUD_SQL_INSTANCE"
    assert "master_instance_name" not in promoted
    assert (promoted["name"], promoted["region"]) == ("pace-t-db-dr", "europe-west1")
    settings = promoted["settings"]
    assert settings["availability_type"] == "REGIONAL"
    assert settings["maintenance_window"] == primary["settings"]["maintenance_window"]
    assert settings["password_validation_policy"]["min_length"] == 16
    backups = settings["backup_configuration"]
    assert backups["point_in_time_recovery_enabled"] is True
    # Its backups go back to the first region: outside its own.
    assert backups["location"] == "europe-west2"
    assert settings["retain_backups_on_delete"] is True
    assert promoted["lifecycle"]["ignore_changes"] == ["settings[0].disk_size"]


def test_the_promoted_replica_is_what_the_applications_use():
    handles: dict[str, str] = {}

    def build(stack) -> None:
        for key, props in (("plain", PROPS), ("replicated", replace(PROPS, dr_replica=DR))):
            handles[key] = PostgresInstance(stack, f"pace-db-{key}", props=props).serving_name
        handles["promoted"] = PostgresInstance(stack, "pace-db", props=PROMOTED).serving_name

    synth_construct(build)
    assert handles == {"plain": "pace-t-db", "replicated": "pace-t-db", "promoted": "pace-t-db-dr"}


def test_no_deny_maintenance_period_without_a_freeze(settings):
    assert "deny_maintenance_period" not in settings


def test_a_deny_maintenance_period_holds_the_primarys_maintenance_not_the_replicas():
    period = DenyMaintenancePeriod("2026-12-18", "2027-01-04", "18:00:00")
    doc = _synth(replace(PROPS, deny_maintenance_period=period, dr_replica=DR))
    instances = resources(doc, "google_sql_database_instance")
    assert instances["pace_db"]["settings"]["deny_maintenance_period"] == {
        "start_date": "2026-12-18",
        "end_date": "2027-01-04",
        "time": "18:00:00",
    }
    assert "deny_maintenance_period" not in instances["pace_db_dr_replica"]["settings"]


def test_the_instances_own_service_account_is_a_handle():
    # Cloud SQL writes exports as it: the exports bucket's writer (cicd) is this reference.
    def build(stack):
        created = PostgresInstance(stack, "pace-db", props=PROPS)
        cdktf.TerraformOutput(stack, "sa", value=created.service_account_email)

    doc = synth_construct(build)
    assert doc["output"]["sa"]["value"] == (
        "${google_sql_database_instance.pace_db.service_account_email_address}"
    )


def test_plain_handles_name_the_replica_and_the_autoresize_limit_the_alerts_watch():
    built: list[PostgresInstance] = []

    def build(stack) -> None:
        for id_, props in (("plain", PROPS), ("dr", replace(PROPS, dr_replica=DR))):
            built.append(PostgresInstance(stack, id_, props=props))
        built.append(PostgresInstance(stack, "promoted", props=PROMOTED))

    doc = synth_construct(build)
    plain, dr, promoted = built
    assert (plain.replica_name, plain.disk_autoresize_limit_gb) == (None, 500)
    names = {i["name"] for i in resources(doc, "google_sql_database_instance").values()}
    assert dr.replica_name in names and dr.replica_name != dr.name
    # Once promoted, it is a primary: no replica to watch for lag.
    assert promoted.replica_name is None
