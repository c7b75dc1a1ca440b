"""The platform-owned part of the GitOps repository, from the environment config.

Layout (what Argo CD syncs is `names.gitops_overlay`):

    <namespace>/base/                 the workloads, the same in every environment
    <namespace>/overlays/<env>/       what differs: edge names, hosts, databases, sizes
    <namespace>/overlays/<env>/images/  a Component with the images by digest: the only file
                                        application pipelines and promotion write

Names come from pace_infra/names.py and the environment, the same sources the stacks use, and
the contract tests check them against the synthesized stacks.
"""

from __future__ import annotations

from pace_infra.config import Environment
from pace_infra.config.values_delivery import WorkloadSize
from pace_infra.gitops.workloads import (
    Manifest,
    app_container,
    autoscaler,
    deployment,
    disruption_budget,
    proxy_args,
    proxy_sidecar,
    resources,
    service,
)
from pace_infra.names import (
    APP_PORT,
    IMAGE_DATABASE,
    IMAGES,
    WORKLOADS,
    EnvNames,
    Workload,
    gitops_base,
    gitops_overlay,
    image_registry,
    namespace,
    service_account_email,
)

# The CRM's Ingress routes the AI backend's public API (served through the CRM, pace-ai has no
# public endpoint) under its own path rule, which the AI SLO selects on
# (monitoring/filters.py AI_PATH_RULE).
AI_PATH = "/api/ai/*"
UNFILLED_DIGEST = "sha256:" + "0" * 64  # the pipeline's first push replaces it
KUSTOMIZATION = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}

CRM = "pace-web"  # the Deployment (and image) behind the Ingress
PROXY_IMAGE_PLACEHOLDER = "cloud-sql-proxy"  # each overlay sets the pinned image


def base(workload: Workload) -> dict[str, list[Manifest]]:
    """File name -> objects of one system's base: the same in every environment (default sizes,
    no API token, placeholders the overlays fill)."""
    files: dict[str, list[Manifest]] = {}
    for name in IMAGES[workload]:
        database = IMAGE_DATABASE.get(name)
        container = app_container(
            name, APP_PORT, WorkloadSize(), database.database if database else None
        )
        proxy = proxy_sidecar(PROXY_IMAGE_PLACEHOLDER) if database else None
        annotations = None
        if name == CRM:  # container-native load balancing, with the edge's BackendConfig
            annotations = {
                "cloud.google.com/neg": '{"ingress": true}',
                "cloud.google.com/backend-config": f'{{"default": "{CRM}"}}',
            }
        files[f"{name}.yaml"] = [
            deployment(workload, name, container, proxy, automount_api_token=False),
            service(name, annotations),
            autoscaler(name, WorkloadSize()),
            disruption_budget(name),
        ]
    if workload == "web":
        files["edge.yaml"] = _edge_base(APP_PORT)
    files["kustomization.yaml"] = [{**KUSTOMIZATION, "resources": sorted(files)}]
    return files


def _edge_base(port: int) -> list[Manifest]:
    """The CRM's Ingress and what it attaches; the overlay names the edge and the hosts."""
    backend = {"service": {"name": CRM, "port": {"name": "http"}}}
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": CRM,
                "annotations": {
                    "kubernetes.io/ingress.class": "gce",
                    "networking.gke.io/managed-certificates": CRM,
                    "networking.gke.io/v1beta1.FrontendConfig": CRM,
                },
            },
            "spec": {"defaultBackend": backend},
        },
        {
            "apiVersion": "cloud.google.com/v1",
            "kind": "BackendConfig",
            "metadata": {"name": CRM},
            "spec": {
                "healthCheck": {"type": "HTTP", "requestPath": "/api/health", "port": port},
                # Cloud Armor policy: named by the overlay (the edge stack creates it).
            },
        },
        {
            "apiVersion": "networking.gke.io/v1beta1",
            "kind": "FrontendConfig",
            "metadata": {"name": CRM},
            "spec": {"redirectToHttps": {"enabled": True}},
        },
        {
            "apiVersion": "networking.gke.io/v1",
            "kind": "ManagedCertificate",
            "metadata": {"name": CRM},
            "spec": {"domains": []},
        },
    ]


def overlay(env: Environment, workload: Workload) -> dict[str, list[Manifest]]:
    """File name -> objects of one system's overlay in one environment."""
    names = EnvNames(env.name)
    automount = {"web": env.platform.web_kubernetes_api, "ai": env.platform.ai_kubernetes_api}
    patches: list[Manifest] = []
    for name in IMAGES[workload]:
        size = env.applications.size_of(name)
        app: Manifest = {"name": "app", "resources": resources(size)}
        init: list[Manifest] = []
        database = IMAGE_DATABASE.get(name)
        if database:
            instance = names.database_serving(database, dr_promoted=env.databases.dr_promoted)
            region = env.databases.serving_region(env.region)
            email = service_account_email(names.workload_service_account(workload), env.project_id)
            # The IAM database user: the service account's email without .gserviceaccount.com.
            app["env"] = [{"name": "DB_USER", "value": email.removesuffix(".gserviceaccount.com")}]
            init = [
                {
                    "name": "cloud-sql-proxy",
                    "image": env.applications.cloud_sql_proxy_image,
                    "args": proxy_args(f"{env.project_id}:{region}:{instance}"),
                }
            ]
        patches.append(_deployment_patch(name, app, init, automount[workload]))
        patches.append(
            {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": name},
                "spec": {"minReplicas": size.min_replicas, "maxReplicas": size.max_replicas},
            }
        )
    if workload == "web":
        patches.extend(_edge_overlay(env, names))
    registry = image_registry(env.region, env.project_id)
    images = {
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "images": [
            {"name": image, "newName": f"{registry}/{image}", "digest": UNFILLED_DIGEST}
            for image in IMAGES[workload]
        ],
    }
    kustomization = {
        **KUSTOMIZATION,
        "namespace": namespace(workload),
        "resources": ["../../base"],
        "components": ["images"],
        "patches": [{"path": "patches.yaml"}],
    }
    return {
        "kustomization.yaml": [kustomization],
        "images/kustomization.yaml": [images],
        "patches.yaml": patches,
    }


def _deployment_patch(name: str, app: Manifest, init: list[Manifest], automount: bool) -> Manifest:
    pod: Manifest = {"automountServiceAccountToken": automount, "containers": [app]}
    if init:
        pod["initContainers"] = init
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"template": {"spec": pod}},
    }


def _edge_overlay(env: Environment, names: EnvNames) -> list[Manifest]:
    edge = names.edge
    backend = {"service": {"name": CRM, "port": {"name": "http"}}}
    paths = [
        {"path": AI_PATH, "pathType": "ImplementationSpecific", "backend": backend},
        {"path": "/*", "pathType": "ImplementationSpecific", "backend": backend},
    ]
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": CRM,
                "annotations": {"kubernetes.io/ingress.global-static-ip-name": edge.ip},
            },
            "spec": {
                "rules": [{"host": h, "http": {"paths": paths}} for h in env.applications.crm_hosts]
            },
        },
        {
            "apiVersion": "cloud.google.com/v1",
            "kind": "BackendConfig",
            "metadata": {"name": CRM},
            "spec": {"securityPolicy": {"name": edge.security_policy}},
        },
        {
            "apiVersion": "networking.gke.io/v1beta1",
            "kind": "FrontendConfig",
            "metadata": {"name": CRM},
            "spec": {"sslPolicy": edge.ssl_policy},
        },
        {
            "apiVersion": "networking.gke.io/v1",
            "kind": "ManagedCertificate",
            "metadata": {"name": CRM},
            "spec": {"domains": list(env.applications.crm_hosts)},
        },
    ]


def skeleton(environments: list[Environment]) -> dict[str, list[Manifest]]:
    """Repository path -> objects, for every environment (bases once: they do not vary)."""
    files: dict[str, list[Manifest]] = {}
    for env in environments:
        for workload in WORKLOADS:
            for name, objects in base(workload).items():
                files[f"{gitops_base(workload)}/{name}"] = objects
            for name, objects in overlay(env, workload).items():
                files[f"{gitops_overlay(workload, env.name)}/{name}"] = objects
    return files
