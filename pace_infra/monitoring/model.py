"""The monitoring vocabulary: alerts, charts and SLIs as plain values.

The catalogs build these from an environment's settings and the monitoring stack's handles;
the constructs (alerting, dashboards, service_levels, signals) turn them into resources. No
provider bindings here, so the catalogs can be read and tested without a synth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pace_infra.names import PagingRoute, System

Family = Literal["error", "exhaustion", "health", "slo", "certificate", "recovery", "security"]
Severity = Literal["CRITICAL", "ERROR", "WARNING"]

# Which PagerDuty service an alert pages, by severity. CRITICAL and ERROR (users are affected)
# page at once, day and night; WARNING (capacity, trends) goes to a service that is high
# urgency in support hours, low outside them, and raised to high when support hours start if
# the incident is still open. Two services per system, each with one urgency policy, because
# (1) PagerDuty's scheduled urgency change works only with high urgency during and low outside
# support hours (pagerduty_service docs, 3.30.8), and (2) alert grouping folds later alerts
# into the first alert's incident, urgency included: a CRITICAL must never join a WARNING's
# low-urgency incident, so they never share a service.
PAGING_ROUTES: tuple[PagingRoute, ...] = ("urgent", "support-hours")


def paging_route(severity: Severity) -> PagingRoute:
    return "support-hours" if severity == "WARNING" else "urgent"


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
    # (label, extractor) pairs, e.g. ("principal", "EXTRACT(protoPayload.authenticationInfo.
    # principalEmail)"): the incident names who did it, and "each combination of extracted
    # values is treated as a separate rule" (provider 6.50.0), so one actor's notification rate
    # limit never silences another's.
    label_extractors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Promql:
    """A `condition_prometheus_query_language`: every series the query returns is an incident
    once it has been returned for `duration` (a Prometheus alerting rule's `for`)."""

    name: str
    query: str
    duration: str = "300s"
    # Set, not left to the API's default (30s): the provider keeps what the API echoes, and an
    # unset optional field that comes back filled is a diff on every plan.
    evaluation_interval: str = "60s"
    # The API refuses a condition on a metric it has never seen; a kube-state series appears
    # only once an object in that state exists (a crash-looping container, a Pending pod).
    disable_metric_validation: bool = True


Condition = Threshold | LogMatch | Promql


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
    conditions: Sequence[Condition]
    combiner: Literal["OR", "AND"] = "OR"
    # False: notify the support email only (a notification, not a page).
    page: bool = True

    def __post_init__(self) -> None:
        # "An alerting policy that uses PromQL must have only one condition" (Cloud Monitoring,
        # Create PromQL-based alerting policies (API)).
        if len(self.conditions) > 1 and any(isinstance(c, Promql) for c in self.conditions):
            raise ValueError(f"{self.key}: a PromQL condition must be the policy's only one")


@dataclass(frozen=True)
class Chart:
    title: str
    filter: str
    aligner: str = "ALIGN_MEAN"
    reducer: str | None = None
    group_by: tuple[str, ...] = ()
    denominator_filter: str | None = None  # makes it a ratio chart


@dataclass(frozen=True)
class IncidentsTile:
    """The project's open incidents: every alert that is firing now."""

    title: str = "Open alerts"


SLO_ROLLING_DAYS = 28  # every SLO's compliance period


@dataclass(frozen=True)
class ApplicationSli:
    name: str  # pace-web | pace-ai
    requests_filter: str  # LB request_count of this application's requests
    latencies_filter: str  # LB total_latencies of the same requests
    errors_filter: str  # the requests that count as failed (5xx)
