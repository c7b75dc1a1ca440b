"""make deploy-order: the registry's order, checked against the synthesized manifest."""

from __future__ import annotations

import json

import pytest

from pace_infra.tools.deploy_order import environment_order, main
from pace_infra.units import UNITS


def test_environment_order_refuses_a_manifest_the_registry_does_not_match():
    manifest = {
        "stacks": {
            "prod-network": {"dependencies": ["prod-gke"]},
            "prod-gke": {"dependencies": []},
        }
    }
    with pytest.raises(ValueError, match="prod-network depends on prod-gke, which comes after it"):
        environment_order(manifest, "prod")
    manifest = {"stacks": {"prod-network": {}, "prod-extra": {}}}
    with pytest.raises(ValueError, match="not in the deploy-unit registry: prod-extra"):
        environment_order(manifest, "prod")


def test_environment_order_from_the_synthesized_manifest(synth_dir):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    order = environment_order(manifest, "prod")
    # The registry's order: bootstrap holds the state bucket every other backend needs.
    assert order == [f"prod-{unit}" for unit in UNITS]
    for name in order:
        for dependency in manifest["stacks"][name]["dependencies"]:
            assert order.index(dependency) < order.index(name), (dependency, name)
    assert set(order) == {n for n in manifest["stacks"] if n.startswith("prod-")}


def test_deploy_order_says_in_one_line_why_it_cannot_order(tmp_path, monkeypatch, capsys):
    (tmp_path / "cdktf.out").mkdir()
    manifest = {"stacks": {"prod-network": {"dependencies": ["prod-gke"]}, "prod-gke": {}}}
    (tmp_path / "cdktf.out" / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    assert main(["prod"]) == 2
    assert capsys.readouterr().err == (
        "deploy-order: the registry's order is wrong: "
        "prod-network depends on prod-gke, which comes after it\n"
    )
