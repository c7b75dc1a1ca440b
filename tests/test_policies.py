"""House rules (cdktf Aspects): each refuses its violation and accepts the compliant form."""

from __future__ import annotations

import cdktf
import pytest
from cdktf_cdktf_provider_google.compute_firewall import (
    ComputeFirewall,
    ComputeFirewallAllow,
    ComputeFirewallDeny,
)
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_google.storage_bucket import StorageBucket

from pace_infra.policies import (
    HouseRules,
    NoInternetIngress,
    RequireDeletionProtection,
    RequireSystemLabel,
    house_rules,
)


def _synth_with_rules(build, *, protected: bool) -> None:
    """Full app synth (it raises on error annotations, as `python main.py` does)."""
    app = cdktf.Testing.app()
    stack = cdktf.TerraformStack(app, "t")
    GoogleProvider(stack, "google", project="pace-t")
    build(stack)
    cdktf.Aspects.of(stack).add(house_rules(protected=protected))
    app.synth()


def _bucket(labels=None, force_destroy=False):
    def build(stack):
        StorageBucket(
            stack, "b", name="b", location="EU", labels=labels, force_destroy=force_destroy
        )

    return build


def _firewall(source: str, *, allow: bool):
    def build(stack):
        action = (
            {"allow": [ComputeFirewallAllow(protocol="tcp", ports=["443"])]}
            if allow
            else {"deny": [ComputeFirewallDeny(protocol="all")]}
        )
        ComputeFirewall(stack, "fw", name="fw", network="n", source_ranges=[source], **action)

    return build


def test_labelled_resource_without_system_label_is_refused():
    with pytest.raises(Exception, match="must contain system="):
        _synth_with_rules(_bucket(labels={"team": "x"}), protected=False)


def test_system_label_outside_the_known_systems_is_refused():
    with pytest.raises(Exception, match="got 'billing'"):
        _synth_with_rules(_bucket(labels={"system": "billing"}), protected=False)


def test_labelled_resource_with_system_label_passes():
    _synth_with_rules(_bucket(labels={"system": "data"}), protected=False)


def test_firewall_allowing_the_internet_is_refused():
    with pytest.raises(Exception, match=r"allows ingress from 0\.0\.0\.0/0"):
        _synth_with_rules(_firewall("0.0.0.0/0", allow=True), protected=False)


def test_firewall_allowing_ipv6_internet_is_refused():
    with pytest.raises(Exception, match="allows ingress from ::/0"):
        _synth_with_rules(_firewall("::/0", allow=True), protected=False)


def test_deny_rule_from_everywhere_passes():
    _synth_with_rules(_firewall("0.0.0.0/0", allow=False), protected=False)


def test_force_destroyed_bucket_is_refused_when_protected():
    with pytest.raises(Exception, match="force_destroy=true"):
        _synth_with_rules(_bucket({"system": "platform"}, force_destroy=True), protected=True)


def test_force_destroyed_bucket_is_allowed_in_dev():
    _synth_with_rules(_bucket({"system": "platform"}, force_destroy=True), protected=False)


def test_unprotected_stateful_resource_is_refused_when_protected():
    from cdktf_cdktf_provider_google.container_cluster import ContainerCluster

    def build(stack):
        ContainerCluster(
            stack, "c", name="c", deletion_protection=False, resource_labels={"system": "platform"}
        )

    with pytest.raises(Exception, match="deletion_protection must be true"):
        _synth_with_rules(build, protected=True)


def test_every_stack_registers_the_house_rules_for_its_tier(environments):
    # Aspects on the App never run in cdktf 0.21: each stack must carry them itself.
    from pace_infra.app import build_app

    app = build_app(environments)
    for stack in app.node.children:
        (aspect,) = cdktf.Aspects.of(stack).all
        assert isinstance(aspect, HouseRules), stack.node.id
        expected = {RequireSystemLabel, NoInternetIngress}
        if stack.environment.protected:
            expected.add(RequireDeletionProtection)
        assert {type(rule) for rule in aspect.rules} == expected, stack.node.id
