"""A copy of a stack with every reference replaced by a placeholder, so validators see literals.

Why: terraform-plugin-sdk/v2 validates a field only if the value it belongs to is wholly known
(`schemaMap.validate` in helper/schema/schema.go returns early on `!isWhollyKnown(raw)`), and a
nested block counts as unknown when any field in it is. At `validate` time every reference is
unknown (another resource's attribute, a remote-state output), so one reference in a block
switches off every validator in that block: Cloud SQL's whole `settings` (its `private_network`
comes from the network stack) and every alert condition whose filter names an uptime check were
never checked. Measured: `ssl_mode = "REQUIRE_NOTHING"` passes `terraform validate` on our
databases stack as synthesized and fails on this copy with the provider's own message.

`make validate` therefore runs `validate` twice per stack: as synthesized (which catches broken
references) and on this copy (which runs every validator on our literals).
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = "pace-placeholder"
_EMAIL = f"{PLACEHOLDER}@pace.iam.gserviceaccount.com"
# Placeholders shaped like what a reference stands for, where the provider checks the shape
# (`(resource type, attribute)`: ValidateFunc regexes in google 6.50.0).
_SHAPED: dict[tuple[str, str], str] = {
    ("google_service_account", "email"): _EMAIL,
    ("google_service_account", "member"): f"serviceAccount:{_EMAIL}",
    ("google_service_account", "name"): f"projects/{PLACEHOLDER}/serviceAccounts/{_EMAIL}",
    ("google_compute_network", "id"): f"projects/{PLACEHOLDER}/global/networks/{PLACEHOLDER}",
    ("google_compute_subnetwork", "id"): (
        f"projects/{PLACEHOLDER}/regions/{PLACEHOLDER}/subnetworks/{PLACEHOLDER}"
    ),
}
# Known while validating: the workspace name (remote-state data sources use it).
_KNOWN = ("${terraform.workspace}",)
_NAME = re.compile(r"[\w\-]+")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
# `type.name.attr...`, `data.type.name.attr...` (indexes allowed); the first one in an expression.
_TRAVERSAL = re.compile(r"\b[a-z][\w\-]*(?:\.[\w\-]+|\[\d+\])+")
_REMOTE_OUTPUT = "data.terraform_remote_state."
_CROSS_STACK_OUTPUT = "cross-stack-output-"


def _interpolation_end(text: str, start: int) -> int:
    """Index just past the `}` closing the `${` at `start` (quotes and nested braces skipped)."""
    depth, index, quoted = 0, start + 2, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index + 1
            depth -= 1
        index += 1
    return len(text)


def _shape(traversal: str) -> str | None:
    """The shaped placeholder for a reference, if its (type, attribute) has one."""
    names = _NAME.findall(traversal)
    if traversal.startswith(_REMOTE_OUTPUT) and len(names) >= 5:
        # cdktf names a cross-stack output `cross-stack-output-<type><logical id><attribute>`.
        output = names[4].removeprefix(_CROSS_STACK_OUTPUT)
        for (kind, attribute), value in _SHAPED.items():
            if output.startswith(kind) and output.endswith(attribute):
                return value
        return None
    return _SHAPED.get((names[0], names[-1])) if len(names) >= 3 else None


def placeholder_for(expression: str) -> str:
    """A literal standing for `${expression}`, shaped by its first reference where that matters."""
    traversal = _TRAVERSAL.search(_QUOTED.sub('""', expression))
    return (_shape(traversal.group(0)) if traversal else None) or PLACEHOLDER


def resolve_string(text: str) -> str:
    """`text` with each `${...}` replaced by its placeholder."""
    if "${" not in text or text in _KNOWN:
        return text
    out, index = [], 0
    while (start := text.find("${", index)) != -1:
        end = _interpolation_end(text, start)
        out += [text[index:start], placeholder_for(text[start + 2 : end - 1])]
        index = end
    out.append(text[index:])
    return "".join(out)


def resolve(node: Any) -> Any:
    """A deep copy of a Terraform JSON document with every reference resolved."""
    if isinstance(node, dict):
        return {key: resolve(value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value) for value in node]
    if isinstance(node, str):
        return resolve_string(node)
    return node
