"""EgressPolicies, as a Namespace with egress rules writes them: one behaviour per test."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.config.values_delivery import EgressEndpoint
from pace_infra.constructs.egress_policy import EgressRules
from pace_infra.constructs.namespace import Namespace, NamespaceProps
from tests.helpers import network_policies, synth_construct

RULES = EgressRules(
    cloud_sql_range="10.1.32.0/20",
    to_namespaces=("pace-ai",),
    endpoints=(
        EgressEndpoint(name="model-api", cidrs=(IPv4Network("203.0.113.0/24"),), ports=(443,)),
    ),
)


@pytest.fixture(scope="module")
def egress():
    props = NamespaceProps(name="pace-t", egress=RULES)
    doc = synth_construct(lambda stack: Namespace(stack, "ns", props=props))
    return {
        name: spec
        for name, spec in network_policies(doc).items()
        if spec["policy_types"] == ["Egress"]
    }


def _cidrs(rule) -> list[str]:
    return [peer["ip_block"]["cidr"] for peer in rule["to"] if "ip_block" in peer]


def _ports(rule) -> list[tuple[str, str]]:
    return [(port["port"], port["protocol"]) for port in rule["ports"]]


def test_egress_is_denied_by_default_then_opened_path_by_path(egress):
    assert set(egress) == {
        "default-deny-egress",
        "allow-dns",
        "allow-metadata-server",
        "allow-google-apis",
        "allow-cloud-sql",
        "allow-same-namespace-egress",
        "allow-to-pace-ai",
        "allow-egress-model-api",
    }
    assert not egress["default-deny-egress"].get("egress")


def test_dns_goes_to_kube_dns_and_node_local_dns_pods_on_53(egress):
    (rule,) = egress["allow-dns"]["egress"]
    pods = rule["to"][0]
    assert pods["namespace_selector"] == {
        "match_labels": {"kubernetes.io/metadata.name": "kube-system"}
    }
    (expression,) = pods["pod_selector"]["match_expressions"]
    assert (expression["key"], expression["values"]) == ("k8s-app", ["kube-dns", "node-local-dns"])
    assert sorted(_ports(rule)) == [("53", "TCP"), ("53", "UDP")]


def test_workload_identity_reaches_the_gke_metadata_server(egress):
    rules = egress["allow-metadata-server"]["egress"]
    assert sorted((_cidrs(r)[0], _ports(r)[0][0]) for r in rules) == [
        ("169.254.169.252/32", "988"),
        ("169.254.169.254/32", "80"),
    ]


def test_google_apis_only_through_the_private_vip_and_direct_connectivity(egress):
    (rule,) = egress["allow-google-apis"]["egress"]
    assert _cidrs(rule) == ["199.36.153.8/30", "34.126.0.0/18"]
    assert _ports(rule) == [("443", "TCP")]


def test_cloud_sql_only_in_the_psa_range_on_connector_and_postgres_ports(egress):
    (rule,) = egress["allow-cloud-sql"]["egress"]
    assert _cidrs(rule) == ["10.1.32.0/20"]
    assert _ports(rule) == [("3307", "TCP"), ("5432", "TCP")]


def test_named_endpoints_and_namespaces_are_the_only_other_ways_out(egress):
    (endpoint,) = egress["allow-egress-model-api"]["egress"]
    assert _cidrs(endpoint) == ["203.0.113.0/24"] and _ports(endpoint) == [("443", "TCP")]
    (peer,) = egress["allow-to-pace-ai"]["egress"][0]["to"]
    assert peer == {
        "namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "pace-ai"}}
    }
