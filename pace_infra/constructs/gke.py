"""GkeCluster: the private GKE Standard cluster every PACE workload runs on (pools: node_pool)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network

from cdktf import ITerraformDependable, TerraformResourceLifecycle, TerraformStack
from cdktf_cdktf_provider_google.container_cluster import (
    ContainerCluster,
    ContainerClusterAuthenticatorGroupsConfig,
    ContainerClusterBinaryAuthorization,
    ContainerClusterControlPlaneEndpointsConfig,
    ContainerClusterControlPlaneEndpointsConfigDnsEndpointConfig,
    ContainerClusterControlPlaneEndpointsConfigIpEndpointsConfig,
    ContainerClusterDatabaseEncryption,
    ContainerClusterIpAllocationPolicy,
    ContainerClusterLoggingConfig,
    ContainerClusterMaintenancePolicy,
    ContainerClusterMaintenancePolicyMaintenanceExclusion,
    ContainerClusterMaintenancePolicyMaintenanceExclusionExclusionOptions,
    ContainerClusterMaintenancePolicyRecurringWindow,
    ContainerClusterMasterAuth,
    ContainerClusterMasterAuthClientCertificateConfig,
    ContainerClusterMasterAuthorizedNetworksConfig,
    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks,
    ContainerClusterMonitoringConfig,
    ContainerClusterMonitoringConfigManagedPrometheus,
    ContainerClusterNetworkPolicy,
    ContainerClusterNodeConfig,
    ContainerClusterNodeConfigShieldedInstanceConfig,
    ContainerClusterNodeConfigWorkloadMetadataConfig,
    ContainerClusterPrivateClusterConfig,
    ContainerClusterPrivateClusterConfigMasterGlobalAccessConfig,
    ContainerClusterReleaseChannel,
    ContainerClusterWorkloadIdentityConfig,
)
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from constructs import Construct

from pace_infra.config.schedules import MaintenanceExclusion, MaintenanceWindow
from pace_infra.config.values import ReleaseChannel
from pace_infra.constructs.network import NetworkHandle
from pace_infra.constructs.node_pool import (
    CLOUD_PLATFORM_SCOPE,
    NODE_IMAGE,
    NodePool,
    NodePoolProps,
)

# What a node needs on the project: write logs and metrics, read monitoring metadata (the
# default node role). Image pulls are granted on the PACE repository itself (cicd stack).
# Nothing else: workloads use their own GSAs.
NODE_SERVICE_ACCOUNT_ROLES: tuple[str, ...] = ("roles/container.defaultNodeServiceAccount",)


@dataclass(frozen=True)
class GkeClusterProps:
    """A private, Workload-Identity, Dataplane V2 cluster; defaults are the secure choice."""

    name: str
    project_id: str
    location: str  # a region (regional cluster) or a zone (zonal, dev only)
    network: NetworkHandle  # the VPC, subnet and secondary ranges the cluster lives in
    control_plane_cidr: IPv4Network
    # display name -> private CIDR allowed to the control plane's private IP endpoint.
    master_authorized_networks: Mapping[str, str]
    node_service_account_id: str  # account id of the dedicated node GSA (<= 30 chars)
    # Cloud KMS key (projects/.../cryptoKeys/...) that encrypts Secrets in etcd; in the
    # cluster's region, GKE's service agent allowed to use it (both in the bootstrap stack).
    secrets_encryption_key: str
    release_channel: ReleaseChannel  # the environment's config owns the default
    # When GKE may upgrade, and when not (exclusions): the environment's calendar derives both.
    maintenance: MaintenanceWindow
    labels: Mapping[str, str] = field(default_factory=dict)
    deletion_protection: bool = True
    maintenance_exclusions: tuple[MaintenanceExclusion, ...] = ()
    # Pod-to-pod traffic on one node goes through the VPC, so flow logs and firewall see it
    # (CKV_GCP_61). It costs flow-log volume, already bounded by the subnet's sampling rate.
    intranode_visibility: bool = True
    # gke-security-groups@<domain> for Google Groups RBAC (CKV_GCP_65); None: not used.
    rbac_security_group: str | None = None


def _exclusion(
    exclusion: MaintenanceExclusion,
) -> ContainerClusterMaintenancePolicyMaintenanceExclusion:
    # The scope is always written: the API returns empty options for NO_UPGRADES, which the
    # provider reads back as NO_UPGRADES (flattenMaintenancePolicy at v6.50.0), so a block left
    # out would be a permanent diff. maintenance_exclusion is a set: its order makes no diff.
    return ContainerClusterMaintenancePolicyMaintenanceExclusion(
        exclusion_name=exclusion.name,
        start_time=exclusion.start_time,
        end_time=exclusion.end_time,
        exclusion_options=ContainerClusterMaintenancePolicyMaintenanceExclusionExclusionOptions(
            scope=exclusion.scope
        ),
    )


class GkeCluster(Construct):
    """The cluster and its dedicated node service account.

    Handles: `name`, `id`, `location`, `dns_endpoint` (how Terraform, CI and people reach the
    control plane), `ca_certificate`, `workload_pool`, `node_service_account_email`,
    `network_tag`. Verb: `add_node_pool`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: GkeClusterProps) -> None:
        super().__init__(scope, id_)
        node_sa = ServiceAccount(
            self,
            "node-sa",
            account_id=props.node_service_account_id,
            display_name=f"GKE nodes of {props.name}",
            description="Dedicated GKE node identity: logs, metrics, image pulls.",
        )
        # A replaced GSA gets a new unique id and loses every grant made to the old one.
        node_sa.override_logical_id("gke_node_sa")
        node_grants = [
            ProjectIamMember(
                self,
                f"node-sa-{role.split('/')[1]}",
                project=props.project_id,
                role=role,
                member=node_sa.member,
            )
            for role in NODE_SERVICE_ACCOUNT_ROLES
        ]
        self.workload_pool = f"{props.project_id}.svc.id.goog"

        cluster = ContainerCluster(
            self,
            "cluster",
            # Nodes (the short-lived default pool first) must not boot before their SA may write
            # logs and metrics: nothing else orders the grant before the cluster.
            depends_on=list(node_grants),
            name=props.name,
            location=props.location,
            network=props.network.network_id,
            subnetwork=props.network.subnet_id,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=ContainerClusterIpAllocationPolicy(
                cluster_secondary_range_name=props.network.pods_range_name,
                services_secondary_range_name=props.network.services_range_name,
            ),
            # Node pools are separate resources: the default pool is created empty-handed and
            # removed, so pool changes never touch the cluster resource.
            remove_default_node_pool=True,
            initial_node_count=1,
            # The short-lived default pool still gets the dedicated SA and hardened nodes.
            node_config=ContainerClusterNodeConfig(
                service_account=node_sa.email,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                image_type=NODE_IMAGE,
                shielded_instance_config=ContainerClusterNodeConfigShieldedInstanceConfig(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=ContainerClusterNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
            ),
            # Drift guard: GKE reports the removed default pool's node_config back; without this
            # every plan would want to recreate the cluster (the provider's most reported pain).
            lifecycle=TerraformResourceLifecycle(
                ignore_changes=["node_config", "initial_node_count"]
            ),
            private_cluster_config=ContainerClusterPrivateClusterConfig(
                enable_private_nodes=True,  # nodes have no external IPs (CKV_GCP_64)
                # The control plane's IP endpoint is private; see control_plane_endpoints_config.
                enable_private_endpoint=True,
                master_ipv4_cidr_block=str(props.control_plane_cidr),
                master_global_access_config=ContainerClusterPrivateClusterConfigMasterGlobalAccessConfig(
                    enabled=True
                ),
            ),
            # Terraform, CI and people reach the control plane through its DNS-based endpoint:
            # every request is authorized by IAM (container.clusters.connect), with no bastion,
            # VPN or public IP allow-list. The IP endpoint stays, private, for in-VPC callers.
            control_plane_endpoints_config=ContainerClusterControlPlaneEndpointsConfig(
                dns_endpoint_config=ContainerClusterControlPlaneEndpointsConfigDnsEndpointConfig(
                    allow_external_traffic=True
                ),
                ip_endpoints_config=ContainerClusterControlPlaneEndpointsConfigIpEndpointsConfig(
                    enabled=True
                ),
            ),
            master_authorized_networks_config=ContainerClusterMasterAuthorizedNetworksConfig(
                cidr_blocks=[
                    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks(
                        display_name=display_name, cidr_block=cidr
                    )
                    for display_name, cidr in props.master_authorized_networks.items()
                ],
                gcp_public_cidrs_access_enabled=False,
            ),
            workload_identity_config=ContainerClusterWorkloadIdentityConfig(
                workload_pool=self.workload_pool
            ),
            release_channel=ContainerClusterReleaseChannel(channel=props.release_channel),
            enable_shielded_nodes=True,
            # Dataplane V2 (eBPF) enforces NetworkPolicy itself; CKV_GCP_12 only recognises it
            # with the legacy (Calico) network_policy block written out as disabled.
            datapath_provider="ADVANCED_DATAPATH",
            network_policy=ContainerClusterNetworkPolicy(enabled=False),
            enable_intranode_visibility=props.intranode_visibility,
            # Only images the project's Binary Authorization policy admits may run (CKV_GCP_66).
            binary_authorization=ContainerClusterBinaryAuthorization(
                evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"
            ),
            master_auth=ContainerClusterMasterAuth(
                client_certificate_config=ContainerClusterMasterAuthClientCertificateConfig(
                    issue_client_certificate=False
                )
            ),
            enable_legacy_abac=False,
            # Secrets in etcd are encrypted with PACE's own key (application-layer encryption)
            # on top of Google's storage encryption: disabling the key makes them unreadable.
            # In place, not ForceNew (resource_container_cluster.go at v6.50.0, "database_
            # encryption" update); GKE's service agent needs encrypt/decrypt on the key.
            database_encryption=ContainerClusterDatabaseEncryption(
                state="ENCRYPTED", key_name=props.secrets_encryption_key
            ),
            logging_config=ContainerClusterLoggingConfig(
                enable_components=["SYSTEM_COMPONENTS", "WORKLOADS"]
            ),
            monitoring_config=ContainerClusterMonitoringConfig(
                # System metrics plus kube-state metrics (pods, workloads, HPA, volumes) that the
                # PACE dashboards and alerts read (restarts, unschedulable pods, replica health).
                enable_components=[
                    "SYSTEM_COMPONENTS",
                    "POD",
                    "DEPLOYMENT",
                    "STATEFULSET",
                    "DAEMONSET",
                    "HPA",
                    "STORAGE",
                ],
                managed_prometheus=ContainerClusterMonitoringConfigManagedPrometheus(enabled=True),
            ),
            maintenance_policy=ContainerClusterMaintenancePolicy(
                recurring_window=ContainerClusterMaintenancePolicyRecurringWindow(
                    start_time=props.maintenance.start_time,
                    end_time=props.maintenance.end_time,
                    recurrence=props.maintenance.recurrence,
                ),
                maintenance_exclusion=[_exclusion(e) for e in props.maintenance_exclusions] or None,
            ),
            authenticator_groups_config=(
                ContainerClusterAuthenticatorGroupsConfig(security_group=props.rbac_security_group)
                if props.rbac_security_group
                else None
            ),
            deletion_protection=props.deletion_protection,
            resource_labels=dict(props.labels),
        )
        # deletion_protection is checked only when the provider deletes the cluster, after the
        # node pools (which depend on it) are already gone: a destroy or a replacement would
        # leave the cluster without nodes. prevent_destroy makes Terraform refuse such a plan.
        cluster.add_override("lifecycle.prevent_destroy", props.deletion_protection)
        # Stateful: a refactor must never replace the cluster.
        cluster.override_logical_id("gke_cluster")

        self.id: str = cluster.id
        # For depends_on of what needs the cluster to exist first (e.g. Workload Identity
        # bindings, whose identity pool the cluster creates).
        self.dependable: ITerraformDependable = cluster
        self.name: str = cluster.name
        self.location: str = props.location  # plain: a region or zone known at synth
        self.network_tag: str = props.network.node_tag
        self.dns_endpoint: str = cluster.control_plane_endpoints_config.dns_endpoint_config.endpoint
        self.ca_certificate: str = cluster.master_auth.cluster_ca_certificate
        self.node_service_account_email: str = node_sa.email

    def add_node_pool(self, id_: str, props: NodePoolProps) -> NodePool:
        """A pool of this cluster: its nodes run as the cluster's node service account and carry
        the network tag its firewall rules target.

        The pool is created in the stack's scope, beside the cluster, where pools have always
        been: a construct's path is part of the synthesized metadata.
        """
        return NodePool(TerraformStack.of(self), id_, cluster=self, props=props)
