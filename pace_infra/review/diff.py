"""What a change does to the synthesized desired state: creates, updates, destroys, and risks.

Compares two synth outputs (`cdktf.out`-shaped directories) stack by stack, resource by resource
(`<type>.<logical id>`). A moved logical id is a destroy plus a create, as Terraform would plan
it without a `moved` block. Needs no credentials and no provider: it reads JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pace_infra.review.disruption import disruptions
from pace_infra.review.forcenew import conditional_reason, replacing
from pace_infra.review.trust import trust_risks

MASK = "(sensitive)"
# Attribute names whose values are never printed.
SENSITIVE_NAMES = ("password", "secret", "token", "private_key", "service_key", "credentials")

# Losing one of these loses data or an identity that cannot be recreated as it was.
STATEFUL_TYPES: Mapping[str, str] = {
    "google_sql_database_instance": "Cloud SQL instance",
    "google_sql_database": "Cloud SQL database",
    "google_container_cluster": "GKE cluster",
    "google_container_node_pool": "GKE node pool",
    "google_compute_network": "VPC",
    "google_compute_subnetwork": "subnet",
    "google_storage_bucket": "bucket (Terraform state)",
    "google_iam_workload_identity_pool": "workload identity pool (id reserved 30 days)",
    "google_iam_workload_identity_pool_provider": "workload identity provider",
    "google_compute_global_address": "reserved address",
    "kubernetes_namespace_v1": "Kubernetes namespace (and everything in it)",
}
MONITORING_TYPES = ("google_monitoring_alert_policy", "google_monitoring_notification_channel")
OPEN = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class AttributeChange:
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ResourceChange:
    action: str  # create | update | replace | destroy
    address: str  # <type>.<logical id>
    attributes: tuple[AttributeChange, ...] = ()
    reason: str = ""  # why an update is a replacement (the ForceNew path), for "replace"


@dataclass
class StackReview:
    name: str
    changes: list[ResourceChange] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


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


def _is_sensitive(path: str) -> bool:
    last = path.split(".")[-1].lower()
    return path.startswith("sensitive_labels") or any(name in last for name in SENSITIVE_NAMES)


def _embedded_json(value: Any) -> Any:
    """The object a JSON-encoded string holds (dashboard JSON, helm values), else None."""
    if isinstance(value, str) and value[:1] in "{[" and "${" not in value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict | list) else None
    return None


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    embedded = _embedded_json(value)
    if embedded is not None:
        # Review what changed inside, e.g. `dashboard_json<json>.mosaicLayout.tiles[3].widget`.
        yield from _flatten(embedded, f"{prefix}<json>")
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def attribute_changes(old: dict[str, Any], new: dict[str, Any]) -> list[AttributeChange]:
    """Leaf paths whose values differ; sensitive values masked."""
    before, after = dict(_flatten(old)), dict(_flatten(new))
    changes = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            masked = _is_sensitive(path)
            changes.append(
                AttributeChange(
                    path,
                    MASK if masked and path in before else before.get(path),
                    MASK if masked and path in after else after.get(path),
                )
            )
    return changes


def _kind(address: str) -> str:
    return address.split(".", 1)[0]


_INDEX = re.compile(r"\[\d+\]")


def _plain_path(path: str) -> str:
    """`settings[0].database_flags[3].name` -> `settings.database_flags.name` (schema paths)."""
    return _INDEX.sub("", path)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(f"{prefix}.")


def replacement_reason(
    kind: str, old: dict[str, Any], new: dict[str, Any], changes: Iterable[AttributeChange]
) -> str | None:
    """Why the provider's schema makes this update a replacement, or None.

    A change at or under a ForceNew attribute replaces; so does a ForceNew block appearing or
    disappearing (terraform-plugin-sdk compares its element count).
    """
    facts = replacing(kind)
    for change in changes:
        path = _plain_path(change.path)
        conditional = conditional_reason(kind, path, change.old, change.new)
        if conditional:
            return conditional
        for attribute in facts.attributes if facts else ():
            if _under(path, attribute):
                return f"{change.path} changes"
    before = {_plain_path(p) for p, _ in _flatten(old)}
    after = {_plain_path(p) for p, _ in _flatten(new)}
    for block in facts.blocks if facts else ():
        had, has = (any(_under(p, block) for p in paths) for paths in (before, after))
        if had != has:
            return f"{block} {'removed' if had else 'added'}"
    return None


def _risks(
    change: ResourceChange, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[str]:
    kind, risks = _kind(change.address), []
    risks += trust_risks(change.action, kind, change.address, old, new)
    if change.action == "update" and old is not None and new is not None:
        paths = [_plain_path(a.path) for a in change.attributes]
        risks += disruptions(kind, change.address, old, new, paths)
    if change.action == "destroy" and kind in STATEFUL_TYPES:
        risks.append(f"destroys {STATEFUL_TYPES[kind]} {change.address}")
    if change.action == "destroy" and kind in MONITORING_TYPES:
        risks.append(f"removes {kind.removeprefix('google_monitoring_')} {change.address}")
    if change.action == "replace" and kind in STATEFUL_TYPES:
        risks.append(f"replaces {STATEFUL_TYPES[kind]} {change.address} ({change.reason})")
    for attribute in change.attributes:
        leaf = _plain_path(attribute.path).split(".")[-1]
        if (
            leaf in ("deletion_protection", "deletion_protection_enabled")
            and attribute.new is False
        ):
            risks.append(f"turns deletion protection off on {change.address}")
        if leaf == "ipv4_enabled" and attribute.new is True:
            risks.append(f"turns a public IP on for {change.address}")
        if leaf in ("enable_private_nodes", "enable_private_endpoint") and attribute.new is False:
            risks.append(f"makes {change.address} public ({leaf} off)")
    if kind == "google_compute_firewall" and new and change.action in ("create", "update"):
        opened = [r for r in new.get("source_ranges", []) if r in OPEN]
        if opened and new.get("allow") and new.get("direction", "INGRESS") == "INGRESS":
            risks.append(f"opens firewall {change.address} to {', '.join(opened)}")
    return list(dict.fromkeys(risks))  # each once, in order


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
            reason = replacement_reason(_kind(address), old[address], new[address], attributes)
            action = "replace" if reason else "update"
            change = ResourceChange(action, address, tuple(attributes), reason or "")
        review.changes.append(change)
        review.risks.extend(_risks(change, old.get(address), new.get(address)))
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
