"""Checkov over every synthesized stack: zero failed checks, and every skip has its reason."""

from __future__ import annotations

import json
import re
import subprocess

from tests.conftest import REPO

CHECKOV = REPO / ".tools" / "checkov" / "bin" / "checkov"
CONFIG = REPO / ".checkov.yaml"


# Checks that crash on cdktf's JSON (Checkov adds integer __startline__/__endline__ markers to
# every dict, and these index into each database flag's values): they never evaluate, so the
# flag each one would check is asserted here instead.
KNOWN_CRASHES = {
    "GoogleCloudPostgreSqlLogLockWaits": ("log_lock_waits", "on"),
    "GoogleCloudPostgreSqlLogMinDuration": ("log_min_duration_statement", "-1"),
}
CRASH = re.compile(r"checks/resource/gcp/(\w+)\.py\", line \d+, in scan_resource_conf")


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
    crashed = set(CRASH.findall(result.stderr))
    assert crashed <= set(KNOWN_CRASHES), f"Checkov checks crashed: {crashed - set(KNOWN_CRASHES)}"
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
    # Checkov has Google (and Kubernetes) checks, not PagerDuty ones: every stack with a Google
    # resource is read.
    with_google_resources = {
        p.parent.name
        for p in (synth_dir / "stacks").glob("*/cdk.tf.json")
        if any(kind.startswith("google_") for kind in json.loads(p.read_text()).get("resource", {}))
    }
    assert with_google_resources <= scanned


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


def test_flags_of_the_checks_checkov_cannot_run_are_set(stacks):
    instances = [
        instance
        for doc in stacks.values()
        for instance in doc.get("resource", {}).get("google_sql_database_instance", {}).values()
    ]
    assert instances
    for instance in instances:
        flags = {f["name"]: f["value"] for f in instance["settings"]["database_flags"]}
        for name, value in KNOWN_CRASHES.values():
            assert flags[name] == value, (instance["name"], name)
