"""The pinned providers are the ones the synthesized stacks ask for, at their release commits."""

from __future__ import annotations

import re

from pace_infra.tools.toolchain.pins import OPENTOFU, PROVIDERS, provider

PSEUDO_VERSION = re.compile(r"^v\d+\.\d+\.\d+-0\.(\d{14})-([0-9a-f]{12})$")


def test_every_provider_a_stack_requires_is_pinned_at_the_version_it_requires(stacks):
    for name, document in stacks.items():
        for local_name, requirement in document["terraform"]["required_providers"].items():
            pinned = provider(local_name)
            assert requirement["version"] == pinned.version, (name, local_name)
            # Registry namespaces are case-insensitive: the binding writes PagerDuty/pagerduty.
            source = requirement["source"].lower()
            assert source in (pinned.name, pinned.address), (name, local_name)


def test_every_pinned_provider_is_used_by_some_stack(stacks):
    used = {p for doc in stacks.values() for p in doc["terraform"]["required_providers"]}
    assert {p.name for p in PROVIDERS} == used


def test_each_pseudo_version_names_its_release_commit():
    for pinned in PROVIDERS:
        match = PSEUDO_VERSION.match(pinned.build.version)
        assert match, pinned.build.version
        assert pinned.build.commit.startswith(match.group(2)), pinned.name


def test_each_release_build_sets_its_version():
    for pinned in PROVIDERS:
        assert any(v.endswith(f"={pinned.version}") for v in pinned.build.set_vars), pinned.name


def test_opentofu_is_a_tagged_release_with_pinned_hashes():
    assert OPENTOFU.version == "v1.10.10"
    assert OPENTOFU.zip_hash and OPENTOFU.mod_hash
