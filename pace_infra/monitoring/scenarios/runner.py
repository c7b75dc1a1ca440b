"""Runs every scenario over every environment's synthesized alert policies.

One line per policy and environment, a summary line per environment (`<env>: N policies, M
scenarios, all as expected`), then the same summary of the whole run. A policy without a failure
scenario and a normal-operation scenario fails the run, as does one the evaluator refuses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pace_infra.monitoring.evaluation.policy import Policy, load_policies
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.monitoring.scenarios.model import Context, Result, Scenario, judge


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    policies: int = 0
    scenarios: int = 0
    failed: int = 0  # scenarios not as expected, and missing scenario kinds

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        head = f"{self.policies} policies, {self.scenarios} scenarios"
        if self.ok:
            return f"{head}, all as expected"
        return f"{head}, {self.failed} not as expected"


def run_policy(
    policy: Policy, env: str, stacks: Mapping[str, Mapping], scenarios: Sequence[Scenario]
) -> tuple[list[Result], list[str]]:
    """The results of the policy's scenarios, and the scenario kinds it lacks."""
    mine = [s for s in scenarios if s.applies_to(policy)]
    missing = [k for k in ("failure", "normal") if not any(s.kind == k for s in mine)]
    results = []
    context = Context(env, policy, stacks)
    for scenario in mine:
        try:
            run = scenario.build(context)
            results.append(judge(scenario, run, policy.evaluate(run.observations)))
        except Unsupported as error:
            results.append(Result(scenario, False, f"cannot evaluate: {error}"))
    return results, missing


def run_all(stacks: Mapping[str, Mapping], scenarios: Sequence[Scenario]) -> Report:
    """`stacks`: stack name -> parsed cdk.tf.json, every environment's."""
    report = Report()
    envs = sorted(
        name.removesuffix("-monitoring") for name in stacks if name.endswith("-monitoring")
    )
    for env in envs:
        mine = Report()
        refused: dict[str, str] = {}
        policies = load_policies(stacks[f"{env}-monitoring"], refused)
        for key, error in sorted(refused.items()):
            mine.policies += 1
            mine.failed += 1
            report.lines.append(f"FAIL {env}/{key}: cannot evaluate: {error}")
        for policy in policies:
            results, missing = run_policy(policy, env, stacks, scenarios)
            mine.policies += 1
            mine.scenarios += len(results)
            bad = [r for r in results if not r.ok]
            mine.failed += len(bad) + len(missing)
            good = len(results) - len(bad)
            status = "ok  " if not bad and not missing else "FAIL"
            notes = [f"no {kind} scenario" for kind in missing]
            notes += [f"{r.scenario.kind} '{r.scenario.name}': {r.detail}" for r in bad]
            line = f"{status} {env}/{policy.key}: {good}/{len(results)} as expected"
            report.lines.append(line + ("; " + "; ".join(notes) if notes else ""))
        report.lines.append(f"{env}: {mine.summary()}")
        report.policies += mine.policies
        report.scenarios += mine.scenarios
        report.failed += mine.failed
    report.lines.append(report.summary())
    return report


def read_stacks(outdir: Path) -> dict[str, dict]:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }
