"""No synthesized file holds an absolute machine path or a secret-looking literal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.helpers import hcl_unsafe_strings, machine_paths, secret_findings


def _synthesized_files(synth_dir: Path) -> list[Path]:
    return sorted(p for p in synth_dir.rglob("*") if p.is_file())


def test_no_absolute_machine_path_in_any_synthesized_file(synth_dir):
    roots = (str(REPO), str(Path.home()), str(synth_dir), os.getcwd())
    offenders = {
        str(path.relative_to(synth_dir)): found
        for path in _synthesized_files(synth_dir)
        if (found := machine_paths(path.read_text(), *roots))
    }
    assert offenders == {}


def test_no_secret_literal_in_any_synthesized_file(synth_dir):
    offenders = {
        str(path.relative_to(synth_dir)): found
        for path in _synthesized_files(synth_dir)
        if (found := secret_findings(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "text",
    [
        '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE"',
        '{"type": "service_account", "project_id": "x"}',
        '"api_key": "AIzaSyA1234567890abcdefghijklmnopqrstuv"',
        '"service_key": "0123456789abcdef0123456789abcdef"',
        '"password": "hunter2"',
    ],
)
def test_secret_scanner_catches_literals(text):
    assert secret_findings(text)


def test_secret_scanner_accepts_references():
    assert (
        secret_findings('"service_key": "${pagerduty_service_integration.web.integration_key}"')
        == []
    )


@pytest.mark.parametrize(
    "text", ['"path": "/home/alice/pace/x.tfstate"', '"p": "/tmp/abc"', '"p": "C:\\\\pace"']
)
def test_path_scanner_catches_machine_paths(text):
    assert machine_paths(text)


def test_path_scanner_accepts_relative_paths_and_url_paths():
    assert (
        machine_paths('"path": "../../../terraform.dev-bootstrap.tfstate", "u": "/healthz"') == []
    )


def test_no_string_breaks_the_hcl_exit_path(stacks):
    # cdktf synth --hcl leaves quotes unescaped in a string holding a reference (see
    # pace_infra/monitoring/filters.py); such a string would corrupt the HCL of its whole stack.
    offenders = {name: found for name, doc in stacks.items() if (found := hcl_unsafe_strings(doc))}
    assert offenders == {}


def test_hcl_scanner_flags_quotes_beside_a_reference():
    assert hcl_unsafe_strings({"f": 'metric.label.check_id="${google_x.y.id}"'}) == [".f"]
    assert hcl_unsafe_strings({"f": '${format("check_id=%q", google_x.y.id)}'}) == []
    assert hcl_unsafe_strings({"f": 'metric.type="kubernetes.io/x"'}) == []
    # A Workflows source escaped for Terraform holds no reference at all.
    assert hcl_unsafe_strings({"f": 'a: $${"x" + y}'}) == []
