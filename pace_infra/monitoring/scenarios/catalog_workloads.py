"""Scenarios of the workloads and the cluster: restart loops, container and node limits, error
logs, unschedulable pods."""

from __future__ import annotations

import json

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.scenarios.kubernetes import (
    CLUSTER,
    autoscale,
    container_log_lines,
    container_resource,
    crash_loop,
    failed_scheduling_events,
    gauge,
    memory_leak,
    page_cache,
    restart_count,
    rolling_update,
)
from pace_infra.monitoring.scenarios.model import Context, Run, Scenario
from pace_infra.names import namespace

MIN = 60
HOUR = 3600


def _namespace(ctx: Context) -> str:
    return ctx.filter_value("resource.label.namespace_name")


# --- restart loops --------------------------------------------------------------------------


def _crash_loop(run_seconds: int) -> callable:
    def build(ctx: Context) -> Run:
        ns, start, stop, end = _namespace(ctx), 10 * MIN, 70 * MIN, 80 * MIN
        series = [restart_count(ns, f"{ns}-ok-{i}", [], 0, end) for i in range(3)]
        series.append(restart_count(ns, f"{ns}-bad", crash_loop(start, stop, run_seconds), 0, end))
        return Run(Observations(end, series), (start, stop))

    return build


def _rollout(ctx: Context) -> Run:
    ns, end = _namespace(ctx), 60 * MIN
    return Run(Observations(end, rolling_update(ns, 6, 10 * MIN, end)))


# --- container memory and CPU ---------------------------------------------------------------


def _memory(
    ns: str, pod: str, used: callable, end: int, memory_type: str = "non-evictable"
) -> object:
    return gauge(
        "kubernetes.io/container/memory/limit_utilization",
        "k8s_container",
        container_resource(ns, pod),
        used,
        end,
        metric_labels={"memory_type": memory_type},
    )


def _leak(ctx: Context) -> Run:
    ns, end = _namespace(ctx), 100 * MIN
    kills = memory_leak(0.4, 1.0, 0.5, 10 * MIN)

    def used(t: int) -> float:
        since = max([10 * MIN, *(k for k in kills if k <= t)])
        return min(0.4 + 0.5 * (t - since) / HOUR, 1.0)

    # The failure an SRE cares about: from 90 % of the limit to the OOM kill (12 minutes).
    crossing = 10 * MIN + int(0.5 / 0.5 * HOUR)
    return Run(Observations(end, [_memory(ns, f"{ns}-leaky", used, end)]), (crossing, kills[0]))


def _sudden_oom(ctx: Context) -> Run:
    """A request loads a large export into memory: usage jumps to the limit within seconds and the
    container is OOM-killed between two samples; users retry every ten minutes."""
    ns, end = _namespace(ctx), 90 * MIN
    kills = list(range(10 * MIN + 25, 70 * MIN, 10 * MIN))

    def used(t: int) -> float:
        return 0.3 if any(0 <= t - k < 2 * MIN for k in kills) else 0.5  # restarted: cold

    return Run(Observations(end, [_memory(ns, f"{ns}-export", used, end)]), (kills[0], kills[-1]))


def _page_cache(ctx: Context) -> Run:
    ns, end = _namespace(ctx), 8 * HOUR
    rss, cache = page_cache(0.4, 1.0, 0.15)
    series = [
        _memory(ns, f"{ns}-uploads", rss, end),
        _memory(ns, f"{ns}-uploads", cache, end, "evictable"),
    ]
    return Run(Observations(end, series))


def _cpu_series(ns: str, cpu: dict[str, list[tuple[int, float]]]) -> list:
    from pace_infra.monitoring.evaluation.series import TimeSeries

    return [
        TimeSeries(
            "kubernetes.io/container/cpu/limit_utilization",
            "k8s_container",
            "GAUGE",
            container_resource(ns, pod),
            {},
            list(points),
        )
        for pod, points in cpu.items()
    ]


def _morning_ramp(ctx: Context) -> Run:
    """Traffic from the night floor to the day's peak in 40 minutes; HPA (target 70 % of the
    request) adds pods, the cluster autoscaler adds nodes for them."""
    ns, end = _namespace(ctx), 3 * HOUR

    def demand(t: int) -> float:
        return 0.6 + 8.4 * min(max((t - 30 * MIN) / (40 * MIN), 0), 1)

    scaled = autoscale(
        demand,
        end,
        request=0.5,
        limit=1.0,
        target=0.7,
        min_replicas=3,
        max_replicas=30,
        pods_per_node=6,
        nodes=3,
        max_nodes=12,
    )
    return Run(Observations(end, _cpu_series(ns, scaled.cpu)))


def _saturated(ctx: Context) -> Run:
    """Demand beyond what maxReplicas can serve: every pod at its CPU limit for an hour."""
    ns, end = _namespace(ctx), 2 * HOUR

    def demand(t: int) -> float:
        return 20.0 if 30 * MIN <= t < 90 * MIN else 4.0

    scaled = autoscale(
        demand,
        end,
        request=0.5,
        limit=1.0,
        target=0.7,
        min_replicas=3,
        max_replicas=12,
        pods_per_node=6,
        nodes=3,
        max_nodes=12,
    )
    return Run(Observations(end, _cpu_series(ns, scaled.cpu)), (35 * MIN, 90 * MIN))


# --- error logs -----------------------------------------------------------------------------


def _app_namespace(ctx: Context) -> str:
    return namespace("web" if ctx.policy.key.startswith("web") else "ai")


def _error_lines(lines_per_minute: int, start: int, stop: int, make: callable) -> list:
    entries = []
    for t in range(start, stop, MIN):
        for i in range(lines_per_minute):
            entries.extend(make(t + i * MIN // max(lines_per_minute, 1), i))
    return entries


def _dependency_outage(ctx: Context) -> Run:
    ns, end = _app_namespace(ctx), 90 * MIN

    def make(t: int, i: int) -> list:
        return container_log_lines(
            ns, f"{ns}-{i % 3}", t, ["upstream timeout after 5000ms"], "stderr"
        )

    logs = _error_lines(120, 20 * MIN, 60 * MIN, make)
    return Run(Observations(end, logs=logs), (20 * MIN, 60 * MIN))


def _json_level(ctx: Context) -> Run:
    """The same outage, logged by a Node app as pino JSON (numeric `level`, no `severity`) on
    stdout: GKE files it as INFO."""
    ns, end = _app_namespace(ctx), 90 * MIN

    def make(t: int, i: int) -> list:
        line = json.dumps({"level": 50, "msg": "upstream timeout after 5000ms"})
        return container_log_lines(ns, f"{ns}-{i % 3}", t, [line], "stdout")

    logs = _error_lines(120, 20 * MIN, 60 * MIN, make)
    return Run(Observations(end, logs=logs), (20 * MIN, 60 * MIN))


def _stack_trace(ctx: Context) -> Run:
    """A handled exception (a client's expired token), logged with its 25-line stack trace on
    stderr once a minute: one request a minute, nothing broken."""
    ns, end = _app_namespace(ctx), 2 * HOUR
    trace = [
        "Error: jwt expired",
        *(f"    at frame{i} (/app/dist/server.js:{i}:7)" for i in range(24)),
    ]

    def make(t: int, i: int) -> list:
        return container_log_lines(ns, f"{ns}-0", t, trace, "stderr")

    return Run(Observations(end, logs=_error_lines(1, 0, end, make)))


def _quiet_night(ctx: Context) -> Run:
    ns, end = _app_namespace(ctx), 6 * HOUR

    def make(t: int, i: int) -> list:
        return container_log_lines(ns, f"{ns}-0", t, ["client closed the connection"], "stderr")

    return Run(Observations(end, logs=_error_lines(1, 0, end, make)[::10]))


# --- nodes ----------------------------------------------------------------------------------


def _nodes(
    metric: str, used: callable, count: int, end: int, labels: dict[str, str] | None = None
) -> list:
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

    def demand(t: int) -> float:
        return 0.6 + 8.4 * min(max((t - 30 * MIN) / (40 * MIN), 0), 1)

    scaled = autoscale(
        demand,
        end,
        request=0.5,
        limit=1.0,
        target=0.7,
        min_replicas=3,
        max_replicas=30,
        pods_per_node=6,
        nodes=3,
        max_nodes=12,
    )
    nodes = dict(scaled.nodes)

    def used(t: int) -> float | None:
        return min((demand(t) + 0.4 * nodes.get(t, 3)) / (4 * nodes.get(t, 3)), 1.0)

    return Run(Observations(end, _nodes("cpu/allocatable_utilization", used, 3, end)))


def _nodes_at_max(metric: str) -> callable:
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


# --- scheduling -----------------------------------------------------------------------------


def _scale_up_burst(ctx: Context) -> Run:
    end = 2 * HOUR

    def demand(t: int) -> float:
        return 1.0 if t < 30 * MIN else 9.0

    scaled = autoscale(
        demand,
        end,
        request=0.5,
        limit=1.0,
        target=0.7,
        min_replicas=3,
        max_replicas=30,
        pods_per_node=6,
        nodes=3,
        max_nodes=12,
    )
    logs = failed_scheduling_events(
        "pace-web", scaled.pending, "0/3 nodes are available: 3 Insufficient cpu."
    )
    return Run(Observations(end, logs=logs))


def _pool_at_max(ctx: Context) -> Run:
    end = 2 * HOUR
    pending = [(f"pace-web-{i}", 30 * MIN, 90 * MIN) for i in range(4)]
    logs = failed_scheduling_events(
        "pace-web", pending, "0/12 nodes are available: 12 Insufficient cpu."
    )
    return Run(Observations(end, logs=logs), (30 * MIN, 90 * MIN))


def _quota_rejected(ctx: Context) -> Run:
    """ResourceQuota exhausted: the ReplicaSet controller cannot create the pods at all."""
    from pace_infra.monitoring.evaluation.series import LogEntry

    end = 2 * HOUR
    logs = [
        LogEntry(
            t,
            "k8s_cluster",
            CLUSTER,
            "WARNING",
            json_payload={
                "reason": "FailedCreate",
                "message": 'pods "pace-web-x" is forbidden: exceeded quota: pace-web',
                "involvedObject": {"kind": "ReplicaSet", "name": "pace-web-5d9f"},
            },
        )
        for t in range(30 * MIN, 90 * MIN, MIN)
    ]
    return Run(Observations(end, logs=logs), (30 * MIN, 90 * MIN))


WORKLOAD_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "crash loop at start-up (CrashLoopBackOff, 1 h)",
        "failure",
        "*-restart-loop",
        _crash_loop(2),
        5 * MIN,
        "a crash loop pages while it lasts",
    ),
    Scenario(
        "slow crash loop (liveness kills it after 90 s, 1 h)",
        "failure",
        "*-restart-loop",
        _crash_loop(90),
        10 * MIN,
        "a slow loop is still a loop",
    ),
    Scenario("deploy roll-out (6 replicas, maxSurge 25%)", "normal", "*-restart-loop", _rollout),
    Scenario(
        "memory leak up to the OOM kill",
        "failure",
        "*-container-memory",
        _leak,
        10 * MIN,
        "a leak pages before the kill",
    ),
    Scenario(
        "sudden OOM kills (an export loads in seconds, retried)",
        "failure",
        "*-container-memory",
        _sudden_oom,
        5 * MIN,
        "repeated OOM kills page",
    ),
    Scenario(
        "page cache grows with uploads (reclaimable)", "normal", "*-container-memory", _page_cache
    ),
    Scenario("morning ramp: HPA and node scale-up", "normal", "*-container-cpu", _morning_ramp),
    Scenario(
        "HPA at maxReplicas, pods at their CPU limit (1 h)",
        "failure",
        "*-container-cpu",
        _saturated,
        15 * MIN,
        "saturation at the ceiling pages",
    ),
    *(
        s
        for app in ("web", "ai")
        for s in (
            Scenario(
                "dependency outage: one stderr line per failed request",
                "failure",
                f"{app}-error-logs",
                _dependency_outage,
                10 * MIN,
                "an error storm pages",
            ),
            Scenario(
                "the same errors as JSON with a numeric level on stdout",
                "failure",
                f"{app}-error-logs",
                _json_level,
                10 * MIN,
                "errors count however logged",
            ),
            Scenario(
                "a handled exception's 25-line stack trace once a minute",
                "normal",
                f"{app}-error-logs",
                _stack_trace,
            ),
            Scenario(
                "low-traffic night, an occasional error line",
                "normal",
                f"{app}-error-logs",
                _quiet_night,
            ),
        )
    ),
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
        "scale-up burst: pods Pending until the new node is ready",
        "normal",
        "platform-unschedulable-pods",
        _scale_up_burst,
    ),
    Scenario(
        "node pool at its maximum: pods Pending for 1 h",
        "failure",
        "platform-unschedulable-pods",
        _pool_at_max,
        10 * MIN,
    ),
    Scenario(
        "ResourceQuota exhausted: ReplicaSet FailedCreate for 1 h",
        "failure",
        "platform-unschedulable-pods",
        _quota_rejected,
        10 * MIN,
    ),
)
