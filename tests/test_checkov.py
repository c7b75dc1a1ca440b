"""Checkov over every synthesized stack: zero failed checks, and every skip has its reason."""

from __future__ import annotations

import json
import re
import subprocess

from tests.conftest import REPO

CHECKOV = REPO / ".tools" / "checkov" / "bin" / "checkov"
CONFIG = REPO / ".checkov.yaml"


def _reports(output: str) -> list[dict]:
    data = json.loads(output)
    return data if isinstance(data, list) else [data]


def test_checkov_finds_no_failed_check(synth_dir):
    assert CHECKOV.exists(), (
        "Checkov is not installed: run `make test` (it installs .tools/checkov)"
    )
    result = subprocess.run(
        [str(CHECKOV), "--config-file", str(CONFIG), "-d", str(synth_dir / "stacks"), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    reports = _reports(result.stdout)
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
    ]
    passed = sum(report.get("summary", {}).get("passed", 0) for report in reports)
    assert failed == []
    # A scan that read nothing also has no failures: make sure it read every stack.
    scanned = {
        check["file_path"].strip("/").split("/")[0]
        for report in reports
        for check in report.get("results", {}).get("passed_checks", [])
    }
    assert passed > 0
    assert scanned == {p.name for p in (synth_dir / "stacks").iterdir()}


def test_every_checkov_skip_carries_its_reason():
    lines = CONFIG.read_text().splitlines()
    entry = re.compile(r"^\s*-\s*(CKV2?_[A-Z0-9]+_\d+)\s*(#.*)?$")
    unexplained = []
    for number, line in enumerate(lines):
        match = entry.match(line)
        if not match:
            continue
        comment = match.group(2) or ""
        above = number - 1
        while above >= 0 and lines[above].lstrip().startswith("#"):
            comment += lines[above]
            above -= 1
        if len(comment.strip("# ")) < 40:
            unexplained.append(match.group(1))
    assert unexplained == []
    assert "skip-check" in CONFIG.read_text()
