"""The exit path: `npx cdktf synth --hcl` writes plain HCL for every stack.

CDKTF is archived upstream; as long as this passes the team can leave it for plain Terraform.
"""

from __future__ import annotations

import re

from tests.conftest import REPO
from tests.helpers import run_cdktf

RESOURCE = re.compile(r'^resource "([a-z0-9_]+)" "([^"]+)" \{', re.MULTILINE)


def test_cdktf_synth_hcl_declares_every_resource_of_every_stack(tmp_path, stacks):
    result = run_cdktf("synth", "--hcl", "--output", str(tmp_path / "hcl"), cwd=REPO)
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
