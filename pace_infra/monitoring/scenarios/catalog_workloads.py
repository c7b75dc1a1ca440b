"""Scenarios of each application's workloads in its namespace: containers at their limits, crash
loops, Deployments short of replicas or with none, and the error log count."""

from __future__ import annotations

import json
from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported
from pace_infra.monitoring.scenarios import kube_state
from pace_infra.monitoring.scenarios.kubernetes import (
    Autoscaled,
    autoscale,
    container_log_lines,
    container_resource,
    crash_backoffs,
    crash_loop_backoffs,
    gauge,
    memory_leak,
    page_cache,
    rolling_update,
)
from pace_infra.monitoring.scenarios.model import Context, Run, Scenario
from pace_infra.names import IMAGES, Workload, namespace

MIN = 60
HOUR = 3600
Build = Callable[[Context], Run]


def _workload(ctx: Context) -> Workload:
    return "web" if ctx.policy.key.startswith("web") else "ai"


def _namespace(ctx: Context) -> str:
    return namespace(_workload(ctx))


def _deployment(ctx: Context) -> str:
    """The Deployment the policy names, else the namespace's first."""
    try:
        return ctx.promql_value("deployment")
    except Unsupported:  # a namespace-wide query names none
        return IMAGES[_workload(ctx)][0]


# --- container memory and CPU ---------------------------------------------------------------


def _memory(
    ns: str, pod: str, used: Callable[[int], float], end: int, memory_type: str = "non-evictable"
) -> TimeSeries:
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


def _page_cache(ctx: Context) -> Run:
    ns, end = _namespace(ctx), 8 * HOUR
    rss, cache = page_cache(0.4, 1.0, 0.15)
    series = [
        _memory(ns, f"{ns}-uploads", rss, end),
        _memory(ns, f"{ns}-uploads", cache, end, "evictable"),
    ]
    return Run(Observations(end, series))


def _cpu_series(ns: str, cpu: dict[str, list[tuple[int, float]]]) -> list[TimeSeries]:
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


def morning_ramp(t: int) -> float:
    """CPU the traffic needs (cores): the night's 0.6 to the day's 9 between 00:30 and 01:10."""
    return 0.6 + 8.4 * min(max((t - 30 * MIN) / (40 * MIN), 0), 1)


def hpa(demand: Callable[[int], float], end: int, **overrides: int) -> Autoscaled:
    """The applications' HPA (70 % of a 0.5-core request, 1-core limit) on a 3-node pool of up to
    12 nodes, 6 pods a node."""
    settings = {"min_replicas": 3, "max_replicas": 30, "nodes": 3, "max_nodes": 12, **overrides}
    return autoscale(demand, end, request=0.5, limit=1.0, target=0.7, pods_per_node=6, **settings)


def _morning_ramp(ctx: Context) -> Run:
    """Traffic from the night floor to the day's peak in 40 minutes; HPA adds pods, the cluster
    autoscaler adds nodes for them."""
    end = 3 * HOUR
    return Run(Observations(end, _cpu_series(_namespace(ctx), hpa(morning_ramp, end).cpu)))


def _saturated(ctx: Context) -> Run:
    """Demand beyond what maxReplicas can serve: every pod at its CPU limit for an hour."""
    end = 2 * HOUR
    scaled = hpa(lambda t: 20.0 if 30 * MIN <= t < 90 * MIN else 4.0, end, max_replicas=12)
    return Run(Observations(end, _cpu_series(_namespace(ctx), scaled.cpu)), (35 * MIN, 90 * MIN))


# --- crash loops (kube-state: the container's waiting reason) ---------------------------------


def _crash_loop(run_seconds: int) -> Build:
    """One pod's container exits `run_seconds` after each start from 00:10 until a fix rolls out
    at 01:10; kubelet restarts it after its back-off, waiting CrashLoopBackOff meanwhile."""

    def build(ctx: Context) -> Run:
        ns, start, stop, end = _namespace(ctx), 10 * MIN, 70 * MIN, 80 * MIN
        waits = crash_loop_backoffs(start, stop, run_seconds)
        series = [kube_state.waiting(ns, f"{ns}-bad", "CrashLoopBackOff", waits, end)]
        return Run(Observations(end, series), (start, stop))

    return build


def _crashes(*exits: int) -> Build:
    """A container that exits at `exits` (each followed by kubelet's back-off) and otherwise
    runs fine."""

    def build(ctx: Context) -> Run:
        ns, end = _namespace(ctx), 90 * MIN
        waits = crash_backoffs(list(exits))
        series = [kube_state.waiting(ns, f"{ns}-0", "CrashLoopBackOff", waits, end)]
        return Run(Observations(end, series))

    return build


def _rollout_waits(ctx: Context) -> Run:
    """A roll-out of 4 replicas: each new pod waits ContainerCreating for its first 15 s."""
    ns, end = _namespace(ctx), 60 * MIN
    series = [
        kube_state.waiting(ns, f"{ns}-{name}", "ContainerCreating", [(created, created + 15)], end)
        for name, created, _ in rolling_update(4, 10 * MIN)
    ]
    return Run(Observations(end, series))


# --- replicas (kube-state: desired and available) ---------------------------------------------


def _replicas(
    ctx: Context, points: list[tuple[int, int, int]], end: int, failure: tuple[int, int] | None
) -> Run:
    series = kube_state.deployment(
        _namespace(ctx),
        _deployment(ctx),
        kube_state.stepwise([(t, float(d)) for t, d, _ in points]),
        kube_state.stepwise([(t, float(a)) for t, _, a in points]),
        end,
    )
    return Run(Observations(end, series), failure)


def _quota_caps_scale_out(ctx: Context) -> Run:
    """The morning ramp, but the namespace's ResourceQuota admits 8 pods: the HPA wants more,
    the ReplicaSet is refused the rest, and the Deployment stays short until traffic falls."""
    end = 3 * HOUR
    scaled = hpa(lambda t: morning_ramp(t) if t < 2 * HOUR else 2.0, end, quota_pods=8)
    return _replicas(ctx, scaled.replicas, end, longest_shortfall(scaled.replicas))


def longest_shortfall(replicas: list[tuple[int, int, int]]) -> tuple[int, int]:
    """The longest spell in which the Deployment had fewer available replicas than desired."""
    spells, since = [], None
    for t, desired, available in replicas:
        if desired > available and since is None:
            since = t
        elif desired <= available and since is not None:
            spells.append((since, t))
            since = None
    if since is not None:
        spells.append((since, replicas[-1][0]))
    return max(spells, key=lambda s: s[1] - s[0])


def _scale_out(ctx: Context) -> Run:
    """The morning ramp within quota: new pods wait for a new node, then start."""
    end = 3 * HOUR
    return _replicas(ctx, hpa(morning_ramp, end).replicas, end, None)


def _rollout_replicas(ctx: Context) -> Run:
    """A roll-out of 2 replicas (maxSurge 1, maxUnavailable 0): an old pod goes only once its
    successor is ready, so available never drops below desired."""
    end = HOUR
    pods = rolling_update(2, 10 * MIN)

    def available(t: int) -> int:
        replaced = sum(ready <= t for _, _, ready in pods)
        return (len(pods) - replaced) + replaced  # old ones still serving + new ones ready

    return _replicas(ctx, [(t, 2, available(t)) for t in range(30, end + 1, 30)], end, None)


def _none_ready(ctx: Context) -> Run:
    """Every replica fails its readiness probe (its dependency is down) for 30 minutes: the
    Deployment has 2 desired and 0 available; no container restarts."""
    end, start, stop = 2 * HOUR, 30 * MIN, 60 * MIN
    points = [(t, 2, 0 if start <= t < stop else 2) for t in range(30, end + 1, 30)]
    return _replicas(ctx, points, end, (start, stop))


def _node_drain(ctx: Context) -> Run:
    """A node upgrade drains the node of one of the two replicas (the PodDisruptionBudget lets
    one go at a time): 1 available for 70 s while its replacement starts elsewhere."""
    end = HOUR
    points = [(t, 2, 1 if 20 * MIN <= t < 20 * MIN + 70 else 2) for t in range(30, end + 1, 30)]
    return _replicas(ctx, points, end, None)


# --- error logs (the logging contract) ----------------------------------------------------------


def _error_lines(lines_per_minute: int, start: int, stop: int, make: Callable) -> list:
    entries = []
    for t in range(start, stop, MIN):
        for i in range(lines_per_minute):
            entries.extend(make(t + i * MIN // max(lines_per_minute, 1), i))
    return entries


def _contract_line(message: str) -> str:
    """One line as the logging contract has an app write an error (docs/reference/alerts.md)."""
    return json.dumps({"severity": "ERROR", "message": message})


def _pino_line(message: str) -> str:
    """pino with the contract's mapping: `formatters.level` writes severity, not `level: 50`."""
    return json.dumps({"severity": "ERROR", "message": message, "pid": 1, "hostname": "p"})


def _outage(line: Callable[[str], str]) -> Build:
    def build(ctx: Context) -> Run:
        ns, end = _namespace(ctx), 90 * MIN

        def make(t: int, i: int) -> list:
            return container_log_lines(
                ns, f"{ns}-{i % 3}", t, [line("upstream timeout after 5000ms")], "stdout"
            )

        logs = _error_lines(120, 20 * MIN, 60 * MIN, make)
        return Run(Observations(end, logs=logs), (20 * MIN, 60 * MIN))

    return build


def _stack_trace(ctx: Context) -> Run:
    """A handled exception (a client's expired token), logged raw with its 25-line stack trace
    on stderr once a minute: one request a minute, nothing broken."""
    ns, end = _namespace(ctx), 2 * HOUR
    trace = [
        "Error: jwt expired",
        *(f"    at frame{i} (/app/dist/server.js:{i}:7)" for i in range(24)),
    ]

    def make(t: int, i: int) -> list:
        return container_log_lines(ns, f"{ns}-0", t, trace, "stderr")

    return Run(Observations(end, logs=_error_lines(1, 0, end, make)))


def _quiet_night(ctx: Context) -> Run:
    ns, end = _namespace(ctx), 6 * HOUR

    def make(t: int, i: int) -> list:
        line = _contract_line("client closed the connection")
        return container_log_lines(ns, f"{ns}-0", t, [line], "stdout")

    return Run(Observations(end, logs=_error_lines(1, 0, end, make)[::10]))


WORKLOAD_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "memory leak up to the OOM kill",
        "failure",
        "*-container-memory",
        _leak,
        10 * MIN,
        "a leak pages before the kill",
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
    Scenario(
        "crash loop at start-up: exits after 2 s (1 h)",
        "failure",
        "*-crash-loop",
        _crash_loop(2),
        15 * MIN,
        "a crash loop pages while it lasts",
    ),
    Scenario(
        "slow start-up: 60 s to start, then exit 1 (1 h)",
        "failure",
        "*-crash-loop",
        _crash_loop(60),
        20 * MIN,
        "a slow loop is still a loop",
    ),
    Scenario(
        "liveness probe kills it after 90 s (1 h)",
        "failure",
        "*-crash-loop",
        _crash_loop(90),
        20 * MIN,
        "a slow loop is still a loop",
    ),
    Scenario(
        "a poison message crashes it 4 minutes after each start (1 h)",
        "failure",
        "*-crash-loop",
        _crash_loop(240),
        25 * MIN,
        "a slow loop is still a loop",
    ),
    Scenario("one crash, restarted after 10 s", "normal", "*-crash-loop", _crashes(20 * MIN)),
    Scenario(
        "two crashes three minutes apart (a flaky dependency at start-up)",
        "normal",
        "*-crash-loop",
        _crashes(20 * MIN, 23 * MIN),
    ),
    Scenario(
        "deploy roll-out: new pods ContainerCreating", "normal", "*-crash-loop", _rollout_waits
    ),
    Scenario(
        "ResourceQuota caps the HPA's scale-out",
        "failure",
        "*-replicas-short",
        _quota_caps_scale_out,
        20 * MIN,
        "a Deployment that cannot reach its replicas is noticed",
    ),
    Scenario(
        "morning ramp: new pods wait for a new node", "normal", "*-replicas-short", _scale_out
    ),
    Scenario(
        "deploy roll-out (maxSurge 1, maxUnavailable 0)",
        "normal",
        "*-replicas-short",
        _rollout_replicas,
    ),
    Scenario("node upgrade drains one of two replicas", "normal", "*-replicas-short", _node_drain),
    Scenario(
        "every replica fails readiness for 30 min (no restarts)",
        "failure",
        "*-unavailable",
        _none_ready,
        10 * MIN,
        "nothing serving pages, restarts or not",
    ),
    Scenario(
        "deploy roll-out (maxSurge 1, maxUnavailable 0)",
        "normal",
        "*-unavailable",
        _rollout_replicas,
    ),
    Scenario("node upgrade drains one of two replicas", "normal", "*-unavailable", _node_drain),
    *(
        s
        for app in ("web", "ai")
        for s in (
            Scenario(
                "dependency outage: an ERROR entry per failed request (the contract)",
                "failure",
                f"{app}-error-logs",
                _outage(_contract_line),
                10 * MIN,
                "an error storm is noticed",
            ),
            Scenario(
                "the same outage from a pino app mapping its level to severity",
                "failure",
                f"{app}-error-logs",
                _outage(_pino_line),
                10 * MIN,
                "errors count however the app is written, once it keeps the contract",
            ),
            Scenario(
                "a handled exception's raw 25-line stack trace on stderr once a minute",
                "normal",
                f"{app}-error-logs",
                _stack_trace,
            ),
            Scenario(
                "low-traffic night, an occasional error entry",
                "normal",
                f"{app}-error-logs",
                _quiet_night,
            ),
        )
    ),
)
