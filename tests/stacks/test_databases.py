"""The databases stack: Pace DB and PACE AI DB on the network stack, named and sized from config."""

from __future__ import annotations

import json
from datetime import datetime

from pace_infra.names import PACE_AI_DB, PACE_DB, EnvNames
from tests.helpers import only, resources


def test_databases_depends_on_what_it_references(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        assert sorted(manifest[f"{env.name}-databases"]["dependencies"]) == [
            f"{env.name}-gke",
            f"{env.name}-network",
        ]


def test_databases_are_named_and_sized_from_config(stacks, environments):
    for env in environments:
        instances = resources(stacks[f"{env.name}-databases"], "google_sql_database_instance")
        for key, name, config in (
            ("pace_db", EnvNames(env.name).database_instance(PACE_DB), env.databases.pace_db),
            (
                "pace_ai_db",
                EnvNames(env.name).database_instance(PACE_AI_DB),
                env.databases.pace_ai_db,
            ),
        ):
            assert instances[key]["name"] == name
            assert instances[key]["settings"]["tier"] == config.tier
            assert instances[key]["settings"]["availability_type"] == env.databases.availability
            assert instances[key]["database_version"] == env.databases.postgres_version


def test_one_database_per_instance(stacks, environments):
    for env in environments:
        databases = resources(stacks[f"{env.name}-databases"], "google_sql_database")
        assert {k: v["name"] for k, v in databases.items()} == {
            "pace_db_database": PACE_DB.database,
            "pace_ai_db_database": PACE_AI_DB.database,
        }


def test_databases_use_the_network_stack_vpc_and_psa_range(stacks, environments):
    for env in environments:
        for instance in resources(
            stacks[f"{env.name}-databases"], "google_sql_database_instance"
        ).values():
            ip = instance["settings"]["ip_configuration"]
            assert f"cross-stack-reference-input-{env.name}-network" in ip["private_network"]
            assert f"cross-stack-reference-input-{env.name}-network" in ip["allocated_ip_range"]


def test_dr_replica_of_pace_db_only_where_configured(stacks, environments):
    for env in environments:
        instances = resources(stacks[f"{env.name}-databases"], "google_sql_database_instance")
        replica = instances.get("pace_db_dr_replica")
        if env.databases.dr_replica_region is None:
            assert replica is None, env.name
        else:
            assert replica["region"] == env.databases.dr_replica_region
    assert {e.name: e.databases.dr_replica_region for e in environments}["prod"] == "europe-west1"


def test_prod_ai_db_has_the_memory_for_pgvector(environments):
    prod = next(env for env in environments if env.name == "prod")
    memory_mib = int(prod.databases.pace_ai_db.tier.rsplit("-", 1)[1])
    assert memory_mib >= 2 * int(prod.databases.pace_db.tier.rsplit("-", 1)[1])


def test_prod_databases_restart_on_sunday_01_utc_and_never_in_the_year_end_freeze(stacks):
    instances = resources(stacks["prod-databases"], "google_sql_database_instance")
    for key in ("pace_db", "pace_ai_db"):
        settings = instances[key]["settings"]
        assert settings["maintenance_window"] == {"day": 7, "hour": 1, "update_track": "stable"}
        assert settings["deny_maintenance_period"] == {
            "start_date": "2026-12-18",
            "end_date": "2027-01-04",
            "time": "18:00:00",
        }


def test_staging_databases_are_maintained_a_day_before_prods(stacks):
    for key in ("pace_db", "pace_ai_db"):
        settings = resources(stacks["staging-databases"], "google_sql_database_instance")[key][
            "settings"
        ]
        assert settings["maintenance_window"]["day"] == 6


def test_the_databases_hour_is_never_inside_the_clusters_window(stacks, environments):
    """A Cloud SQL failover while GKE drains nodes would disrupt the applications twice over."""
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    for env in environments:
        window = only(stacks[f"{env.name}-gke"], "google_container_cluster")["maintenance_policy"][
            "recurring_window"
        ]
        start = datetime.fromisoformat(window["start_time"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(window["end_time"].replace("Z", "+00:00"))
        byday = window["recurrence"].split("BYDAY=")[1].split(",")
        # The cluster's blocks as minutes of the UTC week.
        blocks = [
            (days.index(d) * 1440 + start.hour * 60 + start.minute, end - start) for d in byday
        ]
        for instance in resources(
            stacks[f"{env.name}-databases"], "google_sql_database_instance"
        ).values():
            if "maintenance_window" not in instance["settings"]:
                continue  # a replica: maintained with its primary
            sql = instance["settings"]["maintenance_window"]
            hour = ((sql["day"] - 1) * 1440 + sql["hour"] * 60, 60)  # start, minutes
            for block_start, length in blocks:
                block_end = block_start + int(length.total_seconds() // 60)
                for shift in (-10080, 0, 10080):
                    assert (
                        hour[0] + hour[1] <= block_start + shift or hour[0] >= block_end + shift
                    ), env.name


def test_dev_databases_have_no_deny_period(stacks):
    for instance in resources(stacks["dev-databases"], "google_sql_database_instance").values():
        assert "deny_maintenance_period" not in instance["settings"]


def test_the_jobs_export_and_drill_the_stacks_instances_where_config_says(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-databases"]
        names = EnvNames(env.name)
        workflows = {
            w["name"]: w["user_env_vars"]
            for w in resources(doc, "google_workflows_workflow").values()
        }
        expected = set()
        if env.databases.exports.enabled:
            expected.add(names.database_export)
        if env.databases.restore_drill.enabled:
            expected.add(names.restore_drill)
        assert set(workflows) == expected, env.name
        instances = [names.database_instance(PACE_DB), names.database_instance(PACE_AI_DB)]
        if names.restore_drill in workflows:
            drill = workflows[names.restore_drill]
            assert [d["instance"] for d in json.loads(drill["PACE_DRILLS"])] == instances
            # The clones take their IP from the network stack's PSA range.
            assert "cross-stack-reference-input-" in drill["PACE_ALLOCATED_IP_RANGE"]
        if names.database_export in workflows:
            export = workflows[names.database_export]
            assert [e["instance"] for e in json.loads(export["PACE_EXPORTS"])] == instances


def test_no_instance_of_the_stack_is_named_like_a_drill_scratch_instance(stacks, environments):
    # The drill's account may change and delete instances named with this prefix.
    for env in environments:
        prefix = EnvNames(env.name).drill_scratch_prefix
        for instance in resources(
            stacks[f"{env.name}-databases"], "google_sql_database_instance"
        ).values():
            assert not instance["name"].startswith(prefix), instance["name"]
