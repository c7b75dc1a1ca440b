"""What PACE alerts on for each Cloud SQL instance: exhaustion (CPU, memory, disk and its
forecast, connections against max_connections) and health (down or silent, FAILED)."""

from __future__ import annotations

from pace_infra.config import Thresholds
from pace_infra.monitoring.filters import sql_filter
from pace_infra.monitoring.model import Aggregation, AlertSpec, Threshold


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
