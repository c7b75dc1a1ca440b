"""Namespace: a Kubernetes namespace with its quota, default limits, network policies and KSA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes.limit_range_v1 import (
    LimitRangeV1,
    LimitRangeV1Metadata,
    LimitRangeV1Spec,
    LimitRangeV1SpecLimit,
)
from cdktf_cdktf_provider_kubernetes.namespace_v1 import (
    NamespaceV1,
    NamespaceV1Metadata,
    NamespaceV1Timeouts,
)
from cdktf_cdktf_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecIngress,
    NetworkPolicyV1SpecIngressFrom,
    NetworkPolicyV1SpecIngressFromIpBlock,
    NetworkPolicyV1SpecIngressFromNamespaceSelector,
    NetworkPolicyV1SpecIngressFromPodSelector,
    NetworkPolicyV1SpecIngressPorts,
    NetworkPolicyV1SpecPodSelector,
)
from cdktf_cdktf_provider_kubernetes.resource_quota_v1 import (
    ResourceQuotaV1,
    ResourceQuotaV1Metadata,
    ResourceQuotaV1Spec,
)
from cdktf_cdktf_provider_kubernetes.service_account_v1 import (
    ServiceAccountV1,
    ServiceAccountV1Metadata,
)
from constructs import Construct

from pace_infra.config.values_delivery import Quota
from pace_infra.constructs.egress_policy import NAMESPACE_NAME_LABEL, EgressPolicies, EgressRules
from pace_infra.constructs.network import GCLB_HEALTH_CHECK_RANGES

# Managed Prometheus's collectors scrape pods from here (GoogleCloudPlatform/prometheus-engine,
# manifests: DaemonSet `collector` in gmp-system, not on the host network).
MANAGED_PROMETHEUS_NAMESPACE = "gmp-system"
NAMESPACE_DELETE_TIMEOUT = "20m"  # long enough for load balancers and Argo CD finalizers


@dataclass(frozen=True)
class NamespaceProps:
    """Secure defaults: `restricted` Pod Security; ingress denied except from the namespace."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    # Pod Security Standards level enforced on the namespace's pods.
    pod_security: str = "restricted"
    quota: Quota | None = None
    # Defaults for containers that declare no requests/limits (quota needs them to admit pods).
    default_request: Mapping[str, str] = field(
        default_factory=lambda: {"cpu": "100m", "memory": "256Mi"}
    )
    default_limit: Mapping[str, str] = field(default_factory=lambda: {"cpu": "1", "memory": "1Gi"})
    # Ingress beyond the namespace itself: from Google's load balancers on these container
    # ports only (container-native LB sends traffic and health checks straight to pod IPs from
    # Google's ranges), and from other namespaces by name.
    load_balancer_ports: tuple[int, ...] = ()
    allow_from_namespaces: tuple[str, ...] = ()
    # Managed Prometheus scrapes the pods' metrics endpoints (PodMonitoring).
    allow_managed_prometheus: bool = True
    # Unset: egress is not restricted. Set: default-deny egress plus exactly these paths.
    egress: EgressRules | None = None
    # (name, Google service account email): KSAs that act as that GSA through Workload Identity.
    service_accounts: tuple[tuple[str, str], ...] = ()
    # Whether pods of those KSAs get a Kubernetes API token mounted. Off: the applications do
    # not call the Kubernetes API, and Workload Identity needs no token in the pod (the GKE
    # metadata server identifies the pod by its KSA). A pod that needs the API opts in.
    automount_api_token: bool = False


class Namespace(Construct):
    """Handles: `name` (a reference: what uses it waits for the namespace), `dependable`."""

    def __init__(self, scope: Construct, id_: str, *, props: NamespaceProps) -> None:
        super().__init__(scope, id_)
        namespace = NamespaceV1(
            self,
            "namespace",
            metadata=NamespaceV1Metadata(
                name=props.name,
                labels={
                    **props.labels,
                    "pod-security.kubernetes.io/enforce": props.pod_security,
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    # Warn and audit at `restricted` even where a lower level is enforced.
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                },
            ),
            # The provider waits 5 minutes for a deleted namespace to go (v2.38.0 default);
            # objects with finalizers take longer: the Ingress's load balancer in pace-web, the
            # Argo CD Applications in argocd. A destroy then failed with the namespace still
            # Terminating and had to be run again.
            timeouts=NamespaceV1Timeouts(delete=NAMESPACE_DELETE_TIMEOUT),
        )
        # Deleting a namespace deletes everything in it: its id never moves.
        namespace.override_logical_id(f"namespace_{props.name.replace('-', '_')}")
        self.name: str = namespace.metadata.name
        self.dependable: ITerraformDependable = namespace

        if props.quota:
            quota = props.quota
            ResourceQuotaV1(
                self,
                "quota",
                metadata=ResourceQuotaV1Metadata(name="compute", namespace=self.name),
                spec=ResourceQuotaV1Spec(
                    hard={
                        "requests.cpu": quota.requests_cpu,
                        "requests.memory": quota.requests_memory,
                        "limits.cpu": quota.limits_cpu,
                        "limits.memory": quota.limits_memory,
                        "pods": str(quota.pods),
                    }
                ),
            )
        LimitRangeV1(
            self,
            "limits",
            metadata=LimitRangeV1Metadata(name="defaults", namespace=self.name),
            spec=LimitRangeV1Spec(
                limit=[
                    LimitRangeV1SpecLimit(
                        type="Container",
                        default_request=dict(props.default_request),
                        default=dict(props.default_limit),
                    )
                ]
            ),
        )

        self._policy("default-deny-ingress", ingress=[])
        self._policy(
            "allow-same-namespace",
            ingress=[
                NetworkPolicyV1SpecIngress(
                    from_=[
                        NetworkPolicyV1SpecIngressFrom(
                            pod_selector=NetworkPolicyV1SpecIngressFromPodSelector()
                        )
                    ]
                )
            ],
        )
        if props.load_balancer_ports:
            self._policy(
                "allow-load-balancer",
                ingress=[
                    NetworkPolicyV1SpecIngress(
                        from_=[
                            NetworkPolicyV1SpecIngressFrom(
                                ip_block=NetworkPolicyV1SpecIngressFromIpBlock(cidr=cidr)
                            )
                            for cidr in GCLB_HEALTH_CHECK_RANGES
                        ],
                        ports=[
                            NetworkPolicyV1SpecIngressPorts(port=str(port), protocol="TCP")
                            for port in props.load_balancer_ports
                        ],
                    )
                ],
            )
        sources = list(props.allow_from_namespaces)
        if props.allow_managed_prometheus:
            sources.append(MANAGED_PROMETHEUS_NAMESPACE)
        for source in sources:
            self._policy(
                f"allow-from-{source}",
                ingress=[
                    NetworkPolicyV1SpecIngress(
                        from_=[
                            NetworkPolicyV1SpecIngressFrom(
                                namespace_selector=NetworkPolicyV1SpecIngressFromNamespaceSelector(
                                    match_labels={NAMESPACE_NAME_LABEL: source}
                                )
                            )
                        ]
                    )
                ],
            )

        for ksa, gsa_email in props.service_accounts:
            ServiceAccountV1(
                self,
                f"ksa-{ksa}",
                metadata=ServiceAccountV1Metadata(
                    name=ksa,
                    namespace=self.name,
                    annotations={"iam.gke.io/gcp-service-account": gsa_email},
                ),
                # No long-lived token Secret in any case; no projected API token either unless
                # the props say the application needs the Kubernetes API.
                automount_service_account_token=props.automount_api_token,
            )
        if props.egress is not None:
            EgressPolicies(self, "egress", namespace=self.name, rules=props.egress)

    def _policy(self, name: str, *, ingress: list[NetworkPolicyV1SpecIngress]) -> None:
        # Policies are additive: with default-deny in place, each one opens exactly one path.
        NetworkPolicyV1(
            self,
            name,
            metadata=NetworkPolicyV1Metadata(name=name, namespace=self.name),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(),
                policy_types=["Ingress"],
                ingress=ingress,
            ),
        )
