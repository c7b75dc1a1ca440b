"""Alerting: notification channels and Cloud Monitoring alert policies built from typed specs.

Only `condition_threshold` and matched-log conditions: MQL is out of support since 2025-07-22.
Every policy carries a severity, labels, markdown documentation with a runbook link, auto-close,
and at least one notification channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyAlertStrategyNotificationRateLimit,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionMatchedLog,
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

Family = Literal["error", "exhaustion", "health", "slo", "certificate"]
Severity = Literal["CRITICAL", "ERROR", "WARNING"]
System = Literal["web", "ai", "data", "platform"]
AUTO_CLOSE = "1800s"  # an incident whose data stopped arriving closes after 30 minutes

# Which PagerDuty service an alert pages, by severity. CRITICAL and ERROR (users are affected)
# page at once, day and night; WARNING (capacity, trends) goes to a service that is high
# urgency in support hours, low outside them, and raised to high when support hours start if
# the incident is still open. Two services per system, each with one urgency policy, because
# (1) PagerDuty's scheduled urgency change works only with high urgency during and low outside
# support hours (pagerduty_service docs, 3.30.8), and (2) alert grouping folds later alerts
# into the first alert's incident, urgency included: a CRITICAL must never join a WARNING's
# low-urgency incident, so they never share a service.
PagingRoute = Literal["urgent", "support-hours"]
PAGING_ROUTES: tuple[PagingRoute, ...] = ("urgent", "support-hours")


def paging_route(severity: Severity) -> PagingRoute:
    return "support-hours" if severity == "WARNING" else "urgent"


def pagerduty_service_name(system: System, route: PagingRoute) -> str:
    """`pace-web` pages now; `pace-web-warnings` pages in support hours."""
    return f"pace-{system}" if route == "urgent" else f"pace-{system}-warnings"


@dataclass(frozen=True)
class Aggregation:
    alignment_period: str = "60s"
    per_series_aligner: str = "ALIGN_MEAN"
    cross_series_reducer: str | None = None
    group_by_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A `condition_threshold`: the filter's aligned series compared with a value."""

    name: str
    filter: str
    threshold: float
    comparison: Literal["COMPARISON_GT", "COMPARISON_LT"] = "COMPARISON_GT"
    duration: str = "300s"
    aggregation: Aggregation | None = field(default_factory=Aggregation)
    denominator_filter: str | None = None  # makes the condition a ratio
    denominator_aggregation: Aggregation | None = None
    forecast_horizon: str | None = None  # compare the forecast, not the present value
    missing_data: str | None = None  # e.g. EVALUATION_MISSING_DATA_ACTIVE: silence is an outage


@dataclass(frozen=True)
class LogMatch:
    """A matched-log condition: any log entry matching the filter opens an incident."""

    name: str
    filter: str


@dataclass(frozen=True)
class AlertSpec:
    key: str  # slug: the policy's id and display name suffix
    title: str
    system: System
    family: Family
    severity: Severity
    summary: str  # what it means, first sentence of the documentation
    first_steps: str  # markdown: where to look first
    runbook: str  # file stem under docs/runbooks/
    conditions: Sequence[Threshold | LogMatch]
    combiner: Literal["OR", "AND"] = "OR"
    # False: notify the support email only (a notification, not a page).
    page: bool = True


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


def _condition(condition: Threshold | LogMatch) -> MonitoringAlertPolicyConditions:
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
            service = pagerduty_service_name(system, route)
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
