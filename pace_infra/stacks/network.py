"""`<env>-network`: the VPC, subnet, NAT, firewall, Private Service Access, Google APIs' DNS."""

from __future__ import annotations

from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.network import Network, NetworkProps
from pace_infra.constructs.private_google_apis import PrivateGoogleApis, PrivateGoogleApisProps
from pace_infra.stacks.base import PaceStack, system_labels


class NetworkStack(PaceStack):
    """Exposes `network` (the `Network` construct's handles) to the stacks that build on it."""

    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "network")
        net = env.network
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                name_prefix=self.names.prefix,
                region=env.region,
                subnet_cidr=net.subnet_cidr,
                pods_cidr=net.pods_cidr,
                services_cidr=net.services_cidr,
                psa_cidr=net.psa_cidr,
                allow_iap_ssh=net.allow_iap_ssh,
                flow_log_sampling=net.flow_log_sampling,
                load_balancer_ports=net.load_balancer_ports,
                labels=system_labels("platform"),
                nat=net.nat,
            ),
        )
        # Google APIs at one known range, which egress policies can allow.
        PrivateGoogleApis(
            self,
            "google-apis",
            props=PrivateGoogleApisProps(
                name_prefix=self.names.prefix,
                network_id=self.network.network_id,
                labels=system_labels("platform"),
            ),
        )
