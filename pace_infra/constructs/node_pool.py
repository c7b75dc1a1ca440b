"""NodePool: one autoscaled, hardened node pool of the PACE cluster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.container_node_pool import (
    ContainerNodePool,
    ContainerNodePoolAutoscaling,
    ContainerNodePoolManagement,
    ContainerNodePoolNodeConfig,
    ContainerNodePoolNodeConfigKubeletConfig,
    ContainerNodePoolNodeConfigShieldedInstanceConfig,
    ContainerNodePoolNodeConfigTaint,
    ContainerNodePoolNodeConfigWorkloadMetadataConfig,
    ContainerNodePoolUpgradeSettings,
)
from constructs import Construct

from pace_infra.config.values import NodePoolSize

if TYPE_CHECKING:
    from pace_infra.constructs.gke import GkeCluster

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
NODE_IMAGE = "COS_CONTAINERD"


def hardened_kubelet_config() -> ContainerNodePoolNodeConfigKubeletConfig:
    """The kubelet without its unauthenticated read-only port (10255): pod specs, node and pod
    metrics for anyone who reaches the node. Updated in place on existing pools
    (node_config.go at v6.50.0: kubelet_config has no ForceNew; nodePoolNodeConfigUpdate)."""
    return ContainerNodePoolNodeConfigKubeletConfig(
        insecure_kubelet_readonly_port_enabled="FALSE",
        # Written out because the provider always sends it: an unset cpu_cfs_quota goes to GKE
        # as false (expandKubeletConfig, ForceSendFields), which stops enforcing CPU limits.
        cpu_cfs_quota=True,
    )


@dataclass(frozen=True)
class NodePoolProps:
    """One autoscaled node pool; defaults are the secure choice."""

    name: str
    size: NodePoolSize  # machine type, node counts (totals across zones), disk
    # Kubernetes node labels, and taints that keep everything without a toleration off the pool.
    node_labels: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[tuple[str, str, str], ...] = ()  # (key, value, effect)
    labels: Mapping[str, str] = field(default_factory=dict)  # GCE labels on the nodes
    # Terraform refuses a plan that destroys or replaces the pool (its workloads would lose
    # their nodes at once); False only where that is acceptable (dev).
    protect: bool = True


class NodePool(Construct):
    """Hardened, auto-repaired, auto-upgraded, surge-upgraded pool of a cluster (made by
    `GkeCluster.add_node_pool`). Handle: `name`."""

    def __init__(
        self, scope: Construct, id_: str, *, cluster: GkeCluster, props: NodePoolProps
    ) -> None:
        super().__init__(scope, id_)
        pool = ContainerNodePool(
            self,
            "pool",
            name=props.name,
            cluster=cluster.id,
            location=cluster.location,
            # The autoscaler never raises a pool to its minimum by itself (it uses the minimum
            # only when scaling down), and the provider creates a pool with 0 nodes when neither
            # count is set: the cluster, whose default pool is removed, would start empty.
            # Per zone: 1 in dev's zonal cluster, 3 in a regional one.
            initial_node_count=1 if props.size.min_nodes > 0 else 0,
            lifecycle=TerraformResourceLifecycle(
                # ForceNew, and never read back as written once the autoscaler has acted.
                ignore_changes=["initial_node_count"],
                prevent_destroy=props.protect,
            ),
            autoscaling=ContainerNodePoolAutoscaling(
                total_min_node_count=props.size.min_nodes,
                total_max_node_count=props.size.max_nodes,
                location_policy="BALANCED",
            ),
            management=ContainerNodePoolManagement(auto_repair=True, auto_upgrade=True),
            # One extra node at a time, never one fewer: upgrades do not reduce capacity.
            upgrade_settings=ContainerNodePoolUpgradeSettings(
                strategy="SURGE", max_surge=1, max_unavailable=0
            ),
            node_config=ContainerNodePoolNodeConfig(
                machine_type=props.size.machine_type,
                disk_size_gb=props.size.disk_size_gb,
                disk_type="pd-balanced",
                image_type=NODE_IMAGE,
                service_account=cluster.node_service_account_email,
                # Access is decided by IAM on the node SA, not by legacy scopes.
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                shielded_instance_config=ContainerNodePoolNodeConfigShieldedInstanceConfig(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                # Pods see the GKE metadata server (Workload Identity), never the node's token.
                workload_metadata_config=ContainerNodePoolNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
                metadata={"disable-legacy-endpoints": "true"},
                kubelet_config=hardened_kubelet_config(),
                labels=dict(props.node_labels),
                taint=[
                    ContainerNodePoolNodeConfigTaint(key=key, value=value, effect=effect)
                    for key, value, effect in props.taints
                ],
                tags=[cluster.network_tag],
                resource_labels=dict(props.labels),
            ),
        )
        # Some node_config fields replace the pool (service_account, oauth_scopes, ... in
        # pace_infra/tools/review/forcenew.json); a moved logical id would too.
        pool.override_logical_id(f"node_pool_{props.name}")
        self.name: str = pool.name
