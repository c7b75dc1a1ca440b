"""EgressPolicies: default-deny egress for a namespace, and the paths its pods need.

What a GKE pod on this platform must reach, with the source of each fact:
- DNS: kube-dns pods, and NodeLocal DNSCache's pods (on by default on newer GKE Standard
  versions) which on Dataplane V2 are ordinary pods; both labelled `k8s-app` in kube-system
  (GoogleCloudPlatform/anthos-security-blueprints, restricting-traffic/default-deny). Dataplane V2
  translates a Service's address to its pods before it evaluates policy, so pods are selected by
  label, never by an ipBlock.
- The GKE metadata server (Workload Identity): "allow egress to 169.254.169.252/32 on port 988.
  For clusters running GKE Dataplane V2, ensure that you allowed egress to 169.254.169.254/32 on
  port 80" (cloud.google.com/kubernetes-engine/docs/concepts/workload-identity).
- Google APIs: the private.googleapis.com range, which `*.googleapis.com` resolves to in the VPC
  (PrivateGoogleApis), and Google's direct-connectivity range.
- Cloud SQL: private IPs in the Private Service Access range; 3307 through the Cloud SQL
  connectors and Auth Proxy, 5432 for direct connections where connectors are not enforced.

Replies to allowed inbound traffic (load balancer, kubelet probes, Managed Prometheus scrapes)
are not egress: a NetworkPolicy allows them implicitly (kubernetes.io, "Network Policies").
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecEgress,
    NetworkPolicyV1SpecEgressPorts,
    NetworkPolicyV1SpecEgressTo,
    NetworkPolicyV1SpecEgressToIpBlock,
    NetworkPolicyV1SpecEgressToNamespaceSelector,
    NetworkPolicyV1SpecEgressToPodSelector,
    NetworkPolicyV1SpecEgressToPodSelectorMatchExpressions,
    NetworkPolicyV1SpecPodSelector,
)
from constructs import Construct

from pace_infra.config.values_delivery import EgressEndpoint
from pace_infra.constructs.private_google_apis import (
    GOOGLE_DIRECT_CONNECTIVITY_RANGE,
    PRIVATE_GOOGLE_APIS_RANGE,
)

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"  # set by Kubernetes on every namespace
DNS_POD_LABEL = "k8s-app"
DNS_PODS = ("kube-dns", "node-local-dns")
# NodeLocal DNSCache's link-local listen address, where the cache runs.
NODE_LOCAL_DNS_ADDRESS = "169.254.20.10/32"
METADATA_SERVER: tuple[tuple[str, int], ...] = (
    ("169.254.169.254/32", 80),
    ("169.254.169.252/32", 988),
)
HTTPS = 443
CLOUD_SQL_PORTS = (3307, 5432)


@dataclass(frozen=True)
class EgressRules:
    """Where pods of the namespace may connect; everything else is refused."""

    cloud_sql_range: str  # the Private Service Access range Cloud SQL private IPs come from
    to_namespaces: tuple[str, ...] = ()  # other application namespaces, by name
    endpoints: tuple[EgressEndpoint, ...] = ()


def _tcp(*ports: int) -> list[NetworkPolicyV1SpecEgressPorts]:
    return [NetworkPolicyV1SpecEgressPorts(port=str(port), protocol="TCP") for port in ports]


def _cidr(cidr: str) -> NetworkPolicyV1SpecEgressTo:
    return NetworkPolicyV1SpecEgressTo(ip_block=NetworkPolicyV1SpecEgressToIpBlock(cidr=cidr))


def _namespace(name: str) -> NetworkPolicyV1SpecEgressToNamespaceSelector:
    return NetworkPolicyV1SpecEgressToNamespaceSelector(match_labels={NAMESPACE_NAME_LABEL: name})


def egress_allowances(rules: EgressRules) -> dict[str, list[NetworkPolicyV1SpecEgress]]:
    """Policy name -> its egress rules: one named policy per path, so each reads on its own."""
    dns_ports = [
        NetworkPolicyV1SpecEgressPorts(port="53", protocol=protocol) for protocol in ("UDP", "TCP")
    ]
    allowances: dict[str, list[NetworkPolicyV1SpecEgress]] = {
        "allow-dns": [
            NetworkPolicyV1SpecEgress(
                to=[
                    NetworkPolicyV1SpecEgressTo(
                        namespace_selector=_namespace("kube-system"),
                        pod_selector=NetworkPolicyV1SpecEgressToPodSelector(
                            match_expressions=[
                                NetworkPolicyV1SpecEgressToPodSelectorMatchExpressions(
                                    key=DNS_POD_LABEL, operator="In", values=list(DNS_PODS)
                                )
                            ]
                        ),
                    ),
                    _cidr(NODE_LOCAL_DNS_ADDRESS),
                ],
                ports=dns_ports,
            )
        ],
        "allow-metadata-server": [
            NetworkPolicyV1SpecEgress(to=[_cidr(cidr)], ports=_tcp(port))
            for cidr, port in METADATA_SERVER
        ],
        "allow-google-apis": [
            NetworkPolicyV1SpecEgress(
                to=[
                    _cidr(str(PRIVATE_GOOGLE_APIS_RANGE)),
                    _cidr(str(GOOGLE_DIRECT_CONNECTIVITY_RANGE)),
                ],
                ports=_tcp(HTTPS),
            )
        ],
        "allow-cloud-sql": [
            NetworkPolicyV1SpecEgress(
                to=[_cidr(rules.cloud_sql_range)], ports=_tcp(*CLOUD_SQL_PORTS)
            )
        ],
        "allow-same-namespace-egress": [
            NetworkPolicyV1SpecEgress(
                to=[
                    NetworkPolicyV1SpecEgressTo(
                        pod_selector=NetworkPolicyV1SpecEgressToPodSelector()
                    )
                ]
            )
        ],
    }
    for target in rules.to_namespaces:
        allowances[f"allow-to-{target}"] = [
            NetworkPolicyV1SpecEgress(
                to=[NetworkPolicyV1SpecEgressTo(namespace_selector=_namespace(target))]
            )
        ]
    for endpoint in rules.endpoints:
        allowances[f"allow-egress-{endpoint.name}"] = [
            NetworkPolicyV1SpecEgress(
                to=[_cidr(str(cidr)) for cidr in endpoint.cidrs], ports=_tcp(*endpoint.ports)
            )
        ]
    return allowances


class EgressPolicies(Construct):
    """`default-deny-egress` plus one policy per allowed path, in one namespace."""

    def __init__(self, scope: Construct, id_: str, *, namespace: str, rules: EgressRules) -> None:
        super().__init__(scope, id_)
        policies = {"default-deny-egress": [], **egress_allowances(rules)}
        for name, egress in policies.items():
            NetworkPolicyV1(
                self,
                name,
                metadata=NetworkPolicyV1Metadata(name=name, namespace=namespace),
                spec=NetworkPolicyV1Spec(
                    pod_selector=NetworkPolicyV1SpecPodSelector(),
                    policy_types=["Egress"],
                    egress=egress,
                ),
            )
