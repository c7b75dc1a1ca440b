"""Every stack together: which stacks exist, determinism, the manifest, no token in state.

What one stack holds is tested in its own module (tests/stacks/test_<unit>.py)."""

from __future__ import annotations

import json

from pace_infra.app import build_app
from pace_infra.units import UNITS, units_of


def test_stack_names_are_env_dash_unit(stacks, environments):
    assert set(stacks) == {f"{env.name}-{unit}" for env in environments for unit in units_of(env)}


def test_only_environments_with_pagerduty_have_an_oncall_stack(environments):
    for env in environments:
        assert ("oncall" in units_of(env)) is (env.oncall.mode != "none")
    assert set(UNITS) - set(units_of(next(e for e in environments if e.name == "dev"))) == {
        "oncall"
    }


def test_two_synths_are_byte_identical(synth_dir, environments, tmp_path):
    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    again = tmp_path / "again"
    build_app(environments, outdir=str(again)).synth()
    assert files(again) == files(synth_dir)


def test_manifest_lists_every_stack(synth_dir, stacks):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == sorted(stacks)


def test_no_provider_authenticates_with_a_token_kept_in_state(stacks):
    # A data source's result is written to state: a token read from google_client_config is
    # usable by whoever reads the state until it expires.
    for name, doc in stacks.items():
        assert "google_client_config" not in doc.get("data", {}), name
        assert "google_client_config" not in json.dumps(doc.get("provider", {})), name
        assert "access_token" not in json.dumps(doc.get("provider", {})), name
