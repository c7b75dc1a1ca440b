"""What PACE alerts on for each Cloud SQL instance: exhaustion (CPU, memory, disk against its
autoresize limit and its forecast, connections against max_connections), health (down or
silent) and recovery (its restore drill missing or slower than the RTO, its daily logical export
missing); for its DR replica, up and replication lag."""

from __future__ import annotations

from dataclasses import dataclass

from pace_infra.config import Thresholds
from pace_infra.monitoring.filters import promql_metric, sql_filter
from pace_infra.monitoring.model import Aggregation, AlertSpec, Promql, Threshold
from pace_infra.names import (
    DATABASE_EXPORT_METRIC,
    DATABASE_EXPORT_METRIC_LABEL,
    RESTORE_DRILL_METRIC,
    RESTORE_DRILL_METRIC_LABEL,
)


@dataclass(frozen=True)
class DrillWatch:
    """What the restore drill alerts watch: the drill workflow, the instances it drills, the
    RTO a drill must beat and how long without a successful drill is too long."""

    workflow: str
    instances: tuple[str, ...]
    rto_minutes: int
    stale_after_days: int


def restore_drill_alert(instance: str, watch: DrillWatch) -> AlertSpec:
    """No successful drill of `instance` in `stale_after_days`, or the slowest drill in that
    window slower than the RTO. The drill writes one point per success (RESTORE_DRILL_METRIC),
    so "no success" is the metric's absence, over days: a PromQL range, since a metric-absence
    condition cannot look back more than 23.5 hours."""
    series = (
        f"{promql_metric(RESTORE_DRILL_METRIC)}"
        f'{{monitored_resource="global",{RESTORE_DRILL_METRIC_LABEL}="{instance}"}}'
        f"[{watch.stale_after_days}d]"
    )
    rto_seconds = watch.rto_minutes * 60
    return AlertSpec(
        key=f"data-{instance}-restore-drill",
        title=f"{instance}: restore drill missing or slower than the RTO",
        system="data",
        family="recovery",
        # Nobody is harmed now: the proof that a restore works is what is missing. WARNING
        # pages the data team's support-hours service (low urgency outside support hours).
        severity="WARNING",
        summary=f"No restore drill of {instance} succeeded in {watch.stale_after_days} days, "
        f"or one took longer than the RTO ({watch.rto_minutes} minutes).",
        first_steps=f"- Workflows > {watch.workflow} > Executions: the last runs and their error\n"
        "- Metrics Explorer: the drill's duration metric, by source_instance",
        runbook="restore-drill",
        # One condition: a policy with a PromQL condition may have no other (Cloud Monitoring,
        # "Create PromQL-based alerting policies"). `or` joins the two failures into one query.
        conditions=[
            Promql(
                name="No successful drill, or one slower than the RTO",
                query=f"absent_over_time({series}) or max_over_time({series}) > {rto_seconds}",
                duration="300s",
                # A drill runs weekly: once every 5 minutes is more than often enough.
                evaluation_interval="300s",
            )
        ],
    )


@dataclass(frozen=True)
class ExportWatch:
    """What the export alerts watch: the export workflow and the instances it exports."""

    workflow: str
    instances: tuple[str, ...]


# A daily export plus slack: a run that starts late or takes hours longer than usual is not a
# miss; a day without one is.
EXPORT_STALE_AFTER_HOURS = 26


def database_export_alert(instance: str, watch: ExportWatch) -> AlertSpec:
    """No successful logical export of `instance` in EXPORT_STALE_AFTER_HOURS. The export writes
    one point per success (DATABASE_EXPORT_METRIC), so "no success" is the metric's absence over
    more than a day: a PromQL range, since a metric-absence condition cannot look back more than
    23.5 hours."""
    series = (
        f"{promql_metric(DATABASE_EXPORT_METRIC)}"
        f'{{monitored_resource="global",{DATABASE_EXPORT_METRIC_LABEL}="{instance}"}}'
        f"[{EXPORT_STALE_AFTER_HOURS}h]"
    )
    return AlertSpec(
        key=f"data-{instance}-export",
        title=f"{instance}: logical export missed",
        system="data",
        family="recovery",
        # Nobody is harmed now: the off-site copy is a day older than it should be. WARNING
        # pages the data team's support-hours service (low urgency outside support hours).
        severity="WARNING",
        summary=f"No logical export of {instance} succeeded in {EXPORT_STALE_AFTER_HOURS} hours "
        "(it runs daily).",
        first_steps=f"- Workflows > {watch.workflow} > Executions: the last runs and their error\n"
        "- The exports bucket, and the instance's service agent's object-create grant on it",
        runbook="export-missed",
        # One condition: a policy with a PromQL condition may have no other (Cloud Monitoring,
        # "Create PromQL-based alerting policies").
        conditions=[
            Promql(
                name="No successful export",
                query=f"absent_over_time({series})",
                duration="300s",
                # A daily job: once every 5 minutes is more than often enough.
                evaluation_interval="300s",
            )
        ],
    )


# Cloud SQL counts storage in GB; 10^9 bytes is the smaller reading, so the alert errs early.
BYTES_PER_GB = 10**9


def database_alerts(
    project: str, instance: str, max_connections: int, disk_limit_gb: int, t: Thresholds
) -> list[AlertSpec]:
    def spec(
        key: str,
        title: str,
        family: str,
        severity: str,
        summary: str,
        runbook: str,
        *conditions: Threshold,
    ) -> AlertSpec:
        return AlertSpec(
            key=f"data-{instance}-{key}",
            title=f"{instance}: {title}",
            system="data",
            family=family,
            severity=severity,
            summary=summary,
            first_steps=f"- Cloud SQL > {instance} > Overview and Query Insights\n"
            "- Recent migrations or traffic changes",
            runbook=runbook,
            conditions=conditions,
        )

    return [
        spec(
            "cpu",
            "CPU high",
            "exhaustion",
            "WARNING",
            f"CPU above {t.sql_cpu_utilization:.0%} for 10 minutes.",
            "cloudsql-cpu-memory",
            Threshold(
                "CPU utilization",
                sql_filter("cpu/utilization", project, instance),
                t.sql_cpu_utilization,
                duration="600s",
            ),
        ),
        spec(
            "memory",
            "memory high",
            "exhaustion",
            "WARNING",
            f"Memory above {t.sql_memory_utilization:.0%}.",
            "cloudsql-cpu-memory",
            Threshold(
                "Memory utilization",
                sql_filter("memory/utilization", project, instance),
                t.sql_memory_utilization,
            ),
        ),
        # Autoresize adds storage whenever free space falls below min(5 + capacity/25, 25) GB
        # (Cloud SQL, "Automatic storage increase"), so disk/utilization sits near its ceiling
        # for most of every cycle on a large disk and says nothing. What runs out is the
        # autoresize limit (disk_autoresize_limit_gb): the used bytes are watched against it.
        spec(
            "disk-limit",
            "disk nearing its autoresize limit",
            "exhaustion",
            "WARNING",
            f"More than {t.sql_disk_limit_ratio:.0%} of the autoresize limit ({disk_limit_gb} GB) "
            "is used: autoresize stops there, and a full disk stops writes.",
            "cloudsql-disk",
            Threshold(
                "Bytes used against the autoresize limit",
                sql_filter("disk/bytes_used", project, instance),
                round(t.sql_disk_limit_ratio * disk_limit_gb * BYTES_PER_GB),
            ),
        ),
        spec(
            "disk-forecast",
            "disk reaches its autoresize limit within 6 hours",
            "exhaustion",
            "ERROR",
            f"At the current growth the used bytes reach the autoresize limit ({disk_limit_gb} GB) "
            "within 6 hours: a runaway table, log or migration.",
            "cloudsql-disk",
            Threshold(
                "Bytes used forecast",
                sql_filter("disk/bytes_used", project, instance),
                disk_limit_gb * BYTES_PER_GB,
                duration="600s",
                forecast_horizon="21600s",
            ),
        ),
        spec(
            "connections",
            "connections near max_connections",
            "exhaustion",
            "WARNING",
            f"More than {t.sql_connections_ratio:.0%} of max_connections ({max_connections}) "
            "in use: new connections will be refused.",
            "cloudsql-connections",
            Threshold(
                "Backends",
                sql_filter("postgresql/num_backends", project, instance),
                round(t.sql_connections_ratio * max_connections),
                aggregation=Aggregation(
                    "60s", "ALIGN_MEAN", "REDUCE_SUM", ("resource.label.database_id",)
                ),
            ),
        ),
        spec(
            "down",
            "instance down",
            "health",
            "CRITICAL",
            "The instance reports down (or stopped reporting): its application is failing.",
            "cloudsql-down",
            Threshold(
                "Instance up",
                sql_filter("up", project, instance),
                1,
                comparison="COMPARISON_LT",
                aggregation=Aggregation("60s", "ALIGN_MIN"),
                missing_data="EVALUATION_MISSING_DATA_ACTIVE",
            ),
        ),
        # No instance_state FAILED alert: FAILED is an instance whose creation failed, not a
        # running instance's failure (Cloud SQL, instance states); a running instance that
        # stops serving shows in `up` (0, or silent, which counts as down above).
    ]


def replica_alerts(project: str, replica: str, t: Thresholds) -> list[AlertSpec]:
    """A cross-region DR replica: it must be up and close behind its primary, or the disaster
    recovery it exists for loses data or cannot start. Users are not affected meanwhile:
    WARNING, in support hours."""
    first_steps = (
        f"- Cloud SQL > {replica} > Overview: state, replication\n"
        f"- `gcloud sql instances describe {replica}` (replicaConfiguration, state)"
    )
    return [
        AlertSpec(
            key=f"data-{replica}-down",
            title=f"{replica}: DR replica down",
            system="data",
            family="health",
            severity="WARNING",
            summary="The DR replica reports down (or stopped reporting): a regional disaster now "
            "has no replica to promote.",
            first_steps=first_steps,
            runbook="cloudsql-replica",
            conditions=[
                Threshold(
                    "Replica up",
                    sql_filter("up", project, replica),
                    1,
                    comparison="COMPARISON_LT",
                    aggregation=Aggregation("60s", "ALIGN_MIN"),
                    missing_data="EVALUATION_MISSING_DATA_ACTIVE",
                )
            ],
        ),
        AlertSpec(
            key=f"data-{replica}-lag",
            title=f"{replica}: DR replica lagging",
            system="data",
            family="health",
            severity="WARNING",
            summary=f"The DR replica is more than {t.sql_replica_lag_seconds} s behind its "
            "primary for 10 minutes: promoting it now would lose that much data.",
            first_steps=first_steps + "\n- The primary's write load (Query Insights) and the "
            "replica's CPU and disk",
            runbook="cloudsql-replica",
            conditions=[
                Threshold(
                    "Replication lag (seconds)",
                    sql_filter("replication/replica_lag", project, replica),
                    t.sql_replica_lag_seconds,
                    duration="600s",
                    aggregation=Aggregation("60s", "ALIGN_MAX"),
                )
            ],
        ),
    ]
