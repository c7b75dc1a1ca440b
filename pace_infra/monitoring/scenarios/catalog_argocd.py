"""Scenarios of Argo CD's Applications, read from what Managed Prometheus scrapes from the
application controller: roll-outs, a broken roll-out, a sync refused for good, a sync that fails
once, a controller restart, a controller gone."""

from __future__ import annotations

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.scenarios.argocd import (
    Application,
    broken_rollout,
    controller_series,
    deploy,
    failing_sync,
    metrics_api_gap,
)
from pace_infra.monitoring.scenarios.model import HOUR, MIN, Build, Context, Run, Scenario
from pace_infra.names import namespace


def _apps() -> tuple[Application, Application]:
    """The PACE Applications: one per system, named after its namespace."""
    return Application(namespace("web")), Application(namespace("ai"))


def _rollouts(ctx: Context) -> Run:
    """A release day: both Applications get new images three times, 4 replicas each rolled one
    by one: OutOfSync until the sync applies, Progressing while the pods are replaced."""
    web, ai = _apps()
    end = 6 * HOUR
    for commit in (HOUR + 7 * MIN, 3 * HOUR + 2 * MIN, 5 * HOUR + 11 * MIN):
        deploy(web, commit, 4)
        deploy(ai, commit + 40, 4)
    return Run(Observations(end, controller_series([web, ai], end)))


def _metrics_api_gap(ctx: Context) -> Run:
    """A GKE upgrade restarts metrics-server: for two minutes the HPAs get no metrics and both
    Applications are Degraded (their HPAs' FailedGetResourceMetric); a release follows."""
    web, ai = _apps()
    end = 3 * HOUR
    metrics_api_gap(web, HOUR, 2 * MIN)
    metrics_api_gap(ai, HOUR, 2 * MIN)
    deploy(web, 2 * HOUR, 4)
    return Run(Observations(end, controller_series([web, ai], end)))


def _broken_rollout(ctx: Context) -> Run:
    """pace-web's new image cannot start: the roll-out passes its progress deadline, Argo CD
    reports the Application Degraded, until a fix is committed two hours later."""
    web, ai = _apps()
    end = 4 * HOUR
    commit = 30 * MIN
    broken_rollout(web, commit)
    fixed = deploy(web, commit + 2 * HOUR, 4)
    return Run(Observations(end, controller_series([web, ai], end)), (commit, fixed))


def _refused_sync(ctx: Context) -> Run:
    """An admission webhook refuses a manifest of pace-ai's commit: every attempt fails, the
    retries are spent, and automated sync does not try that commit again: pace-ai stays
    OutOfSync until a corrected commit three hours later syncs."""
    web, ai = _apps()
    end = 5 * HOUR
    commit = 20 * MIN
    failing_sync(ai, commit)
    fixed = deploy(ai, commit + 3 * HOUR, 4)
    return Run(Observations(end, controller_series([web, ai], end)), (commit, fixed))


def _failed_sync(first: bool) -> Build:
    """A sync of pace-ai fails after its retries. `first`: its first failure since the
    controller started (a new counter series, whose first sample Cloud Monitoring never gets);
    otherwise pace-ai already failed once two hours earlier (the series exists). The failure
    lasts until the incident has been open 10 minutes after the operation ended: someone must
    see it, and the OutOfSync alert follows it if it is not fixed."""

    def build(ctx: Context) -> Run:
        web, ai = _apps()
        end = 5 * HOUR
        commit = 3 * HOUR
        if not first:
            failing_sync(ai, HOUR)
            deploy(ai, HOUR + 30 * MIN, 4)
        failed = failing_sync(ai, commit)
        deploy(ai, commit + HOUR, 4)
        return Run(
            Observations(end, controller_series([web, ai], end)), (commit, failed + 10 * MIN)
        )

    return build


def _retried_sync(ctx: Context) -> Run:
    """pace-web's sync is refused once (a webhook's endpoint restarting) and succeeds on its
    first retry, ten seconds later: the operation ends Succeeded."""
    web, ai = _apps()
    end = 3 * HOUR
    failing_sync(web, HOUR, retried_until=1)
    deploy(ai, 2 * HOUR, 4)
    return Run(Observations(end, controller_series([web, ai], end)))


def _controller_restart(ctx: Context) -> Run:
    """The application controller is restarted at 02:00 (an Argo CD upgrade, a node drained): no
    metrics for two minutes, and its counters start again from nothing; a release follows.
    History before the evaluation starts (00:45): pace-ai failed a sync at 00:10 and was fixed
    at 00:20, so its failure series exists when the controller restarts."""
    web, ai = _apps()
    end = 5 * HOUR
    failing_sync(ai, 10 * MIN)
    deploy(ai, 20 * MIN, 4)
    restart = (2 * HOUR, 2 * HOUR + 2 * MIN)
    deploy(web, 2 * HOUR + 20 * MIN, 4)
    deploy(ai, 2 * HOUR + 21 * MIN, 4)
    series = controller_series([web, ai], end, down=[restart])
    return Run(Observations(end, series, begin=45 * MIN))


def _controller_gone(ctx: Context) -> Run:
    """The application controller stops at 01:00 (its pod evicted and unschedulable, or the
    PodMonitoring deleted): no Application metrics for two hours."""
    web, ai = _apps()
    end = 4 * HOUR
    gone = (HOUR, 3 * HOUR)
    return Run(Observations(end, controller_series([web, ai], end, down=[gone])), gone)


ARGOCD_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "release day: three roll-outs, OutOfSync then Progressing for minutes",
        "normal",
        "platform-argocd-*",
        _rollouts,
        why="a roll-out passes through OutOfSync and Progressing, never Degraded",
    ),
    Scenario(
        "controller restarted: two minutes without metrics, counters reset",
        "normal",
        "platform-argocd-*",
        _controller_restart,
        why="a restart is not an outage, and a reset counter is not a failure",
    ),
    Scenario(
        "metrics-server restarted: the HPAs, so the Applications, Degraded for 2 minutes",
        "normal",
        "platform-argocd-app-degraded",
        _metrics_api_gap,
        why="an HPA without metrics for a moment is not an Application that broke",
    ),
    Scenario(
        "a new image cannot start: the roll-out passes its progress deadline",
        "failure",
        "platform-argocd-app-degraded",
        _broken_rollout,
        25 * MIN,
        "a roll-out Kubernetes gave up on pages within the deadline and 10 minutes",
    ),
    Scenario(
        "a webhook refuses a manifest: OutOfSync for three hours",
        "failure",
        "platform-argocd-app-out-of-sync",
        _refused_sync,
        40 * MIN,
        "what runs is not what Git says for longer than half an hour",
    ),
    Scenario(
        "a sync refused for good: its retries spent, its first failure",
        "failure",
        "platform-argocd-sync-failed",
        _failed_sync(first=True),
        15 * MIN,
        "a change that did not apply is noticed in minutes, not at the 30-minute OutOfSync",
    ),
    Scenario(
        "a sync refused for good, the Application's second failure",
        "failure",
        "platform-argocd-sync-failed",
        _failed_sync(first=False),
        15 * MIN,
        "a later failure of the same Application is noticed alike",
    ),
    Scenario(
        "a sync refused once, succeeding on its first retry",
        "normal",
        "platform-argocd-sync-failed",
        _retried_sync,
        why="a retry that succeeds is Argo CD doing its job",
    ),
    Scenario(
        "the application controller gone for two hours",
        "failure",
        "platform-argocd-metrics-absent",
        _controller_gone,
        20 * MIN,
        "a dead Argo CD is not silence: every other Argo CD alert is blind",
    ),
)
