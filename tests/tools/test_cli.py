"""`python main.py` / `cdktf synth`: exit codes, one-line errors, and nothing lost on failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cdktf
import pytest
import yaml
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_google.storage_bucket import StorageBucket

from pace_infra.policies import house_rules
from pace_infra.tools import cli
from tests.conftest import REPO
from tests.helpers import run_cdktf


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory with a copy of the environments and an earlier good cdktf.out."""
    shutil.copytree(REPO / "environments", tmp_path / "environments")
    earlier = tmp_path / "cdktf.out" / "stacks" / "prod-network"
    earlier.mkdir(parents=True)
    (earlier / "cdk.tf.json").write_text('{"earlier": "good synth"}')
    (tmp_path / "cdktf.out" / "manifest.json").write_text('{"stacks": {}}')
    return tmp_path


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in directory.rglob("*")
        if p.is_file()
    }


def _break_prod(workdir: Path) -> None:
    path = workdir / "environments" / "prod.yaml"
    data = yaml.safe_load(path.read_text())
    data["deletion_protection"] = False
    path.write_text(yaml.safe_dump(data))


@pytest.mark.parametrize(
    "command", [["main.py"], ["-m", "pace_infra.config"]], ids=["main.py", "config-check"]
)
def test_bad_config_exits_2_with_one_line_and_keeps_cdktf_out(workdir, command):
    _break_prod(workdir)
    before = _snapshot(workdir / "cdktf.out")
    argv = [sys.executable, *(str(REPO / c) if c == "main.py" else c for c in command)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(argv, cwd=workdir, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "environments/prod.yaml: deletion_protection: must be true in a prod environment "
        "(only dev may be torn down by Terraform)"
    ]
    assert result.stdout == ""
    assert _snapshot(workdir / "cdktf.out") == before


def _violating_app(environments, outdir=None):
    app = cdktf.App(outdir=outdir)
    stack = cdktf.TerraformStack(app, "prod-bad")
    GoogleProvider(stack, "google", project="pace-t")
    StorageBucket(stack, "b", name="b", location="EU", labels={"system": "web"}, force_destroy=True)
    cdktf.Aspects.of(stack).add(house_rules(protected=True))
    return app


def test_refused_synth_exits_1_and_keeps_cdktf_out(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    monkeypatch.setattr("pace_infra.app.build_app", _violating_app)
    before = _snapshot(workdir / "cdktf.out")
    assert cli.synth(Path("cdktf.out")) == 1
    assert "force_destroy=true" in capsys.readouterr().err
    assert _snapshot(workdir / "cdktf.out") == before
    assert not list(workdir.glob(".cdktf.out.staging-*")), "staging directory left behind"


def test_good_synth_replaces_stacks_and_keeps_terraform_working_files(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    kept = workdir / "cdktf.out" / "stacks" / "prod-network" / ".terraform.lock.hcl"
    kept.write_text("# provider lock from an earlier terraform init")
    orphan = workdir / "cdktf.out" / "stacks" / "old-stack"
    orphan.mkdir()
    assert cli.synth(Path("cdktf.out")) == 0
    stack = json.loads(
        (workdir / "cdktf.out" / "stacks" / "prod-network" / "cdk.tf.json").read_text()
    )
    assert "resource" in stack
    assert kept.exists()
    assert not orphan.exists()
    manifest = json.loads((workdir / "cdktf.out" / "manifest.json").read_text())
    assert "prod-network" in manifest["stacks"]


def test_error_annotations_in_the_manifest_are_reported(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "stacks": {
                    "dev-x": {
                        "annotations": [
                            {"constructPath": "dev-x/a", "level": "@cdktf/warn", "message": "w"},
                            {"constructPath": "dev-x/b", "level": "@cdktf/error", "message": "e"},
                        ]
                    }
                }
            }
        )
    )
    assert cli._error_annotations(manifest) == ["[dev-x/b] e"]


def test_cdktf_cli_synth_works_on_the_pinned_node(tmp_path, stacks):
    result = run_cdktf("synth", "--output", str(tmp_path / "out"), cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "end-of-life" not in result.stdout + result.stderr
    written = sorted(p.parent.name for p in (tmp_path / "out" / "stacks").glob("*/cdk.tf.json"))
    assert written == sorted(stacks)
