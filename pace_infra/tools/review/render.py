"""Plan-like text for a terminal, and markdown for a pull-request comment."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pace_infra.tools.review.model import ResourceChange, StackReview

SYMBOL = {"create": "+", "update": "~", "replace": "-/+", "destroy": "-"}


MAX_VALUE = 160  # characters of one value shown; the snapshot diff has the rest


def _value(value: Any) -> str:
    text = "(none)" if value is None else json.dumps(value)
    return text if len(text) <= MAX_VALUE else f"{text[:MAX_VALUE]}... ({len(text)} chars)"


def change_lines(change: ResourceChange) -> list[str]:
    why = f" (replaced: {change.reason})" if change.action == "replace" else ""
    lines = [f"  {SYMBOL[change.action]} {change.address}{why}"]
    lines += [f"      {a.path}: {_value(a.old)} -> {_value(a.new)}" for a in change.attributes]
    return lines


def totals(stack: StackReview) -> str:
    risks = len(stack.risks)
    return (
        f"{stack.name}: {stack.count('create')} to create, {stack.count('update')} to update, "
        f"{stack.count('replace')} to replace, {stack.count('destroy')} to destroy; "
        f"{risks} risk{'' if risks == 1 else 's'}"
    )


def text(reviews: Sequence[StackReview], base_label: str) -> str:
    if not reviews:
        return f"No changes: the synthesized stacks match the base ({base_label}).\n"
    out = [f"Review against {base_label}", ""]
    for stack in reviews:
        out.append(stack.name)
        for change in stack.changes:
            out += change_lines(change)
        out += [f"  RISK: {risk}" for risk in stack.risks]
        out += [f"  {totals(stack)}", ""]
    risky = sum(len(stack.risks) for stack in reviews)
    out.append(f"{len(reviews)} stack(s) change; {risky} risk(s).")
    return "\n".join(out) + "\n"


def markdown(reviews: Sequence[StackReview], base_label: str) -> str:
    if not reviews:
        return f"### Infrastructure review\n\nNo changes against `{base_label}`.\n"
    out = [
        "### Infrastructure review",
        "",
        f"Against `{base_label}`.",
        "",
        "| stack | create | update | replace | destroy | risks |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| `{s.name}` | {s.count('create')} | {s.count('update')} | {s.count('replace')} "
        f"| {s.count('destroy')} | {len(s.risks)} |"
        for s in reviews
    ]
    risks = [(s.name, risk) for s in reviews for risk in s.risks]
    if risks:
        out += ["", "**Risks**", ""] + [f"- :warning: `{name}`: {risk}" for name, risk in risks]
    for stack in reviews:
        out += ["", f"<details><summary><code>{stack.name}</code></summary>", "", "```diff"]
        for change in stack.changes:
            out += [line.replace("  ", "", 1) for line in change_lines(change)]
        out += ["```", "", "</details>"]
    return "\n".join(out) + "\n"
