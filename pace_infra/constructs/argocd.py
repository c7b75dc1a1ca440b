"""ArgoCd: Argo CD from its pinned chart, and PACE's AppProject and Applications (GitOps).

Applications go through the `argocd-apps` chart, never `kubernetes_manifest`: a manifest of kind
Application fails at plan time on a fresh cluster, where the CRD does not exist yet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_helm.release import Release
from constructs import Construct

ARGO_HELM = "https://argoproj.github.io/argo-helm"
ARGO_CD_CHART_VERSION = "8.5.0"  # Argo CD v3.1.5
ARGOCD_APPS_CHART_VERSION = "2.0.2"
IN_CLUSTER = "https://kubernetes.default.svc"
FINALIZER = "resources-finalizer.argocd.argoproj.io"
APPLICATIONS_UNINSTALL_TIMEOUT_S = 1200


@dataclass(frozen=True)
class GitOpsApplication:
    name: str  # also the destination namespace
    path: str  # directory in the GitOps repository


@dataclass(frozen=True)
class ArgoCdProps:
    # A literal name (it is written into the charts' values JSON, where a reference would break
    # the HCL exit path); the namespace is created beforehand and waited for via depends_on.
    namespace: str
    repo_url: str
    revision: str
    applications: Sequence[GitOpsApplication]
    high_availability: bool = False
    # Terraform refuses any plan that destroys or replaces the release holding the Applications
    # (lifecycle.prevent_destroy): deleting an Application whose finalizer is the resources
    # finalizer makes Argo CD delete everything it deployed. False only where workloads are
    # disposable (dev).
    protect_applications: bool = True
    project: str = "pace"
    # What must exist first: Argo CD's own namespace and the Applications' destinations.
    depends_on: Sequence[ITerraformDependable] = ()


def argocd_values(high_availability: bool) -> dict[str, Any]:
    """Values of the argo-cd chart."""
    replicas = 2 if high_availability else 1
    values: dict[str, Any] = {
        # Uninstalling the release must not delete the CRDs, and with them every Application.
        "crds": {"keep": True},
        "configs": {
            "params": {"server.insecure": False},
            "cm": {
                # No shell into pods from the UI.
                "exec.enabled": False,
                "admin.enabled": True,
            },
        },
        # Not exposed: no Ingress, no LoadBalancer. People reach the UI and API through
        # `kubectl port-forward` over the IAM-gated control plane endpoint.
        "server": {
            "replicas": replicas,
            "service": {"type": "ClusterIP"},
            "ingress": {"enabled": False},
        },
        "repoServer": {"replicas": replicas},
        "applicationSet": {"replicas": replicas},
        # No SSO is configured yet: Dex would only be an unused login path.
        "dex": {"enabled": False},
    }
    if high_availability:
        # Redis HA (three replicas with Sentinel) instead of the single Redis.
        values["redis-ha"] = {"enabled": True}
        values["redis"] = {"enabled": False}
        values["controller"] = {"replicas": 1}  # one shard: PACE has one cluster
    return values


def argocd_apps_values(props: ArgoCdProps) -> dict[str, Any]:
    """Values of the argocd-apps chart: the PACE AppProject and one Application per system."""
    namespaces = [app.name for app in props.applications]
    return {
        "projects": {
            props.project: {
                "namespace": props.namespace,
                "finalizers": [FINALIZER],
                "description": "PACE applications, from the GitOps repository only.",
                "sourceRepos": [props.repo_url],
                "destinations": [{"server": IN_CLUSTER, "namespace": ns} for ns in namespaces],
                # Applications create no cluster-scoped objects, and never touch what the
                # platform owns in their namespaces (quotas, limits, network policies).
                "clusterResourceWhitelist": [],
                "namespaceResourceBlacklist": [
                    {"group": "", "kind": "ResourceQuota"},
                    {"group": "", "kind": "LimitRange"},
                    {"group": "networking.k8s.io", "kind": "NetworkPolicy"},
                ],
            }
        },
        "applications": {
            app.name: {
                "namespace": props.namespace,
                "project": props.project,
                # Deleting the Application deletes what it deployed, in order.
                "finalizers": [FINALIZER],
                "source": {
                    "repoURL": props.repo_url,
                    "targetRevision": props.revision,
                    "path": app.path,
                },
                "destination": {"server": IN_CLUSTER, "namespace": app.name},
                "syncPolicy": {
                    "automated": {"prune": True, "selfHeal": True},
                    # The platform creates the namespaces (with quotas and policies).
                    "syncOptions": ["CreateNamespace=false", "PruneLast=true"],
                    "retry": {
                        "limit": 5,
                        "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"},
                    },
                },
            }
            for app in props.applications
        },
    }


def _values(values: Mapping[str, Any]) -> list[str]:
    # JSON is YAML; sorted keys keep the synthesized output deterministic.
    return [json.dumps(values, sort_keys=True, indent=2)]


class ArgoCd(Construct):
    """Two releases: `argocd` (the chart) then `pace-apps` (project + applications)."""

    def __init__(self, scope: Construct, id_: str, *, props: ArgoCdProps) -> None:
        super().__init__(scope, id_)
        argocd = Release(
            self,
            "argocd",
            name="argocd",
            repository=ARGO_HELM,
            chart="argo-cd",
            version=ARGO_CD_CHART_VERSION,
            namespace=props.namespace,
            create_namespace=False,
            values=_values(argocd_values(props.high_availability)),
            atomic=True,
            wait=True,
            timeout=900,
            depends_on=list(props.depends_on) or None,
        )
        # A replacement uninstalls and reinstalls Argo CD: no syncs and no self-heal meanwhile.
        # The Applications live in the other release and the CRDs are kept (crds.keep), so the
        # workloads themselves stay; the id is pinned so that a refactor never does this.
        argocd.override_logical_id("argocd_release")
        apps = Release(
            self,
            "apps",
            name="pace-apps",
            repository=ARGO_HELM,
            chart="argocd-apps",
            version=ARGOCD_APPS_CHART_VERSION,
            namespace=props.namespace,
            create_namespace=False,
            values=_values(argocd_apps_values(props)),
            # A failed first install is rolled back instead of being left behind untracked
            # (helm 3.1.1 saves state only on success: every re-apply would then fail with
            # "cannot re-use a name that is still in use").
            atomic=True,
            # Uninstalling deletes the Applications, whose finalizer deletes what they deployed
            # (load balancers included) before they go; helm's default 300 s is too short.
            timeout=APPLICATIONS_UNINSTALL_TIMEOUT_S,
            # The Application CRD comes with the argo-cd chart.
            depends_on=[argocd, *props.depends_on],
            lifecycle=TerraformResourceLifecycle(prevent_destroy=props.protect_applications),
        )
        # Destroying this release deletes the Applications, and their finalizer makes Argo CD
        # delete every workload in pace-web and pace-ai: its id never moves with a refactor.
        apps.override_logical_id("argocd_apps_release")
