"""A real plan's review, in the same words as the offline review (text or markdown)."""

from __future__ import annotations

from collections.abc import Sequence

from pace_infra.tools.plan.planner import StackPlan
from pace_infra.tools.review.render import change_lines, totals


def _status(plan: StackPlan) -> str:
    if plan.error:
        return f"could not plan: {plan.error}"
    if plan.not_planned:
        return f"not planned: {plan.not_planned}"
    return totals(plan.review) if plan.review else ""


def _summary(plans: Sequence[StackPlan]) -> str:
    changed = sum(1 for plan in plans if plan.changed)
    risks = sum(len(plan.review.risks) for plan in plans if plan.review)
    drift = sum(len(plan.review.drift) for plan in plans if plan.review)
    missing = sum(1 for plan in plans if plan.error or plan.not_planned)
    return (
        f"{changed} stack(s) change; {risks} risk(s); {drift} drifted resource(s); "
        f"{missing} stack(s) without a plan."
    )


def text(env_name: str, commit: str, plans: Sequence[StackPlan]) -> str:
    out = [f"Plans of {env_name} against its real state (commit {commit[:12]})", ""]
    for plan in plans:
        out.append(plan.name)
        review = plan.review
        if review:
            for change in review.changes:
                out += change_lines(change)
            out += [f"  DRIFT: {line}" for line in review.drift]
            out += [f"  RISK: {risk}" for risk in review.risks]
            out += [f"  NOTE: {note}" for note in review.notes]
        out += [f"  {_status(plan)}", ""]
    out.append(_summary(plans))
    return "\n".join(out) + "\n"


def markdown(env_name: str, commit: str, plans: Sequence[StackPlan]) -> str:
    out = [
        f"### Plan of `{env_name}` against its real state",
        "",
        f"Commit `{commit[:12]}`. {_summary(plans)}",
        "",
        "| stack | plan |",
        "|---|---|",
    ]
    out += [f"| `{plan.name}` | {_status(plan).removeprefix(plan.name + ': ')} |" for plan in plans]
    flagged = [
        (plan.name, kind, line)
        for plan in plans
        if plan.review
        for kind, lines in (
            (":warning:", plan.review.risks),
            (":twisted_rightwards_arrows: drift:", plan.review.drift),
            (":hourglass: note:", plan.review.notes),
        )
        for line in lines
    ]
    if flagged:
        out += ["", "**Risks, drift and notes**", ""]
        out += [f"- {kind} `{name}`: {line}" for name, kind, line in flagged]
    for plan in plans:
        if plan.changed and plan.review:
            out += ["", f"<details><summary><code>{plan.name}</code></summary>", "", "```diff"]
            for change in plan.review.changes:
                out += [line.replace("  ", "", 1) for line in change_lines(change)]
            out += ["```", "", "</details>"]
    return "\n".join(out) + "\n"
