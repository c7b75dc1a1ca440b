"""ServiceLevels: an availability and a latency SLO per application, from load-balancer requests.

Both SLIs count requests at Google's HTTPS load balancer, where users meet the CRM: a request
is bad when it returns 5xx (availability) or takes longer than the threshold (latency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_google.monitoring_custom_service import MonitoringCustomService
from cdktf_cdktf_provider_google.monitoring_slo import (
    MonitoringSlo,
    MonitoringSloRequestBasedSli,
    MonitoringSloRequestBasedSliDistributionCut,
    MonitoringSloRequestBasedSliDistributionCutRange,
    MonitoringSloRequestBasedSliGoodTotalRatio,
)
from constructs import Construct

from pace_infra.monitoring.model import SLO_ROLLING_DAYS, ApplicationSli


@dataclass(frozen=True)
class ServiceLevelsProps:
    applications: Sequence[ApplicationSli]
    availability_goal: float
    latency_goal: float
    # application name -> its latency threshold (the CRM's pages and the AI path's streamed
    # answers are not held to one number)
    latency_thresholds_ms: Mapping[str, int]
    labels: Mapping[str, str] = field(default_factory=dict)


class ServiceLevels(Construct):
    """Handles: `slo_names` ("<app>-availability" / "<app>-latency" -> SLO resource name) and
    `slo_goals` (the same keys -> goal)."""

    def __init__(self, scope: Construct, id_: str, *, props: ServiceLevelsProps) -> None:
        super().__init__(scope, id_)
        self.slo_names: dict[str, str] = {}
        self.slo_goals: dict[str, float] = {}
        for app in props.applications:
            threshold_ms = props.latency_thresholds_ms[app.name]
            service = MonitoringCustomService(
                self,
                f"service-{app.name}",
                service_id=app.name,
                display_name=app.name,
                user_labels=dict(props.labels),
            )
            availability = MonitoringSlo(
                self,
                f"{app.name}-availability",
                service=service.service_id,
                slo_id=f"{app.name}-availability",
                display_name=f"{app.name}: {props.availability_goal:.1%} of requests succeed",
                goal=props.availability_goal,
                rolling_period_days=SLO_ROLLING_DAYS,
                request_based_sli=MonitoringSloRequestBasedSli(
                    good_total_ratio=MonitoringSloRequestBasedSliGoodTotalRatio(
                        total_service_filter=app.requests_filter,
                        bad_service_filter=app.errors_filter,
                    )
                ),
                user_labels=dict(props.labels),
            )
            latency = MonitoringSlo(
                self,
                f"{app.name}-latency",
                service=service.service_id,
                slo_id=f"{app.name}-latency",
                display_name=(
                    f"{app.name}: {props.latency_goal:.0%} of requests under {threshold_ms} ms"
                ),
                goal=props.latency_goal,
                rolling_period_days=SLO_ROLLING_DAYS,
                request_based_sli=MonitoringSloRequestBasedSli(
                    distribution_cut=MonitoringSloRequestBasedSliDistributionCut(
                        distribution_filter=app.latencies_filter,
                        range=MonitoringSloRequestBasedSliDistributionCutRange(max=threshold_ms),
                    )
                ),
                user_labels=dict(props.labels),
            )
            self.slo_names[f"{app.name}-availability"] = availability.name
            self.slo_names[f"{app.name}-latency"] = latency.name
            self.slo_goals[f"{app.name}-availability"] = props.availability_goal
            self.slo_goals[f"{app.name}-latency"] = props.latency_goal
