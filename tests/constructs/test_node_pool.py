"""NodePool, in a GkeCluster: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pace_infra.config.values import NodePoolSize
from pace_infra.constructs.node_pool import NodePoolProps
from tests.helpers import GKE_CLUSTER, only, resources, synth_gke

POOL = NodePoolProps(
    name="ai",
    size=NodePoolSize(machine_type="n2-standard-8", min_nodes=3, max_nodes=12, disk_size_gb=200),
    node_labels={"pace/pool": "ai"},
    taints=(("pace/pool", "ai", "NO_SCHEDULE"),),
    labels={"system": "ai"},
)


@pytest.fixture(scope="module")
def doc():
    return synth_gke(pool=POOL)


@pytest.fixture(scope="module")
def pool(doc):
    return only(doc, "google_container_node_pool")


@pytest.fixture(scope="module")
def cluster(doc):
    return only(doc, "google_container_cluster")


def test_pool_size_and_machine_from_props(pool):
    assert pool["autoscaling"]["total_min_node_count"] == 3
    assert pool["autoscaling"]["total_max_node_count"] == 12
    assert pool["node_config"]["machine_type"] == "n2-standard-8"
    assert pool["node_config"]["disk_size_gb"] == 200


def test_pool_belongs_to_the_cluster(pool):
    assert pool["cluster"] == "${google_container_cluster.gke_cluster.id}"


def test_pool_auto_repairs_and_auto_upgrades(pool):
    assert pool["management"] == {"auto_repair": True, "auto_upgrade": True}


def test_pool_surge_upgrades_without_losing_capacity(pool):
    assert pool["upgrade_settings"] == {"strategy": "SURGE", "max_surge": 1, "max_unavailable": 0}


def test_pool_nodes_are_shielded(pool):
    assert pool["node_config"]["shielded_instance_config"] == {
        "enable_secure_boot": True,
        "enable_integrity_monitoring": True,
    }


def test_pool_nodes_use_gke_metadata_server(pool):
    assert pool["node_config"]["workload_metadata_config"] == {"mode": "GKE_METADATA"}


def test_pool_nodes_run_cos_containerd_with_the_dedicated_sa(pool):
    config = pool["node_config"]
    assert config["image_type"] == "COS_CONTAINERD"
    # The cluster's own node service account: add_node_pool gives every pool the same one.
    assert config["service_account"] == "${google_service_account.gke_node_sa.email}"
    assert config["oauth_scopes"] == ["https://www.googleapis.com/auth/cloud-platform"]


def test_pool_nodes_are_labelled_tainted_and_tagged(pool):
    config = pool["node_config"]
    assert config["labels"] == {"pace/pool": "ai"}
    assert config["taint"] == [{"key": "pace/pool", "value": "ai", "effect": "NO_SCHEDULE"}]
    assert config["tags"] == ["pace-t-gke-node"]
    assert config["resource_labels"] == {"system": "ai"}


def test_pool_has_a_pinned_logical_id():
    doc = synth_gke(pool=POOL)
    assert list(resources(doc, "google_container_node_pool")) == ["node_pool_ai"]


def test_a_pool_starts_with_one_node_per_zone_the_autoscaler_will_not_add(pool):
    # Without it the provider creates the pool with 0 nodes and the autoscaler only uses the
    # minimum when scaling down: the cluster (default pool removed) would have no node at all.
    assert pool["initial_node_count"] == 1
    assert pool["lifecycle"]["ignore_changes"] == ["initial_node_count"]  # ForceNew, drifts


def test_a_pool_with_no_minimum_starts_empty():
    pool = only(
        synth_gke(pool=replace(POOL, size=replace(POOL.size, min_nodes=0))),
        "google_container_node_pool",
    )
    assert pool["initial_node_count"] == 0


def test_cluster_and_pools_refuse_a_destroying_plan_when_protected(cluster, pool):
    # deletion_protection is checked only when the cluster itself is deleted, after its pools.
    assert cluster["lifecycle"]["prevent_destroy"] is True
    assert pool["lifecycle"]["prevent_destroy"] is True


def test_unprotected_cluster_and_pools_may_be_destroyed():
    doc = synth_gke(replace(GKE_CLUSTER, deletion_protection=False), replace(POOL, protect=False))
    assert only(doc, "google_container_cluster")["lifecycle"]["prevent_destroy"] is False
    assert only(doc, "google_container_node_pool")["lifecycle"]["prevent_destroy"] is False
