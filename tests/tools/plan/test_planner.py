"""`make plan` / `make apply-plan`: what is planned, what a plan may be trusted for, what is
applied, and a real plan-apply cycle with the real CLI (built-in provider, local backend)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pace_infra.tools.plan import workspace
from pace_infra.tools.plan.__main__ import main as plan_main
from pace_infra.tools.plan.apply import decide
from pace_infra.tools.plan.apply import main as apply_main
from pace_infra.tools.plan.planner import StackPlan, mark_incomplete, plan_stack, skip_reason
from pace_infra.tools.review.model import ResourceChange, StackReview
from pace_infra.tools.toolchain.setup import Toolchain

# --- credentials and refusals -------------------------------------------------------------------


def _no_credentials(monkeypatch, tmp_path) -> None:
    for name in (*workspace.CREDENTIAL_VARIABLES, workspace.TOKEN_VARIABLE, "CLOUDSDK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/gcloud ADC file there


def test_credentials_are_found_where_googles_libraries_look(tmp_path):
    adc = tmp_path / "gcloud" / "application_default_credentials.json"
    assert workspace.credentials_problem({"HOME": str(tmp_path)}).startswith("no Google")
    adc.parent.mkdir()
    adc.write_text("{}")
    assert workspace.credentials_problem({"CLOUDSDK_CONFIG": str(adc.parent)}) is None
    assert workspace.credentials_problem({"GOOGLE_OAUTH_ACCESS_TOKEN": "t"}) is None
    missing = {"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "nope.json")}
    assert "does not exist" in workspace.credentials_problem(missing)


def test_plan_without_credentials_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    _no_credentials(monkeypatch, tmp_path)
    assert plan_main(["prod"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("make plan: no Google credentials")


def test_plan_of_an_unknown_environment_is_one_line_exit_2(capsys):
    assert plan_main(["qa"]) == 2
    assert capsys.readouterr().err.startswith("make plan: unknown environment 'qa'")


def test_apply_refuses_without_saved_plans_or_with_another_commits(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(workspace, "PLANS", tmp_path / "plans")
    assert apply_main(["prod"]) == 2
    assert "run make plan first" in capsys.readouterr().err
    (tmp_path / "plans" / "prod").mkdir(parents=True)
    (tmp_path / "plans" / "prod" / "plans.json").write_text(
        json.dumps({"environment": "prod", "commit": "0" * 40, "stacks": []})
    )
    assert apply_main(["prod"]) == 2
    assert "plan again" in capsys.readouterr().err


# --- what is planned, what a plan is worth ----------------------------------------------------


def _stack(tmp_path: Path, document: dict) -> workspace.StackDir:
    return workspace.StackDir("prod-x", tmp_path, document)


TOOLCHAIN = Toolchain("tofu", "tofu", Path("cli.tfrc"), {"google": "built"}, {"helm": "403"})


def test_a_stack_is_not_planned_when_a_provider_token_or_its_local_state_is_missing(tmp_path):
    needs = {"terraform": {"required_providers": {"helm": {}}}}
    assert "provider helm is unavailable here (403)" in skip_reason(
        _stack(tmp_path, needs), TOOLCHAIN, {}
    )
    pagerduty = {"terraform": {"required_providers": {"pagerduty": {}}}}
    assert "PAGERDUTY_TOKEN" in skip_reason(_stack(tmp_path, pagerduty), TOOLCHAIN, {})
    assert skip_reason(_stack(tmp_path, pagerduty), TOOLCHAIN, {"PAGERDUTY_TOKEN": "t"}) == ""
    local = {"terraform": {"backend": {"local": {"path": str(tmp_path / "x.tfstate")}}}}
    assert "its state is local (x.tfstate)" in skip_reason(_stack(tmp_path, local), TOOLCHAIN, {})


def _planned(name: str, changed: bool) -> StackPlan:
    changes = [ResourceChange("update", "google_x.y")] if changed else []
    return StackPlan(name, review=StackReview(name, changes=changes), plan_file=f"{name}.tfplan")


def test_a_plan_downstream_of_pending_changes_says_it_may_be_incomplete():
    plans = [_planned("p-network", True), _planned("p-gke", False), _planned("p-platform", True)]
    mark_incomplete(plans, {"p-network": [], "p-gke": ["p-network"], "p-platform": ["p-gke"]})
    assert plans[0].incomplete_because == []
    assert plans[1].incomplete_because == ["p-network"]  # direct
    assert plans[2].incomplete_because == ["p-network"]  # through gke
    assert "may be incomplete" in plans[2].review.notes[0]


def _entry(**overrides) -> dict:
    entry = {"name": "p-gke", "plan": "p-gke.tfplan", "error": "", "not_planned": ""}
    return {**entry, "incomplete_because": [], **overrides}


@pytest.mark.parametrize(
    ("entry", "applied", "action"),
    [
        (_entry(), [], "apply"),
        (_entry(plan=None), [], "skip"),
        (_entry(not_planned="no PAGERDUTY_TOKEN"), [], "skip"),
        (_entry(error="plan failed: Error: 403"), [], "stop"),
        (_entry(incomplete_because=["p-network"]), ["p-network"], "stop"),
        # The upstream's changes were not applied in this run: the plan read what is real.
        (_entry(incomplete_because=["p-cicd"]), [], "apply"),
    ],
    ids=["planned", "unchanged", "not-planned", "failed", "stale-upstream", "upstream-by-hand"],
)
def test_apply_applies_only_reviewed_plans_that_still_hold(entry, applied, action):
    assert decide(entry, applied)[0] == action


# --- a real plan-apply cycle --------------------------------------------------------------------


def _write_stack(outdir: Path, resources: dict) -> None:
    stack = outdir / "stacks" / "t-local"
    stack.mkdir(parents=True, exist_ok=True)
    document = {
        # As synthesized for bootstrap: relative to cdktf.out/stacks/<stack>/.
        "terraform": {"backend": {"local": {"path": "../../../t-local.tfstate"}}},
        "resource": {"terraform_data": resources},
    }
    (stack / "cdk.tf.json").write_text(json.dumps(document))


def _apply(toolchain, outdir: Path, workdir: Path, *args: str) -> None:
    stack = workspace.stage(outdir, "t-local", workdir)
    workspace.init(toolchain, stack)
    workspace.run(toolchain, stack, "apply", "-input=false", *args)


def test_a_saved_plan_is_applied_as_reviewed_and_refused_once_stale(toolchain, tmp_path):
    outdir, workdir, plans = tmp_path / "cdktf.out", tmp_path / "work", tmp_path / "plans"
    plans.mkdir()
    _write_stack(
        outdir,
        {"a": {"input": "one"}, "b": {"triggers_replace": ["x"]}, "c": {"input": "gone"}},
    )
    _apply(toolchain, outdir, workdir, "-auto-approve")
    assert (tmp_path / "t-local.tfstate").is_file()  # the local backend path was kept

    _write_stack(outdir, {"a": {"input": "two"}, "b": {"triggers_replace": ["y"]}})
    planned = plan_stack(outdir, "t-local", toolchain, plans, {}, workdir)
    actions = {c.address: (c.action, c.reason) for c in planned.review.changes}
    assert actions == {
        "terraform_data.a": ("update", ""),
        "terraform_data.b": ("replace", "triggers_replace forces replacement"),
        "terraform_data.c": ("destroy", ""),
    }
    _apply(toolchain, outdir, workdir, str(plans / planned.plan_file))
    assert not plan_stack(outdir, "t-local", toolchain, plans, {}, workdir).changed

    _write_stack(outdir, {"a": {"input": "three"}, "b": {"triggers_replace": ["y"]}})
    reviewed = plan_stack(outdir, "t-local", toolchain, plans, {}, workdir)
    _apply(toolchain, outdir, workdir, "-auto-approve")  # someone applies first
    with pytest.raises(workspace.PlanError, match=r"[Ss]aved plan is stale"):
        _apply(toolchain, outdir, workdir, str(plans / reviewed.plan_file))
