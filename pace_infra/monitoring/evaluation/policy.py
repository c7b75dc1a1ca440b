"""Alert policies as a synthesized monitoring stack holds them, replayed into incidents.

From the stack's JSON: `google_monitoring_alert_policy` (conditions, combiner, alert_strategy),
the `google_monitoring_slo` resources their burn-rate selectors name, and the
`google_logging_metric` resources their filters read (their counters are derived from log entries).

What the documentation says, and we implement (API reference `AlertPolicy`; "Incidents for
log-based alerting policies", https://cloud.google.com/monitoring/alerts/log-based-incidents):

- Combiner AND: "An incident is created only if all the conditions are met simultaneously";
  OR: "An incident is created if any of the listed conditions is met". AND_WITH_MATCHING_RESOURCE
  is refused.
- auto_close: "If an alerting policy that was active has no data for this long, any open incidents
  will close".
- Matched-log conditions: "If set, no other conditions can be present"; an incident opens when a
  matching entry arrives, but not when "the maximum rate of notifications would exceed the limit
  of 1 notification every 5 minutes" (the policy's notification_rate_limit period) or "the daily
  total of notifications would exceed the limit of 20 notifications a day"; "Another log entry
  causes the same condition to be met for an open incident. In this case, Monitoring only sends
  another notification for the same incident."
- Label extractors (API reference `LogMatch.label_extractors`): "Each combination of extracted
  values is treated as a separate rule for the purposes of triggering notifications": each
  combination has its own incidents and its own rate limit.
- Log-based metrics count the entries that match their filter (a DELTA counter) and carry the
  labels of the entries' monitored resource.

Assumed where the documentation is silent:
- A metric-based incident closes at the first evaluation at which the policy's conditions are
  evaluated and not met (we track incidents per policy, not per time series).
- A log-based incident stays open until `auto_close` has passed since the last matching entry
  (of its combination of extracted values).
- The 20 notifications a day are the policy's, shared by its combinations ("for each log-based
  alerting policy"); the rate limit is each combination's.
- A log-based metric writes one point a minute, and none for a minute without matching entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pace_infra.monitoring.evaluation.aggregation import Aggregation
from pace_infra.monitoring.evaluation.conditions import Absence, Slo, Threshold
from pace_infra.monitoring.evaluation.filters import (
    MetricFilter,
    parse_duration,
    parse_metric_filter,
    resolve_terraform,
)
from pace_infra.monitoring.evaluation.logquery import (
    Extractor,
    LogFilter,
    parse_extractor,
    parse_log_filter,
)
from pace_infra.monitoring.evaluation.promql import PromQLCondition
from pace_infra.monitoring.evaluation.series import LogEntry, TimeSeries, Unsupported

STEP = 60  # conditions are evaluated once a minute (see conditions.py)
DAY = 86400
DAILY_LOG_NOTIFICATIONS = 20


@dataclass(frozen=True)
class LogMatch:
    name: str
    filter: LogFilter
    label_extractors: tuple[tuple[str, Extractor], ...] = ()

    def rule(self, entry: LogEntry) -> tuple[tuple[str, str], ...]:
        """The entry's combination of extracted values: the rule it counts for."""
        return tuple((key, extractor.value(entry)) for key, extractor in self.label_extractors)


@dataclass
class Observations:
    """What a scenario produced: metric series and log entries over [0, end). The policy is
    evaluated from `begin` on: the data before it is history its windows look back into (a
    3-day burn-rate window needs 3 days of traffic, as it has in production)."""

    end: int
    series: list[TimeSeries] = field(default_factory=list)
    logs: list[LogEntry] = field(default_factory=list)
    begin: int = 0


@dataclass(frozen=True)
class Outcome:
    """Incidents as (opened, closed or None) and the times a notification went out."""

    incidents: tuple[tuple[int, int | None], ...]
    notifications: tuple[int, ...]

    def open_at(self, t: int) -> bool:
        return any(o <= t and (c is None or t < c) for o, c in self.incidents)


@dataclass
class Policy:
    key: str  # the alert's slug, the last part of its construct path
    display_name: str
    combiner: str
    conditions: list[Threshold | Absence | LogMatch | PromQLCondition]
    auto_close: int | None
    rate_limit: int | None
    log_metrics: Mapping[str, LogFilter]  # metric type -> filter, of the stack
    slos: Mapping[str, Slo]
    severity: str = ""
    documentation: str = ""  # the markdown the incident carries

    @property
    def is_log_based(self) -> bool:
        return any(isinstance(c, LogMatch) for c in self.conditions)

    def evaluate(self, observations: Observations) -> Outcome:
        if self.is_log_based:
            return self._evaluate_logs(observations)
        series = list(observations.series) + derive_log_metrics(
            self.log_metrics, observations.logs, observations.end
        )
        for condition in self.conditions:
            condition.reset()
        incidents: list[tuple[int, int | None]] = []
        opened: int | None = None
        last_data = observations.begin
        for at in range(observations.begin + STEP, observations.end + 1, STEP):
            states = [c.step(series, self.slos, at) for c in self.conditions]  # type: ignore[union-attr]
            if self.combiner == "AND":
                met = False if False in states else (None if None in states else True)
            else:
                met = True if True in states else (None if None in states else False)
            if met is not None:
                last_data = at
            if met and opened is None:
                opened = at
            elif opened is not None and (
                met is False
                or (met is None and self.auto_close and at - last_data >= self.auto_close)
            ):
                incidents.append((opened, at))
                opened = None
        if opened is not None:
            incidents.append((opened, None))
        return Outcome(tuple(incidents), tuple(o for o, _ in incidents))

    def _evaluate_logs(self, observations: Observations) -> Outcome:
        (condition,) = self.conditions
        assert isinstance(condition, LogMatch)
        entries = sorted(
            (
                e
                for e in observations.logs
                if e.time >= observations.begin and condition.filter.matches(e)
            ),
            key=lambda e: e.time,
        )
        period = self.rate_limit or 0
        close_after = self.auto_close or 7 * DAY
        incidents: list[tuple[int, int | None]] = []
        notifications: list[int] = []  # the policy's, for the daily limit
        rules: dict[tuple, _Rule] = {}
        for entry in entries:
            t = entry.time
            rule = rules.setdefault(condition.rule(entry), _Rule())
            if rule.opened is not None and t - rule.last_entry >= close_after:
                incidents.append((rule.opened, rule.last_entry + close_after))
                rule.opened = None
            allowed = (rule.notified is None or t - rule.notified >= period) and sum(
                n > t - DAY for n in notifications
            ) < DAILY_LOG_NOTIFICATIONS
            if rule.opened is None:
                if not allowed:
                    continue  # no incident is created over the limit
                rule.opened = t
            if allowed:
                notifications.append(t)
                rule.notified = t
            rule.last_entry = t
        for rule in rules.values():
            if rule.opened is not None:
                closes = rule.last_entry + close_after
                incidents.append((rule.opened, closes if closes <= observations.end else None))
        return Outcome(tuple(sorted(incidents, key=lambda i: i[0])), tuple(notifications))


@dataclass
class _Rule:
    """One combination of extracted values of a matched-log condition: its open incident, its
    last matching entry and its last notification."""

    opened: int | None = None
    last_entry: int = 0
    notified: int | None = None


def derive_log_metrics(
    log_metrics: Mapping[str, LogFilter], logs: Sequence[LogEntry], end: int
) -> list[TimeSeries]:
    """The DELTA counters a stack's log-based metrics write for these entries."""
    out: list[TimeSeries] = []
    for metric_type, log_filter in log_metrics.items():
        buckets: dict[tuple, dict[int, int]] = {}
        resources: dict[tuple, tuple[str, Mapping[str, str]]] = {}
        for entry in logs:
            if log_filter.matches(entry):
                rkey = (entry.resource_type, tuple(sorted(entry.resource_labels.items())))
                resources[rkey] = (entry.resource_type, entry.resource_labels)
                bucket = -(-entry.time // STEP) * STEP or STEP
                counts = buckets.setdefault(rkey, {})
                counts[bucket] = counts.get(bucket, 0) + 1
        for rkey, counts in buckets.items():
            resource_type, labels = resources[rkey]
            out.append(
                TimeSeries(
                    metric_type,
                    resource_type,
                    "DELTA",
                    dict(labels),
                    {},
                    [(t, float(n)) for t, n in sorted(counts.items()) if t <= end],
                )
            )
    return out


# --- loading --------------------------------------------------------------------------------


class _Stack:
    def __init__(self, document: Mapping) -> None:
        self.resources: Mapping[str, Mapping[str, Mapping]] = document.get("resource", {})
        providers = document.get("provider", {}).get("google", [{}])
        self.project = providers[0].get("project", "project") if providers else "project"

    def reference(self, ref: str) -> str:
        rtype, rid, attr = ref.split(".", 2)
        resource = self.resources.get(rtype, {}).get(rid)
        if resource is None:
            raise Unsupported(f"a reference to a resource outside the stack: {ref}")
        if rtype == "google_monitoring_uptime_check_config" and attr == "uptime_check_id":
            return f"{rid}-id"  # computed by Google: any stable id will do
        if rtype == "google_monitoring_slo" and attr == "name":
            service = resolve_terraform(resource["service"], self.reference)
            return (
                f"projects/{self.project}/services/{service}/serviceLevelObjectives/"
                f"{resource['slo_id']}"
            )
        if isinstance(resource.get(attr), str):
            return resolve_terraform(resource[attr], self.reference)
        raise Unsupported(f"the computed attribute {ref}")

    def text(self, value: str) -> str:
        return resolve_terraform(value, self.reference)


def _aggregation(blocks: Sequence[Mapping] | None) -> Aggregation | None:
    if not blocks:
        return None
    if len(blocks) > 1:
        raise Unsupported("more than one aggregation in a condition")
    return Aggregation.from_json(dict(blocks[0]))


def _metric_filter(stack: _Stack, text: str) -> MetricFilter:
    parsed = parse_metric_filter(stack.text(text))
    if not isinstance(parsed, MetricFilter):
        raise Unsupported("an SLO selector as a denominator or SLI filter")
    return parsed


def _slos(stack: _Stack) -> dict[str, Slo]:
    out = {}
    for rid, resource in stack.resources.get("google_monitoring_slo", {}).items():
        name = stack.reference(f"google_monitoring_slo.{rid}.name")
        sli = resource.get("request_based_sli")
        if not sli:
            raise Unsupported("an SLO that is not request-based")
        if "good_total_ratio" in sli:
            ratio = sli["good_total_ratio"]
            out[name] = Slo(
                name,
                float(resource["goal"]),
                total_filter=_metric_filter(stack, ratio["total_service_filter"])
                if "total_service_filter" in ratio
                else None,
                bad_filter=_metric_filter(stack, ratio["bad_service_filter"])
                if "bad_service_filter" in ratio
                else None,
                good_filter=_metric_filter(stack, ratio["good_service_filter"])
                if "good_service_filter" in ratio
                else None,
            )
        else:
            cut = sli["distribution_cut"]
            out[name] = Slo(
                name,
                float(resource["goal"]),
                distribution_filter=_metric_filter(stack, cut["distribution_filter"]),
                range_min=cut["range"].get("min"),
                range_max=cut["range"].get("max"),
            )
    return out


def _block(value: Mapping | Sequence[Mapping] | None) -> Mapping:
    """A nested block as cdktf writes it: an object, or a list of one."""
    if isinstance(value, Sequence):
        return value[0] if value else {}
    return value or {}


def _trigger(block: Mapping) -> tuple[int | None, float | None]:
    trigger = block.get("trigger") or {}
    if isinstance(trigger, list):
        trigger = trigger[0] if trigger else {}
    return trigger.get("count"), trigger.get("percent")


def _condition(stack: _Stack, block: Mapping) -> Threshold | Absence | LogMatch | PromQLCondition:
    name = block.get("display_name", "")
    if "condition_threshold" in block:
        c = block["condition_threshold"]
        count, percent = _trigger(c)
        forecast = c.get("forecast_options")
        return Threshold(
            name=name,
            filter=parse_metric_filter(stack.text(c["filter"])),
            comparison=c.get("comparison", "COMPARISON_UNSPECIFIED"),
            threshold=float(c.get("threshold_value", 0)),
            duration=parse_duration(c.get("duration", "0s")),
            aggregation=_aggregation(c.get("aggregations")),
            denominator=_metric_filter(stack, c["denominator_filter"])
            if c.get("denominator_filter")
            else None,
            denominator_aggregation=_aggregation(c.get("denominator_aggregations")),
            forecast_horizon=parse_duration(forecast["forecast_horizon"]) if forecast else None,
            missing_data=c.get("evaluation_missing_data") or "EVALUATION_MISSING_DATA_NO_OP",
            trigger_count=count,
            trigger_percent=percent,
        )
    if "condition_absent" in block:
        c = block["condition_absent"]
        if c.get("aggregations"):
            raise Unsupported("aggregations in an absence condition")
        count, percent = _trigger(c)
        return Absence(
            name, _metric_filter(stack, c["filter"]), parse_duration(c["duration"]), count, percent
        )
    if "condition_matched_log" in block:
        c = block["condition_matched_log"]
        extractors = tuple(
            (key, parse_extractor(stack.text(text)))
            for key, text in sorted((c.get("label_extractors") or {}).items())
        )
        return LogMatch(name, parse_log_filter(stack.text(c["filter"])), extractors)
    if "condition_prometheus_query_language" in block:
        c = block["condition_prometheus_query_language"]
        return PromQLCondition(
            name=name,
            query=stack.text(c["query"]),
            duration=parse_duration(c.get("duration", "0s")),
            evaluation_interval=parse_duration(c.get("evaluation_interval", "30s")),
        )
    raise Unsupported(f"the condition type of {name!r} ({sorted(block)})")


def load_policies(document: Mapping, refused: dict[str, str] | None = None) -> list[Policy]:
    """Every alert policy of one synthesized monitoring stack (its parsed cdk.tf.json). A policy
    the evaluator refuses raises Unsupported, or, given `refused`, is left out and recorded
    there (its key -> what was refused)."""
    stack = _Stack(document)
    log_metrics = {
        f"logging.googleapis.com/user/{m['name']}": parse_log_filter(stack.text(m["filter"]))
        for m in stack.resources.get("google_logging_metric", {}).values()
    }
    slos = _slos(stack)
    policies = []
    for rid, resource in stack.resources.get("google_monitoring_alert_policy", {}).items():
        path = resource.get("//", {}).get("metadata", {}).get("path", rid)
        strategy = resource.get("alert_strategy") or {}
        if isinstance(strategy, list):
            strategy = strategy[0] if strategy else {}
        rate_limit = (strategy.get("notification_rate_limit") or {}).get("period")
        combiner = resource.get("combiner", "OR")
        if combiner not in ("AND", "OR"):
            raise Unsupported(f"the combiner {combiner}")
        key = path.rsplit("/", 1)[-1]
        try:
            conditions = [_condition(stack, c) for c in resource["conditions"]]
        except Unsupported as error:
            if refused is None:
                raise
            refused[key] = str(error)
            continue
        policy = Policy(
            key=key,
            display_name=resource.get("display_name", ""),
            combiner=combiner,
            conditions=conditions,
            auto_close=parse_duration(strategy["auto_close"]) if "auto_close" in strategy else None,
            rate_limit=parse_duration(rate_limit) if rate_limit else None,
            log_metrics=log_metrics,
            slos=slos,
            severity=resource.get("severity", ""),
            documentation=_block(resource.get("documentation")).get("content", ""),
        )
        if policy.is_log_based and len(policy.conditions) > 1:
            raise Unsupported("a matched-log condition beside other conditions")
        policies.append(policy)
    return sorted(policies, key=lambda p: p.key)


def load_stack(path: Path) -> list[Policy]:
    return load_policies(json.loads(path.read_text(encoding="utf-8")))
