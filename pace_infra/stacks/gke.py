"""`<env>-gke`: the private cluster, its node pools, and the applications' Google identities."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from pace_infra import names
from pace_infra.config import Environment
from pace_infra.constructs.gke import GkeCluster, GkeClusterProps
from pace_infra.constructs.network import Network
from pace_infra.constructs.node_pool import NodePoolProps
from pace_infra.constructs.workload_identity import (
    WorkloadServiceAccount,
    WorkloadServiceAccountProps,
)
from pace_infra.names import NODE_POOL_LABEL, Workload
from pace_infra.stacks.base import PaceStack, earlier, system_labels
from pace_infra.stacks.bootstrap import gke_secrets_key
from pace_infra.stacks.network import NetworkStack

# Node label and taint of the AI pool: only pods that select it and tolerate the taint (pace-ai's
# workloads) are scheduled there, so the CRM and the AI backends never starve each other.
AI_TAINT = (NODE_POOL_LABEL, "ai", "NO_SCHEDULE")


class GkeStack(PaceStack):
    """Handles: `cluster` (GkeCluster); `web_identity`, `ai_identity` (WorkloadServiceAccount)."""

    def __init__(self, scope: Construct, env: Environment, network: Network) -> None:
        super().__init__(scope, env, "gke")
        gke = env.gke
        self.cluster = GkeCluster(
            self,
            "cluster",
            props=GkeClusterProps(
                name=self.names.cluster,
                project_id=env.project_id,
                location=gke.zone or env.region,
                network=network,
                control_plane_cidr=env.network.control_plane_cidr,
                master_authorized_networks={
                    n.name: str(n.cidr) for n in gke.master_authorized_networks
                },
                node_service_account_id=self.names.node_service_account,
                # Created, and granted to GKE's service agent, by the bootstrap stack.
                secrets_encryption_key=gke_secrets_key(env),
                release_channel=gke.release_channel,
                labels=system_labels("platform"),
                deletion_protection=env.deletion_protection,
                maintenance=env.calendar.gke_window(),
                maintenance_exclusions=env.calendar.gke_exclusions(),
                rbac_security_group=gke.rbac_security_group,
            ),
        )
        for system, pool, taints in (("web", gke.web, ()), ("ai", gke.ai, (AI_TAINT,))):
            self.cluster.add_node_pool(
                f"pool-{system}",
                NodePoolProps(
                    name=system,
                    size=pool,
                    node_labels={NODE_POOL_LABEL: system},
                    taints=taints,
                    labels=system_labels(system),
                    protect=env.deletion_protection,
                ),
            )
        self.web_identity = self._identity(env, "web")
        self.ai_identity = self._identity(env, "ai")

    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> GkeStack:
        return cls(scope, env, earlier(built, "network", NetworkStack).network)

    def _identity(self, env: Environment, system: Workload) -> WorkloadServiceAccount:
        namespace = names.namespace(system)
        return WorkloadServiceAccount(
            self,
            f"identity-{system}",
            props=WorkloadServiceAccountProps(
                account_id=self.names.workload_service_account(system),
                display_name=f"PACE {system} workloads ({env.name})",
                workload_pool=self.cluster.workload_pool,
                namespace=namespace,
                kubernetes_service_account=namespace,
            ),
        )
