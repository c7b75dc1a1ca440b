"""The gke stack: the cluster and its pools on the network stack, and what config drives."""

from __future__ import annotations

import json

from pace_infra.names import EnvNames, namespace
from tests.helpers import by_name, only, resources


def test_gke_depends_on_what_it_references(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        assert manifest[f"{env.name}-gke"]["dependencies"] == [f"{env.name}-network"]


def test_cluster_uses_the_network_stack_through_remote_state(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-gke"]
        remote = doc["data"]["terraform_remote_state"][
            f"cross-stack-reference-input-{env.name}-network"
        ]
        assert remote["config"] == {"bucket": env.state_bucket, "prefix": f"{env.name}/network"}
        cluster = only(doc, "google_container_cluster")
        assert "terraform_remote_state.cross-stack-reference-input" in cluster["network"]
        assert "terraform_remote_state.cross-stack-reference-input" in cluster["subnetwork"]


def test_cluster_location_is_the_zone_in_dev_and_the_region_elsewhere(stacks, environments):
    for env in environments:
        cluster = only(stacks[f"{env.name}-gke"], "google_container_cluster")
        assert cluster["location"] == (env.gke.zone or env.region), env.name
    assert {e.name: e.gke.zone is None for e in environments} == {
        "dev": False,
        "staging": True,
        "prod": True,
    }


def test_cluster_follows_config(stacks, environments):
    for env in environments:
        cluster = only(stacks[f"{env.name}-gke"], "google_container_cluster")
        assert cluster["release_channel"] == {"channel": env.gke.release_channel}
        assert cluster["private_cluster_config"]["master_ipv4_cidr_block"] == str(
            env.network.control_plane_cidr
        )
        assert cluster["deletion_protection"] is env.deletion_protection


def test_node_pools_follow_config(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-gke"]
        for name in ("web", "ai"):
            pool = by_name(doc, "google_container_node_pool", name)
            config = getattr(env.gke, name)
            assert pool["node_config"]["machine_type"] == config.machine_type
            assert pool["autoscaling"]["total_min_node_count"] == config.min_nodes
            assert pool["autoscaling"]["total_max_node_count"] == config.max_nodes
            assert pool["node_config"]["tags"] == [f"{EnvNames(env.name).prefix}-gke-node"]


def test_only_the_ai_pool_is_tainted_for_pace_ai(stacks):
    for name, doc in stacks.items():
        if not name.endswith("-gke"):
            continue
        ai = by_name(doc, "google_container_node_pool", "ai")["node_config"]
        web = by_name(doc, "google_container_node_pool", "web")["node_config"]
        assert ai["taint"] == [{"key": "pace/pool", "value": "ai", "effect": "NO_SCHEDULE"}]
        assert ai["labels"] == {"pace/pool": "ai"}
        assert web.get("taint", []) == []


def test_each_application_has_its_own_gsa_bound_to_its_ksa_in_the_trust_plane(stacks, environments):
    for env in environments:
        gke = stacks[f"{env.name}-gke"]
        accounts = resources(gke, "google_service_account")
        assert accounts["identity_web_sa"]["account_id"] == EnvNames(
            env.name
        ).workload_service_account("web")
        assert accounts["identity_ai_sa"]["account_id"] == EnvNames(
            env.name
        ).workload_service_account("ai")
        # The pipeline applies gke: it creates the accounts but decides nobody's use of them.
        assert resources(gke, "google_service_account_iam_member") == {}
        members = {
            b["service_account_id"].rsplit("identity_", 1)[-1]: b["member"]
            for b in resources(
                stacks[f"{env.name}-cicd"], "google_service_account_iam_member"
            ).values()
            if b["role"] == "roles/iam.workloadIdentityUser"
            and "remote_state" in b["service_account_id"]
        }
        pool = f"serviceAccount:{env.project_id}.svc.id.goog"
        assert members == {
            "web_saname}": f"{pool}[{namespace('web')}/{namespace('web')}]",
            "ai_saname}": f"{pool}[{namespace('ai')}/{namespace('ai')}]",
        }


def test_prod_cluster_upgrades_on_weekend_nights_and_never_in_the_year_end_freeze(stacks):
    policy = only(stacks["prod-gke"], "google_container_cluster")["maintenance_policy"]
    assert policy["recurring_window"] == {
        "start_time": "2025-01-04T02:00:00Z",
        "end_time": "2025-01-04T08:00:00Z",
        "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU",
    }
    assert policy["maintenance_exclusion"] == [
        {
            "exclusion_name": "year-end-2026",
            "start_time": "2026-12-18T18:00:00Z",
            "end_time": "2027-01-04T08:00:00Z",
            "exclusion_options": {"scope": "NO_UPGRADES"},
        }
    ]


def test_an_environment_without_a_freeze_has_no_exclusion(stacks):
    policy = only(stacks["dev-gke"], "google_container_cluster")["maintenance_policy"]
    assert "maintenance_exclusion" not in policy
