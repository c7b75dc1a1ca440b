"""Mechanisms of a Cloud SQL for PostgreSQL instance: disk autoresize, and the instance's metrics
and logs.

Sources of the numbers:
- Automatic storage increase (Cloud SQL instance settings, as quoted in Google's "Digging in on
  Cloud SQL automatic storage increases"): "The current storage capacity is divided by 25, and the
  result rounded down to the nearest integer. This result is added to 5 GB to produce both the
  threshold size and the amount of storage that is added in the event that the available storage
  falls below the threshold", up to 25 GB; "Cloud SQL checks your available storage every 30
  seconds" (API `autoStorageIncrease`); growth stops at `disk_autoresize_limit`.
- Metrics (https://cloud.google.com/monitoring/api/metrics_gcp#gcp-cloudsql), resource
  `cloudsql_database` (label database_id "project:instance"), sampled every 60 s:
  `database/disk/utilization`, `database/cpu/utilization`, `database/memory/utilization` (GAUGE
  DOUBLE, 0-1), `database/postgresql/num_backends` (GAUGE INT64, label database), `database/up`
  (GAUGE INT64 1/0), `database/instance_state` (GAUGE BOOL per `state`: RUNNING, SUSPENDED,
  RUNNABLE, PENDING_CREATE, MAINTENANCE, FAILED, UNKNOWN_STATE).
- Assumed: a running instance that crashes or becomes unreachable reports `up` 0 and its state as
  UNKNOWN_STATE or RUNNABLE; FAILED is the state of an instance whose creation failed.
- `database/disk/bytes_used` (GAUGE INT64, bytes) is the data on the disk; Cloud SQL counts
  storage in GB, taken here as 10^9 bytes.
- `database/replication/replica_lag` (GAUGE, seconds) of a read replica. Assumed mechanism: the
  replica replays the primary's WAL at a bounded rate (PostgreSQL replays in one process), so the
  backlog grows while the primary writes faster than that and drains after; the lag is the
  backlog over the replay rate, plus a second of transport.
"""

from __future__ import annotations

from collections.abc import Callable

from pace_infra.monitoring.evaluation.series import LogEntry, TimeSeries

SAMPLE = 60
CHECK = 30  # autoresize checks the free space every 30 s
GB = 1.0
STATES = (
    "RUNNING",
    "SUSPENDED",
    "RUNNABLE",
    "PENDING_CREATE",
    "MAINTENANCE",
    "FAILED",
    "UNKNOWN_STATE",
)


def autoresize_step(capacity_gb: float) -> float:
    """Both the free-space threshold and the increase: min(5 + floor(capacity/25), 25) GB."""
    return min(5 + capacity_gb // 25, 25)


def disk(
    used_gb: Callable[[int], float], capacity_gb: float, limit_gb: float, end: int
) -> list[tuple[int, float, float]]:
    """(t, used GB, capacity GB) every 60 s, the capacity grown by autoresize (checked every 30 s)
    whenever free space falls below the threshold, never beyond the limit."""
    out = []
    for t in range(CHECK, end + 1, CHECK):
        used = used_gb(t)
        if capacity_gb - used < autoresize_step(capacity_gb) and capacity_gb < limit_gb:
            capacity_gb = min(capacity_gb + autoresize_step(capacity_gb), limit_gb)
        if t % SAMPLE == 0:
            out.append((t, used, capacity_gb))
    return out


def resource(database_id: str) -> dict[str, str]:
    project = database_id.split(":", 1)[0]
    return {"project_id": project, "database_id": database_id, "region": "europe-west2"}


def metric(
    database_id: str,
    name: str,
    value: Callable[[int], float | None],
    end: int,
    metric_labels: dict[str, str] | None = None,
) -> TimeSeries:
    series = TimeSeries(
        f"cloudsql.googleapis.com/database/{name}",
        "cloudsql_database",
        "GAUGE",
        resource(database_id),
        dict(metric_labels or {}),
    )
    for t in range(SAMPLE, end + 1, SAMPLE):
        v = value(t)
        if v is not None:
            series.add(t, v)
    return series


def instance_state(
    database_id: str, state: Callable[[int], str | None], end: int
) -> list[TimeSeries]:
    """instance_state: one Boolean series per state, true for the state the instance is in."""
    return [
        metric(
            database_id,
            "instance_state",
            lambda t, s=s: None if state(t) is None else state(t) == s,  # type: ignore[misc]
            end,
            {"state": s},
        )
        for s in STATES
    ]


def postgres_log(database_id: str, t: int, severity: str, message: str) -> LogEntry:
    return LogEntry(
        t,
        "cloudsql_database",
        resource(database_id),
        severity,
        text_payload=message,
        log_name="cloudsql.googleapis.com%2Fpostgres.log",
    )


BYTES_PER_GB = 10**9


def bytes_used(used_gb: Callable[[int], float]) -> Callable[[int], float]:
    return lambda t: float(round(used_gb(t) * BYTES_PER_GB))


def replica_lag(
    wal_mb_per_s: Callable[[int], float], replay_mb_per_s: float, end: int
) -> Callable[[int], float]:
    """Seconds behind the primary, from the WAL backlog (simulated in 10 s steps)."""
    lag: dict[int, float] = {}
    backlog = 0.0
    for t in range(0, end + 1, 10):
        backlog = max(0.0, backlog + (wal_mb_per_s(t) - replay_mb_per_s) * 10)
        if t % SAMPLE == 0:
            lag[t] = 1.0 + backlog / replay_mb_per_s
    return lambda t: lag.get(t)
