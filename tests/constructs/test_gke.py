"""GkeCluster: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pace_infra.config.schedules import MaintenanceExclusion
from tests.helpers import GKE_CLUSTER, only, resources, synth_gke


@pytest.fixture(scope="module")
def doc():
    return synth_gke()


@pytest.fixture(scope="module")
def cluster(doc):
    return only(doc, "google_container_cluster")


def test_nodes_are_private(cluster):
    assert cluster["private_cluster_config"]["enable_private_nodes"] is True


def test_control_plane_ip_endpoint_is_private_with_global_access(cluster):
    config = cluster["private_cluster_config"]
    assert config["enable_private_endpoint"] is True
    assert config["master_ipv4_cidr_block"] == "172.16.0.0/28"
    assert config["master_global_access_config"] == {"enabled": True}


def test_control_plane_is_reached_through_the_iam_gated_dns_endpoint(cluster):
    endpoints = cluster["control_plane_endpoints_config"]
    assert endpoints["dns_endpoint_config"] == {"allow_external_traffic": True}


def test_master_authorized_networks_come_from_props_and_exclude_google_public_ranges(cluster):
    config = cluster["master_authorized_networks_config"]
    assert config["cidr_blocks"] == [{"cidr_block": "10.0.0.0/20", "display_name": "gke-nodes"}]
    assert config["gcp_public_cidrs_access_enabled"] is False


def test_workload_identity_pool_is_the_project_pool(cluster):
    assert cluster["workload_identity_config"] == {"workload_pool": "pace-t.svc.id.goog"}


def test_release_channel_follows_props():
    doc = synth_gke(replace(GKE_CLUSTER, release_channel="STABLE"))
    assert only(doc, "google_container_cluster")["release_channel"] == {"channel": "STABLE"}


def test_shielded_nodes(cluster):
    assert cluster["enable_shielded_nodes"] is True


def test_dataplane_v2_with_legacy_network_policy_block_disabled(cluster):
    assert cluster["datapath_provider"] == "ADVANCED_DATAPATH"
    assert cluster["network_policy"] == {"enabled": False}


def test_binary_authorization_enforces_the_project_policy(cluster):
    assert cluster["binary_authorization"] == {
        "evaluation_mode": "PROJECT_SINGLETON_POLICY_ENFORCE"
    }


def test_no_client_certificate_and_no_legacy_abac(cluster):
    assert cluster["master_auth"]["client_certificate_config"] == {
        "issue_client_certificate": False
    }
    assert cluster["enable_legacy_abac"] is False


def test_vpc_native_ranges_are_the_named_secondary_ranges(cluster):
    assert cluster["networking_mode"] == "VPC_NATIVE"
    assert cluster["ip_allocation_policy"] == {
        "cluster_secondary_range_name": "pods",
        "services_secondary_range_name": "services",
    }


def test_default_node_pool_is_removed(cluster):
    assert cluster["remove_default_node_pool"] is True


def test_node_config_drift_is_ignored(cluster):
    assert "node_config" in cluster["lifecycle"]["ignore_changes"]


def test_temporary_default_pool_uses_the_dedicated_node_sa(cluster):
    assert (
        cluster["node_config"]["service_account"] == "${google_service_account.gke_node_sa.email}"
    )


def test_maintenance_window_is_recurring(cluster):
    window = cluster["maintenance_policy"]["recurring_window"]
    assert window["recurrence"] == "FREQ=WEEKLY;BYDAY=SA,SU"
    assert (window["start_time"], window["end_time"]) == (
        "2025-01-04T02:00:00Z",
        "2025-01-04T08:00:00Z",
    )


def test_no_maintenance_exclusion_without_a_freeze(cluster):
    assert "maintenance_exclusion" not in cluster["maintenance_policy"]


def test_maintenance_exclusions_name_their_scope():
    # Without exclusion_options the provider reads NO_UPGRADES back: a permanent diff.
    exclusion = MaintenanceExclusion("year-end", "2026-12-18T18:00:00Z", "2027-01-04T08:00:00Z")
    doc = synth_gke(replace(GKE_CLUSTER, maintenance_exclusions=(exclusion,)))
    policy = only(doc, "google_container_cluster")["maintenance_policy"]
    assert policy["maintenance_exclusion"] == [
        {
            "exclusion_name": "year-end",
            "start_time": "2026-12-18T18:00:00Z",
            "end_time": "2027-01-04T08:00:00Z",
            "exclusion_options": {"scope": "NO_UPGRADES"},
        }
    ]
    assert policy["recurring_window"]["recurrence"] == "FREQ=WEEKLY;BYDAY=SA,SU"


def test_logs_system_components_and_workloads(cluster):
    assert set(cluster["logging_config"]["enable_components"]) == {"SYSTEM_COMPONENTS", "WORKLOADS"}


def test_managed_prometheus_and_kube_state_metrics(cluster):
    monitoring = cluster["monitoring_config"]
    assert monitoring["managed_prometheus"] == {"enabled": True}
    assert {"SYSTEM_COMPONENTS", "POD", "DEPLOYMENT"} <= set(monitoring["enable_components"])


def test_deletion_protection_defaults_on(cluster):
    assert cluster["deletion_protection"] is True


def test_deletion_protection_follows_props():
    doc = synth_gke(replace(GKE_CLUSTER, deletion_protection=False))
    assert only(doc, "google_container_cluster")["deletion_protection"] is False


def test_resource_labels(cluster):
    assert cluster["resource_labels"] == {"system": "platform"}


def test_intranode_visibility_on(cluster):
    assert cluster["enable_intranode_visibility"] is True


def test_google_groups_rbac_only_when_a_group_is_given(cluster):
    assert "authenticator_groups_config" not in cluster
    group = "gke-security-groups@pace.example"
    doc = synth_gke(replace(GKE_CLUSTER, rbac_security_group=group))
    assert only(doc, "google_container_cluster")["authenticator_groups_config"] == {
        "security_group": group
    }


def test_cluster_and_node_sa_have_pinned_logical_ids(doc):
    assert list(resources(doc, "google_container_cluster")) == ["gke_cluster"]
    assert list(resources(doc, "google_service_account")) == ["gke_node_sa"]


def test_node_sa_holds_only_the_node_roles(doc):
    roles = {m["role"]: m for m in resources(doc, "google_project_iam_member").values()}
    # Image pulls are granted on the PACE repository (cicd stack), not the project.
    assert set(roles) == {"roles/container.defaultNodeServiceAccount"}
    assert {m["member"] for m in roles.values()} == {"${google_service_account.gke_node_sa.member}"}


def test_the_cluster_waits_for_its_node_account_grants(doc, cluster):
    grants = {f"google_project_iam_member.{k}" for k in resources(doc, "google_project_iam_member")}
    assert grants and grants <= set(cluster["depends_on"])
