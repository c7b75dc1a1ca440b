"""One condition over time: at each evaluation it is met (True), not met (False), or not
evaluated for lack of data (None).

What the documentation says, and we implement (API reference `AlertPolicy.Condition`; "Behavior of
metric-based alerting policies", https://cloud.google.com/monitoring/alerts/concepts-indepth):

- Comparison: "applied on each time series, with the time series on the left-hand side and the
  threshold on the right-hand side"; only COMPARISON_GT and COMPARISON_LT are supported.
- Duration: "The amount of time that a time series must violate the threshold to be considered
  failing"; "A condition resets its duration window each time a measurement doesn't satisfy the
  condition." A series first seen violating at T0 is failing from T0 + duration on, while every
  evaluation since T0 violated; duration 0 fails at once.
- Trigger: "how many time series must fail a predicate to trigger a condition. If not specified,
  then a {count: 1} trigger is used"; `percent`: "the percentage of time series that must fail".
- Ratio: "If a denominator_filter is specified, the time series specified by the filter field will
  be used as the numerator"; both aggregations "must use the same alignment period and produce time
  series that have the same periodicity and labels": numerator and denominator are paired by output
  series key.
- evaluation_missing_data: INACTIVE "If there is no data to evaluate the condition, then evaluate
  the condition as false"; ACTIVE "... as true"; NO_OP (and UNSPECIFIED, "Equivalent to
  EVALUATION_MISSING_DATA_NO_OP") "Do not evaluate the condition to any value if there is no data".
- Forecast: "forecasts whether the time series is predicted to violate the threshold within the
  forecast_horizon ... and the violation is observed in all forecasts made for the configured
  duration".
- Absence: "The predicate is considered in violation when a time series for the specified metric
  of a monitored resource does not include any data in the specified duration."
- SLO burn rate (https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/alerting-on-budget-burn-rate):
  the error budget is "(1 - SLO goal) x (eligible events)"; "if there are no error events
  occurring, then the error budget isn't being consumed and the burn rate is zero"; the burn rate
  over the lookback is (bad / total) / (1 - goal). For a `good_total_ratio` with a bad filter, bad
  events are the bad filter's; for a `distribution_cut`, the good events are the values within
  the range.

Assumed where the documentation is silent:
- Conditions are evaluated once a minute (the docs' example window "slides one minute").
- A series that has produced data before and has none now is "missing data"; a condition whose
  filter matches no series at all has no data (ACTIVE: true).
- A ratio whose numerator has no point while the denominator has one is missing data, as is a
  ratio over a zero denominator.
- The forecast is a least-squares line through the aligned values of the last `forecast_horizon`
  (at least 10 of them), extended by the horizon. Google does not publish its model.
- A burn rate over a lookback without eligible events has no value (missing data).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pace_infra.monitoring.evaluation.aggregation import Aggregation, aggregate
from pace_infra.monitoring.evaluation.filters import MetricFilter, SloSelector
from pace_infra.monitoring.evaluation.series import Distribution, TimeSeries, Unsupported, Value

Key = tuple[str | None, ...]
NO_DATA: Key = ("<no series>",)


@dataclass(frozen=True)
class Slo:
    """A request-based SLO, as `google_monitoring_slo` defines it."""

    name: str
    goal: float
    total_filter: MetricFilter | None = None
    bad_filter: MetricFilter | None = None
    good_filter: MetricFilter | None = None
    distribution_filter: MetricFilter | None = None
    range_min: float | None = None
    range_max: float | None = None

    def burn_rate(self, series: Sequence[TimeSeries], lookback: int, at: int) -> float | None:
        start = at - lookback

        def total_of(flt: MetricFilter, below: float | None = None) -> float:
            return sum(s.total(start, at, below) for s in series if flt.matches(s))

        if self.distribution_filter is not None:
            if self.range_min is not None or self.range_max is None:
                raise Unsupported("a distribution_cut other than a range maximum")
            count = total_of(self.distribution_filter)
            if count == 0:
                return None
            good = total_of(self.distribution_filter, below=self.range_max)
            return (1 - good / count) / (1 - self.goal)
        if self.total_filter is None:
            raise Unsupported("an SLO without a total filter")
        total = total_of(self.total_filter)
        if total == 0:
            return None
        if self.bad_filter is not None:
            bad = total_of(self.bad_filter)
        elif self.good_filter is not None:
            bad = total - total_of(self.good_filter)
        else:
            raise Unsupported("an SLO without a good or bad filter")
        return (bad / total) / (1 - self.goal)


@dataclass
class _SeriesState:
    violating_since: int | None = None
    failing: bool = False


def _compare(value: Value | None, comparison: str, threshold: float) -> bool | None:
    if value is None:
        return None
    if isinstance(value, Distribution):
        raise Unsupported("comparing a distribution with a threshold (align it first)")
    if comparison == "COMPARISON_GT":
        return float(value) > threshold
    if comparison == "COMPARISON_LT":
        return float(value) < threshold
    raise Unsupported(f"the comparison {comparison} (only GT and LT are supported by the API)")


@dataclass
class Threshold:
    """A `condition_threshold` (a metric filter, or an SLO burn-rate selector)."""

    name: str
    filter: MetricFilter | SloSelector
    comparison: str
    threshold: float
    duration: int = 0
    aggregation: Aggregation | None = None
    denominator: MetricFilter | None = None
    denominator_aggregation: Aggregation | None = None
    forecast_horizon: int | None = None
    missing_data: str = "EVALUATION_MISSING_DATA_NO_OP"
    trigger_count: int | None = None
    trigger_percent: float | None = None
    _states: dict[Key, _SeriesState] = field(default_factory=dict, repr=False)
    _history: dict[Key, deque[tuple[int, float]]] = field(default_factory=dict, repr=False)
    _seen: set[Key] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if self.missing_data == "EVALUATION_MISSING_DATA_UNSPECIFIED":
            self.missing_data = "EVALUATION_MISSING_DATA_NO_OP"
        if isinstance(self.filter, SloSelector) and (self.aggregation or self.denominator):
            raise Unsupported("an SLO selector with aggregations or a denominator")
        if self.forecast_horizon and self.denominator:
            raise Unsupported("a forecast of a ratio")

    def reset(self) -> None:
        self._states.clear()
        self._history.clear()
        self._seen.clear()

    def values(
        self, series: Sequence[TimeSeries], slos: Mapping[str, Slo], at: int
    ) -> dict[Key, Value | None]:
        """Output series key -> the value compared with the threshold at `at`."""
        if isinstance(self.filter, SloSelector):
            slo = slos.get(self.filter.slo_name)
            if slo is None:
                raise Unsupported(f"an SLO the stack does not define: {self.filter.slo_name}")
            return {("burn-rate",): slo.burn_rate(series, self.filter.lookback, at)}
        numerator = aggregate([s for s in series if self.filter.matches(s)], self.aggregation, at)
        if self.denominator is not None:
            denominator = aggregate(
                [s for s in series if self.denominator.matches(s)],
                self.denominator_aggregation,
                at,
            )
            ratios: dict[Key, Value | None] = {}
            for key, den in denominator.items():
                num = numerator.get(key)
                ratios[key] = (
                    None
                    if num is None or den is None or float(den) == 0  # type: ignore[arg-type]
                    else float(num) / float(den)  # type: ignore[arg-type]
                )
            numerator = ratios
        if self.forecast_horizon:
            numerator = {k: self._forecast(k, v, at) for k, v in numerator.items()}
        return numerator

    def _forecast(self, key: Key, value: Value | None, at: int) -> float | None:
        history = self._history.setdefault(key, deque())
        if value is not None:
            history.append((at, float(value)))  # type: ignore[arg-type]
        while history and history[0][0] <= at - self.forecast_horizon:  # type: ignore[operator]
            history.popleft()
        if len(history) < 10 or value is None:
            return None
        n = len(history)
        mean_t = sum(t for t, _ in history) / n
        mean_v = sum(v for _, v in history) / n
        var = sum((t - mean_t) ** 2 for t, _ in history)
        slope = sum((t - mean_t) * (v - mean_v) for t, v in history) / var if var else 0.0
        return mean_v + slope * (at + self.forecast_horizon - mean_t)  # type: ignore[operator]

    def step(self, series: Sequence[TimeSeries], slos: Mapping[str, Slo], at: int) -> bool | None:
        values = self.values(series, slos, at)
        self._seen.update(k for k, v in values.items() if v is not None)
        # Only series that have reported count; a series not yet born is not "missing".
        values = {k: values.get(k) for k in self._seen}
        if values:
            self._states.pop(NO_DATA, None)
        else:
            values = {NO_DATA: None}
        evaluated = False
        for key, value in values.items():
            state = self._states.setdefault(key, _SeriesState())
            violating = _compare(value, self.comparison, self.threshold)
            if violating is None:
                if self.missing_data == "EVALUATION_MISSING_DATA_ACTIVE":
                    violating = True
                elif self.missing_data == "EVALUATION_MISSING_DATA_INACTIVE":
                    violating = False
                else:
                    continue  # NO_OP: this series is not evaluated; its state stands
            evaluated = True
            if violating:
                if state.violating_since is None:
                    state.violating_since = at
                state.failing = at - state.violating_since >= self.duration
            else:
                state.violating_since, state.failing = None, False
        if not evaluated:
            return None  # no data anywhere: the condition is not evaluated to any value
        failing = sum(s.failing for s in self._states.values())
        if self.trigger_percent is not None:
            met = failing > 0 and failing * 100 >= self.trigger_percent * len(self._states)
        else:
            met = failing >= (self.trigger_count or 1)
        return met


@dataclass
class Absence:
    """A `condition_absent`: each series that reported before must report within `duration`."""

    name: str
    filter: MetricFilter
    duration: int
    trigger_count: int | None = None
    trigger_percent: float | None = None

    def __post_init__(self) -> None:
        if self.duration < 120:
            raise Unsupported("an absence duration under 120 s (the API refuses it)")

    def reset(self) -> None:
        pass

    def step(self, series: Sequence[TimeSeries], slos: Mapping[str, Slo], at: int) -> bool | None:
        known = [s for s in series if self.filter.matches(s) and s.latest_at_or_before(at)]
        absent = sum(not s.window(at - self.duration, at) for s in known)
        if self.trigger_percent is not None:
            return bool(known) and absent * 100 >= self.trigger_percent * len(known)
        return absent >= (self.trigger_count or 1)
