"""What a change does to the synthesized desired state: creates, updates, destroys, and risks.

Compares two synth outputs (`cdktf.out`-shaped directories) stack by stack, resource by resource
(`<type>.<logical id>`). A moved logical id is a destroy plus a create, as Terraform would plan
it without a `moved` block. Needs no credentials and no provider: it reads JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pace_infra.tools.review.forcenew import conditional_reason, replacing
from pace_infra.tools.review.model import (
    AttributeChange,
    ResourceChange,
    StackReview,
    add_change,
    attribute_changes,
    flatten,
    kind_of,
    plain_path,
    under,
)


def load_stacks(outdir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Stack name -> {address: attributes} of a synth output ({} if there is none)."""
    stacks: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(outdir.glob("stacks/*/cdk.tf.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        stacks[path.parent.name] = {
            f"{kind}.{logical_id}": {k: v for k, v in attributes.items() if k != "//"}
            for kind, by_id in document.get("resource", {}).items()
            for logical_id, attributes in by_id.items()
        }
    return stacks


def replacement_reason(
    kind: str, old: dict[str, Any], new: dict[str, Any], changes: Iterable[AttributeChange]
) -> str | None:
    """Why the provider's schema makes this update a replacement, or None.

    A change at or under a ForceNew attribute replaces; so does a ForceNew block appearing or
    disappearing (terraform-plugin-sdk compares its element count).
    """
    facts = replacing(kind)
    for change in changes:
        path = plain_path(change.path)
        conditional = conditional_reason(kind, path, change.old, change.new)
        if conditional:
            return conditional
        for attribute in facts.attributes if facts else ():
            if under(path, attribute):
                return f"{change.path} changes"
    before = {plain_path(p) for p, _ in flatten(old)}
    after = {plain_path(p) for p, _ in flatten(new)}
    for block in facts.blocks if facts else ():
        had, has = (any(under(p, block) for p in paths) for paths in (before, after))
        if had != has:
            return f"{block} {'removed' if had else 'added'}"
    return None


def review_stack(name: str, old: dict[str, dict], new: dict[str, dict]) -> StackReview:
    review = StackReview(name)
    for address in sorted(old.keys() | new.keys()):
        if address not in old:
            change = ResourceChange("create", address)
        elif address not in new:
            change = ResourceChange("destroy", address)
        else:
            attributes = attribute_changes(old[address], new[address])
            if not attributes:
                continue
            reason = replacement_reason(kind_of(address), old[address], new[address], attributes)
            action = "replace" if reason else "update"
            change = ResourceChange(action, address, tuple(attributes), reason or "")
        add_change(review, change, old.get(address), new.get(address))
    return review


def review(base: Path, head: Path) -> list[StackReview]:
    """Reviews of every stack that changes, sorted by stack name."""
    old_stacks, new_stacks = load_stacks(base), load_stacks(head)
    reviews = []
    for name in sorted(old_stacks.keys() | new_stacks.keys()):
        stack = review_stack(name, old_stacks.get(name, {}), new_stacks.get(name, {}))
        if stack.changes:
            reviews.append(stack)
    return reviews
