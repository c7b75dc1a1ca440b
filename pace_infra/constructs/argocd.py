"""ArgoCd: Argo CD from its pinned chart, and PACE's AppProject and Applications (GitOps).

Applications go through the `argocd-apps` chart, never `kubernetes_manifest`: a manifest of kind
Application fails at plan time on a fresh cluster, where the CRD does not exist yet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_helm.release import Release
from constructs import Construct

from pace_infra.config.schedules import SyncWindow
from pace_infra.config.values_delivery import SignatureKey
from pace_infra.constructs.argocd_values import (
    ARGO_CD_CHART_VERSION,
    ARGO_HELM,
    ARGOCD_APPS_CHART_VERSION,
    ARGOCD_RELEASE,
    ArgoCdAccess,
    GitOpsApplication,
    argocd_apps_values,
    argocd_values,
)

APPLICATIONS_UNINSTALL_TIMEOUT_S = 1200


@dataclass(frozen=True)
class ArgoCdProps:
    # A literal name (it is written into the charts' values JSON, where a reference would break
    # the HCL exit path); the namespace is created beforehand and waited for via depends_on.
    namespace: str
    repo_url: str
    revision: str
    applications: Sequence[GitOpsApplication]
    high_availability: bool = False
    # Who may sign in: nobody by default (`argocd --core` with GKE credentials).
    access: ArgoCdAccess = field(default_factory=ArgoCdAccess)
    # Terraform refuses any plan that destroys or replaces the release holding the Applications
    # (lifecycle.prevent_destroy): deleting an Application whose finalizer is the resources
    # finalizer makes Argo CD delete everything it deployed. False only where workloads are
    # disposable (dev).
    protect_applications: bool = True
    project: str = "pace"
    # When automated syncs may happen, and whose commit signatures Argo CD requires.
    sync_windows: tuple[SyncWindow, ...] = ()
    signature_keys: tuple[SignatureKey, ...] = ()
    # What must exist first: Argo CD's own namespace and the Applications' destinations.
    depends_on: Sequence[ITerraformDependable] = ()


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
            name=ARGOCD_RELEASE,
            repository=ARGO_HELM,
            chart="argo-cd",
            version=ARGO_CD_CHART_VERSION,
            namespace=props.namespace,
            create_namespace=False,
            values=_values(
                argocd_values(props.high_availability, props.access, props.signature_keys)
            ),
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
            values=_values(
                argocd_apps_values(
                    namespace=props.namespace,
                    project=props.project,
                    repo_url=props.repo_url,
                    revision=props.revision,
                    applications=props.applications,
                    sync_windows=props.sync_windows,
                    signature_keys=props.signature_keys,
                )
            ),
            # argocd-server has already created the `default` AppProject (wide open) by the time
            # this installs: the release adopts it to lock it (helm provider 3.1.1,
            # take_ownership; without it the install fails on the existing object).
            take_ownership=True,
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
