"""Scenarios of each application's Deployments, read from kube-state metrics: containers crash-
looping, Deployments short of replicas, a Deployment with none available."""

from __future__ import annotations

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.monitoring.scenarios import kube_state
from pace_infra.monitoring.scenarios.catalog_workloads import hpa, morning_ramp
from pace_infra.monitoring.scenarios.kubernetes import (
    crash_backoffs,
    crash_loop_backoffs,
    rolling_update,
)
from pace_infra.monitoring.scenarios.model import (
    HOUR,
    MIN,
    Build,
    Context,
    Run,
    Scenario,
    namespace_of,
    workload_of,
)
from pace_infra.names import IMAGES


def _deployment(ctx: Context) -> str:
    """The Deployment the policy names, else the namespace's first."""
    try:
        return ctx.promql_value("deployment")
    except Unsupported:  # a namespace-wide query names none
        return IMAGES[workload_of(ctx)][0]


# --- crash loops (kube-state: the container's waiting reason) ---------------------------------


def _crash_loop(run_seconds: int) -> Build:
    """One pod's container exits `run_seconds` after each start from 00:10 until a fix rolls out
    at 01:10; kubelet restarts it after its back-off, waiting CrashLoopBackOff meanwhile."""

    def build(ctx: Context) -> Run:
        ns, start, stop, end = namespace_of(ctx), 10 * MIN, 70 * MIN, 80 * MIN
        waits = crash_loop_backoffs(start, stop, run_seconds)
        series = [kube_state.waiting(ns, f"{ns}-bad", "CrashLoopBackOff", waits, end)]
        return Run(Observations(end, series), (start, stop))

    return build


def _crashes(*exits: int) -> Build:
    """A container that exits at `exits` (each followed by kubelet's back-off) and otherwise
    runs fine."""

    def build(ctx: Context) -> Run:
        ns, end = namespace_of(ctx), 90 * MIN
        waits = crash_backoffs(list(exits))
        series = [kube_state.waiting(ns, f"{ns}-0", "CrashLoopBackOff", waits, end)]
        return Run(Observations(end, series))

    return build


def _rollout_waits(ctx: Context) -> Run:
    """A roll-out of 4 replicas: each new pod waits ContainerCreating for its first 15 s."""
    ns, end = namespace_of(ctx), 60 * MIN
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
        namespace_of(ctx),
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


DEPLOYMENT_SCENARIOS: tuple[Scenario, ...] = (
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
)
