"""Plan one environment's stacks in deploy order, and say what each plan can be trusted for."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pace_infra.tools.plan import workspace
from pace_infra.tools.review.model import StackReview
from pace_infra.tools.review.plan_json import review_plan
from pace_infra.tools.toolchain.setup import Toolchain

MANIFEST = "plans.json"
PAGERDUTY_TOKEN = "PAGERDUTY_TOKEN"


@dataclass
class StackPlan:
    """One stack's outcome: a reviewed plan, or why there is none."""

    name: str
    review: StackReview | None = None
    plan_file: str | None = None  # file name in the plans directory
    not_planned: str = ""  # why it was not planned (nothing failed)
    error: str = ""  # why planning it failed
    incomplete_because: list[str] = field(default_factory=list)  # upstreams with changes

    @property
    def changed(self) -> bool:
        return bool(self.review and self.review.changes)

    def to_json(self) -> dict[str, Any]:
        review = self.review
        return {
            "name": self.name,
            "plan": self.plan_file if self.changed else None,
            "changes": len(review.changes) if review else None,
            "risks": list(review.risks) if review else [],
            "drift": list(review.drift) if review else [],
            "not_planned": self.not_planned,
            "error": self.error,
            "incomplete_because": self.incomplete_because,
        }


def skip_reason(stack: workspace.StackDir, toolchain: Toolchain, environ: Mapping[str, str]) -> str:
    """Why this stack cannot be planned here ("" when it can)."""
    for provider in stack.providers:
        if provider in toolchain.unavailable:
            return f"provider {provider} is unavailable here ({toolchain.unavailable[provider]})"
    state = stack.local_state()
    if state is not None and not state.is_file():
        return f"its state is local ({state.name}) and not on this machine"
    if "pagerduty" in stack.providers and not environ.get(PAGERDUTY_TOKEN):
        return f"no {PAGERDUTY_TOKEN}: PagerDuty is read with a person's token, never a pipeline's"
    return ""


def upstreams(name: str, dependencies: Mapping[str, Sequence[str]]) -> set[str]:
    """Every stack `name` reads outputs from, directly or through others."""
    found: set[str] = set()
    pending = list(dependencies.get(name, ()))
    while pending:
        upstream = pending.pop()
        if upstream not in found:
            found.add(upstream)
            pending.extend(dependencies.get(upstream, ()))
    return found


def mark_incomplete(plans: Sequence[StackPlan], dependencies: Mapping[str, Sequence[str]]) -> None:
    """A stack planned against an upstream that has pending changes reads outputs that are
    about to change: its plan may be incomplete, and says so."""
    by_name = {plan.name: plan for plan in plans}
    for plan in plans:
        pending = sorted(
            u for u in upstreams(plan.name, dependencies) if u in by_name and by_name[u].changed
        )
        plan.incomplete_because = pending
        if pending and plan.review is not None:
            plan.review.notes.append(
                f"planned against the current outputs of {', '.join(pending)}, which have "
                "pending changes: this plan may be incomplete; apply them, then plan again"
            )


def plan_stack(
    outdir: Path,
    name: str,
    toolchain: Toolchain,
    plans_dir: Path,
    environ: Mapping[str, str],
    workdir: Path = workspace.WORKDIR,
) -> StackPlan:
    """Plan one stack against its real backend and review it; never raises for a CLI error."""
    stack = workspace.stage(outdir, name, workdir)
    reason = skip_reason(stack, toolchain, environ)
    if reason:
        return StackPlan(name, not_planned=reason)
    plan_file = f"{name}.tfplan"
    try:
        workspace.init(toolchain, stack)
        # No state lock: a plan writes no state, and a read-only identity cannot take a lock.
        # A concurrent apply makes this plan stale, which apply-plan refuses.
        workspace.run(
            toolchain, stack, "plan", "-input=false", "-lock=false", f"-out={plans_dir / plan_file}"
        )
        document = json.loads(
            workspace.run(toolchain, stack, "show", "-json", str(plans_dir / plan_file))
        )
    except workspace.PlanError as error:
        return StackPlan(name, error=str(error))
    (plans_dir / f"{name}.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    return StackPlan(name, review=review_plan(name, document), plan_file=plan_file)


def write_manifest(plans_dir: Path, env_name: str, commit: str, plans: Sequence[StackPlan]) -> None:
    manifest = {
        "environment": env_name,
        "commit": commit,
        "stacks": [plan.to_json() for plan in plans],
    }
    (plans_dir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def read_manifest(plans_dir: Path) -> dict[str, Any]:
    return json.loads((plans_dir / MANIFEST).read_text(encoding="utf-8"))
