"""One model of a reviewed change, whatever it was read from, and the risk rules over it.

Two readers build it: `diff` (two synth outputs: what the code changes) and `plan_json` (a real
`terraform show -json` plan: what a change does to the real infrastructure). A risk rule is
written once, here, and applies to both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pace_infra.tools.review.disruption import disruptions
from pace_infra.tools.review.trust import trust_risks

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
    # What a real plan says besides its changes: resources changed outside Terraform (drift),
    # and why the plan may not be the whole truth (an upstream stack with pending changes).
    drift: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


def is_sensitive(path: str) -> bool:
    last = path.split(".")[-1].lower()
    return path.startswith("sensitive_labels") or any(name in last for name in SENSITIVE_NAMES)


def embedded_json(value: Any) -> Any:
    """The object a JSON-encoded string holds (dashboard JSON, helm values), else None."""
    if isinstance(value, str) and value[:1] in "{[" and "${" not in value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, dict | list) else None
    return None


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    embedded = embedded_json(value)
    if embedded is not None:
        # Review what changed inside, e.g. `dashboard_json<json>.mosaicLayout.tiles[3].widget`.
        yield from flatten(embedded, f"{prefix}<json>")
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from flatten(value[key], f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def attribute_changes(old: dict[str, Any], new: dict[str, Any]) -> list[AttributeChange]:
    """Leaf paths whose values differ; sensitive values masked."""
    before, after = dict(flatten(old)), dict(flatten(new))
    changes = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            masked = is_sensitive(path)
            changes.append(
                AttributeChange(
                    path,
                    MASK if masked and path in before else before.get(path),
                    MASK if masked and path in after else after.get(path),
                )
            )
    return changes


def kind_of(address: str) -> str:
    return address.split(".", 1)[0]


_INDEX = re.compile(r"\[\d+\]")


def plain_path(path: str) -> str:
    """`settings[0].database_flags[3].name` -> `settings.database_flags.name` (schema paths)."""
    return _INDEX.sub("", path)


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(f"{prefix}.")


def risks_for(
    change: ResourceChange, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[str]:
    kind, risks = kind_of(change.address), []
    risks += trust_risks(change.action, kind, change.address, old, new)
    if change.action == "update" and old is not None and new is not None:
        paths = [plain_path(a.path) for a in change.attributes]
        risks += disruptions(kind, change.address, old, new, paths)
    if change.action == "destroy" and kind in STATEFUL_TYPES:
        risks.append(f"destroys {STATEFUL_TYPES[kind]} {change.address}")
    if change.action == "destroy" and kind in MONITORING_TYPES:
        risks.append(f"removes {kind.removeprefix('google_monitoring_')} {change.address}")
    if change.action == "replace" and kind in STATEFUL_TYPES:
        risks.append(f"replaces {STATEFUL_TYPES[kind]} {change.address} ({change.reason})")
    for attribute in change.attributes:
        leaf = plain_path(attribute.path).split(".")[-1]
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


def add_change(
    review: StackReview,
    change: ResourceChange,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> None:
    """Record a change and the risks it carries."""
    review.changes.append(change)
    review.risks.extend(risk for risk in risks_for(change, old, new) if risk not in review.risks)
