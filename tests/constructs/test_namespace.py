"""Namespace: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.config.values_delivery import Quota
from pace_infra.constructs.namespace import Namespace, NamespaceProps
from tests.helpers import network_policies, only, resources, synth_construct

QUOTA = Quota(
    requests_cpu="4", requests_memory="8Gi", limits_cpu="8", limits_memory="16Gi", pods=40
)


def _namespace(**overrides) -> dict:
    props = NamespaceProps(name="pace-t", labels={"system": "web"}, quota=QUOTA, **overrides)
    return synth_construct(lambda stack: Namespace(stack, "ns", props=props))


@pytest.fixture(scope="module")
def web():
    return _namespace(
        load_balancer_ports=(3000,),
        service_accounts=(("pace-t", "pace-t@pace.iam.gserviceaccount.com"),),
    )


@pytest.fixture(scope="module")
def plain():
    return _namespace()


def test_namespace_enforces_pod_security_restricted_by_default(plain):
    labels = only(plain, "kubernetes_namespace_v1")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["system"] == "web"


def test_namespace_can_enforce_a_lower_level_but_still_warns_restricted():
    labels = only(_namespace(pod_security="baseline"), "kubernetes_namespace_v1")["metadata"][
        "labels"
    ]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["pod-security.kubernetes.io/audit"] == "restricted"


def test_namespace_id_is_pinned(plain):
    assert list(resources(plain, "kubernetes_namespace_v1")) == ["namespace_pace_t"]


def test_quota_from_props(plain):
    assert only(plain, "kubernetes_resource_quota_v1")["spec"]["hard"] == {
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.cpu": "8",
        "limits.memory": "16Gi",
        "pods": "40",
    }


def test_limit_range_gives_containers_default_requests_and_limits(plain):
    (limit,) = only(plain, "kubernetes_limit_range_v1")["spec"]["limit"]
    assert limit["type"] == "Container"
    assert limit["default_request"] == {"cpu": "100m", "memory": "256Mi"}
    assert limit["default"] == {"cpu": "1", "memory": "1Gi"}


def test_default_deny_ingress_and_same_namespace_only(plain):
    policies = network_policies(plain)
    assert set(policies) == {
        "default-deny-ingress",
        "allow-same-namespace",
        "allow-from-gmp-system",
    }
    deny = policies["default-deny-ingress"]
    assert deny["policy_types"] == ["Ingress"] and not deny.get("ingress")
    assert policies["allow-same-namespace"]["ingress"] == [{"from": [{"pod_selector": {}}]}]


def test_load_balancer_ranges_when_allowed(web):
    (rule,) = network_policies(web)["allow-load-balancer"]["ingress"]
    assert sorted(f["ip_block"]["cidr"] for f in rule["from"]) == [
        "130.211.0.0/22",
        "35.191.0.0/16",
    ]
    # Only the serving port: Google's ranges are every customer's load balancers.
    assert rule["ports"] == [{"port": "3000", "protocol": "TCP"}]


def test_managed_prometheus_may_scrape_unless_turned_off(plain):
    (rule,) = network_policies(plain)["allow-from-gmp-system"]["ingress"]
    assert rule["from"] == [
        {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "gmp-system"}}}
    ]
    assert "allow-from-gmp-system" not in network_policies(
        _namespace(allow_managed_prometheus=False)
    )


def test_ksas_get_no_api_token_unless_the_application_needs_the_api(web):
    assert only(web, "kubernetes_service_account_v1")["automount_service_account_token"] is False
    doc = _namespace(
        service_accounts=(("pace-t", "pace-t@pace.iam.gserviceaccount.com"),),
        automount_api_token=True,
    )
    assert only(doc, "kubernetes_service_account_v1")["automount_service_account_token"] is True


def test_egress_is_unrestricted_only_when_no_rules_are_given(plain):
    assert all(p["policy_types"] == ["Ingress"] for p in network_policies(plain).values())


def test_allow_from_named_namespace():
    doc = _namespace(allow_from_namespaces=("pace-web",))
    (rule,) = network_policies(doc)["allow-from-pace-web"]["ingress"]
    assert rule["from"] == [
        {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "pace-web"}}}
    ]


def test_ksa_is_annotated_with_its_gsa(web):
    ksa = only(web, "kubernetes_service_account_v1")["metadata"]
    assert ksa["name"] == "pace-t"
    assert ksa["annotations"] == {
        "iam.gke.io/gcp-service-account": "pace-t@pace.iam.gserviceaccount.com"
    }


def test_namespaces_wait_long_enough_for_finalizers_on_delete():
    doc = synth_construct(
        lambda stack: Namespace(stack, "ns", props=NamespaceProps(name="pace-web"))
    )
    assert only(doc, "kubernetes_namespace_v1")["timeouts"] == {"delete": "20m"}
