"""One synth of every environment per session; tests read its JSON.

The provider bindings cost seconds to load and synthesis well under one, so every stack test
shares this fixture instead of building its own App.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pace_infra.tools.cli import use_pinned_node

REPO = Path(__file__).resolve().parent.parent

# Before anything imports cdktf: jsii must start on the repo's Node 22, not the machine's Node 20.
use_pinned_node()


@pytest.fixture(scope="session")
def environments():
    from pace_infra.config import load_environments

    return load_environments(REPO / "environments")


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory, environments) -> Path:
    """Every environment's stacks, synthesized once into a temporary directory."""
    from pace_infra.app import build_app

    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    build_app(environments, outdir=str(outdir)).synth()
    return outdir


@pytest.fixture(scope="session")
def stacks(synth_dir) -> dict[str, dict]:
    """Stack name -> parsed cdk.tf.json."""
    return {
        path.parent.name: json.loads(path.read_text())
        for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    }


@pytest.fixture(scope="session")
def toolchain():
    """The real toolchain (CLI and providers) for the tests that run it: built or found once."""
    from pace_infra.tools.toolchain.setup import prepare

    return prepare()
