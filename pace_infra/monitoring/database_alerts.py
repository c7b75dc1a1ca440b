"""What PACE alerts on for each Cloud SQL instance: exhaustion (CPU, memory, disk and its
forecast, connections against max_connections), health (down or silent, FAILED), and recovery
(its restore drill missing or slower than the RTO)."""

from __future__ import annotations

from dataclasses import dataclass

from pace_infra.config import Thresholds
from pace_infra.monitoring.filters import promql_metric, sql_filter
from pace_infra.monitoring.model import Aggregation, AlertSpec, Promql, Threshold
from pace_infra.names import RESTORE_DRILL_METRIC, RESTORE_DRILL_METRIC_LABEL


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


def database_alerts(
    project: str, instance: str, max_connections: int, t: Thresholds
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
        spec(
            "disk",
            "disk filling",
            "exhaustion",
            "WARNING",
            f"Disk above {t.sql_disk_utilization:.0%} (autoresize has a limit).",
            "cloudsql-disk",
            Threshold(
                "Disk utilization",
                sql_filter("disk/utilization", project, instance),
                t.sql_disk_utilization,
            ),
        ),
        spec(
            "disk-forecast",
            "disk full within 6 hours",
            "exhaustion",
            "ERROR",
            "At the current growth the disk is 95% full within 6 hours.",
            "cloudsql-disk",
            Threshold(
                "Disk utilization forecast",
                sql_filter("disk/utilization", project, instance),
                0.95,
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
        spec(
            "failed",
            "instance in FAILED state",
            "health",
            "CRITICAL",
            "Cloud SQL reports the instance FAILED.",
            "cloudsql-down",
            Threshold(
                "Instance FAILED",
                sql_filter("instance_state", project, instance) + ' metric.label.state="FAILED"',
                0,
                aggregation=Aggregation("60s", "ALIGN_COUNT_TRUE"),
                duration="60s",
            ),
        ),
    ]
