"""Small builders the evaluator's tests share."""

from __future__ import annotations

from pace_infra.monitoring.evaluation.series import TimeSeries


def gauge(values: dict[int, float], **labels: str) -> TimeSeries:
    return TimeSeries(
        "custom.googleapis.com/x", "global", "GAUGE", dict(labels), {}, sorted(values.items())
    )


def cumulative(values: dict[int, float]) -> TimeSeries:
    return TimeSeries(
        "custom.googleapis.com/c", "global", "CUMULATIVE", {}, {}, sorted(values.items())
    )


def delta(values: dict[int, float], **labels: str) -> TimeSeries:
    return TimeSeries(
        "custom.googleapis.com/d", "global", "DELTA", {}, dict(labels), sorted(values.items())
    )
