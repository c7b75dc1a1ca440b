"""Scenarios of the cluster: nodes short of allocatable capacity, pods left Pending, pods a
ResourceQuota refused, containers the kernel killed for memory."""

from __future__ import annotations

from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.monitoring.scenarios import kube_state
from pace_infra.monitoring.scenarios.catalog_workloads import hpa, morning_ramp
from pace_infra.monitoring.scenarios.kubernetes import (
    CLUSTER,
    Autoscaled,
    failed_scheduling_events,
    gauge,
    page_cache,
)
from pace_infra.monitoring.scenarios.model import HOUR, MIN, Context, Run, Scenario

NAMESPACE = "pace-web"


# --- nodes ----------------------------------------------------------------------------------


def _nodes(
    metric: str,
    used: Callable[[int], float | None],
    count: int,
    end: int,
    labels: dict[str, str] | None = None,
) -> list[TimeSeries]:
    return [
        gauge(
            f"kubernetes.io/node/{metric}",
            "k8s_node",
            {**CLUSTER, "node_name": f"gke-pace-web-{i}"},
            used,
            end,
            metric_labels=labels,
        )
        for i in range(count)
    ]


def _node_burst(ctx: Context) -> Run:
    """The morning ramp on the nodes: the autoscaler adds nodes for the new pods, so use per
    node follows the pods' (4 allocatable cores a node)."""
    end = 3 * HOUR
    nodes = dict(hpa(morning_ramp, end).nodes)

    def used(t: int) -> float | None:
        return min((morning_ramp(t) + 0.4 * nodes.get(t, 3)) / (4 * nodes.get(t, 3)), 1.0)

    return Run(Observations(end, _nodes("cpu/allocatable_utilization", used, 3, end)))


def _nodes_at_max(metric: str) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        end = 2 * HOUR

        def used(t: int) -> float:
            return 0.97 if 30 * MIN <= t < 90 * MIN else 0.6

        labels = {"memory_type": "non-evictable"} if metric.startswith("memory") else None
        return Run(Observations(end, _nodes(metric, used, 12, end, labels)), (30 * MIN, 90 * MIN))

    return build


def _node_page_cache(ctx: Context) -> Run:
    end = 12 * HOUR
    rss, cache = page_cache(0.55, 1.0, 0.06)
    metric = "memory/allocatable_utilization"
    series = [
        *_nodes(metric, rss, 3, end, {"memory_type": "non-evictable"}),
        *_nodes(metric, cache, 3, end, {"memory_type": "evictable"}),
    ]
    return Run(Observations(end, series))


# --- Pending pods (kube-state: the pod's phase) -------------------------------------------------


def _phases(scaled: Autoscaled, end: int) -> list[TimeSeries]:
    return [
        series
        for pod, (created, scheduled, deleted) in scaled.lifetimes.items()
        for series in kube_state.pod_phases(
            NAMESPACE,
            f"{NAMESPACE}-{pod}",
            kube_state.lifetime_phase(created, scheduled, deleted),
            end,
        )
    ]


def _scale_up_burst(ctx: Context) -> Run:
    """Demand jumps at 00:30: the HPA adds pods, which wait Pending until the cluster autoscaler's
    new nodes are Ready (about two minutes)."""
    end = 2 * HOUR
    scaled = hpa(lambda t: 1.0 if t < 30 * MIN else 9.0, end)
    logs = failed_scheduling_events(
        NAMESPACE, scaled.pending, "0/3 nodes are available: 3 Insufficient cpu."
    )
    return Run(Observations(end, _phases(scaled, end), logs))


def _pool_at_max(ctx: Context) -> Run:
    """The node pool is at its maximum (4 nodes here) when demand triples for an hour: the pods
    the HPA adds stay Pending until demand falls."""
    end = 2 * HOUR
    scaled = hpa(lambda t: 14.0 if 30 * MIN <= t < 90 * MIN else 3.0, end, max_nodes=4)
    stuck = [(since, until) for _, since, until in scaled.pending if until - since > 20 * MIN]
    start, stop = min(s for s, _ in stuck), max(u for _, u in stuck)
    logs = failed_scheduling_events(
        NAMESPACE, scaled.pending, "0/4 nodes are available: 4 Insufficient cpu."
    )
    return Run(Observations(end, _phases(scaled, end), logs), (start, stop))


# --- ResourceQuota refusals and OOM kills (events) ---------------------------------------------


def _quota_refusals(ctx: Context) -> Run:
    """The morning ramp against a ResourceQuota that admits 8 pods: the ReplicaSet controller
    is refused the HPA's further pods while traffic stays up."""
    end = 3 * HOUR
    scaled = hpa(lambda t: morning_ramp(t) if t < 2 * HOUR else 2.0, end, quota_pods=8)
    logs = [kube_state.quota_refusal(t, NAMESPACE, "pace-web-5d9f") for t in scaled.refused]
    return Run(Observations(end, logs=logs), (min(scaled.refused), max(scaled.refused)))


def _scale_out_within_quota(ctx: Context) -> Run:
    """The morning ramp within quota: the ReplicaSet creates every pod (SuccessfulCreate), some
    wait for a node (FailedScheduling)."""
    end = 3 * HOUR
    scaled = hpa(morning_ramp, end)
    created = [
        kube_state.replicaset_event(
            c, NAMESPACE, "pace-web-5d9f", "SuccessfulCreate", f"Created pod: pace-web-5d9f-{p}"
        )
        for p, (c, _, _) in scaled.lifetimes.items()
        if c > 0
    ]
    pending = failed_scheduling_events(
        NAMESPACE, scaled.pending, "0/3 nodes are available: 3 Insufficient cpu."
    )
    return Run(Observations(end, logs=created + pending))


def _export_oom(ctx: Context) -> Run:
    """A request loads a large export into memory: the container hits its memory limit within
    seconds and the kernel kills it, between two samples of its memory; users retry every ten
    minutes for an hour."""
    end = 90 * MIN
    kills = list(range(10 * MIN + 25, 70 * MIN, 10 * MIN))
    logs = [kube_state.oom_kill(t, "gke-pace-web-1", "node", 4000 + i) for i, t in enumerate(kills)]
    return Run(Observations(end, logs=logs), (kills[0], kills[-1] + 5 * MIN))


def _uploads_page_cache(ctx: Context) -> Run:
    """Uploads fill the page cache up to the memory limit: the kernel reclaims it, kills
    nothing, and writes no OOM event."""
    end = 8 * HOUR
    rss, cache = page_cache(0.4, 1.0, 0.15)
    resource = {**CLUSTER, "namespace_name": NAMESPACE, "pod_name": "pace-web-uploads"}
    metric = "kubernetes.io/container/memory/limit_utilization"
    series = [
        gauge(
            metric,
            "k8s_container",
            resource,
            rss,
            end,
            metric_labels={"memory_type": "non-evictable"},
        ),
        gauge(
            metric,
            "k8s_container",
            resource,
            cache,
            end,
            metric_labels={"memory_type": "evictable"},
        ),
    ]
    return Run(Observations(end, series))


PLATFORM_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "morning ramp: nodes added by the autoscaler", "normal", "platform-node-cpu", _node_burst
    ),
    Scenario(
        "node pool at its maximum, CPU at 97% (1 h)",
        "failure",
        "platform-node-cpu",
        _nodes_at_max("cpu/allocatable_utilization"),
        15 * MIN,
    ),
    Scenario(
        "page cache grows on the nodes (reclaimable)",
        "normal",
        "platform-node-memory",
        _node_page_cache,
    ),
    Scenario(
        "node pool at its maximum, memory at 97% (1 h)",
        "failure",
        "platform-node-memory",
        _nodes_at_max("memory/allocatable_utilization"),
        15 * MIN,
    ),
    Scenario(
        "scale-up burst: pods Pending until the new node is Ready",
        "normal",
        "platform-pending-pods",
        _scale_up_burst,
    ),
    Scenario(
        "node pool at its maximum: pods Pending for an hour",
        "failure",
        "platform-pending-pods",
        _pool_at_max,
        20 * MIN,
        "a pod no scale-up will place is noticed",
    ),
    Scenario(
        "ResourceQuota refuses the HPA's pods",
        "failure",
        "platform-quota-rejections",
        _quota_refusals,
        5 * MIN,
        "pods the scheduler never sees are noticed",
    ),
    Scenario(
        "scale-out within quota (SuccessfulCreate, FailedScheduling)",
        "normal",
        "platform-quota-rejections",
        _scale_out_within_quota,
    ),
    Scenario(
        "an export is OOM-killed within seconds, retried every 10 min",
        "failure",
        "platform-oom-kills",
        _export_oom,
        2 * MIN,
        "a kill the memory samples never see is noticed",
    ),
    Scenario(
        "page cache grows with uploads to the limit (reclaimed)",
        "normal",
        "platform-oom-kills",
        _uploads_page_cache,
    ),
)
