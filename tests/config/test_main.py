"""`python -m pace_infra.config`: every environment file validated; exit 2 with one line on the
first error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _run(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pace_infra.config"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_environments_pass_with_exit_0():
    result = _run(REPO)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "environments OK: dev, prod, staging\n"


def test_a_control_character_exits_2_with_one_line(tmp_path):
    directory = tmp_path / "environments"
    directory.mkdir()
    (directory / "dev.yaml").write_text("name: dev\x1b[31m\n")
    result = _run(tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "environments/dev.yaml: (yaml): not valid YAML: unacceptable character #x001b: "
        "special characters are not allowed at line 1"
    ]
