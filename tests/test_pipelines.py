"""bitbucket-pipelines.yml, `make deploy`'s stack list, and `make ci-credentials`."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from pace_infra import ci_credentials, units
from tests.conftest import REPO

PIPELINES = yaml.safe_load((REPO / "bitbucket-pipelines.yml").read_text())
MAKE_TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))


def _steps(entries):
    return [entry["step"] for entry in entries]


def _all_steps():
    pipelines = PIPELINES["pipelines"]
    entries = [*pipelines["pull-requests"]["**"], *pipelines["branches"]["main"]]
    return _steps(entries)


def test_every_make_target_the_pipeline_runs_exists():
    used = {
        target
        for step in _all_steps()
        for line in step["script"]
        # a command: at the start of a line or inside $(...), not the Debian package "make"
        for target in re.findall(r"(?:^|\$\()make(?: -s)? ([a-z][a-z-]*)", line)
    }
    assert used and used <= MAKE_TARGETS, used - MAKE_TARGETS


def test_pull_requests_test_synth_checkov_and_publish_the_stacks():
    (step,) = _steps(PIPELINES["pipelines"]["pull-requests"]["**"])
    assert [line.split(";")[0] for line in step["script"] if line.startswith("make ")] == [
        "make test",
        "make synth",
        "make checkov",
        'make -s review REVIEW_ARGS="--format markdown --fail-on-risk" > review.md',
    ]
    assert step["artifacts"] == ["cdktf.out/**", "review.md"]
    assert PIPELINES["clone"] == {"depth": "full"}


def test_main_deploys_each_environment_by_hand_in_order_without_keys():
    verify, *deploys = _steps(PIPELINES["pipelines"]["branches"]["main"])
    assert "make test" in verify["script"]
    assert [step["deployment"] for step in deploys] == ["dev", "staging", "prod"]
    for step in deploys:
        assert step["trigger"] == "manual"
        assert step["oidc"] is True
        assert 'eval "$(make -s ci-credentials)"' in step["script"]
        assert "make deploy ENV=$BITBUCKET_DEPLOYMENT_ENVIRONMENT" in step["script"]
    text = (REPO / "bitbucket-pipelines.yml").read_text()
    assert "GOOGLE_CREDENTIALS" not in text and "private_key" not in text


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
    assert ci_credentials.main() == 0
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
    assert ci_credentials.main() == 2
    assert missing in capsys.readouterr().err


def test_the_test_step_installs_a_checksummed_go_before_make_test():
    (step,) = _steps(PIPELINES["pipelines"]["pull-requests"]["**"])
    script = step["script"]
    go_install = next(i for i, line in enumerate(script) if "sha256sum -c" in line)
    assert go_install < script.index("make test")
    assert any(
        line.startswith("export GO_TOOLCHAIN_SHA256=") and len(line.split("=")[1]) == 64
        for line in script
    )
    assert any("proxy.golang.org/golang.org/toolchain/@v/" in line for line in script)


def test_deploy_steps_give_cdktf_a_terraform_cli():
    # The image has no terraform: cdktf deploy runs TERRAFORM_BINARY_NAME instead.
    for step in _steps(PIPELINES["pipelines"]["branches"]["main"])[1:]:
        script = step["script"]
        cli = script.index('export TERRAFORM_BINARY_NAME="$(make -s cli-path)"')
        assert any("sha256sum -c" in line for line in script[:cli])
        assert cli < script.index("make deploy ENV=$BITBUCKET_DEPLOYMENT_ENVIRONMENT")


def test_deploy_steps_install_the_exec_plugin_the_platform_providers_run():
    from pace_infra.stacks.platform import CLUSTER_AUTH_PLUGIN

    for step in _steps(PIPELINES["pipelines"]["branches"]["main"])[1:]:
        script = step["script"]
        (install,) = [
            i
            for i, line in enumerate(script)
            if "apt-get install" in line and CLUSTER_AUTH_PLUGIN in line
        ]
        # From Google's repository, with its key trusted for that repository only.
        assert any(
            "signed-by=" in line and "packages.cloud.google.com/apt" in line for line in script
        )
        assert install < script.index("make deploy ENV=$BITBUCKET_DEPLOYMENT_ENVIRONMENT")


def test_nothing_a_pull_request_can_write_reaches_a_step_with_credentials():
    steps = _all_steps()
    for step in steps:
        if step.get("oidc"):
            # A cache or an artifact (a planted .terraform/, a poisoned .venv) would run with the
            # deploy identity.
            assert "caches" not in step, step["name"]
            assert step["artifacts"]["download"] is False, step["name"]
        else:
            assert "deployment" not in step, step["name"]
    for step in _steps(PIPELINES["pipelines"]["pull-requests"]["**"]):
        assert not step.get("oidc") and "deployment" not in step
    # Only caches of downloads installed against hashes; never the virtualenv.
    assert set(PIPELINES["definitions"]["caches"]) == {"npm-cache"}
    assert all(c in ("pip", "npm-cache") for s in steps for c in s.get("caches", []))


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
