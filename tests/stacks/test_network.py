"""The network stack: the environment's CIDR plan, names, IAP SSH and Cloud NAT from config."""

from __future__ import annotations

from pace_infra.names import EnvNames
from tests.helpers import by_name, only, resources


def test_network_uses_the_environment_cidr_plan(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-network"]
        subnet = only(doc, "google_compute_subnetwork")
        assert subnet["ip_cidr_range"] == str(env.network.subnet_cidr)
        assert subnet["region"] == env.region
        assert {r["range_name"]: r["ip_cidr_range"] for r in subnet["secondary_ip_range"]} == {
            "pods": str(env.network.pods_cidr),
            "services": str(env.network.services_cidr),
        }
        psa = only(doc, "google_compute_global_address")
        assert f"{psa['address']}/{psa['prefix_length']}" == str(env.network.psa_cidr)


def test_resource_names_carry_the_environment(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-network"]
        assert only(doc, "google_compute_network")["name"] == f"{EnvNames(env.name).prefix}-vpc"


def test_iap_ssh_follows_config(stacks, environments):
    for env in environments:
        firewall = resources(stacks[f"{env.name}-network"], "google_compute_firewall").values()
        has_iap = any(
            rule["name"] == f"{EnvNames(env.name).prefix}-allow-iap-ssh" for rule in firewall
        )
        assert has_iap is env.network.allow_iap_ssh, env.name


def test_nat_ports_follow_config(stacks, environments):
    for env in environments:
        nat = by_name(
            stacks[f"{env.name}-network"],
            "google_compute_router_nat",
            f"{EnvNames(env.name).prefix}-nat",
        )
        assert nat["min_ports_per_vm"] == env.network.nat.min_ports_per_vm
        assert nat["max_ports_per_vm"] == env.network.nat.max_ports_per_vm
