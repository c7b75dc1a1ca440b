"""A real plan (`terraform show -json <planfile>`) as the review model.

Terraform's JSON plan format (format_version 1.x): each entry of `resource_changes` has an
`address`, a `mode` (managed or data), and a `change` with `actions` (["no-op"], ["create"],
["read"], ["update"], ["delete"], ["delete", "create"] or ["create", "delete"] for a
replacement), `before` / `after` values, `after_unknown` (values known only after apply),
`before_sensitive` / `after_sensitive` (which values are sensitive, in the same shape), and
`replace_paths` (the attributes that force the replacement). `resource_drift` lists what
changed outside Terraform since the last apply. Sensitive values never reach the review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pace_infra.tools.review.model import (
    MASK,
    AttributeChange,
    ResourceChange,
    StackReview,
    add_change,
    attribute_changes,
    flatten,
)

UNKNOWN = "(known after apply)"
_ACTIONS: Mapping[tuple[str, ...], str] = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "destroy",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}


class PlanFormatError(ValueError):
    """Not a plan in Terraform's JSON format."""


def _overlay(value: Any, mask: Any, replacement: str) -> Any:
    """`value` with every part that `mask` marks true replaced (masks mirror the value)."""
    if mask is True:
        return replacement
    if isinstance(value, dict) and isinstance(mask, dict):
        return {k: _overlay(v, mask.get(k), replacement) for k, v in value.items()} | {
            k: replacement for k, m in mask.items() if m is True and k not in value
        }
    if isinstance(value, list) and isinstance(mask, list):
        return [
            _overlay(v, mask[i] if i < len(mask) else None, replacement)
            for i, v in enumerate(value)
        ]
    return value


def _side(change: Mapping[str, Any], side: str) -> dict[str, Any] | None:
    """One side's value, unknowns named, as an attribute map."""
    value = change.get(side)
    if value is None:
        return None
    if side == "after":
        value = _overlay(value, change.get("after_unknown"), UNKNOWN)
    return value if isinstance(value, dict) else {"value": value}


def _sensitive_paths(change: Mapping[str, Any], side: str) -> set[str]:
    """Flattened paths that are sensitive on one side (a whole block counts as one path)."""
    value = change.get(side)
    if value is None:
        return set()
    masked = _overlay(value, change.get(f"{side}_sensitive"), MASK)
    return {path for path, leaf in flatten(masked) if leaf == MASK}


def _is_under_any(path: str, prefixes: set[str]) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[", f"{p}<")) for p in prefixes)


def _masked_changes(change: Mapping[str, Any]) -> tuple[AttributeChange, ...]:
    """What changed, compared on the real values, shown with sensitive ones masked: a changed
    secret reads `(sensitive) -> (sensitive)`, never its value."""
    before, after = _side(change, "before") or {}, _side(change, "after") or {}
    hidden_before = _sensitive_paths(change, "before")
    hidden_after = _sensitive_paths(change, "after")
    return tuple(
        AttributeChange(
            a.path,
            MASK if _is_under_any(a.path, hidden_before) else a.old,
            MASK if _is_under_any(a.path, hidden_after) else a.new,
        )
        for a in attribute_changes(before, after)
    )


def _masked(change: Mapping[str, Any], side: str) -> dict[str, Any] | None:
    """One side with sensitive values masked: what the risk rules may read."""
    value = _side(change, side)
    return None if value is None else _overlay(value, change.get(f"{side}_sensitive"), MASK)


def _path(steps: Sequence[Any]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _reason(change: Mapping[str, Any]) -> str:
    paths = [_path(p) for p in change.get("replace_paths") or []]
    if paths:
        return f"{', '.join(paths)} forces replacement"
    return "the provider replaces it"


def review_plan(name: str, plan: Mapping[str, Any]) -> StackReview:
    """The review of one stack's real plan: its changes, their risks, and drift."""
    if "format_version" not in plan or not isinstance(plan.get("resource_changes", []), list):
        raise PlanFormatError(f"{name}: not a Terraform JSON plan (no format_version)")
    review = StackReview(name)
    for entry in plan.get("resource_changes", []):
        if entry.get("mode", "managed") != "managed":
            continue  # data sources are read, not changed
        change = entry["change"]
        action = _ACTIONS.get(tuple(change.get("actions", ())))
        if action is None:
            continue  # no-op, read
        before, after = _masked(change, "before"), _masked(change, "after")
        attributes = _masked_changes(change) if action in ("update", "replace") else ()
        reason = _reason(change) if action == "replace" else ""
        add_change(
            review,
            ResourceChange(action, entry["address"], attributes, reason),
            before,
            after,
        )
    for entry in plan.get("resource_drift", []):
        if entry.get("mode", "managed") == "managed":
            actions = "/".join(entry.get("change", {}).get("actions", ()))
            review.drift.append(f"{entry['address']} changed outside Terraform ({actions})")
    return review
