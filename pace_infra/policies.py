"""House rules, checked at synth time as cdktf Aspects.

A violation is an error annotation on the offending resource: `cdktf synth` and `python main.py`
fail and name it, before anything reaches a plan. Aspects are added per stack (`PaceStack`):
aspects added to the App never run in cdktf 0.21.

Checkov covers most single-resource settings; these rules cover what it does not read: our label
scheme, deletion protection by tier, and allow-rules open to the internet whatever the port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jsii
from cdktf import Annotations, IAspect, TerraformResource
from constructs import IConstruct

SYSTEMS: frozenset[str] = frozenset({"web", "ai", "data", "platform"})
OPEN_RANGES: frozenset[str] = frozenset({"0.0.0.0/0", "::/0"})

# Where each labelable resource type keeps its labels (a path of attribute names). A type that
# supports labels is added here when a construct first creates it.
LABEL_PATHS: Mapping[str, tuple[str, ...]] = {
    "google_storage_bucket": ("labels",),
    "google_artifact_registry_repository": ("labels",),
    "google_secret_manager_secret": ("labels",),
    "google_compute_global_address": ("labels",),
    "google_container_cluster": ("resource_labels",),
    "google_container_node_pool": ("node_config", "resource_labels"),
    "google_sql_database_instance": ("settings", "user_labels"),
    "google_workflows_workflow": ("labels",),
}

# Stateful resources whose loss is an outage, and the attributes that must be true to protect them.
DELETION_PROTECTION_PATHS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "google_container_cluster": (("deletion_protection",),),
    "google_sql_database_instance": (
        ("deletion_protection",),
        ("settings", "deletion_protection_enabled"),
    ),
}


def resource_config(resource: TerraformResource) -> dict[str, Any]:
    """The synthesized attributes of one resource, as Terraform JSON would hold them."""
    body = resource.to_terraform()["resource"][resource.terraform_resource_type]
    return dict(next(iter(body.values())))


def _lookup(config: Mapping[str, Any], path: Iterable[str]) -> Any:
    value: Any = config
    for key in path:
        if isinstance(value, list):  # a nested block may synthesize as a one-element list
            value = value[0] if value else None
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


class RequireSystemLabel:
    """Every labelable resource carries `system=<web|ai|data|platform>`.

    `app`, `env` and `managed-by` come from the provider's `default_labels`; `system` is what a
    support engineer filters billing and logs by, so each construct must set it.
    """

    def check(self, node: TerraformResource, kind: str) -> None:
        path = LABEL_PATHS.get(kind)
        if path is None:
            return
        labels = _lookup(resource_config(node), path) or {}
        system = labels.get("system") if isinstance(labels, Mapping) else None
        if system not in SYSTEMS:
            Annotations.of(node).add_error(
                f"house rule: {'.'.join(path)} must contain system=<{'|'.join(sorted(SYSTEMS))}>, "
                f"got {system!r}"
            )


class NoInternetIngress:
    """No firewall rule allows ingress from 0.0.0.0/0 or ::/0, on any port.

    Public traffic enters through Google's load balancers, whose source ranges are explicit;
    a deny rule from everywhere (the logged deny-all) is fine.
    """

    def check(self, node: TerraformResource, kind: str) -> None:
        if kind != "google_compute_firewall":
            return
        config = resource_config(node)
        open_sources = OPEN_RANGES & set(config.get("source_ranges") or [])
        if config.get("direction", "INGRESS") == "INGRESS" and config.get("allow") and open_sources:
            Annotations.of(node).add_error(
                f"house rule: firewall allows ingress from {', '.join(sorted(open_sources))}; "
                "allow the load balancer or IAP ranges instead"
            )


class RequireDeletionProtection:
    """In staging and prod, stateful resources are protected and buckets never force-destroyed."""

    def check(self, node: TerraformResource, kind: str) -> None:
        # Type first: serializing a resource crosses into the jsii runtime, which is what a synth
        # spends its time on.
        if kind != "google_storage_bucket" and kind not in DELETION_PROTECTION_PATHS:
            return
        config = resource_config(node)
        if kind == "google_storage_bucket" and config.get("force_destroy") is True:
            Annotations.of(node).add_error(
                "house rule: force_destroy=true on a bucket in a protected environment"
            )
        for path in DELETION_PROTECTION_PATHS.get(kind, ()):
            if _lookup(config, path) is not True:
                Annotations.of(node).add_error(
                    f"house rule: {'.'.join(path)} must be true in a protected environment"
                )


Rule = RequireSystemLabel | NoInternetIngress | RequireDeletionProtection


@jsii.implements(IAspect)
class HouseRules:
    """The one aspect a stack carries: it runs every rule on each resource.

    One aspect rather than one per rule: cdktf calls an aspect's `visit` for every construct of
    the stack, each call a round trip into Python; three aspects cost three times that
    (measured: 2.3 s of a 2.7 s synth of every environment).
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, TerraformResource):
            return
        kind = node.terraform_resource_type
        for rule in self.rules:
            rule.check(node, kind)


def house_rules(*, protected: bool) -> HouseRules:
    """The aspect every stack gets; `protected` adds the staging/prod-only rules."""
    rules: list[Rule] = [RequireSystemLabel(), NoInternetIngress()]
    if protected:
        rules.append(RequireDeletionProtection())
    return HouseRules(tuple(rules))
