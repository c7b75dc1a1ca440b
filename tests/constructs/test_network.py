"""The Network construct: one behaviour per test."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.config.values import NatSettings
from pace_infra.constructs.network import Network, NetworkProps
from tests.helpers import by_name, only, resources, synth_construct

PROPS = NetworkProps(
    name_prefix="pace-t",
    region="europe-west2",
    subnet_cidr=IPv4Network("10.0.0.0/20"),
    pods_cidr=IPv4Network("10.4.0.0/14"),
    services_cidr=IPv4Network("10.0.16.0/20"),
    psa_cidr=IPv4Network("10.0.32.0/20"),
    allow_iap_ssh=False,
    flow_log_sampling=0.25,
    load_balancer_ports=(3000,),
    labels={"system": "platform"},
    nat=NatSettings(min_ports_per_vm=128, max_ports_per_vm=8192),
)


def _synth(props: NetworkProps) -> tuple[dict, dict]:
    handles: dict = {}

    def build(stack):
        handles["network"] = Network(stack, "network", props=props)

    return synth_construct(build), handles


@pytest.fixture(scope="module")
def default():
    return _synth(PROPS)


@pytest.fixture(scope="module")
def doc(default):
    return default[0]


@pytest.fixture(scope="module")
def with_iap():
    from dataclasses import replace

    return _synth(replace(PROPS, allow_iap_ssh=True))[0]


def test_vpc_is_custom_mode(doc):
    assert only(doc, "google_compute_network")["auto_create_subnetworks"] is False


def test_subnet_has_planned_primary_range(doc):
    assert only(doc, "google_compute_subnetwork")["ip_cidr_range"] == "10.0.0.0/20"


def test_subnet_secondary_ranges_are_pods_and_services(doc):
    ranges = only(doc, "google_compute_subnetwork")["secondary_ip_range"]
    assert {r["range_name"]: r["ip_cidr_range"] for r in ranges} == {
        "pods": "10.4.0.0/14",
        "services": "10.0.16.0/20",
    }


def test_subnet_has_private_google_access(doc):
    assert only(doc, "google_compute_subnetwork")["private_ip_google_access"] is True


def test_subnet_flow_logs_use_configured_sampling(doc):
    log_config = only(doc, "google_compute_subnetwork")["log_config"]
    assert log_config["flow_sampling"] == 0.25
    assert log_config["metadata"] == "INCLUDE_ALL_METADATA"


def test_nat_logs_errors(doc):
    assert only(doc, "google_compute_router_nat")["log_config"] == {
        "enable": True,
        "filter": "ERRORS_ONLY",
    }


def test_nat_uses_dynamic_port_allocation_without_endpoint_independent_mapping(doc):
    nat = only(doc, "google_compute_router_nat")
    assert nat["enable_dynamic_port_allocation"] is True
    assert nat["enable_endpoint_independent_mapping"] is False
    assert (nat["min_ports_per_vm"], nat["max_ports_per_vm"]) == (128, 8192)


def test_nat_covers_only_the_gke_subnet(doc):
    nat = only(doc, "google_compute_router_nat")
    assert nat["source_subnetwork_ip_ranges_to_nat"] == "LIST_OF_SUBNETWORKS"
    assert [s["name"] for s in nat["subnetwork"]] == ["${google_compute_subnetwork.gke_subnet.id}"]


def test_nat_sits_on_a_router_in_the_vpc(doc):
    router = only(doc, "google_compute_router")
    assert router["network"] == "${google_compute_network.vpc.id}"
    assert router["region"] == "europe-west2"


def test_health_check_ranges_reach_nodes_only(doc):
    rule = by_name(doc, "google_compute_firewall", "pace-t-allow-gclb-health-checks")
    assert sorted(rule["source_ranges"]) == ["130.211.0.0/22", "35.191.0.0/16"]
    assert rule["target_tags"] == ["pace-t-gke-node"]
    assert rule["direction"] == "INGRESS"


def test_iap_ssh_rule_absent_by_default(doc):
    names = {r["name"] for r in resources(doc, "google_compute_firewall").values()}
    assert "pace-t-allow-iap-ssh" not in names


def test_iap_ssh_rule_when_enabled_allows_only_iap_range_on_port_22(with_iap):
    rule = by_name(with_iap, "google_compute_firewall", "pace-t-allow-iap-ssh")
    assert rule["source_ranges"] == ["35.235.240.0/20"]
    assert rule["allow"] == [{"protocol": "tcp", "ports": ["22"]}]
    assert rule["target_tags"] == ["pace-t-gke-node"]


def test_deny_all_ingress_is_lowest_priority_and_logged(doc):
    rule = by_name(doc, "google_compute_firewall", "pace-t-deny-all-ingress")
    assert rule["deny"] == [{"protocol": "all"}]
    assert rule["source_ranges"] == ["0.0.0.0/0"]
    others = [
        r["priority"] for r in resources(doc, "google_compute_firewall").values() if r is not rule
    ]
    assert rule["priority"] == 65534 and all(p < 65534 for p in others)
    assert "log_config" in rule


def test_every_firewall_rule_is_logged(with_iap):
    for rule in resources(with_iap, "google_compute_firewall").values():
        assert rule["log_config"] == {"metadata": "INCLUDE_ALL_METADATA"}, rule["name"]


def test_psa_range_is_an_internal_vpc_peering_range(doc):
    address = only(doc, "google_compute_global_address")
    assert (address["purpose"], address["address_type"]) == ("VPC_PEERING", "INTERNAL")
    assert (address["address"], address["prefix_length"]) == ("10.0.32.0", 20)
    assert address["network"] == "${google_compute_network.vpc.id}"


def test_psa_connection_uses_the_range_and_abandons_on_destroy(doc):
    connection = only(doc, "google_service_networking_connection")
    assert connection["service"] == "servicenetworking.googleapis.com"
    assert connection["reserved_peering_ranges"] == [
        "${google_compute_global_address.psa_range.name}"
    ]
    assert connection["deletion_policy"] == "ABANDON"


@pytest.mark.parametrize(
    ("kind", "logical_id"),
    [
        ("google_compute_network", "vpc"),
        ("google_compute_subnetwork", "gke_subnet"),
        ("google_compute_global_address", "psa_range"),
        ("google_service_networking_connection", "psa_connection"),
    ],
)
def test_stateful_resources_have_pinned_logical_ids(doc, kind, logical_id):
    assert list(resources(doc, kind)) == [logical_id]


def test_handles_name_the_ranges_and_node_tag(default):
    network = default[1]["network"]
    assert (network.pods_range_name, network.services_range_name) == ("pods", "services")
    assert network.node_tag == "pace-t-gke-node"


def test_handles_are_references_to_the_resources(default):
    network = default[1]["network"]
    for handle in (
        network.network_id,
        network.network_self_link,
        network.subnet_id,
        network.subnet_self_link,
        network.psa_range_name,
    ):
        assert handle.startswith("${TfToken[")


def test_router_nat_and_firewall_rules_keep_their_ids_through_refactors(with_iap):
    # A moved id is a destroy plus a create of the same name, in no order: 409 or lost NAT.
    assert set(resources(with_iap, "google_compute_router")) == {"router"}
    assert set(resources(with_iap, "google_compute_router_nat")) == {"nat"}
    assert set(resources(with_iap, "google_compute_firewall")) == {
        "firewall_allow_health_checks",
        "firewall_allow_iap_ssh",
        "firewall_deny_all_ingress",
    }


def test_an_abandoned_psa_connection_can_be_created_again(doc):
    connection = only(doc, "google_service_networking_connection")
    assert connection["deletion_policy"] == "ABANDON"
    assert connection["update_on_creation_fail"] is True
