"""The Kubernetes objects of the platform-owned GitOps skeleton, as plain dicts.

Every pod meets Pod Security `restricted` (the namespaces enforce it), runs as its system's
Kubernetes service account (Workload Identity), and reaches its database through the Cloud SQL
Auth Proxy as a native sidecar (an init container with `restartPolicy: Always`, Kubernetes
1.29+: it starts before the app and stops after it) with IAM database authentication.
Environment-specific values (connection names, hosts, edge names, sizes) are the overlays'.
"""

from __future__ import annotations

from typing import Any

from pace_infra.config.values_delivery import PROXY_SIZE, WorkloadSize
from pace_infra.names import NODE_POOL_LABEL, Workload, namespace

Manifest = dict[str, Any]

PROXY_PORT = 5432  # the app connects to 127.0.0.1:5432; the proxy dials the private IP
HEALTH_PATH = "/api/health"  # what the load balancer, kubelet and uptime checks ask
# Placeholders the overlays replace: an overlay that forgets one fails the contract tests.
CONNECTION_NAME_PLACEHOLDER = "PROJECT:REGION:INSTANCE"
DB_USER_PLACEHOLDER = "SERVICE_ACCOUNT"

# Pod Security `restricted` (kubernetes.io/docs/concepts/security/pod-security-standards):
# non-root, no privilege escalation, every capability dropped, the runtime's seccomp profile.
POD_SECURITY = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
}


def labels(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "pace"}


def resources(size: WorkloadSize) -> dict[str, dict[str, str]]:
    return {
        "requests": {"cpu": size.requests_cpu, "memory": size.requests_memory},
        "limits": {"cpu": size.limits_cpu, "memory": size.limits_memory},
    }


def proxy_args(connection_name: str) -> list[str]:
    """The proxy's arguments: private IP only, IAM authentication of the pod's identity."""
    return [
        "--auto-iam-authn",
        "--private-ip",
        "--structured-logs",
        f"--port={PROXY_PORT}",
        "--health-check",
        "--http-address=0.0.0.0",
        connection_name,
    ]


def proxy_sidecar(image: str) -> Manifest:
    """The Cloud SQL Auth Proxy, before an overlay names its instance."""
    return {
        "name": "cloud-sql-proxy",
        "image": image,
        "restartPolicy": "Always",  # native sidecar
        "args": proxy_args(CONNECTION_NAME_PLACEHOLDER),
        "startupProbe": {"httpGet": {"path": "/startup", "port": 9090}, "periodSeconds": 1},
        "resources": resources(PROXY_SIZE),
        "securityContext": CONTAINER_SECURITY,
    }


def app_container(image: str, port: int, size: WorkloadSize, database: str | None) -> Manifest:
    env = []
    if database:
        env = [
            {"name": "DB_HOST", "value": "127.0.0.1"},
            {"name": "DB_PORT", "value": str(PROXY_PORT)},
            {"name": "DB_NAME", "value": database},
            # The IAM database user: the service account's email without .gserviceaccount.com.
            {"name": "DB_USER", "value": DB_USER_PLACEHOLDER},
        ]
    probe = {"httpGet": {"path": HEALTH_PATH, "port": "http"}, "periodSeconds": 10}
    return {
        "name": "app",
        "image": image,  # a name the images component turns into <registry>/<image>@<digest>
        "ports": [{"name": "http", "containerPort": port}],
        "env": env,
        "readinessProbe": probe,
        "livenessProbe": {**probe, "failureThreshold": 6},
        "resources": resources(size),
        "securityContext": CONTAINER_SECURITY,
        # A read-only root filesystem: the app writes temporary files here only.
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def deployment(
    workload: Workload,
    name: str,
    container: Manifest,
    proxy: Manifest | None,
    automount_api_token: bool,
) -> Manifest:
    pool = {NODE_POOL_LABEL: workload}
    spec: Manifest = {
        "serviceAccountName": namespace(workload),
        "automountServiceAccountToken": automount_api_token,
        "securityContext": POD_SECURITY,
        "nodeSelector": pool,
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {}}],
        # Across zones first, so that one zone's loss leaves replicas serving.
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": labels(name)},
            }
        ],
    }
    if proxy:
        spec["initContainers"] = [proxy]
    if workload == "ai":  # the ai pool is tainted for pace-ai's workloads only
        spec["tolerations"] = [
            {"key": NODE_POOL_LABEL, "operator": "Equal", "value": "ai", "effect": "NoSchedule"}
        ]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {
            "selector": {"matchLabels": labels(name)},
            # Never one fewer serving pod during a roll-out.
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"metadata": {"labels": labels(name)}, "spec": spec},
        },
    }


def service(name: str, annotations: dict[str, str] | None = None) -> Manifest:
    metadata: Manifest = {"name": name, "labels": labels(name)}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "type": "ClusterIP",
            "selector": labels(name),
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def autoscaler(name: str, size: WorkloadSize) -> Manifest:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels(name)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": size.min_replicas,
            "maxReplicas": size.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
    }


def disruption_budget(name: str) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels(name)},
        # One pod at a time may be evicted (node upgrades drain one node at a time).
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels(name)}},
    }
