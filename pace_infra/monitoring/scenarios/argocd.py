"""What Managed Prometheus writes about Argo CD's Applications: the application controller's
`argocd_app_info` and `argocd_app_sync_total`, scraped every 30 s, as Cloud Monitoring stores them.

Sources:
- Argo CD v3.1.8 (the chart's appVersion), docs/operator-manual/metrics.md and
  controller/metrics/metrics.go: `argocd_app_info` is a gauge of value 1, one series per
  Application, labelled with its `sync_status` and `health_status` (a status change is a new
  label set: the old series is no longer exposed); `argocd_app_sync_total` is a counter by
  Application and `phase`, incremented by `IncSync` only when an operation's phase is
  `Completed()` (Succeeded, Failed or Error). A counter series exists from its first increment
  and lives in the controller's memory: a restarted controller exposes none until the next sync.
- Argo CD's controller retries a failed sync per the Application's `retry` (ours: limit 5,
  backoff 10 s doubling to at most 3 m, constructs/argocd_values.py), the operation staying
  Running between attempts: one Failed count per operation, after its last attempt. "Automated
  sync will not reattempt a sync if the previous sync attempt against the same commit-SHA and
  parameters had failed" (docs/user-guide/auto_sync.md): the Application stays OutOfSync.
  The controller compares each Application with Git every `timeout.reconciliation` (180 s).
- gitops-engine pkg/health/health_hpa.go (Argo CD's health assessment): an HPA whose condition
  ScalingActive is False with reason FailedGetResourceMetric (no metrics from the resource
  metrics API) is Degraded, and so is the Application that holds it.
- Kubernetes: a Deployment whose roll-out makes no progress for `progressDeadlineSeconds` (600 s
  by default; the GitOps manifests set none) gets the condition Progressing=False
  (ProgressDeadlineExceeded), which Argo CD's health assessment reports as Degraded; while it
  rolls out (maxSurge 1, maxUnavailable 0: pace_infra/gitops/workloads.py) it is Progressing.
- Managed Service for Prometheus (GoogleCloudPlatform/prometheus-engine, pkg/export):
  `transform.go` drops staleness markers ("Staleness markers are currently not supported by
  Cloud Monitoring"), so a label set that stops being exposed simply stops getting points;
  `series_cache.go` `getResetAdjusted`: the first sample of a counter series only initialises its
  reset point and is not written ("this sample should be skipped"), later samples are written
  as the value minus that reset value (0 after a drop in the value, a counter reset); the cache
  forgets a series unused for 10 minutes (`garbageCollect(10 * time.Minute)`), after which its
  next sample is a first sample again. Gauges are written as scraped. Metric types are
  `prometheus.googleapis.com/<name>/gauge|counter` on the `prometheus_target` resource
  (project_id, location, cluster, namespace, job, instance).

Assumed: the controller is the StatefulSet pod `argocd-application-controller-0` (a stable
`instance`); a sync applies in 30 s and a failed attempt fails in 5 s (an admission webhook's
refusal); a new pod of the roll-out is ready 60 s after it is created; a restarted controller
serves metrics again after `restart_gap` seconds and reports the Applications' statuses as their
custom resources hold them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pace_infra.constructs.argocd_values import (
    SYNC_RETRY_BACKOFF_S,
    SYNC_RETRY_FACTOR,
    SYNC_RETRY_LIMIT,
    SYNC_RETRY_MAX_S,
)
from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.names import ARGOCD_NAMESPACE

SCRAPE = 30  # the PodMonitoring's interval (constructs/argocd_values.py)
RECONCILIATION = 180  # timeout.reconciliation: how often Git is compared
SYNC_APPLY = 30
ATTEMPT_FAILS = 5
POD_READY = 60
PROGRESS_DEADLINE = 600
CACHE_FORGETS = 600  # the collector's series cache: unused for 10 minutes
TARGET = {
    "project_id": "project",
    "location": "europe-west2",
    "cluster": "pace",
    "namespace": ARGOCD_NAMESPACE,
    "job": "argocd-application-controller",
    "instance": "argocd-application-controller-0:metrics",
}


@dataclass(frozen=True)
class Status:
    sync: str  # Synced, OutOfSync, Unknown
    health: str  # Healthy, Progressing, Degraded, Suspended, Missing, Unknown


HEALTHY = Status("Synced", "Healthy")


@dataclass
class Application:
    """One Application as the controller sees it: its status over time (`changes`, from t on)
    and the sync operations it completed (`syncs`: time, phase)."""

    name: str
    project: str = "pace"
    changes: list[tuple[int, Status]] = field(default_factory=lambda: [(0, HEALTHY)])
    syncs: list[tuple[int, str]] = field(default_factory=list)

    def status(self, t: int) -> Status:
        current = self.changes[0][1]
        for since, status in self.changes:
            if since <= t:
                current = status
        return current

    def set(self, t: int, status: Status) -> None:
        self.changes = [c for c in self.changes if c[0] < t] + [(t, status)]
        self.changes.sort(key=lambda c: c[0])


def next_reconciliation(t: int) -> int:
    """When the controller next compares the Application with Git."""
    return -(-t // RECONCILIATION) * RECONCILIATION


def retry_waits() -> list[int]:
    """The waits between a failed attempt and the next: 10, 20, 40, 80, 160 s."""
    return [
        min(SYNC_RETRY_BACKOFF_S * SYNC_RETRY_FACTOR**i, SYNC_RETRY_MAX_S)
        for i in range(SYNC_RETRY_LIMIT)
    ]


def deploy(app: Application, commit: int, replicas: int) -> int:
    """A commit to the Application's path that rolls out cleanly: OutOfSync from the next
    reconciliation until the sync has applied, Progressing while the pods are replaced one by
    one, then Synced and Healthy. Returns when the roll-out is done."""
    seen = next_reconciliation(commit)
    applied = seen + SYNC_APPLY
    done = applied + replicas * POD_READY
    app.set(seen, Status("OutOfSync", app.status(seen).health))
    app.set(applied, Status("Synced", "Progressing"))
    app.set(done, HEALTHY)
    app.syncs.append((applied, "Succeeded"))
    return done


def broken_rollout(app: Application, commit: int) -> int:
    """A commit whose new pods never become ready (a bad image): the sync succeeds, the roll-out
    makes no progress and the Deployment passes its progress deadline. Returns when Argo CD
    reports it Degraded."""
    seen = next_reconciliation(commit)
    applied = seen + SYNC_APPLY
    app.set(seen, Status("OutOfSync", "Healthy"))
    app.set(applied, Status("Synced", "Progressing"))
    app.syncs.append((applied, "Succeeded"))
    degraded = applied + PROGRESS_DEADLINE
    app.set(degraded, Status("Synced", "Degraded"))
    return degraded


def metrics_api_gap(app: Application, start: int, seconds: int) -> None:
    """The resource metrics API answers nothing for `seconds` (metrics-server restarted, as in a
    GKE upgrade): the Application's HPA, and so the Application, is Degraded meanwhile."""
    status = app.status(start)
    app.set(start, Status(status.sync, "Degraded"))
    app.set(start + seconds, status)


def failing_sync(app: Application, commit: int, retried_until: int | None = None) -> int:
    """A commit the cluster refuses (an admission webhook denies a manifest): every attempt
    fails, the retries are spent, the operation ends Failed, and the Application stays OutOfSync
    (automated sync does not retry a failed commit). `retried_until`: the attempt that succeeds
    instead (a passing refusal), if any. Returns when the operation ended."""
    seen = next_reconciliation(commit)
    app.set(seen, Status("OutOfSync", app.status(seen).health))
    t = seen
    for attempt, wait in enumerate([0, *retry_waits()]):
        t += wait
        if retried_until is not None and attempt >= retried_until:
            app.set(t + SYNC_APPLY, Status("Synced", "Healthy"))
            app.syncs.append((t + SYNC_APPLY, "Succeeded"))
            return t + SYNC_APPLY
        t += ATTEMPT_FAILS
    app.syncs.append((t, "Failed"))
    return t


def exported_counter(samples: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """A counter's scraped samples as the collector writes them to Cloud Monitoring (module
    docstring: the first sample sets the reset point, later ones are relative to it)."""
    out: list[tuple[int, float]] = []
    last_t: int | None = None
    reset_value = last_value = 0.0
    for t, v in samples:
        if last_t is None or t - last_t > CACHE_FORGETS:
            reset_value = last_value = v
            last_t = t
            continue
        if v < last_value:
            reset_value = 0.0
        last_value, last_t = v, t
        out.append((t, v - reset_value))
    return out


def controller_series(
    apps: Sequence[Application], end: int, down: Sequence[tuple[int, int]] = ()
) -> list[TimeSeries]:
    """What the application controller's scrapes leave in Cloud Monitoring over [0, end]:
    `argocd_app_info` per Application and status, and `argocd_app_sync_total` per Application
    and phase. `down`: intervals in which the controller serves no metrics (a restart, or gone);
    its counters start again from nothing after each."""
    info: dict[tuple, TimeSeries] = {}
    counters: dict[tuple, list[tuple[int, float]]] = {}
    for t in range(SCRAPE, end + 1, SCRAPE):
        if any(a <= t < b for a, b in down):
            continue
        started = max([b for a, b in down if b <= t], default=0)
        for app in apps:
            status = app.status(t)
            labels = {
                "name": app.name,
                "project": app.project,
                "dest_namespace": app.name,
                "dest_server": "https://kubernetes.default.svc",
                "sync_status": status.sync,
                "health_status": status.health,
                "autosync_enabled": "true",
            }
            key = tuple(sorted(labels.items()))
            if key not in info:
                info[key] = TimeSeries(
                    "prometheus.googleapis.com/argocd_app_info/gauge",
                    "prometheus_target",
                    "GAUGE",
                    dict(TARGET),
                    labels,
                )
            info[key].add(t, 1.0)
            phases: dict[str, int] = {}
            for when, phase in app.syncs:
                if started <= when <= t:
                    phases[phase] = phases.get(phase, 0) + 1
            for phase, count in phases.items():
                counters.setdefault((app.name, app.project, phase), []).append((t, float(count)))
    series = list(info.values())
    for (name, project, phase), samples in counters.items():
        points = exported_counter(samples)
        if points:
            series.append(
                TimeSeries(
                    "prometheus.googleapis.com/argocd_app_sync_total/counter",
                    "prometheus_target",
                    "CUMULATIVE",
                    dict(TARGET),
                    {"name": name, "project": project, "phase": phase, "dry_run": "false"},
                    points,
                )
            )
    return series
