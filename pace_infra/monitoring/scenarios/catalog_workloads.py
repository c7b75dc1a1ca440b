"""Scenarios of each application's containers in its namespace: at their CPU and memory limits,
and the error log count. Crash loops and replicas are catalog_deployments'; `hpa` and
`morning_ramp` (the applications' autoscaling under a morning's traffic) are shared."""

from __future__ import annotations

import json
from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.monitoring.scenarios.kubernetes import (
    Autoscaled,
    autoscale,
    container_log_lines,
    container_resource,
    gauge,
    memory_leak,
    page_cache,
)
from pace_infra.monitoring.scenarios.model import (
    HOUR,
    MIN,
    Build,
    Context,
    Run,
    Scenario,
    namespace_of,
)

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
    ns, end = namespace_of(ctx), 100 * MIN
    kills = memory_leak(0.4, 1.0, 0.5, 10 * MIN)

    def used(t: int) -> float:
        since = max([10 * MIN, *(k for k in kills if k <= t)])
        return min(0.4 + 0.5 * (t - since) / HOUR, 1.0)

    # The failure an SRE cares about: from 90 % of the limit to the OOM kill (12 minutes).
    crossing = 10 * MIN + int(0.5 / 0.5 * HOUR)
    return Run(Observations(end, [_memory(ns, f"{ns}-leaky", used, end)]), (crossing, kills[0]))


def _page_cache(ctx: Context) -> Run:
    ns, end = namespace_of(ctx), 8 * HOUR
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
    return Run(Observations(end, _cpu_series(namespace_of(ctx), hpa(morning_ramp, end).cpu)))


def _saturated(ctx: Context) -> Run:
    """Demand beyond what maxReplicas can serve: every pod at its CPU limit for an hour."""
    end = 2 * HOUR
    scaled = hpa(lambda t: 20.0 if 30 * MIN <= t < 90 * MIN else 4.0, end, max_replicas=12)
    return Run(Observations(end, _cpu_series(namespace_of(ctx), scaled.cpu)), (35 * MIN, 90 * MIN))


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
        ns, end = namespace_of(ctx), 90 * MIN

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
    ns, end = namespace_of(ctx), 2 * HOUR
    trace = [
        "Error: jwt expired",
        *(f"    at frame{i} (/app/dist/server.js:{i}:7)" for i in range(24)),
    ]

    def make(t: int, i: int) -> list:
        return container_log_lines(ns, f"{ns}-0", t, trace, "stderr")

    return Run(Observations(end, logs=_error_lines(1, 0, end, make)))


def _quiet_night(ctx: Context) -> Run:
    ns, end = namespace_of(ctx), 6 * HOUR

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
