"""argocd_status: reading the lower environment's Applications and what their pods run."""

from __future__ import annotations

import json

import pytest

from pace_infra.tools.delivery import argocd_status
from pace_infra.tools.delivery.contract import Refusal, target
from tests.tools.delivery.fixtures import argocd_applications, pins_of


def _check(document, env="dev", seed=None):
    pins = pins_of(env, seed or f"{env}-old")
    applications = argocd_status.parse(json.dumps(document), "status.json")
    argocd_status.check(target(env), pins, applications)


def test_a_synced_healthy_environment_running_the_digests_passes():
    _check(argocd_applications("dev", "dev-old"))


def test_a_tagged_reference_with_the_digest_counts_as_running_it():
    pins = pins_of("dev", "dev-old")["pace-web"]["pace-web"]
    document = argocd_applications("dev", "dev-old")
    web = document["items"][0]["status"]["summary"]
    web["images"] = [f"{pins.new_name}:0123abc@{pins.digest}"]
    _check(document)


def test_the_same_digest_from_another_registry_does_not_count():
    # Staging's registry path in dev's Application is not dev running it (admission differs).
    document = argocd_applications("dev", "dev-old")
    web = document["items"][0]["status"]["summary"]
    web["images"] = [i.replace("pace-crm-dev", "pace-crm-staging") for i in web["images"]]
    with pytest.raises(Refusal, match="no pod of pace-web runs pace-web@"):
        _check(document)


def test_an_application_without_status_is_not_synced():
    document = argocd_applications("dev", "dev-old")
    del document["items"][1]["status"]
    with pytest.raises(Refusal, match="pace-ai is Unknown, not Synced"):
        _check(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [("not json", "status.json: not JSON"), ('{"kind": "Application"}', "not a list")],
)
def test_what_is_not_kubectls_list_is_refused(text, message):
    with pytest.raises(Refusal, match=message):
        argocd_status.parse(text, "status.json")


def test_a_missing_status_file_is_refused(tmp_path):
    with pytest.raises(Refusal, match="not found"):
        argocd_status.read(target("dev"), tmp_path / "none.json", runner=None)


def test_kubectl_reads_the_argocd_namespace_of_the_given_context():
    argv = argocd_status.kubectl_argv(target("prod"), "my-context")
    assert argv[:3] == ["kubectl", "--context", "my-context"]
    assert "applications.argoproj.io" in argv and "argocd" in argv
