"""Alerting: notification channels and Cloud Monitoring alert policies built from typed specs.

Conditions are `condition_threshold`, matched-log or PromQL (kube-state metrics): MQL is out of
support since 2025-07-22.
Every policy carries a severity, labels, markdown documentation with a runbook link, auto-close,
and at least one notification channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyAlertStrategyNotificationRateLimit,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionMatchedLog,
    MonitoringAlertPolicyConditionsConditionPrometheusQueryLanguage,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
    MonitoringAlertPolicyConditionsConditionThresholdDenominatorAggregations,
    MonitoringAlertPolicyConditionsConditionThresholdForecastOptions,
    MonitoringAlertPolicyDocumentation,
)
from cdktf_cdktf_provider_google.monitoring_notification_channel import (
    MonitoringNotificationChannel,
    MonitoringNotificationChannelSensitiveLabels,
)
from constructs import Construct

from pace_infra.monitoring.model import (
    Aggregation,
    AlertSpec,
    Condition,
    LogMatch,
    Promql,
    paging_route,
)
from pace_infra.names import PagingRoute, System, pagerduty_service

AUTO_CLOSE = "1800s"  # an incident whose data stopped arriving closes after 30 minutes


@dataclass(frozen=True)
class AlertingProps:
    name_prefix: str  # "PACE prod"
    runbook_base_url: str  # where docs/runbooks/ is browsable
    support_email: str
    # (system, paging route) -> PagerDuty integration key (a cross-stack reference); empty:
    # email only.
    pagerduty_keys: Mapping[tuple[System, PagingRoute], str]
    alerts: Sequence[AlertSpec]
    labels: Mapping[str, str] = field(default_factory=dict)
    # What the policies' filters name and must exist first (log-based metrics).
    depends_on: Sequence[ITerraformDependable] = ()


def _aggregation(cls: type, aggregation: Aggregation) -> object:
    return cls(
        alignment_period=aggregation.alignment_period,
        per_series_aligner=aggregation.per_series_aligner,
        cross_series_reducer=aggregation.cross_series_reducer,
        group_by_fields=list(aggregation.group_by_fields) or None,
    )


def _condition(condition: Condition) -> MonitoringAlertPolicyConditions:
    if isinstance(condition, Promql):
        # condition_prometheus_query_language (resource_monitoring_alert_policy.go at v6.50.0):
        # duration and evaluation_interval are Optional, not Computed, and flattened as the API
        # returns them, so both are always set; rule_group and alert_rule are left out (only
        # tools that round-trip Prometheus rule files need them).
        return MonitoringAlertPolicyConditions(
            display_name=condition.name,
            condition_prometheus_query_language=(
                MonitoringAlertPolicyConditionsConditionPrometheusQueryLanguage(
                    query=condition.query,
                    duration=condition.duration,
                    evaluation_interval=condition.evaluation_interval,
                    disable_metric_validation=condition.disable_metric_validation or None,
                )
            ),
        )
    if isinstance(condition, LogMatch):
        return MonitoringAlertPolicyConditions(
            display_name=condition.name,
            condition_matched_log=MonitoringAlertPolicyConditionsConditionMatchedLog(
                filter=condition.filter
            ),
        )
    return MonitoringAlertPolicyConditions(
        display_name=condition.name,
        condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
            filter=condition.filter,
            comparison=condition.comparison,
            threshold_value=condition.threshold,
            duration=condition.duration,
            aggregations=(
                [
                    _aggregation(
                        MonitoringAlertPolicyConditionsConditionThresholdAggregations,
                        condition.aggregation,
                    )
                ]
                if condition.aggregation
                else None
            ),
            denominator_filter=condition.denominator_filter,
            denominator_aggregations=(
                [
                    _aggregation(
                        MonitoringAlertPolicyConditionsConditionThresholdDenominatorAggregations,
                        condition.denominator_aggregation,
                    )
                ]
                if condition.denominator_aggregation
                else None
            ),
            forecast_options=(
                MonitoringAlertPolicyConditionsConditionThresholdForecastOptions(
                    forecast_horizon=condition.forecast_horizon
                )
                if condition.forecast_horizon
                else None
            ),
            evaluation_missing_data=condition.missing_data,
        ),
    )


def documentation(spec: AlertSpec, runbook_base_url: str) -> str:
    """The markdown an on-call engineer reads in the incident."""
    return (
        f"**{spec.title}** ({spec.system}, {spec.severity})\n\n"
        f"{spec.summary}\n\n"
        f"First steps:\n{spec.first_steps}\n\n"
        f"Runbook: {runbook_base_url}/{spec.runbook}.md"
    )


class Alerting(Construct):
    """Channels (one PagerDuty channel per system and paging route, one support email) and the
    alert policies, each paging the channel of its system and severity.

    Handle: `email_channel`.
    """

    def __init__(self, scope: Construct, id_: str, *, props: AlertingProps) -> None:
        super().__init__(scope, id_)
        email = MonitoringNotificationChannel(
            self,
            "email",
            display_name=f"{props.name_prefix} support email",
            type="email",
            labels={"email_address": props.support_email},
            user_labels=dict(props.labels),
        )
        self.email_channel: str = email.name
        pagerduty: dict[tuple[System, PagingRoute], str] = {}
        for (system, route), key in props.pagerduty_keys.items():
            service = pagerduty_service(system, route)
            channel = MonitoringNotificationChannel(
                self,
                f"pagerduty-{service.removeprefix('pace-')}",
                display_name=f"{props.name_prefix} PagerDuty {service}",
                type="pagerduty",
                # The key reaches state (a private, versioned bucket), never the JSON.
                sensitive_labels=MonitoringNotificationChannelSensitiveLabels(service_key=key),
                user_labels=dict(props.labels),
            )
            pagerduty[(system, route)] = channel.name

        for spec in props.alerts:
            channels = [email.name]
            route = (spec.system, paging_route(spec.severity))
            if spec.page and route in pagerduty:
                channels.insert(0, pagerduty[route])
            has_log_match = any(isinstance(c, LogMatch) for c in spec.conditions)
            MonitoringAlertPolicy(
                self,
                spec.key,
                display_name=f"{props.name_prefix}: {spec.title}",
                combiner=spec.combiner,
                severity=spec.severity,
                conditions=[_condition(condition) for condition in spec.conditions],
                notification_channels=channels,
                documentation=MonitoringAlertPolicyDocumentation(
                    content=documentation(spec, props.runbook_base_url),
                    mime_type="text/markdown",
                    subject=f"{props.name_prefix}: {spec.title}",
                ),
                alert_strategy=MonitoringAlertPolicyAlertStrategy(
                    auto_close=AUTO_CLOSE,
                    # Required for log-match conditions: at most one notification per 5 minutes.
                    notification_rate_limit=(
                        MonitoringAlertPolicyAlertStrategyNotificationRateLimit(period="300s")
                        if has_log_match
                        else None
                    ),
                ),
                user_labels={
                    **props.labels,
                    "system": spec.system,
                    "family": spec.family,
                    "severity": spec.severity.lower(),
                },
                depends_on=list(props.depends_on) or None,
            )
