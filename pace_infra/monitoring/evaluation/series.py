"""The data an alert policy is evaluated over: time series of points, and log entries.

Times are seconds from the start of a scenario (ints). Metric kinds follow the Monitoring API's
`MetricDescriptor.MetricKind`: GAUGE ("an instantaneous measurement"), DELTA ("the change in a value
during a time interval") and CUMULATIVE ("a value accumulated over a time interval ... until an
event resets the cumulative value to zero"). A DELTA point at time t covers the interval that ends
at t; a CUMULATIVE point holds the running total at t.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

MetricKind = Literal["GAUGE", "DELTA", "CUMULATIVE"]


class Unsupported(Exception):
    """A policy uses something the evaluator does not implement: it refuses, loudly."""


@dataclass(frozen=True)
class Distribution:
    """A histogram with explicit bucket bounds, as a DISTRIBUTION value's `explicitBuckets`.

    `counts[i]` counts values in [bounds[i-1], bounds[i]) (the first bucket is the underflow
    below bounds[0], the last the overflow at or above bounds[-1]): len(counts) == len(bounds)+1.
    """

    bounds: tuple[float, ...]
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.bounds) + 1:
            raise ValueError("a distribution needs one more count than bounds")

    @property
    def count(self) -> int:
        return sum(self.counts)

    def count_below(self, upper: float) -> int:
        """Values below `upper`; `upper` must be a bucket bound (else the count is a guess)."""
        if upper not in self.bounds:
            raise Unsupported(f"a distribution cut at {upper}, not one of the bucket bounds")
        return sum(self.counts[: self.bounds.index(upper) + 1])

    def merged(self, other: Distribution) -> Distribution:
        if other.bounds != self.bounds:
            raise Unsupported("merging distributions with different bucket bounds")
        return Distribution(
            self.bounds, tuple(a + b for a, b in zip(self.counts, other.counts, strict=True))
        )

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100), linear within the bucket that holds it."""
        total = self.count
        if total == 0:
            raise ValueError("no values")
        rank = q / 100 * total
        seen = 0
        for i, n in enumerate(self.counts):
            if n and seen + n >= rank:
                low = self.bounds[i - 1] if i > 0 else 0.0
                high = self.bounds[i] if i < len(self.bounds) else self.bounds[-1]
                return low + (high - low) * (rank - seen) / n
            seen += n
        return self.bounds[-1]


Value = float | bool | Distribution


@dataclass
class TimeSeries:
    """One time series: a metric type and labels, a resource type and labels, its points."""

    metric_type: str
    resource_type: str
    kind: MetricKind
    resource_labels: Mapping[str, str] = field(default_factory=dict)
    metric_labels: Mapping[str, str] = field(default_factory=dict)
    points: list[tuple[int, Value]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.points.sort(key=lambda p: p[0])
        self._times = [t for t, _ in self.points]
        self._sums: dict[float | None, list[float]] = {}

    def add(self, t: int, value: Value) -> None:
        if self._times and t <= self._times[-1]:
            raise ValueError("points are added in time order")
        self.points.append((t, value))
        self._times.append(t)
        self._sums.clear()

    def total(self, start: int, end: int, below: float | None = None) -> float:
        """The sum of the values with start < t <= end (of a distribution's counts, or of its
        counts below the bucket bound `below`), from running sums: a 3-day SLO window evaluated
        once a minute stays cheap. The same arithmetic as summing `window` (a test holds it so)."""
        sums = self._sums.get(below)
        if sums is None:
            sums, running = [0.0], 0.0
            for _, value in self.points:
                if isinstance(value, Distribution):
                    running += value.count if below is None else value.count_below(below)
                else:
                    if below is not None:
                        raise Unsupported("a distribution cut of a numeric series")
                    running += float(value)
                sums.append(running)
            self._sums[below] = sums
        first = bisect.bisect_right(self._times, start)
        last = bisect.bisect_right(self._times, end)
        return sums[last] - sums[first] if last > first else 0.0

    def label(self, field_name: str) -> str | None:
        """A field as filters and group_by_fields name it: `resource.label.x`, `metric.type`..."""
        if field_name == "metric.type":
            return self.metric_type
        if field_name == "resource.type":
            return self.resource_type
        scope, _, name = field_name.partition(".label.")
        if not name:
            scope, _, name = field_name.partition(".labels.")
        if scope == "resource" and name:
            return self.resource_labels.get(name)
        if scope == "metric" and name:
            return self.metric_labels.get(name)
        raise Unsupported(f"the field {field_name!r}")

    def window(self, start: int, end: int) -> Sequence[tuple[int, Value]]:
        """Points with start < t <= end."""
        return self.points[
            bisect.bisect_right(self._times, start) : bisect.bisect_right(self._times, end)
        ]

    def latest_at_or_before(self, t: int) -> tuple[int, Value] | None:
        i = bisect.bisect_right(self._times, t)
        return self.points[i - 1] if i else None


SEVERITIES = (
    "DEFAULT",
    "DEBUG",
    "INFO",
    "NOTICE",
    "WARNING",
    "ERROR",
    "CRITICAL",
    "ALERT",
    "EMERGENCY",
)


@dataclass(frozen=True)
class LogEntry:
    """A Cloud Logging entry: a monitored resource, a severity and a text, JSON or proto payload
    (`proto_payload`: an audit log's AuditLog, as Logging shows it in JSON)."""

    time: int
    resource_type: str
    resource_labels: Mapping[str, str]
    severity: str = "DEFAULT"
    text_payload: str | None = None
    json_payload: Mapping[str, object] | None = None
    log_name: str = ""
    proto_payload: Mapping[str, object] | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity}")
