"""What PACE alerts on for each system's workloads in its namespace: containers at their limits,
containers crash-looping, Deployments short of replicas, and each Deployment with none at all.

Crash loops and replicas are read from kube-state metrics with PromQL: GKE's system metrics
carry a restart counter but no state, and a counter's delta cannot tell a crash loop from a
burst of restarts (kubelet's back-off doubles from 10 s to a 300 s cap, so a loop makes ~5
restarts in its first 150 s, then one per 5 minutes, and a slow loop fewer still).
"""

from __future__ import annotations

from pace_infra.config import Thresholds
from pace_infra.monitoring.filters import (
    KUBE_DEPLOYMENT_AVAILABLE,
    KUBE_DEPLOYMENT_DESIRED,
    KUBE_WAITING_REASON,
    container_filter,
    promql_selector,
)
from pace_infra.monitoring.model import AlertSpec, Promql, Threshold
from pace_infra.names import IMAGES, Workload, namespace

# A container is in CrashLoopBackOff while kubelet waits out its back-off (10 s doubling to a
# 300 s cap, reset after 10 minutes of running: Kubernetes, "Pod lifecycle", container restart
# policy). Looking back 5 minutes bridges the running spells between two back-offs of any loop
# whose container lives under 5 minutes, so the series stays returned for as long as the loop
# lasts; holding it 10 minutes lets one crash (10 s of back-off) or two pass quietly.
CRASH_LOOP_LOOKBACK = "5m"
CRASH_LOOP_FOR = "600s"
# Available below desired this long is more than an HPA scale-up: a new node (cluster
# autoscaler), an image pull and a readiness probe take minutes, not a quarter of an hour.
# Roll-outs never lower availability (maxUnavailable 0 in gitops/workloads.py).
REPLICAS_SHORT_FOR = "900s"
NO_REPLICA_FOR = "300s"


def _by_deployment(metric: str, **labels: str) -> str:
    return f"sum by (namespace, deployment) ({promql_selector(metric, **labels)})"


def crash_loop_query(ns: str) -> str:
    """Every container of the namespace that was in CrashLoopBackOff in the lookback."""
    waiting = promql_selector(KUBE_WAITING_REASON, namespace=ns, reason="CrashLoopBackOff")
    return (
        f"max by (namespace, pod, container) (max_over_time({waiting}[{CRASH_LOOP_LOOKBACK}])) > 0"
    )


def replicas_short_query(ns: str) -> str:
    """Every Deployment of the namespace with fewer available replicas than it wants."""
    desired = _by_deployment(KUBE_DEPLOYMENT_DESIRED, namespace=ns)
    available = _by_deployment(KUBE_DEPLOYMENT_AVAILABLE, namespace=ns)
    return f"({desired} - {available}) > 0"


def no_replica_query(ns: str, deployment: str) -> str:
    """The Deployment wants replicas and has none available."""
    available = _by_deployment(KUBE_DEPLOYMENT_AVAILABLE, namespace=ns, deployment=deployment)
    desired = _by_deployment(KUBE_DEPLOYMENT_DESIRED, namespace=ns, deployment=deployment)
    return f"({available} == 0) and on (namespace, deployment) ({desired} > 0)"


def workload_alerts(system: Workload, t: Thresholds) -> list[AlertSpec]:
    ns = namespace(system)
    return [
        AlertSpec(
            key=f"{system}-container-cpu",
            title=f"{ns}: containers at their CPU limit",
            system=system,
            family="exhaustion",
            severity="WARNING",
            summary=f"Containers in {ns} use more than {t.container_limit_utilization:.0%} "
            "of their CPU limit: they are throttled and respond slowly.",
            first_steps=f"- `kubectl -n {ns} top pods`\n"
            "- Check the HPA and recent deploys in Argo CD",
            runbook="container-limits",
            conditions=[
                Threshold(
                    name="CPU limit utilization",
                    filter=container_filter(ns, "cpu/limit_utilization"),
                    threshold=t.container_limit_utilization,
                    duration="600s",
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-container-memory",
            title=f"{ns}: containers near their memory limit",
            system=system,
            family="exhaustion",
            severity="WARNING",
            summary=f"Containers in {ns} use more than {t.container_limit_utilization:.0%} "
            "of their memory limit: the next spike is an OOM kill.",
            first_steps=f"- `kubectl -n {ns} top pods`\n- Look for OOMKilled in pod status",
            runbook="container-limits",
            conditions=[
                Threshold(
                    name="Memory limit utilization",
                    filter=container_filter(ns, "memory/limit_utilization"),
                    threshold=t.container_limit_utilization,
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-crash-loop",
            title=f"{ns}: containers crash-looping",
            system=system,
            family="health",
            severity="ERROR",
            summary=f"A container in {ns} has been in CrashLoopBackOff again and again for 10 "
            "minutes: it keeps exiting or failing its liveness probe, and kubelet waits longer "
            "before each restart. The incident names the pod and container.",
            first_steps=f"- `kubectl -n {ns} get pods` (STATUS CrashLoopBackOff, RESTARTS)\n"
            f"- `kubectl -n {ns} logs <pod> -c <container> --previous`: why the last run "
            "ended\n"
            f"- `kubectl -n {ns} describe pod <pod>`: Last State (exit code, OOMKilled), "
            "liveness probe failures",
            runbook="crash-loop",
            conditions=[
                Promql(
                    name="Containers in CrashLoopBackOff",
                    query=crash_loop_query(ns),
                    duration=CRASH_LOOP_FOR,
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-replicas-short",
            title=f"{ns}: Deployments short of replicas",
            system=system,
            family="exhaustion",
            severity="WARNING",
            summary=f"A Deployment in {ns} has had fewer available replicas than it wants for 15 "
            "minutes: pods cannot be created (quota), scheduled (capacity) or made ready.",
            first_steps=f"- `kubectl -n {ns} get deploy,rs,pods`\n"
            f"- `kubectl -n {ns} describe rs <newest replicaset>`: FailedCreate (quota)?\n"
            f"- `kubectl -n {ns} describe pod <pending or unready pod>`: events",
            runbook="replicas-unavailable",
            conditions=[
                Promql(
                    name="Desired minus available replicas",
                    query=replicas_short_query(ns),
                    duration=REPLICAS_SHORT_FOR,
                )
            ],
        ),
        *(
            AlertSpec(
                key=f"{system}-{deployment}-unavailable",
                title=f"{deployment}: no replica available",
                system=system,
                family="health",
                severity="ERROR",
                summary=f"Deployment {deployment} in {ns} wants replicas and has had none "
                "available for 5 minutes: whatever it serves is down, with or without restarts.",
                first_steps=f"- `kubectl -n {ns} get deploy {deployment}` and its pods\n"
                f"- `kubectl -n {ns} describe pod <pod>`: readiness probe, image pull, "
                "scheduling\n- Argo CD: the application's last sync and health",
                runbook="replicas-unavailable",
                conditions=[
                    Promql(
                        name="Available replicas",
                        query=no_replica_query(ns, deployment),
                        duration=NO_REPLICA_FOR,
                    )
                ],
            )
            for deployment in IMAGES[system]
        ),
    ]
