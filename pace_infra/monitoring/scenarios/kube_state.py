"""What GKE writes about Kubernetes objects: kube-state metrics (the POD and DEPLOYMENT packages)
and Kubernetes events.

Sources:
- kube-state-metrics (internal/store/pod.go, deployment.go):
  `kube_pod_container_status_waiting_reason` exists only for a container that is waiting
  ("Skip creating series for running containers"), valued 1, labelled container and reason;
  `kube_pod_status_phase` is one series per phase (Pending, Succeeded, Failed, Unknown,
  Running), 1 for the pod's phase and 0 for the others;
  `kube_deployment_spec_replicas` is spec.replicas and `kube_deployment_status_replicas_available`
  status.availableReplicas; every pod series carries namespace, pod and uid, every Deployment
  series namespace and deployment.
- GKE, "Use kube state metrics": the series are written to Cloud Monitoring with resource type
  prometheus_target as `prometheus.googleapis.com/<name>/gauge`, and PromQL names them by the
  open-source name.
- Assumed: the `namespace` label is the object's namespace (a resource label of the
  prometheus_target; GKE's series carry no other namespace label), and the package is scraped
  every 30 s.
- Events: GKE writes Kubernetes events to the `events` log (`log_id("events")`), with the event's
  reason, message and involvedObject in jsonPayload. Assumed: a Node's events have resource type
  k8s_node, a Pod's k8s_pod, other objects' (a ReplicaSet's) k8s_cluster; the node problem
  detector writes one OOMKilling event on the Node per kernel OOM kill (GKE, "Troubleshoot OOM
  events"); the ReplicaSet controller, refused a pod by a ResourceQuota, writes FailedCreate
  ("... is forbidden: exceeded quota: ...") at least once a minute while it keeps retrying.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence

from pace_infra.monitoring.evaluation.series import LogEntry, TimeSeries

SCRAPE = 30
PROJECT = "project"
EVENTS_LOG = f"projects/{PROJECT}/logs/events"
TARGET = {
    "project_id": PROJECT,
    "location": "europe-west2",
    "cluster": "pace",
    "job": "kube-state-metrics",
    "instance": "kube-state-metrics:8080",
}
PHASES = ("Pending", "Succeeded", "Failed", "Unknown", "Running")


def ksm_series(
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    value: Callable[[int], float | None],
    end: int,
) -> TimeSeries:
    """One kube-state series, scraped every 30 s; `value` None where it is not exported."""
    series = TimeSeries(
        f"prometheus.googleapis.com/{name}/gauge",
        "prometheus_target",
        "GAUGE",
        {**TARGET, "namespace": namespace},
        dict(labels),
    )
    for t in range(SCRAPE, end + 1, SCRAPE):
        v = value(t)
        if v is not None:
            series.add(t, v)
    return series


def _within(intervals: Sequence[tuple[int, int]]) -> Callable[[int], float | None]:
    return lambda t: 1.0 if any(a <= t < b for a, b in intervals) else None


def waiting(
    namespace: str,
    pod: str,
    reason: str,
    intervals: Sequence[tuple[int, int]],
    end: int,
    container: str = "app",
) -> TimeSeries:
    """kube_pod_container_status_waiting_reason of one container waiting for `reason` during
    `intervals` (no sample outside them)."""
    labels = {"pod": pod, "uid": f"uid-{pod}", "container": container, "reason": reason}
    return ksm_series(
        "kube_pod_container_status_waiting_reason", namespace, labels, _within(intervals), end
    )


def pod_phases(
    namespace: str, pod: str, phase: Callable[[int], str | None], end: int
) -> list[TimeSeries]:
    """kube_pod_status_phase of one pod: `phase(t)`, None while the pod does not exist."""
    return [
        ksm_series(
            "kube_pod_status_phase",
            namespace,
            {"pod": pod, "uid": f"uid-{pod}", "phase": name},
            lambda t, name=name: None if phase(t) is None else float(phase(t) == name),  # type: ignore[misc]
            end,
        )
        for name in PHASES
    ]


def lifetime_phase(
    created: int, scheduled: int | None, deleted: int | None, startup: int = 30
) -> Callable[[int], str | None]:
    """A pod's phase: Pending from creation until it is scheduled and its containers start (its
    image pulled), Running after, gone once deleted."""

    def phase(t: int) -> str | None:
        if t < created or (deleted is not None and t >= deleted):
            return None
        if scheduled is None or t < scheduled + startup:
            return "Pending"
        return "Running"

    return phase


def deployment(
    namespace: str,
    name: str,
    desired: Callable[[int], float | None],
    available: Callable[[int], float | None],
    end: int,
) -> list[TimeSeries]:
    """kube_deployment_spec_replicas and kube_deployment_status_replicas_available."""
    labels = {"deployment": name}
    return [
        ksm_series("kube_deployment_spec_replicas", namespace, labels, desired, end),
        ksm_series("kube_deployment_status_replicas_available", namespace, labels, available, end),
    ]


def stepwise(points: Sequence[tuple[int, float]]) -> Callable[[int], float | None]:
    """A value sampled at `points` (time-ordered), held until the next sample."""
    times = [t for t, _ in points]

    def value(t: int) -> float | None:
        i = bisect.bisect_right(times, t)
        return points[i - 1][1] if i else None

    return value


def event(
    t: int,
    reason: str,
    message: str,
    involved: Mapping[str, str],
    severity: str = "WARNING",
) -> LogEntry:
    """A Kubernetes event as GKE logs it (see the module docstring for the resource types)."""
    kind = involved.get("kind", "")
    cluster = {"project_id": PROJECT, "location": TARGET["location"], "cluster_name": "pace"}
    if kind == "Node":
        resource_type, labels = "k8s_node", {**cluster, "node_name": involved["name"]}
    elif kind == "Pod":
        resource_type = "k8s_pod"
        labels = {**cluster, "namespace_name": involved["namespace"], "pod_name": involved["name"]}
    else:
        resource_type, labels = "k8s_cluster", cluster
    return LogEntry(
        t,
        resource_type,
        labels,
        severity,
        json_payload={"reason": reason, "message": message, "involvedObject": dict(involved)},
        log_name=EVENTS_LOG,
    )


def oom_kill(t: int, node: str, process: str, pid: int) -> LogEntry:
    """The node problem detector's event for one kernel OOM kill."""
    return event(
        t,
        "OOMKilling",
        f"Memory cgroup out of memory: Killed process {pid} ({process}) total-vm:2150012kB, "
        "anon-rss:1048000kB, file-rss:0kB, shmem-rss:0kB",
        {"kind": "Node", "name": node},
    )


def replicaset_event(
    t: int, namespace: str, replicaset: str, reason: str, message: str
) -> LogEntry:
    severity = "INFO" if reason == "SuccessfulCreate" else "WARNING"
    involved = {"kind": "ReplicaSet", "namespace": namespace, "name": replicaset}
    return event(t, reason, message, involved, severity)


def quota_refusal(t: int, namespace: str, replicaset: str) -> LogEntry:
    return replicaset_event(
        t,
        namespace,
        replicaset,
        "FailedCreate",
        f'Error creating: pods "{replicaset}-x7k2p" is forbidden: exceeded quota: {namespace}, '
        "requested: limits.cpu=1, used: limits.cpu=16, limited: limits.cpu=16",
    )
