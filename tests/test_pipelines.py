"""bitbucket-pipelines.yml, tools/ci-setup.sh, the pipeline's stack list, `make ci-credentials`."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from pace_infra import units
from pace_infra.tools import ci_credentials
from tests.conftest import REPO

PIPELINES = yaml.safe_load((REPO / "bitbucket-pipelines.yml").read_text())
MAKE_TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))


def _steps(entries):
    """Steps of a pipeline, parallel groups flattened, in order."""
    steps = []
    for entry in entries:
        if "parallel" in entry:
            steps += [item["step"] for item in entry["parallel"]]
        else:
            steps.append(entry["step"])
    return steps


PULL_REQUESTS = _steps(PIPELINES["pipelines"]["pull-requests"]["**"])
MAIN = _steps(PIPELINES["pipelines"]["branches"]["main"])
DRIFT = _steps(PIPELINES["pipelines"]["custom"]["drift-check"])
SETUP = (REPO / "tools" / "ci-setup.sh").read_text()
ENVS = ("dev", "staging", "prod")


def _all_steps():
    return [*PULL_REQUESTS, *MAIN, *DRIFT]


def _planner_lines(env: str, plan_args: str) -> list[str]:
    return [
        ". tools/ci-setup.sh --cluster-auth",
        f'eval "$(make -s ci-credentials CI_IDENTITY=planner ENV={env})"',
        f'make plan ENV={env} PLAN_ARGS="{plan_args}"',
    ]


def test_every_make_target_the_pipeline_runs_exists():
    used = {
        target
        for step in _all_steps()
        for line in step["script"]
        # a command: at the start of a line or inside $(...), not the Debian package "make"
        for target in re.findall(r"(?:^|\$\()make(?: -s)? ([a-z][a-z-]*)", line)
    }
    assert used and used <= MAKE_TARGETS, used - MAKE_TARGETS


def test_pull_requests_test_review_and_plan_every_environment_read_only():
    verify, *plans = PULL_REQUESTS
    assert [line.split(";")[0] for line in verify["script"] if line.startswith("make ")] == [
        "make test",
        "make synth",
        "make checkov",
        'make -s review REVIEW_ARGS="--format markdown --fail-on-risk" > review.md',
    ]
    assert verify["artifacts"] == ["cdktf.out/**", "review.md"]
    assert PIPELINES["clone"] == {"depth": "full"}
    assert [step["script"] for step in plans] == [
        _planner_lines(env, "--format markdown") for env in ENVS
    ]
    for step in plans:
        assert step["oidc"] is True and "deployment" not in step
        assert step["artifacts"]["paths"] == ["plans/**"]  # review.md of each environment


def test_main_plans_then_applies_the_reviewed_plan_of_each_environment_in_order():
    verify, *rest = MAIN
    assert "make test" in verify["script"]
    pairs = [rest[i : i + 2] for i in range(0, len(rest), 2)]
    assert [deploy["deployment"] for _, deploy in pairs] == list(ENVS)
    for env, (plan, deploy) in zip(ENVS, pairs, strict=True):
        assert plan["script"] == _planner_lines(env, "--format markdown")
        assert deploy["trigger"] == "manual" and deploy["oidc"] is True
        assert deploy["script"] == [
            # The downloaded synth is never used: only this run's plan files are.
            "rm -rf cdktf.out .terraform-plan",
            ". tools/ci-setup.sh --cluster-auth",
            'eval "$(make -s ci-credentials)"',
            "make apply-plan ENV=$BITBUCKET_DEPLOYMENT_ENVIRONMENT",
        ]
    text = (REPO / "bitbucket-pipelines.yml").read_text()
    assert "--auto-approve" not in text and "make deploy " not in text
    assert "GOOGLE_CREDENTIALS" not in text and "private_key" not in text


def test_drift_check_plans_every_environment_and_fails_on_any_change():
    assert [step["script"] for step in DRIFT] == [
        _planner_lines(env, "--format markdown --fail-on-change") for env in ENVS
    ]
    assert all("deployment" not in step for step in DRIFT)


def test_deploy_skips_the_hand_applied_stacks_and_keeps_dependency_order(environments):
    # bootstrap and cicd (the pipeline's own trust, and the state bucket's IAM, which the
    # deploy identity cannot read) are applied by an admin.
    envs = {env.name: env for env in environments}
    assert units.pipeline_stacks(envs["prod"]) == [
        "prod-network",
        "prod-gke",
        "prod-databases",
        "prod-edge",
        "prod-platform",
        "prod-oncall",
        "prod-monitoring",
    ]
    # dev has no PagerDuty (oncall.mode: none): no oncall stack to deploy.
    assert "dev-oncall" not in units.pipeline_stacks(envs["dev"])


def test_units_cli_refuses_an_unknown_environment(monkeypatch, capsys, environments):
    monkeypatch.chdir(REPO)
    assert units.main(["qa"]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err
    assert units.main(["dev"]) == 0
    dev = next(env for env in environments if env.name == "dev")
    assert capsys.readouterr().out.split() == units.pipeline_stacks(dev)


def test_credential_config_is_an_external_account_impersonating_the_deployer():
    config = ci_credentials.external_account_config(
        "projects/1/locations/global/workloadIdentityPools/p/providers/bitbucket-pipelines",
        "pace-prod-deploy@pace-crm-prod.iam.gserviceaccount.com",
        "/run/token",
    )
    assert config["type"] == "external_account"
    assert config["audience"] == (
        "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/"
        "bitbucket-pipelines"
    )
    assert config["service_account_impersonation_url"].endswith(
        "serviceAccounts/pace-prod-deploy@pace-crm-prod.iam.gserviceaccount.com:generateAccessToken"
    )
    assert config["credential_source"] == {"file": "/run/token"}


def test_ci_credentials_writes_private_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "header.payload.signature")
    monkeypatch.setenv(
        "WIF_PROVIDER", "projects/1/locations/global/workloadIdentityPools/p/providers/b"
    )
    monkeypatch.setenv("DEPLOY_SERVICE_ACCOUNT", "d@p.iam.gserviceaccount.com")
    monkeypatch.setenv("CI_CREDENTIALS_DIR", str(tmp_path / "creds"))
    assert ci_credentials.main([]) == 0
    config_file = tmp_path / "creds" / "google-credentials.json"
    assert capsys.readouterr().out.strip() == f"export GOOGLE_APPLICATION_CREDENTIALS={config_file}"
    assert (tmp_path / "creds" / "oidc-token").read_text() == "header.payload.signature"
    assert json.loads(config_file.read_text())["credential_source"]["file"].endswith("oidc-token")
    assert config_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("missing", ci_credentials.REQUIRED)
def test_ci_credentials_names_what_is_missing(monkeypatch, capsys, missing):
    for name in ci_credentials.REQUIRED:
        monkeypatch.setenv(name, "x")
    monkeypatch.delenv(missing)
    assert ci_credentials.main([]) == 2
    assert missing in capsys.readouterr().err


def test_every_step_first_sources_the_setup_with_a_checksummed_go():
    for step in _all_steps():
        script = [line for line in step["script"] if not line.startswith("rm -rf")]
        assert script[0].startswith(". tools/ci-setup.sh"), step["name"]
    assert re.search(r"^GO_TOOLCHAIN_SHA256=[0-9a-f]{64}$", SETUP, re.MULTILINE)
    assert "proxy.golang.org/golang.org/toolchain/@v/" in SETUP
    assert "sha256sum -c - || return 1" in SETUP


def test_steps_with_cluster_access_install_the_exec_plugin_the_providers_run():
    from pace_infra.stacks.platform import CLUSTER_AUTH_PLUGIN

    plugin = SETUP[SETUP.index("--cluster-auth") :]
    # From Google's repository, with its key trusted for that repository only.
    assert "signed-by=/usr/share/keyrings/cloud.google.gpg" in plugin
    assert re.search(rf"apt-get install .*{CLUSTER_AUTH_PLUGIN}", plugin)
    for step in _all_steps():
        if step.get("oidc"):
            assert ". tools/ci-setup.sh --cluster-auth" in step["script"], step["name"]


def test_nothing_a_pull_request_can_write_reaches_a_step_with_credentials():
    for step in _all_steps():
        if step.get("oidc"):
            # A cache (a poisoned .venv, a planted .terraform/) would run with the identity.
            assert "caches" not in step, step["name"]
        if "deployment" not in step:
            # Plan steps: artifacts of earlier steps are not theirs to run.
            assert not step.get("oidc") or step["artifacts"]["download"] is False, step["name"]
            # Without a deployment a token is only ever the planner's.
            calls = [line for line in step["script"] if "ci-credentials" in line]
            assert all("CI_IDENTITY=planner" in line for line in calls), step["name"]
    # Deploy steps only on main, after steps of the same run (artifacts belong to one run).
    assert not any("deployment" in step for step in (*PULL_REQUESTS, *DRIFT))
    # Only caches of downloads installed against hashes; never the virtualenv.
    assert set(PIPELINES["definitions"]["caches"]) == {"npm-cache"}
    assert all(c in ("pip", "npm-cache") for s in _all_steps() for c in s.get("caches", []))


def test_the_planner_credentials_are_derived_from_the_environment_file(
    tmp_path, monkeypatch, capsys, environments
):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "header.payload.signature")
    monkeypatch.setenv("CI_CREDENTIALS_DIR", str(tmp_path / "creds"))
    monkeypatch.delenv("DEPLOY_SERVICE_ACCOUNT", raising=False)
    prod = next(env for env in environments if env.name == "prod")
    assert ci_credentials.main(["--planner", "prod"]) == 0
    config = json.loads((tmp_path / "creds" / "google-credentials.json").read_text())
    assert config["audience"] == (
        f"//iam.googleapis.com/projects/{prod.project_number}/locations/global/"
        "workloadIdentityPools/pace-prod-bitbucket/providers/bitbucket-pipelines"
    )
    assert config["service_account_impersonation_url"].endswith(
        f"serviceAccounts/pace-prod-planner@{prod.project_id}.iam.gserviceaccount.com"
        ":generateAccessToken"
    )
    capsys.readouterr()
    assert ci_credentials.main(["--planner", "qa"]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err


def test_the_step_image_is_pinned_by_digest():
    image, digest = PIPELINES["image"].split("@sha256:")
    assert image == "python:3.11-bookworm" and len(digest) == 64


def test_every_python_dependency_is_installed_against_a_hash():
    makefile = (REPO / "Makefile").read_text()
    assert makefile.count("--require-hashes") == 2  # pipenv itself, Checkov (pipenv sync: lock)
    for name in ("tools/pipenv-requirements.txt", "tools/checkov-requirements.txt"):
        pins = [
            line for line in (REPO / name).read_text().split("\n") if re.match(r"^[A-Za-z]", line)
        ]
        blocks = (REPO / name).read_text().split("\n")
        assert pins, name
        for pin in pins:
            following = blocks[blocks.index(pin) + 1]
            assert pin.endswith("\\") and "--hash=sha256:" in following, pin
