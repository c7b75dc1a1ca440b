"""templates/app-pipeline/: the shared application pipeline parses, runs only scripts that
exist, pushes only in the release pipeline, and the import snippet wires it to the release
branch of every environment."""

from __future__ import annotations

import importlib
import json
import re

import yaml

from tests.conftest import REPO

TEMPLATE_DIR = REPO / "templates" / "app-pipeline"
TEXT = (TEMPLATE_DIR / "bitbucket-pipelines.yml").read_text()
TEMPLATE = yaml.safe_load(TEXT)
PIPELINES = TEMPLATE["definitions"]["pipelines"]
ALL = [entry for pipeline in PIPELINES.values() for entry in pipeline]
MODULE = re.compile(r"python -m (pace_infra\.tools\.delivery\.[a-z_]+)")


def _steps(entries):
    steps = []
    for entry in entries:
        steps += (
            [item["step"] for item in entry["parallel"]] if "parallel" in entry else [entry["step"]]
        )
    return steps


def _lines(steps):
    return [line for step in steps for line in step["script"]]


def test_it_is_an_exported_file_of_two_pipelines():
    assert TEMPLATE["export"] is True
    assert set(PIPELINES) == {"pace-app-pull-request", "pace-app-release"}


def test_every_script_it_runs_exists_and_has_a_main():
    modules = {m for line in _lines(_steps(ALL)) for m in MODULE.findall(line)}
    assert {m.rsplit(".", 1)[1] for m in modules} == {
        "build_push",
        "sbom",
        "vulnerability_gate",
        "attest",
        "signing",
        "gitops_commit",
    }
    for module in modules:
        assert callable(importlib.import_module(module).main), module


def test_only_the_release_pipeline_pushes_or_holds_an_identity():
    pull_request = _steps(PIPELINES["pace-app-pull-request"])
    assert not any("--push" in line for line in _lines(pull_request))
    assert not any(step.get("oidc") or step.get("deployment") for step in pull_request)
    release = _steps(PIPELINES["pace-app-release"])
    pushing = [step for step in release if any("--push" in line for line in step["script"])]
    assert len(pushing) == 1 and pushing[0]["oidc"] is True
    assert release.index(pushing[0]) == 0  # before the scans, attestations and the commit
    # The GitOps write token is a deployment variable: only the step with `deployment` has it.
    committing = [
        step for step in release if any("gitops_commit" in line for line in step["script"])
    ]
    assert [step.get("deployment") for step in committing] == ["dev"] and release[-1] is committing[
        0
    ]
    assert not any("cache" in step or "caches" in step for step in release)


def test_every_environment_is_scanned_and_attested_before_the_commit():
    release = _lines(_steps(PIPELINES["pace-app-release"]))
    for env in ("dev", "staging", "prod"):
        for script in ("sbom attach", "vulnerability_gate", "attest"):
            assert f"python -m pace_infra.tools.delivery.{script} --env {env}" in release


def test_the_sboms_are_generated_once_after_the_push_by_the_pinned_syft():
    from pace_infra.tools.delivery import sbom

    (build, *_) = _steps(PIPELINES["pace-app-release"])
    script = build["script"]
    push = next(i for i, line in enumerate(script) if "--push" in line)
    install = next(i for i, line in enumerate(script) if "go install" in line)
    generate = script.index("python -m pace_infra.tools.delivery.sbom generate")
    assert push < install < generate
    # Exactly the version sbom.py checks, with the toolchain its go.mod asks for, from a signed
    # Debian package: nothing downloaded unverified.
    assert f"go install {sbom.SYFT_MODULE}/cmd/syft@{sbom.SYFT_VERSION}" in script[install]
    assert f"GOTOOLCHAIN={sbom.GO_TOOLCHAIN} " in script[install]
    assert "curl" not in script[install] and "wget" not in script[install]
    assert build["oidc"] is True  # it scans dev's registry as dev's CI identity


def test_the_import_snippet_runs_the_release_pipeline_on_the_release_branch_only(environments):
    snippet = "\n".join(
        line.removeprefix("#   ") for line in TEXT.splitlines() if line.startswith("#   ")
    )
    app_file = yaml.safe_load(snippet)
    source = app_file["definitions"]["imports"]["pace-infra"]
    assert source == "pace-infra:main:templates/app-pipeline/bitbucket-pipelines.yml"
    assert app_file["pipelines"]["pull-requests"] == {
        "**": {"import": "pace-app-pull-request@pace-infra"}
    }
    branches = app_file["pipelines"]["branches"]
    assert {env.cicd.release_branch for env in environments} == set(branches)
    assert all(b == {"import": "pace-app-release@pace-infra"} for b in branches.values())


def test_the_dependency_is_pinned_as_the_app_pins_it():
    lock = json.loads((REPO / "Pipfile.lock").read_text())["default"]["pyyaml"]
    requirements = (TEMPLATE_DIR / "requirements.txt").read_text()
    assert f"pyyaml{lock['version']} " in requirements
    assert set(re.findall(r"--hash=(sha256:[0-9a-f]{64})", requirements)) == set(lock["hashes"])


def test_the_step_image_is_the_one_this_repository_pins():
    image = yaml.safe_load((REPO / "bitbucket-pipelines.yml").read_text())["image"]
    steps = _steps(ALL)
    assert {step["image"] for step in steps} == {image}


def test_the_commit_step_sets_up_signing_for_dev_before_it_commits():
    (commit_step,) = [
        s for s in _steps(PIPELINES["pace-app-release"]) if s.get("deployment") == "dev"
    ]
    lines = commit_step["script"]
    signing = lines.index("python -m pace_infra.tools.delivery.signing --env dev")
    assert signing < lines.index(
        "python -m pace_infra.tools.delivery.gitops_commit --gitops-dir .gitops"
    )
