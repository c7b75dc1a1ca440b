"""Network: the VPC every PACE workload lives in.

Custom-mode VPC, one GKE subnet with `pods` / `services` secondary ranges, Cloud NAT for egress,
explicit firewall rules ending in a logged deny-all, and Private Service Access for Cloud SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Protocol

from cdktf_cdktf_provider_google.compute_firewall import (
    ComputeFirewall,
    ComputeFirewallAllow,
    ComputeFirewallDeny,
    ComputeFirewallLogConfig,
)
from cdktf_cdktf_provider_google.compute_global_address import ComputeGlobalAddress
from cdktf_cdktf_provider_google.compute_network import ComputeNetwork
from cdktf_cdktf_provider_google.compute_router import ComputeRouter
from cdktf_cdktf_provider_google.compute_router_nat import (
    ComputeRouterNat,
    ComputeRouterNatLogConfig,
    ComputeRouterNatSubnetwork,
)
from cdktf_cdktf_provider_google.compute_subnetwork import (
    ComputeSubnetwork,
    ComputeSubnetworkLogConfig,
    ComputeSubnetworkSecondaryIpRange,
)
from cdktf_cdktf_provider_google.service_networking_connection import (
    ServiceNetworkingConnection,
)
from constructs import Construct

from pace_infra.config.values import NatSettings


class NetworkHandle(Protocol):
    """What a cluster or a database takes from the network it lives in (Network has it all)."""

    network_id: str
    subnet_id: str
    pods_range_name: str  # the subnet's secondary range for pod IPs
    services_range_name: str  # ... for ClusterIPs
    psa_range_name: str  # Private Service Access range (Cloud SQL private IPs)
    node_tag: str  # the tag the firewall rules target on GKE nodes


# Where Google's load balancers and health checkers connect from (GCLB, not the internet).
GCLB_HEALTH_CHECK_RANGES: tuple[str, ...] = ("35.191.0.0/16", "130.211.0.0/22")
# Where IAP TCP forwarding connects from.
IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20"
PODS_RANGE_NAME = "pods"
SERVICES_RANGE_NAME = "services"
# Lowest user priority: below every allow rule and above GCP's implied rules (65535), so that
# everything not explicitly allowed is denied *and logged*.
DENY_ALL_PRIORITY = 65534


@dataclass(frozen=True)
class NetworkProps:
    """What the network needs. The environment's config owns the defaults of the settings it
    names (allow_iap_ssh, flow_log_sampling, load_balancer_ports); NAT's are NatSettings'."""

    name_prefix: str  # e.g. "pace-prod": every resource name starts with it
    region: str
    subnet_cidr: IPv4Network
    pods_cidr: IPv4Network
    services_cidr: IPv4Network
    psa_cidr: IPv4Network
    allow_iap_ssh: bool
    flow_log_sampling: float
    # Container ports Google's load balancers (and their health checks) connect to.
    load_balancer_ports: tuple[int, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    nat: NatSettings = field(default_factory=NatSettings)


class Network(Construct):
    """Custom VPC + GKE subnet + Cloud NAT + firewall + Private Service Access.

    Handles for other stacks: `network_id`, `network_self_link`, `network_name`, `subnet_id`,
    `subnet_self_link`, `subnet_name`, `pods_range_name`, `services_range_name`,
    `psa_range_name`, `node_tag`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: NetworkProps) -> None:
        super().__init__(scope, id_)
        prefix = props.name_prefix
        # GKE node pools carry this network tag; the firewall rules target it.
        self.node_tag: str = f"{prefix}-gke-node"

        vpc = ComputeNetwork(
            self,
            "vpc",
            name=f"{prefix}-vpc",
            # Custom mode: no auto subnets in every region with ranges we did not plan.
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
        )
        # Stateful: a refactor of this construct must never replace the VPC.
        vpc.override_logical_id("vpc")

        subnet = ComputeSubnetwork(
            self,
            "gke-subnet",
            name=f"{prefix}-gke",
            region=props.region,
            network=vpc.id,
            ip_cidr_range=str(props.subnet_cidr),
            secondary_ip_range=[
                ComputeSubnetworkSecondaryIpRange(
                    range_name=PODS_RANGE_NAME, ip_cidr_range=str(props.pods_cidr)
                ),
                ComputeSubnetworkSecondaryIpRange(
                    range_name=SERVICES_RANGE_NAME, ip_cidr_range=str(props.services_cidr)
                ),
            ],
            # Private nodes reach Google APIs (Artifact Registry, Logging) without external IPs.
            private_ip_google_access=True,
            # Flow logs (CKV_GCP_26): the record of who talked to whom during an incident.
            log_config=ComputeSubnetworkLogConfig(
                aggregation_interval="INTERVAL_5_SEC",
                flow_sampling=props.flow_log_sampling,
                metadata="INCLUDE_ALL_METADATA",
            ),
        )
        subnet.override_logical_id("gke_subnet")

        router = ComputeRouter(
            self, "router", name=f"{prefix}-router", region=props.region, network=vpc.id
        )
        # Pinned ids (here and on the NAT and firewall rules): a moved id is a destroy plus a
        # create of the same name with no order between them, which fails (409) or drops NAT.
        router.override_logical_id("router")
        nat = ComputeRouterNat(
            self,
            "nat",
            name=f"{prefix}-nat",
            router=router.name,
            region=props.region,
            nat_ip_allocate_option="AUTO_ONLY",
            # Only the GKE subnet gets NAT: anything added later must opt in.
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetwork=[
                ComputeRouterNatSubnetwork(
                    name=subnet.id, source_ip_ranges_to_nat=["ALL_IP_RANGES"]
                )
            ],
            # Dynamic port allocation requires endpoint-independent mapping off.
            enable_dynamic_port_allocation=True,
            enable_endpoint_independent_mapping=False,
            min_ports_per_vm=props.nat.min_ports_per_vm,
            max_ports_per_vm=props.nat.max_ports_per_vm,
            log_config=ComputeRouterNatLogConfig(enable=True, filter=props.nat.log_filter),
        )
        nat.override_logical_id("nat")

        self._firewall_rules(vpc, props)

        # Private Service Access: the range Cloud SQL private IPs come from, peered into the VPC.
        psa_range = ComputeGlobalAddress(
            self,
            "psa-range",
            name=f"{prefix}-psa",
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            address=str(props.psa_cidr.network_address),
            prefix_length=props.psa_cidr.prefixlen,
            network=vpc.id,
            labels=dict(props.labels),
        )
        psa_range.override_logical_id("psa_range")
        psa_connection = ServiceNetworkingConnection(
            self,
            "psa-connection",
            network=vpc.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[psa_range.name],
            # ABANDON: deleting the peering while Cloud SQL still uses it fails the destroy
            # ("producer services still using this connection"). The peering then stays on the
            # VPC, which cannot be deleted until it is removed by hand (README, "Tearing down").
            deletion_policy="ABANDON",
            # After an abandoned connection, creating it again fails ("Cannot modify allocated
            # ranges in CreateConnection"); the provider then patches the existing one instead
            # (servicenetworking/resource_service_networking_connection.go at v6.50.0).
            update_on_creation_fail=True,
        )
        psa_connection.override_logical_id("psa_connection")

        self.network_id: str = vpc.id
        self.network_self_link: str = vpc.self_link
        self.network_name: str = vpc.name
        self.subnet_id: str = subnet.id
        self.subnet_self_link: str = subnet.self_link
        self.subnet_name: str = subnet.name
        self.pods_range_name: str = PODS_RANGE_NAME
        self.services_range_name: str = SERVICES_RANGE_NAME
        self.psa_range_name: str = psa_range.name

    def _firewall_rules(self, vpc: ComputeNetwork, props: NetworkProps) -> None:
        prefix = props.name_prefix
        node_tag = self.node_tag
        log_all = ComputeFirewallLogConfig(metadata="INCLUDE_ALL_METADATA")
        health_checks = ComputeFirewall(
            self,
            "allow-health-checks",
            name=f"{prefix}-allow-gclb-health-checks",
            description="Google load balancer health checks and proxies reach the serving ports.",
            network=vpc.id,
            direction="INGRESS",
            priority=1000,
            source_ranges=list(GCLB_HEALTH_CHECK_RANGES),
            target_tags=[node_tag],
            # The serving ports only: Google's ranges are shared by every customer's load
            # balancers, so nothing else on the nodes (kubelet, node ports) is opened to them.
            allow=[
                ComputeFirewallAllow(
                    protocol="tcp", ports=[str(port) for port in props.load_balancer_ports]
                )
            ],
            log_config=log_all,
        )
        health_checks.override_logical_id("firewall_allow_health_checks")
        if props.allow_iap_ssh:
            iap = ComputeFirewall(
                self,
                "allow-iap-ssh",
                name=f"{prefix}-allow-iap-ssh",
                description="SSH to GKE nodes through IAP TCP forwarding only (break-glass).",
                network=vpc.id,
                direction="INGRESS",
                priority=1000,
                source_ranges=[IAP_TCP_FORWARDING_RANGE],
                target_tags=[node_tag],
                allow=[ComputeFirewallAllow(protocol="tcp", ports=["22"])],
                log_config=log_all,
            )
            iap.override_logical_id("firewall_allow_iap_ssh")
        deny_all = ComputeFirewall(
            self,
            "deny-all-ingress",
            name=f"{prefix}-deny-all-ingress",
            description="Deny and log every ingress that no rule above allows.",
            network=vpc.id,
            direction="INGRESS",
            priority=DENY_ALL_PRIORITY,
            source_ranges=["0.0.0.0/0"],
            deny=[ComputeFirewallDeny(protocol="all")],
            log_config=log_all,
        )
        deny_all.override_logical_id("firewall_deny_all_ingress")
