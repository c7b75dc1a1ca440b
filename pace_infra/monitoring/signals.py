"""Signals: log-based metrics and uptime checks that alerts, dashboards and SLOs read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.logging_metric import LoggingMetric
from cdktf_cdktf_provider_google.monitoring_uptime_check_config import (
    MonitoringUptimeCheckConfig,
    MonitoringUptimeCheckConfigHttpCheck,
    MonitoringUptimeCheckConfigMonitoredResource,
)
from constructs import Construct

from pace_infra.config.values import UptimeTarget
from pace_infra.constructs.propagation_wait import PropagationWait, PropagationWaitProps

# Three checker regions of one checker location each (the API's UptimeCheckRegion: USA runs from
# three locations, USA_VIRGINIA from one; chosen regions must hold at least three locations). The
# alert counts failing locations, and needs two: with one location a region, that is two regions,
# so one region's network trouble never pages anyone (with "USA" it did: three failing
# locations, one region; the alert scenarios show it).
CHECKER_REGIONS: tuple[str, ...] = ("EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC")
# How long Cloud Monitoring may take to see a new log-based metric, by its own error message
# ("it could take up to 10 minutes to become available").
LOG_METRIC_PROPAGATION_SECONDS = 600


@dataclass(frozen=True)
class SignalsProps:
    project_id: str
    # log metric name -> logging filter (a counter of matching entries)
    log_metrics: Mapping[str, str]
    uptime_checks: Sequence[UptimeTarget]
    labels: Mapping[str, str] = field(default_factory=dict)


class Signals(Construct):
    """Handles: `log_metric_types` (name -> metric type), `uptime_check_ids` (name -> id),
    `dependables` (what alerts and charts on these signals must wait for: the log metrics, and
    the time Cloud Monitoring takes to see a new one)."""

    def __init__(self, scope: Construct, id_: str, *, props: SignalsProps) -> None:
        super().__init__(scope, id_)
        self.log_metric_types: dict[str, str] = {}
        metrics: list[ITerraformDependable] = []
        for name, log_filter in props.log_metrics.items():
            metric = LoggingMetric(self, f"log-{name}", name=name, filter=log_filter)
            # A literal type, not a reference (see pace_infra/monitoring/filters.py); alerts wait
            # for the metric through `dependables` instead.
            self.log_metric_types[name] = f"logging.googleapis.com/user/{name}"
            metrics.append(metric)
        self.dependables: list[ITerraformDependable] = list(metrics)
        if metrics:
            # Waits on the first apply and whenever the set of log metrics changes.
            visible = PropagationWait(
                self,
                "log-metrics-visible",
                props=PropagationWaitProps(
                    seconds=LOG_METRIC_PROPAGATION_SECONDS,
                    triggers=sorted(props.log_metrics),
                    depends_on=metrics,
                    reason="Cloud Monitoring takes up to 10 minutes to see new log-based metrics",
                ),
            )
            self.dependables.append(visible.dependable)
        self.uptime_check_ids: dict[str, str] = {}
        for check in props.uptime_checks:
            uptime = MonitoringUptimeCheckConfig(
                self,
                f"uptime-{check.name}",
                display_name=f"{check.name} ({check.host}{check.path})",
                period="60s",
                timeout="10s",
                selected_regions=list(CHECKER_REGIONS),
                http_check=MonitoringUptimeCheckConfigHttpCheck(
                    path=check.path,
                    port=443,
                    use_ssl=True,
                    validate_ssl=True,  # a broken certificate is an outage for users
                    request_method="GET",
                ),
                monitored_resource=MonitoringUptimeCheckConfigMonitoredResource(
                    type="uptime_url",
                    labels={"project_id": props.project_id, "host": check.host},
                ),
                log_check_failures=True,
                user_labels=dict(props.labels),
            )
            self.uptime_check_ids[check.name] = uptime.uptime_check_id
