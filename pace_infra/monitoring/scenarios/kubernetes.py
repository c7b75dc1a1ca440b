"""Mechanisms of a GKE cluster, as series and log entries: the kubelet's crash back-off, the
HorizontalPodAutoscaler and cluster autoscaler, a rolling deploy, page cache and memory leaks.

Sources of the numbers:
- Kubelet (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts):
  "the kubelet restarts them with an exponential backoff delay (10s, 20s, 40s, ...), that is capped
  at 300 seconds (5 minutes). Once a container has executed for 10 minutes without any problems,
  the kubelet resets the restart backoff timer for that container."
- HPA (kube-controller-manager defaults, k8s.io/kubernetes/pkg/controller/podautoscaler/config):
  sync every 15 s, tolerance 0.1, scale-down stabilization window 300 s; desired replicas =
  ceil(current * currentUtilization / target).
- Cluster autoscaler: scans for unschedulable pods every 10 s (its --scan-interval default); a new
  GKE node joining takes about two minutes (assumed: 120 s from the scale-up decision to Ready).
- GKE system metrics (kubernetes.io/container/*, kubernetes.io/node/*) are sampled every 60 s.
- Events (assumed): the scheduler's FailedScheduling event is written when a pod cannot be placed
  and again at least once a minute while it stays Pending (kube_state.event writes them).
- Memory (assumed, as memory/used_bytes documents it): container memory/limit_utilization and node
  memory/allocatable_utilization carry `memory_type`, one series for "evictable" memory (the page
  cache) and one for "non-evictable"; the kernel reclaims page cache at the limit instead of
  killing the container.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pace_infra.monitoring.evaluation.series import SEVERITIES, LogEntry, TimeSeries
from pace_infra.monitoring.scenarios.kube_state import event

SAMPLE = 60
BACKOFF_INITIAL, BACKOFF_CAP, BACKOFF_RESET = 10, 300, 600
HPA_SYNC, HPA_TOLERANCE, HPA_DOWNSCALE_WINDOW = 15, 0.1, 300
CA_SCAN, NODE_PROVISION = 10, 120
KSM_SCRAPE = 30  # kube-state metrics samples (assumed, see kube_state.py)
CLUSTER = {"project_id": "project", "location": "europe-west2", "cluster_name": "pace"}


def crash_loop_backoffs(start: int, end: int, run_seconds: int) -> list[tuple[int, int]]:
    """The intervals a container that exits `run_seconds` after each start (from `start`) spends
    waiting out kubelet's back-off (its state Waiting, reason CrashLoopBackOff), until `end`."""
    waits: list[tuple[int, int]] = []
    started, delay = start, BACKOFF_INITIAL
    while True:
        exited = started + run_seconds
        if exited >= end:
            return waits
        if run_seconds >= BACKOFF_RESET:
            delay = BACKOFF_INITIAL  # it ran long enough: the back-off starts over
        waits.append((exited, min(exited + delay, end)))
        started = exited + delay
        delay = min(delay * 2, BACKOFF_CAP)


def crash_backoffs(exits: list[int]) -> list[tuple[int, int]]:
    """The back-off waits of a container that exits at `exits` and otherwise runs: the delay
    doubles from 10 s for each exit, and starts over after 10 minutes of running."""
    waits: list[tuple[int, int]] = []
    delay = BACKOFF_INITIAL
    for at in exits:
        if waits and at - waits[-1][1] >= BACKOFF_RESET:
            delay = BACKOFF_INITIAL
        waits.append((at, at + delay))
        delay = min(delay * 2, BACKOFF_CAP)
    return waits


def crash_loop(start: int, end: int, run_seconds: int) -> list[int]:
    """Restart times of a container that exits `run_seconds` after each start (from `start`)."""
    return [stop for _, stop in crash_loop_backoffs(start, end, run_seconds) if stop < end]


def container_resource(namespace: str, pod: str, container: str = "app") -> dict[str, str]:
    return {**CLUSTER, "namespace_name": namespace, "pod_name": pod, "container_name": container}


# gitops/workloads.py's Deployments roll out with maxSurge 1 and maxUnavailable 0.
MAX_SURGE = 1


def rolling_update(replicas: int, at: int, ready_after: int = 40) -> list[tuple[str, int, int]]:
    """A Deployment rolling out with maxSurge 1, maxUnavailable 0: one new pod at a time, each
    (name, created, ready); an old pod is terminated when its successor is ready, so available
    replicas never fall below the desired count. Each new pod waits ContainerCreating (image
    pull, volume mounts) for its first 15 s (assumed) and is ready `ready_after` s after creation
    (start-up and readiness probe)."""
    return [
        (f"new-{i}", at + i * ready_after, at + (i + 1) * ready_after)
        for i in range(0, replicas, MAX_SURGE)
    ]


def gauge(
    metric: str,
    resource_type: str,
    labels: Mapping[str, str],
    value: Callable[[int], float | None],
    end: int,
    start: int = 0,
    metric_labels: Mapping[str, str] | None = None,
) -> TimeSeries:
    """A GAUGE sampled every 60 s; `value` returns None where the series has no point."""
    series = TimeSeries(metric, resource_type, "GAUGE", dict(labels), dict(metric_labels or {}))
    for t in range(start + SAMPLE, end + 1, SAMPLE):
        v = value(t)
        if v is not None:
            series.add(t, v)
    return series


def page_cache(
    rss: float, limit: float, growth_per_hour: float
) -> tuple[Callable[[int], float], Callable[[int], float]]:
    """Memory in use as fractions of the limit, (non-evictable, evictable): a steady RSS, and page
    cache growing with file I/O until the kernel reclaims it just below the limit (no OOM kill:
    the cache is evictable)."""

    def cache(t: int) -> float:
        return min(growth_per_hour * t / 3600, limit * 0.98 - rss) / limit

    return (lambda t: rss / limit), cache


def memory_leak(baseline: float, limit: float, leak_per_hour: float, start: int) -> list[int]:
    """OOM kill times of a container whose RSS grows from `baseline` after `start` (one kill, the
    restart, the leak again)."""
    period = (limit - baseline) / leak_per_hour * 3600
    return [int(start + period * (k + 1)) for k in range(50)]


@dataclass
class Autoscaled:
    """What an autoscaled Deployment did: per-pod CPU use as a fraction of the limit (60 s
    samples), the pods' Pending intervals, the node count over time, the Deployment's desired
    (spec.replicas, as the HPA sets it) and available replicas every 30 s, each pod's lifetime,
    and the minutes in which the ReplicaSet controller was refused pods by the quota."""

    cpu: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    pending: list[tuple[str, int, int]] = field(default_factory=list)
    nodes: list[tuple[int, int]] = field(default_factory=list)
    replicas: list[tuple[int, int, int]] = field(default_factory=list)
    lifetimes: dict[str, tuple[int, int | None, int | None]] = field(default_factory=dict)
    refused: list[int] = field(default_factory=list)


def autoscale(
    demand: Callable[[int], float],
    end: int,
    *,
    request: float,
    limit: float,
    target: float,
    min_replicas: int,
    max_replicas: int,
    pods_per_node: int,
    nodes: int,
    max_nodes: int,
    startup: int = 30,
    quota_pods: int | None = None,
) -> Autoscaled:
    """HPA on CPU (target = fraction of the request) and the cluster autoscaler, simulated in
    5-second steps. `demand(t)` is the CPU the traffic needs, in cores. `quota_pods`: the most pods
    the namespace's ResourceQuota admits; the ReplicaSet controller is refused the rest."""
    out = Autoscaled()
    pods: dict[str, dict] = {}  # name -> {"ready": t or None, "pending_since": t or None}
    serial = 0
    spec = min_replicas

    def add_pod(t: int) -> None:
        nonlocal serial
        serial += 1
        pods[f"pod-{serial}"] = {"ready": None, "pending_since": t, "scheduled": None}
        out.lifetimes[f"pod-{serial}"] = (t, None, None)

    for _ in range(min_replicas):
        add_pod(0)
    for name, p in pods.items():
        p.update(ready=0, pending_since=None, scheduled=0)
        out.lifetimes[name] = (0, 0, None)
    history: list[tuple[int, int]] = []
    node_ready_at: list[int] = []
    for t in range(0, end + 1, 5):
        nodes += sum(n <= t for n in node_ready_at)
        node_ready_at = [n for n in node_ready_at if n > t]
        scheduled = sum(p["scheduled"] is not None for p in pods.values())
        for name, p in pods.items():
            if p["scheduled"] is None and scheduled < nodes * pods_per_node:
                p.update(scheduled=t, ready=t + startup)
                out.pending.append((name, p["pending_since"], t))
                out.lifetimes[name] = (out.lifetimes[name][0], t, None)
                p["pending_since"] = None
                scheduled += 1
        ready = [p for p in pods.values() if p["ready"] is not None and p["ready"] <= t]
        per_pod = min(demand(t) / max(len(ready), 1), limit)
        if t % SAMPLE == 0 and t:
            for name, p in pods.items():
                if p["ready"] is not None and p["ready"] <= t:
                    out.cpu.setdefault(name, []).append((t, per_pod / limit))
            out.nodes.append((t, nodes))
            if len(pods) < spec:
                out.refused.append(t)
        if t % KSM_SCRAPE == 0 and t:
            out.replicas.append((t, spec, len(ready)))
        if t % HPA_SYNC == 0 and ready:
            utilization = per_pod / request
            current = len(pods)
            desired = spec
            if abs(utilization / target - 1) > HPA_TOLERANCE:
                desired = math.ceil(len(ready) * utilization / target)
            history.append((t, desired))
            history = [(h, d) for h, d in history if h > t - HPA_DOWNSCALE_WINDOW]
            if desired < spec:
                desired = max(d for _, d in history)  # scale-down stabilization
            spec = max(min_replicas, min(max_replicas, desired))
            wanted = spec if quota_pods is None else min(spec, quota_pods)
            for _ in range(wanted - current):
                add_pod(t)
            for name in list(pods)[: max(0, current - wanted)]:
                del pods[name]
                created, placed, _ = out.lifetimes[name]
                out.lifetimes[name] = (created, placed, t)
        if t % CA_SCAN == 0:
            waiting = sum(p["scheduled"] is None for p in pods.values())
            coming = len(node_ready_at)
            wanted_nodes = math.ceil(waiting / pods_per_node) - coming
            for _ in range(max(0, min(wanted_nodes, max_nodes - nodes - coming))):
                node_ready_at.append(t + NODE_PROVISION)
    for name, p in pods.items():
        if p["scheduled"] is None:
            out.pending.append((name, p["pending_since"], end))
    return out


def failed_scheduling_events(
    namespace: str, pending: list[tuple[str, int, int]], message: str
) -> list[LogEntry]:
    """The scheduler's FailedScheduling events while pods are Pending (one a minute)."""
    return [
        event(t, "FailedScheduling", message, {"kind": "Pod", "namespace": namespace, "name": pod})
        for pod, since, until in pending
        for t in range(since, max(until, since + 1), SAMPLE)
    ]


def container_log_lines(
    namespace: str, pod: str, t: int, lines: list[str], stream: str
) -> list[LogEntry]:
    """What GKE's logging agent writes for lines a container prints: one entry per line; stderr
    is ERROR and stdout INFO unless the line is JSON with a `severity` field
    (https://cloud.google.com/kubernetes-engine/docs/concepts/about-logs; structured logging:
    https://cloud.google.com/logging/docs/structured-logging)."""
    import json

    entries = []
    for line in lines:
        payload = None
        severity = "ERROR" if stream == "stderr" else "INFO"
        try:
            parsed = json.loads(line)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            payload = parsed
            if str(parsed.get("severity", "")).upper() in SEVERITIES:
                severity = str(parsed["severity"]).upper()
        entries.append(
            LogEntry(
                t,
                "k8s_container",
                container_resource(namespace, pod),
                severity,
                text_payload=None if payload else line,
                json_payload=payload,
            )
        )
    return entries
