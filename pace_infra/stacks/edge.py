"""`<env>-edge`: the CRM's public entry: static IP, Cloud Armor policy, SSL policy."""

from __future__ import annotations

from cdktf import TerraformOutput
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.edge import Edge, EdgeProps
from pace_infra.stacks.base import PaceStack, system_labels


class EdgeStack(PaceStack):
    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "edge")
        edge = Edge(
            self,
            "web",
            props=EdgeProps(
                names=self.names.edge,
                policy=env.edge,
                labels=system_labels("web"),
                protect=env.deletion_protection,
            ),
        )
        # The names the GitOps manifests use, and the address DNS points at.
        outputs = {
            "web_ip_name": edge.ip_name,
            "web_ip_address": edge.ip_address,
            "web_security_policy": edge.security_policy_name,
            "web_ssl_policy": edge.ssl_policy_name,
        }
        for name, value in outputs.items():
            TerraformOutput(self, name, value=value)
