"""build_app(): every environment's stacks in one App, built in the registry's order.

Read from the session's one synth (tests/conftest.py): no second App is built here."""

from __future__ import annotations

import json

from pace_infra.names import stack_name
from pace_infra.units import REGISTRY, order_problem, stacks_of


def _manifest(synth_dir) -> dict[str, dict]:
    return json.loads((synth_dir / "manifest.json").read_text())["stacks"]


def test_one_stack_per_environment_and_unit_that_exists_there(synth_dir, environments):
    expected = {
        stack_name(env.name, unit.name)
        for env in environments
        for unit in REGISTRY
        if unit.exists(env)
    }
    assert set(_manifest(synth_dir)) == expected
    assert any(not unit.exists(env) for env in environments for unit in REGISTRY)  # dev: oncall


def test_every_stack_takes_handles_only_of_stacks_the_registry_puts_before_it(
    synth_dir, environments
):
    manifest = _manifest(synth_dir)
    for env in environments:
        dependencies = {name: manifest[name]["dependencies"] for name in stacks_of(env)}
        assert order_problem(stacks_of(env), dependencies) is None, env.name
        # and within its own environment
        assert all(d.startswith(f"{env.name}-") for deps in dependencies.values() for d in deps), (
            env.name
        )


def test_each_stack_is_synthesized_under_its_own_name(stacks):
    for name, doc in stacks.items():
        assert doc["//"]["metadata"]["stackName"] == name
