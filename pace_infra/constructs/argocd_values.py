"""The values PACE gives the argo-cd and argocd-apps charts: versions, images, access, projects.

Facts read at the pinned tags (argoproj/argo-helm `argo-cd-8.5.10`, argoproj/argo-cd `v3.1.8`):
- chart 8.5.10 ships Argo CD v3.1.8 (fixes CVE-2025-59538) and Redis 7.2.11 (CVE-2025-49844);
- `admin.enabled: false` means no `argocd-initial-admin-secret` is ever generated
  (util/settings/settings.go, InitializeSettings);
- argocd-server creates the `default` AppProject, open to every repository, cluster and kind,
  whenever it is missing (server/server.go, initializeDefaultProject);
- `$<secret>:<key>` in argocd-cm reads a key of a Secret labelled
  `app.kubernetes.io/part-of: argocd` (util/settings/settings.go, ReplaceStringSecret);
- the application controller's container always listens for metrics on its port named
  `metrics` (8082; templates/argocd-application-controller/statefulset.yaml), whatever
  `controller.metrics.enabled` says (that adds only a Service), and its pods carry
  `app.kubernetes.io/name: argocd-application-controller` (nameOverride `argocd`, _helpers.tpl
  selectorLabels); `extraObjects` renders each item as a manifest of the release
  (templates/extra-manifests.yaml).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pace_infra.config.schedules import SyncWindow
from pace_infra.config.values_delivery import GoogleSignIn, SignatureKey

# How an Application retries a failed sync: 5 attempts, waiting 10 s doubling up to 3 min. The
# alert scenarios model the same retries (monitoring/scenarios/argocd.py reads these).
SYNC_RETRY_LIMIT = 5
SYNC_RETRY_BACKOFF_S = 10
SYNC_RETRY_FACTOR = 2
SYNC_RETRY_MAX_S = 180

ARGO_HELM = "https://argoproj.github.io/argo-helm"
# The argo-cd chart's release name: its pods' `app.kubernetes.io/instance` label.
ARGOCD_RELEASE = "argocd"
ARGO_CD_CHART_VERSION = "8.5.10"  # Argo CD v3.1.8
ARGOCD_APPS_CHART_VERSION = "2.0.2"
IN_CLUSTER = "https://kubernetes.default.svc"
FINALIZER = "resources-finalizer.argocd.argoproj.io"
DEFAULT_PROJECT = "default"
# The Secret (created by hand, README "Argo CD sign-in") that holds the OAuth client secret:
# never in Terraform's JSON or state.
OIDC_SECRET_NAME = "argocd-oidc-google"
OIDC_SECRET_KEY = "clientSecret"
GOOGLE_ISSUER = "https://accounts.google.com"


@dataclass(frozen=True)
class ContainerImage:
    """An image a chart runs, named in the values so that nothing else can run by default."""

    repository: str  # registry/path, e.g. quay.io/argoproj/argocd
    tag: str

    @property
    def reference(self) -> str:
        return f"{self.repository}:{self.tag}"


# Every image the argo-cd chart runs with PACE's values (Dex, the Redis exporter and the
# extension installer stay off). Written into the values, so that a chart upgrade cannot bring
# an image the Binary Authorization policy has not been told about.
ARGOCD_IMAGE = ContainerImage("quay.io/argoproj/argocd", "v3.1.8")
REDIS_IMAGE = ContainerImage("ecr-public.aws.com/docker/library/redis", "7.2.11-alpine")
# The redis-ha subchart (4.33.7) defaults to this tag; argo-cd's values change only the registry.
HAPROXY_IMAGE = ContainerImage("ecr-public.aws.com/docker/library/haproxy", "3.0.8-alpine")


# The Applications' health and sync metrics (argocd_app_info, argocd_app_sync_total: Argo CD
# v3.1.8 docs/operator-manual/metrics.md, controller/metrics/metrics.go) come from the
# application controller. Managed Prometheus (on in the cluster: constructs/gke.py) scrapes pods
# that a PodMonitoring selects (monitoring.googleapis.com/v1, GoogleCloudPlatform/prometheus-
# engine doc/api.md: selector, endpoints[].port by name, interval), straight from the pod: no
# metrics Service is needed, so the chart's stay off. Every namespace admits gmp-system's
# collectors (constructs/namespace.py). The job label of the scraped series is this name.
CONTROLLER_POD_MONITORING: dict[str, Any] = {
    "apiVersion": "monitoring.googleapis.com/v1",
    "kind": "PodMonitoring",
    # No namespace: Helm installs it in the release's (argocd), which a PodMonitoring must
    # share with the pods it selects.
    "metadata": {"name": "argocd-application-controller"},
    "spec": {
        "selector": {
            "matchLabels": {
                "app.kubernetes.io/name": "argocd-application-controller",
                "app.kubernetes.io/instance": ARGOCD_RELEASE,
            }
        },
        "endpoints": [{"port": "metrics", "interval": "30s"}],
    },
}


def argocd_images(high_availability: bool) -> tuple[ContainerImage, ...]:
    """The images Argo CD runs: what the cluster's admission policy must let through."""
    if high_availability:
        return (ARGOCD_IMAGE, REDIS_IMAGE, HAPROXY_IMAGE)
    return (ARGOCD_IMAGE, REDIS_IMAGE)


@dataclass(frozen=True)
class ArgoCdAccess:
    """Who may sign in. The default is nobody: people use `argocd --core` or
    `argocd admin dashboard` with their own GKE credentials until SSO is configured."""

    sso: GoogleSignIn | None = None
    local_admin: bool = False  # the built-in admin account; never together with SSO


def _access_values(access: ArgoCdAccess) -> tuple[dict[str, Any], dict[str, Any]]:
    """argocd-cm entries and argocd-rbac-cm values for who may sign in and what they may do."""
    cm: dict[str, Any] = {"admin.enabled": access.local_admin}
    rbac: dict[str, Any] = {"policy.default": "role:readonly", "policy.csv": ""}
    if access.sso is not None:
        cm["url"] = access.sso.url
        cm["oidc.config"] = json.dumps(
            {
                "name": "Google",
                "issuer": GOOGLE_ISSUER,
                "clientID": access.sso.client_id,
                "clientSecret": f"${OIDC_SECRET_NAME}:{OIDC_SECRET_KEY}",
                "requestedScopes": ["openid", "profile", "email"],
            },
            sort_keys=True,
        )
        rbac["policy.csv"] = "".join(f"g, {email}, role:admin\n" for email in access.sso.admins)
        # RBAC subjects are the ID token's email (as well as `sub`).
        rbac["scopes"] = "[email]"
    return cm, rbac


def argocd_values(
    high_availability: bool,
    access: ArgoCdAccess | None = None,
    signature_keys: Sequence[SignatureKey] = (),
) -> dict[str, Any]:
    """Values of the argo-cd chart."""
    cm, rbac = _access_values(access or ArgoCdAccess())
    replicas = 2 if high_availability else 1
    values: dict[str, Any] = {
        # Uninstalling the release must not delete the CRDs, and with them every Application.
        "crds": {"keep": True},
        "global": {"image": {"repository": ARGOCD_IMAGE.repository, "tag": ARGOCD_IMAGE.tag}},
        "configs": {
            "params": {"server.insecure": False},
            # No shell into pods from the UI.
            "cm": {"exec.enabled": False, **cm},
            "rbac": rbac,
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
        # Google is Argo CD's OIDC provider directly: Dex would only be another login path.
        "dex": {"enabled": False},
        "redis": {"image": {"repository": REDIS_IMAGE.repository, "tag": REDIS_IMAGE.tag}},
        # Managed Prometheus scrapes the Applications' health from here (the alerts read it).
        # A manifest of the release, not a kubernetes_manifest: the PodMonitoring CRD exists
        # as soon as managed collection is on, and the release owns what watches it.
        "extraObjects": [CONTROLLER_POD_MONITORING],
    }
    if signature_keys:
        # The keyring Argo CD verifies GitOps commits against (argocd-gpg-keys-cm; argo-cd
        # chart 8.5.10 values configs.gpg.keys: key id -> armored public key).
        values["configs"]["gpg"] = {"keys": {k.key_id: k.public_key for k in signature_keys}}
    if high_availability:
        # Redis HA (three replicas with Sentinel) instead of the single Redis.
        values["redis-ha"] = {
            "enabled": True,
            "image": {"repository": REDIS_IMAGE.repository, "tag": REDIS_IMAGE.tag},
            "haproxy": {
                "image": {"repository": HAPROXY_IMAGE.repository, "tag": HAPROXY_IMAGE.tag}
            },
        }
        values["redis"] = {"enabled": False}
        values["controller"] = {"replicas": 1}  # one shard: PACE has one cluster
    return values


@dataclass(frozen=True)
class GitOpsApplication:
    name: str  # also the destination namespace
    path: str  # directory in the GitOps repository


# The `default` AppProject, locked. Its live copy (created by argocd-server, open to everything)
# is adopted by the release, and Helm's three-way merge keeps any field the chart leaves out, so
# each field is written as a rule that matches nothing rather than left empty: `!*` denies every
# repository and destination, and the blacklists refuse every kind, whatever the whitelists say.
LOCKED_PROJECT: dict[str, Any] = {
    "description": "Locked: every Application must name a PACE project.",
    "sourceRepos": ["!*"],
    "destinations": [{"name": "!*", "server": "!*", "namespace": "!*"}],
    "clusterResourceBlacklist": [{"group": "*", "kind": "*"}],
    "namespaceResourceBlacklist": [{"group": "*", "kind": "*"}],
}


def argocd_apps_values(
    *,
    namespace: str,
    project: str,
    repo_url: str,
    revision: str,
    applications: Sequence[GitOpsApplication],
    sync_windows: Sequence[SyncWindow] = (),
    signature_keys: Sequence[SignatureKey] = (),
) -> dict[str, Any]:
    """Values of the argocd-apps chart: the PACE AppProject, the locked default project and one
    Application per system."""
    namespaces = [app.name for app in applications]
    guards: dict[str, Any] = {}
    if sync_windows:
        # AppProject spec.syncWindows (argocd-apps 2.0.2 passes them through; SyncWindow in
        # pkg/apis/application/v1alpha1/types.go at v3.1.8): each window covers every PACE app.
        guards["syncWindows"] = [
            {
                "kind": w.kind,
                "schedule": w.schedule,
                "duration": w.duration,
                "timeZone": w.time_zone,
                "applications": [app.name for app in applications],
                "manualSync": w.manual_sync,
                **({"description": w.description} if w.description else {}),
            }
            for w in sync_windows
        ]
    if signature_keys:
        # Argo CD syncs only commits signed by one of these keys (spec.signatureKeys).
        guards["signatureKeys"] = [{"keyID": k.key_id} for k in signature_keys]
    return {
        "projects": {
            DEFAULT_PROJECT: {"namespace": namespace, **LOCKED_PROJECT},
            project: {
                "namespace": namespace,
                "finalizers": [FINALIZER],
                "description": "PACE applications, from the GitOps repository only.",
                "sourceRepos": [repo_url],
                "destinations": [{"server": IN_CLUSTER, "namespace": ns} for ns in namespaces],
                # Applications create no cluster-scoped objects, and never touch what the
                # platform owns in their namespaces (quotas, limits, network policies).
                "clusterResourceWhitelist": [],
                "namespaceResourceBlacklist": [
                    {"group": "", "kind": "ResourceQuota"},
                    {"group": "", "kind": "LimitRange"},
                    {"group": "networking.k8s.io", "kind": "NetworkPolicy"},
                ],
                **guards,
            },
        },
        "applications": {
            app.name: {
                "namespace": namespace,
                "project": project,
                # Deleting the Application deletes what it deployed, in order.
                "finalizers": [FINALIZER],
                "source": {"repoURL": repo_url, "targetRevision": revision, "path": app.path},
                "destination": {"server": IN_CLUSTER, "namespace": app.name},
                "syncPolicy": {
                    "automated": {"prune": True, "selfHeal": True},
                    # The platform creates the namespaces (with quotas and policies).
                    "syncOptions": ["CreateNamespace=false", "PruneLast=true"],
                    "retry": {
                        "limit": SYNC_RETRY_LIMIT,
                        "backoff": {
                            "duration": f"{SYNC_RETRY_BACKOFF_S}s",
                            "factor": SYNC_RETRY_FACTOR,
                            "maxDuration": f"{SYNC_RETRY_MAX_S // 60}m",
                        },
                    },
                },
            }
            for app in applications
        },
    }
