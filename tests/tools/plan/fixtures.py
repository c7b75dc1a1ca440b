"""FIXTURES, not CLI output: plans built in Terraform's documented JSON plan format
(https://developer.hashicorp.com/terraform/internals/json-format, format_version 1.2), for the
cases an offline CLI cannot produce (updates and replacements of Google resources). Every
fixture a test uses comes from these builders, never from pasted JSON."""

from __future__ import annotations

from typing import Any

FORMAT_VERSION = "1.2"


def resource_change(
    address: str,
    actions: list[str],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    mode: str = "managed",
    replace_paths: list[list[Any]] | None = None,
    before_sensitive: Any = None,
    after_sensitive: Any = None,
    after_unknown: Any = None,
) -> dict[str, Any]:
    kind, name = address.split(".", 1)
    change: dict[str, Any] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": after_unknown if after_unknown is not None else {},
        "before_sensitive": before_sensitive if before_sensitive is not None else {},
        "after_sensitive": after_sensitive if after_sensitive is not None else {},
    }
    if replace_paths is not None:
        change["replace_paths"] = replace_paths
    return {
        "address": address,
        "mode": mode,
        "type": kind,
        "name": name,
        "provider_name": f"registry.terraform.io/hashicorp/{kind.split('_')[0]}",
        "change": change,
    }


def plan(*changes: dict[str, Any], drift: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "terraform_version": "1.10.10",
        "resource_changes": list(changes),
    }
    if drift:
        document["resource_drift"] = list(drift)
    return document
