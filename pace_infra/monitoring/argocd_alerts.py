"""What PACE alerts on for Argo CD: an Application Degraded, OutOfSync or failing to sync, and
Argo CD's metrics gone, so that a dead Argo CD is not silence.

PromQL over what Managed Prometheus scrapes from the application controller (the PodMonitoring
in constructs/argocd_values.py). Managed Prometheus keeps Prometheus's metric and label names,
and Cloud Monitoring's PromQL reads them as they are. Facts from Argo CD v3.1.8 (the chart's
appVersion): docs/operator-manual/metrics.md and controller/metrics/metrics.go:
- `argocd_app_info` (gauge, 1) has one series per Application with labels `name`, `project`,
  `sync_status` (Synced, OutOfSync, Unknown) and `health_status` (Healthy, Progressing,
  Degraded, Suspended, Missing, Unknown); its `namespace` is the Application's (argocd);
- `argocd_app_sync_total` (counter) by `name`, `project` and `phase` (Succeeded, Error, Failed,
  ...) counts finished sync operations. controller/appcontroller.go counts an operation only
  when it completes: a failed attempt with retries left goes back to Running, so an Error or
  Failed count is a sync that failed after its retries (the Applications retry 5 times,
  constructs/argocd_values.py).
"""

from __future__ import annotations

from pace_infra.monitoring.model import AlertSpec, Promql

RUNBOOK = "argocd-applications"
# By Application: one incident per broken Application, named in the incident's labels.
_PER_APP = "by (name, project)"
_FAILED_SYNCS = 'argocd_app_sync_total{phase=~"Error|Failed"}'
_SYNC_WINDOW = "15m"

# Application health Degraded: Kubernetes gave up on it (a Deployment past its progress
# deadline, a failed Job, an HPA that cannot scale). Ten minutes: a roll-out passes through
# Progressing, not Degraded, so a Degraded state that lasts is a real one.
DEGRADED = Promql(
    name="Application Degraded",
    query=f'max {_PER_APP} (argocd_app_info{{health_status="Degraded"}})',
    duration="600s",
)
# OutOfSync: automated sync with self-heal brings every Application back within a minute or
# two (and a failing one retries for about five); 30 minutes OutOfSync is a sync that is not
# happening (failed for good, or held by a deny sync window).
OUT_OF_SYNC = Promql(
    name="Application OutOfSync",
    query=f'max {_PER_APP} (argocd_app_info{{sync_status="OutOfSync"}})',
    duration="1800s",
)
# A sync that failed after its retries. A counter series is created by its first increment,
# so an Application's first failure since the controller started appears as a new series
# whose first sample is already 1: increase() needs two samples and sees nothing. The second
# half catches exactly that (a failure series present now and absent 15 minutes ago); the
# first half every later failure. The incident lasts the 15-minute window.
SYNC_FAILED = Promql(
    name="Sync failed after its retries",
    query=(
        f"sum {_PER_APP} (increase({_FAILED_SYNCS}[{_SYNC_WINDOW}])) > 0 or "
        f"count {_PER_APP} ({_FAILED_SYNCS} unless {_FAILED_SYNCS} offset {_SYNC_WINDOW})"
    ),
    # One evaluation, not zero: a zero duration may come back from the API unset and plan a
    # diff on every run (the provider flattens it as returned); the query stays true for the
    # whole 15-minute window, so a minute costs nothing.
    duration="60s",
)
# No argocd_app_info at all: the controller is down, or nothing scrapes it. Every Argo CD
# alert above reads that metric, so without this one they would all be quiet. A scrape every
# 30 s and PromQL's 5-minute lookback: the series goes 5 minutes after the last scrape, then
# 10 more minutes absent (a controller restart or upgrade takes a minute or two).
METRICS_ABSENT = Promql(
    name="No Argo CD Application metrics",
    query="absent(argocd_app_info)",
    duration="600s",
)


def argocd_alerts() -> list[AlertSpec]:
    """Argo CD's Applications and Argo CD itself, all paging pace-platform."""
    app = "`argocd app get <name>` (the incident's `name` label: pace-web or pace-ai)"
    return [
        AlertSpec(
            key="platform-argocd-app-degraded",
            title="Argo CD: an Application is Degraded",
            system="platform",
            family="health",
            # A Degraded Application runs something Kubernetes gave up on: it pages now.
            severity="ERROR",
            summary="Argo CD has reported an Application's health as Degraded for 10 minutes: "
            "a resource it deployed failed (a roll-out past its deadline, a failed Job, an "
            "HPA that cannot scale).",
            first_steps=f"- {app}: which resource is Degraded, and its message\n"
            "- `kubectl -n <namespace> describe deployment <name>`; "
            "`kubectl -n <namespace> get events --sort-by=.lastTimestamp`",
            runbook=RUNBOOK,
            conditions=[DEGRADED],
        ),
        AlertSpec(
            key="platform-argocd-app-out-of-sync",
            title="Argo CD: an Application stays OutOfSync",
            system="platform",
            family="health",
            severity="WARNING",
            summary="An Application has been OutOfSync for 30 minutes although it syncs "
            "automatically: the GitOps repository's state is not what runs.",
            first_steps=f"- {app}: the sync status, the last operation's message\n"
            "- Is a deny sync window open (`argocd proj windows list pace`)?",
            runbook=RUNBOOK,
            conditions=[OUT_OF_SYNC],
        ),
        AlertSpec(
            key="platform-argocd-sync-failed",
            title="Argo CD: a sync failed",
            system="platform",
            family="health",
            severity="WARNING",
            summary="A sync of an Application ended in Error or Failed after its retries in "
            "the last 15 minutes: a change in the GitOps repository did not apply.",
            first_steps=f"- {app}: the last operation's phase and message\n"
            "- The GitOps repository's last commits on the Application's path",
            runbook=RUNBOOK,
            conditions=[SYNC_FAILED],
        ),
        AlertSpec(
            key="platform-argocd-metrics-absent",
            title="Argo CD: no Application metrics",
            system="platform",
            family="health",
            severity="WARNING",
            summary="Managed Prometheus has had no argocd_app_info for 15 minutes: the "
            "application controller is down or not scraped, and every other Argo CD alert "
            "is blind.",
            first_steps="- `kubectl -n argocd get pods -l "
            "app.kubernetes.io/name=argocd-application-controller`\n"
            "- `kubectl -n argocd describe podmonitoring argocd-application-controller` "
            "(its status says whether the endpoint is scraped)",
            runbook="argocd-metrics-absent",
            conditions=[METRICS_ABSENT],
        ),
    ]
