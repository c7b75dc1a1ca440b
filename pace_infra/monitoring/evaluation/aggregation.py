"""Aligners and reducers, as the Monitoring API's `Aggregation` defines them.

Quotes are from the API reference (`google.monitoring.v3.Aggregation`, `Aligner`, `Reducer`) and
from "Behavior of metric-based alerting policies" (https://cloud.google.com/monitoring/alerts/concepts-indepth):

- The alignment period is a look-back window that slides with the evaluation: "when the alignment
  period is five minutes, at 1:00 PM, the alignment period contains the samples received between
  12:55 PM and 1:00 PM. At 1:01 PM, the alignment period slides one minute". So the aligned value
  at time T is computed over the points with T - period < t <= T.
- ALIGN_DELTA: "delta = y1 - y0", valid for CUMULATIVE and DELTA metrics; for a DELTA metric the
  change over the window is the sum of its points. A CUMULATIVE value that drops has been
  reset ("until an event resets the cumulative value to zero"): the increase after a reset is
  the new value.
- ALIGN_RATE: "rate = (y1 - y0)/(t1 - t0), or delta over time": the delta divided by the period.
- ALIGN_NEXT_OLDER: "the most recent data point before the end of the alignment period".
- ALIGN_MEAN / MIN / MAX / SUM / COUNT / STDDEV: "the mean (minimum, ...) value in each alignment
  period"; ALIGN_COUNT_TRUE / COUNT_FALSE / FRACTION_TRUE count Boolean values;
  ALIGN_PERCENTILE_99/95/50/05: the percentile "of all data points in the period" of a
  distribution.
- Reducers combine "the already aligned values in the input time series" per alignment period;
  `group_by_fields`: time series with the same values of those fields are combined into one.

Assumed where the reference is silent: the docs say ALIGN_DELTA and ALIGN_RATE fill a period
"with no data" "by interpolation"; interpolation needs a later point, which an evaluation at the
live edge does not have, so a window without points has no value (missing data). ALIGN_DELTA of a
CUMULATIVE series takes y0 from the last point at or before the window's start when there is one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.series import Distribution, TimeSeries, Unsupported, Value


@dataclass(frozen=True)
class Aggregation:
    alignment_period: int = 60
    per_series_aligner: str = "ALIGN_NONE"
    cross_series_reducer: str = "REDUCE_NONE"
    group_by_fields: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, block: dict) -> Aggregation:
        from pace_infra.monitoring.evaluation.filters import parse_duration

        return cls(
            alignment_period=parse_duration(block.get("alignment_period", "60s")),
            per_series_aligner=block.get("per_series_aligner") or "ALIGN_NONE",
            cross_series_reducer=block.get("cross_series_reducer") or "REDUCE_NONE",
            group_by_fields=tuple(block.get("group_by_fields") or ()),
        )


def _numbers(values: Sequence[Value], what: str) -> list[float]:
    if any(isinstance(v, Distribution) for v in values):
        raise Unsupported(f"{what} of distribution values")
    return [float(v) for v in values]


def _bools(values: Sequence[Value], what: str) -> list[bool]:
    if not all(isinstance(v, bool) for v in values):
        raise Unsupported(f"{what} of non-Boolean values")
    return [bool(v) for v in values]


def _merge(values: Sequence[Value]) -> Distribution:
    merged = values[0]
    if not isinstance(merged, Distribution):
        raise Unsupported("a percentile of non-distribution values")
    for value in values[1:]:
        merged = merged.merged(value)  # type: ignore[arg-type]
    return merged


def _delta(series: TimeSeries, start: int, end: int) -> Value | None:
    points = series.window(start, end)
    if not points:
        return None  # no interpolation at the live edge (module docstring)
    values = [v for _, v in points]
    if series.kind == "DELTA":
        if isinstance(values[0], Distribution):
            return _merge(values)
        _numbers(values[:1], "ALIGN_DELTA")
        return series.total(start, end)  # the sum of the window's points, from running sums
    if series.kind != "CUMULATIVE":
        raise Unsupported("ALIGN_DELTA/ALIGN_RATE of a GAUGE metric (the API refuses it)")
    before = series.latest_at_or_before(start)
    previous = float(before[1]) if before else float(values[0])  # type: ignore[arg-type]
    total = 0.0
    for value in _numbers(values, "ALIGN_DELTA"):
        total += value - previous if value >= previous else value  # a drop is a reset
        previous = value
    return total


def align(series: TimeSeries, aligner: str, period: int, at: int) -> Value | None:
    """The aligned value of one series at time `at`, or None when its window has no data."""
    if aligner in ("ALIGN_DELTA", "ALIGN_RATE"):
        delta = _delta(series, at - period, at)
        if delta is None or aligner == "ALIGN_DELTA":
            return delta
        if isinstance(delta, Distribution):
            raise Unsupported("ALIGN_RATE of a distribution")
        return float(delta) / period
    points = series.window(at - period, at)
    if not points:
        return None
    values = [v for _, v in points]
    if aligner in ("ALIGN_NEXT_OLDER", "ALIGN_NONE"):
        return values[-1]
    if aligner == "ALIGN_MEAN":
        return statistics.fmean(_numbers(values, aligner))
    if aligner == "ALIGN_MIN":
        return min(_numbers(values, aligner))
    if aligner == "ALIGN_MAX":
        return max(_numbers(values, aligner))
    if aligner == "ALIGN_SUM":
        if isinstance(values[0], Distribution):
            return _merge(values)
        return sum(_numbers(values, aligner))
    if aligner == "ALIGN_COUNT":
        return float(len(values))
    if aligner == "ALIGN_STDDEV":
        numbers = _numbers(values, aligner)
        return statistics.stdev(numbers) if len(numbers) > 1 else 0.0
    if aligner == "ALIGN_COUNT_TRUE":
        return float(sum(_bools(values, aligner)))
    if aligner == "ALIGN_COUNT_FALSE":
        return float(sum(not v for v in _bools(values, aligner)))
    if aligner == "ALIGN_FRACTION_TRUE":
        bools = _bools(values, aligner)
        return sum(bools) / len(bools)
    if aligner.startswith("ALIGN_PERCENTILE_"):
        merged = _merge(values)
        return merged.percentile(float(aligner.removeprefix("ALIGN_PERCENTILE_")))
    raise Unsupported(f"the aligner {aligner}")


def reduce(values: Sequence[Value], reducer: str) -> Value | None:
    """The cross-series reduction of the aligned values (None entries are series without data)."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if reducer == "REDUCE_SUM":
        if isinstance(present[0], Distribution):
            return _merge(present)
        return sum(_numbers(present, reducer))
    if reducer == "REDUCE_MEAN":
        return statistics.fmean(_numbers(present, reducer))
    if reducer == "REDUCE_MIN":
        return min(_numbers(present, reducer))
    if reducer == "REDUCE_MAX":
        return max(_numbers(present, reducer))
    if reducer == "REDUCE_COUNT":
        return float(len(present))
    if reducer == "REDUCE_COUNT_TRUE":
        return float(sum(_bools(present, reducer)))
    if reducer == "REDUCE_COUNT_FALSE":
        return float(sum(not v for v in _bools(present, reducer)))
    if reducer == "REDUCE_FRACTION_TRUE":
        bools = _bools(present, reducer)
        return sum(bools) / len(bools)
    if reducer == "REDUCE_STDDEV":
        numbers = _numbers(present, reducer)
        return statistics.stdev(numbers) if len(numbers) > 1 else 0.0
    if reducer.startswith("REDUCE_PERCENTILE_"):
        numbers = sorted(_numbers(present, reducer))
        q = float(reducer.removeprefix("REDUCE_PERCENTILE_")) / 100
        index = q * (len(numbers) - 1)
        low, high = math.floor(index), math.ceil(index)
        return numbers[low] + (numbers[high] - numbers[low]) * (index - low)
    raise Unsupported(f"the reducer {reducer}")


def aggregate(
    series: Sequence[TimeSeries], aggregation: Aggregation | None, at: int
) -> dict[tuple[str | None, ...], Value | None]:
    """Output series key -> value at `at`. Without a reducer each input series is its own output
    (keyed by its identity); with one, by the values of `group_by_fields` ("time series that have
    the same value for each of the grouping fields are combined into a single output")."""
    if aggregation is None:
        aggregation = Aggregation()
    if aggregation.per_series_aligner == "ALIGN_NONE" and aggregation.cross_series_reducer not in (
        "REDUCE_NONE",
    ):
        raise Unsupported("a cross-series reducer without an aligner (the API refuses it)")
    aligned = [
        align(s, aggregation.per_series_aligner, aggregation.alignment_period, at) for s in series
    ]
    if aggregation.cross_series_reducer == "REDUCE_NONE":
        return {_identity(s): v for s, v in zip(series, aligned, strict=True)}
    groups: dict[tuple[str | None, ...], list[Value | None]] = {}
    for s, value in zip(series, aligned, strict=True):
        key = tuple(s.label(f) for f in aggregation.group_by_fields)
        groups.setdefault(key, []).append(value)
    return {key: reduce(values, aggregation.cross_series_reducer) for key, values in groups.items()}


def _identity(series: TimeSeries) -> tuple[str | None, ...]:
    return (
        series.metric_type,
        series.resource_type,
        *(f"{k}={v}" for k, v in sorted(series.resource_labels.items())),
        *(f"{k}={v}" for k, v in sorted(series.metric_labels.items())),
    )
