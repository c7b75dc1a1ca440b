"""A scenario: which policies it is for, what it generates, and what an SRE expects.

Two kinds. A failure: the policy must open an incident within `within` seconds of the failure's
start and keep it open while the failure lasts. Normal operation: the policy must stay quiet (no
incident, no notification) for the whole run.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pace_infra.monitoring.evaluation.filters import MetricFilter, SloSelector
from pace_infra.monitoring.evaluation.policy import STEP, Observations, Outcome, Policy
from pace_infra.monitoring.evaluation.promql import PromQLCondition, equality_matchers, parse
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.names import Workload, namespace

Kind = Literal["failure", "normal"]


@dataclass(frozen=True)
class Context:
    """What a scenario may read: the environment, the policy under test (to aim its series at the
    resources the policy watches) and the environment's synthesized stacks (for facts such as a
    database's disk size). Never the policy's thresholds: scenarios model the world, not the alert.
    """

    env: str
    policy: Policy
    stacks: Mapping[str, Mapping]

    def filter_value(self, key: str) -> str:
        """The value the policy's first metric filter requires for `key` (e.g. a namespace)."""
        for condition in self.policy.conditions:
            flt = getattr(condition, "filter", None)
            if isinstance(flt, MetricFilter) and flt.value_of(key) is not None:
                return flt.value_of(key)  # type: ignore[return-value]
        # A log-based metric's series carry the labels its log filter selects on.
        path = key.replace(".label.", ".labels.")
        for condition in self.policy.conditions:
            flt = getattr(condition, "filter", None)
            if not isinstance(flt, MetricFilter):
                continue
            log_filter = self.policy.log_metrics.get(flt.value_of("metric.type") or "")
            if log_filter is not None and path in log_filter.required():
                return log_filter.required()[path]
        raise Unsupported(f"{self.policy.key}: no filter names {key}")

    def promql_value(self, label: str) -> str:
        """The value the policy's PromQL query requires for `label` (e.g. a namespace)."""
        for condition in self.policy.conditions:
            if isinstance(condition, PromQLCondition):
                value = equality_matchers(parse(condition.query)).get(label)
                if value is not None:
                    return value
        raise Unsupported(f"{self.policy.key}: no PromQL matcher names {label}")

    def slo_name(self) -> str:
        for condition in self.policy.conditions:
            flt = getattr(condition, "filter", None)
            if isinstance(flt, SloSelector):
                return flt.slo_name
        raise Unsupported(f"{self.policy.key} reads no SLO")

    def resource(self, unit: str, rtype: str) -> Mapping[str, Mapping]:
        return self.stacks.get(f"{self.env}-{unit}", {}).get("resource", {}).get(rtype, {})


@dataclass(frozen=True)
class Run:
    observations: Observations
    failure: tuple[int, int] | None = None  # (start, end) of the failure


# How a catalog builds a scenario's series for one environment's policy.
Build = Callable[[Context], Run]
# Scenario time is in seconds.
MIN, HOUR, DAY = 60, 3600, 86400


def workload_of(ctx: Context) -> Workload:
    """The system a web-* or ai-* policy watches."""
    return "web" if ctx.policy.key.startswith("web") else "ai"


def namespace_of(ctx: Context) -> str:
    """The namespace of the system a web-* or ai-* policy watches."""
    return namespace(workload_of(ctx))


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: Kind
    selector: str  # glob over policy keys, e.g. "*-restart-loop"
    build: Callable[[Context], Run]
    within: int = 0  # failure: the incident must open this soon after the failure starts
    why: str = ""  # the expectation as an SRE states it

    def applies_to(self, policy: Policy) -> bool:
        return fnmatch.fnmatchcase(policy.key, self.selector)


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    ok: bool
    detail: str


def clock(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"+{hours}h{rest // 60:02d}m" if hours else f"+{rest // 60}m"


def judge(scenario: Scenario, run: Run, outcome: Outcome) -> Result:
    """Whether the outcome is what the scenario expects, and if not, what happened."""
    if scenario.kind == "normal":
        if outcome.notifications or outcome.incidents:
            first = min([*outcome.notifications, *(o for o, _ in outcome.incidents)])
            count = len(outcome.incidents)
            return Result(scenario, False, f"opened at {clock(first)} ({count} incidents)")
        return Result(scenario, True, "quiet")
    assert run.failure is not None, scenario.name
    start, end = run.failure
    opened = [o for o, c in outcome.incidents if (c is None or c > start) and o < end]
    if not opened:
        return Result(scenario, False, f"never opened (failure {clock(start)}-{clock(end)})")
    first = min(opened)
    if first < start:
        first = start if outcome.open_at(start) else first
    if first - start > scenario.within:
        return Result(
            scenario,
            False,
            f"opened at {clock(first - start)} after the failure began, "
            f"later than {clock(scenario.within)}",
        )
    for t in range(first, end, STEP):
        if not outcome.open_at(t):
            return Result(
                scenario,
                False,
                f"opened at {clock(first - start)}, closed at "
                f"{clock(t - start)} while the failure lasts ({clock(end - start)})",
            )
    return Result(scenario, True, f"opened at {clock(first - start)}, open throughout")
