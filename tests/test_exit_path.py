"""The exit path: `npx cdktf synth --hcl` writes plain HCL for every stack.

CDKTF is archived upstream; as long as this passes the team can leave it for plain Terraform.
"""

from __future__ import annotations

import os
import re
import subprocess

from tests.conftest import REPO

RESOURCE = re.compile(r'^resource "([a-z0-9_]+)" "([^"]+)" \{', re.MULTILINE)


def test_cdktf_synth_hcl_declares_every_resource_of_every_stack(tmp_path, stacks):
    env = {
        **os.environ,
        "PATH": f"{REPO / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "CHECKPOINT_DISABLE": "1",
        "CI": "true",
    }
    result = subprocess.run(
        ["npx", "--no-install", "cdktf", "synth", "--hcl", "--output", str(tmp_path / "hcl")],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for name, document in stacks.items():
        hcl = (tmp_path / "hcl" / "stacks" / name / "cdk.tf").read_text()
        assert "terraform {" in hcl, name
        declared = set(RESOURCE.findall(hcl))
        expected = {
            (kind, logical_id)
            for kind, by_id in document.get("resource", {}).items()
            for logical_id in by_id
        }
        assert declared == expected, name
