"""`make validate`'s harness, fed broken stacks: the real providers must refuse them."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pace_infra.tools.toolchain.setup import Toolchain
from pace_infra.tools.toolchain.validate import (
    Diagnostic,
    StackResult,
    ensure_synth,
    parse_diagnostics,
    report,
    stack_files,
    synth_is_fresh,
    validate_all,
)
from tests.helpers import resources


def _validate(toolchain, tmp_path: Path, documents: dict[str, dict]) -> dict[str, StackResult]:
    files = {}
    for name, document in documents.items():
        path = tmp_path / "in" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(document))
        files[name] = path
    results = validate_all(files, tmp_path / "work", toolchain)
    return {result.name: result for result in results}


def _messages(result: StackResult) -> list[str]:
    return [d.line() for d in result.diagnostics if d.severity == "error"]


def test_synthesized_stacks_validate_clean(toolchain, stacks, tmp_path):
    chosen = {name: stacks[name] for name in ("prod-databases", "prod-monitoring")}
    for result in _validate(toolchain, tmp_path, chosen).values():
        assert result.validated and result.diagnostics == (), result


def test_a_promoted_dr_replica_validates_with_the_real_provider(toolchain, stacks, tmp_path):
    # `databases.dr_promoted` renders the replica as a primary (instance_type, no master):
    # no environment sets it, so `make validate` alone would never check that shape.
    from tests.constructs.test_postgres import PROMOTED, _synth

    promoted = resources(_synth(PROMOTED), "google_sql_database_instance")["pace_db_dr_replica"]
    assert promoted["instance_type"] == "CLOUD_SQL_INSTANCE"
    document = copy.deepcopy(stacks["prod-databases"])
    document["resource"]["google_sql_database_instance"]["pace_db_dr_replica"] = promoted
    result = _validate(toolchain, tmp_path, {"promoted": document})["promoted"]
    assert result.validated and result.diagnostics == (), result


def test_an_attribute_the_provider_does_not_have_is_an_error(toolchain, stacks, tmp_path):
    broken = copy.deepcopy(stacks["prod-databases"])
    broken["resource"]["google_sql_database_instance"]["pace_db"]["bogus_attribute"] = 1
    result = _validate(toolchain, tmp_path, {"broken": broken})["broken"]
    assert any(
        'No argument or block type is named "bogus_attribute"' in line
        and "google_sql_database_instance.pace_db" in line
        for line in _messages(result)
    ), result


def test_an_invalid_ssl_mode_is_refused_with_the_providers_own_message(toolchain, stacks, tmp_path):
    # ip_configuration holds a cross-stack reference, so terraform validate alone skips the
    # block's validators: only the copy with references resolved can catch this.
    broken = copy.deepcopy(stacks["prod-databases"])
    instance = broken["resource"]["google_sql_database_instance"]["pace_db"]
    instance["settings"]["ip_configuration"]["ssl_mode"] = "REQUIRE_NOTHING"
    result = _validate(toolchain, tmp_path, {"broken": broken})["broken"]
    expected = (
        "expected settings.0.ip_configuration.0.ssl_mode to be one of "
        '["ALLOW_UNENCRYPTED_AND_ENCRYPTED" "ENCRYPTED_ONLY" "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]'
        ", got REQUIRE_NOTHING"
    )
    assert any(expected in line for line in _messages(result)), result


def test_a_broken_reference_is_caught_in_the_stack_as_synthesized(toolchain, stacks, tmp_path):
    broken = copy.deepcopy(stacks["prod-databases"])
    database = broken["resource"]["google_sql_database"]["pace_db_database"]
    database["instance"] = "${google_sql_database_instance.pace_db.no_such_attribute}"
    result = _validate(toolchain, tmp_path, {"broken": broken})["broken"]
    lines = [d for d in result.diagnostics if d.summary == "Unsupported attribute"]
    assert lines and not lines[0].resolved, result


def test_a_time_grouping_with_two_services_is_refused_by_pagerduty(toolchain, stacks, tmp_path):
    """PagerDuty 3.30.8's ValidateConfig: one service per `time` setting.

    Where the pagerduty provider cannot be had (see README, "Validating"), the harness must say
    the stack was not validated rather than pass it.
    """
    broken = copy.deepcopy(stacks["prod-oncall"])
    services = [
        f"${{pagerduty_service.{logical_id}.id}}"
        for logical_id in broken["resource"]["pagerduty_service"]
    ]
    broken["resource"]["pagerduty_alert_grouping_setting"] = {
        "storm": {"name": "storm", "type": "time", "config": {"timeout": 900}, "services": services}
    }
    result = _validate(toolchain, tmp_path, {"broken": broken})["broken"]
    if "pagerduty" in toolchain.unavailable:
        assert result.missing == ("pagerduty",) and not result.validated
    else:
        message = 'Setting of type "time" allows for only one service in the array'
        assert any(message in line for line in _messages(result)), result


def test_a_stack_whose_provider_is_unavailable_is_reported_not_validated(stacks, tmp_path):
    unavailable = {"pagerduty": "403"}
    toolchain = Toolchain("terraform", "terraform 1.11.4", tmp_path / "rc", {}, unavailable)
    source = tmp_path / "out" / "stacks" / "prod-oncall" / "cdk.tf.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps({"terraform": {"required_providers": {"pagerduty": {}}}}))
    (result,) = validate_all(stack_files(tmp_path / "out"), tmp_path / "work", toolchain)
    assert (result.validated, result.missing) == (False, ("pagerduty",))
    lines = report([result], toolchain)
    assert "pagerduty is unavailable here: 403" in lines[1]
    assert "not validated: needs pagerduty" in lines[2]
    assert lines[-1] == (
        "0 of 1 stack validated: 0 errors, 0 warnings; "
        "NOT validated (providers unavailable here): prod-oncall"
    )


def test_report_lists_each_finding_under_its_stack():
    toolchain = Toolchain("t", "terraform 1.11.4", Path("rc"), {"google": "built"}, {})
    bad = Diagnostic("error", "Invalid value", "bad", "resource.x.y", resolved=True)
    lines = report([StackResult("a", ()), StackResult("b", (bad,))], toolchain)
    assert lines[0] == (
        "validating with terraform 1.11.4; providers: google built from its Go module"
    )
    assert lines[1].split() == ["ok", "a", "0", "errors,", "0", "warnings"]
    assert lines[2].split()[:2] == ["FAIL", "b"]
    assert lines[3].strip() == "error: Invalid value: bad [resource.x.y] (references resolved)"
    assert lines[-1] == "2 of 2 stacks validated: 1 error, 0 warnings"


def test_output_that_is_not_json_is_one_error():
    [(filename, diagnostic)] = parse_diagnostics("panic: provider crashed")
    assert filename == "" and diagnostic.severity == "error"
    assert "provider crashed" in diagnostic.detail


@pytest.mark.parametrize("touched, fresh", [("manifest", True), ("input", False)])
def test_a_synth_is_fresh_only_when_newer_than_every_input(tmp_path, touched, fresh):
    import os

    (tmp_path / "pace_infra").mkdir()
    source = tmp_path / "pace_infra" / "app.py"
    source.write_text("")
    manifest = tmp_path / "cdktf.out" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{}")
    os.utime(source, (100, 100))
    os.utime(manifest, (200, 200))
    if touched == "input":
        os.utime(source, (300, 300))
    assert synth_is_fresh(tmp_path / "cdktf.out", repo=tmp_path) is fresh


def test_ensure_synth_synthesizes_only_a_stale_output(tmp_path, monkeypatch):
    # make test's one synth: validate and the alert scenarios both call it; the second finds
    # the output fresh and synthesizes nothing.
    from pace_infra.tools.toolchain import validate

    runs = []

    class Done:
        returncode = 0

    monkeypatch.setattr(validate.subprocess, "run", lambda cmd, **kw: runs.append(kw) or Done())
    monkeypatch.setattr(validate, "synth_is_fresh", lambda outdir: outdir.name == "fresh")
    assert ensure_synth(tmp_path / "fresh", "x") and runs == []
    assert ensure_synth(tmp_path / "stale", "x")
    assert runs[0]["env"]["CDKTF_OUTDIR"] == str(tmp_path / "stale")
