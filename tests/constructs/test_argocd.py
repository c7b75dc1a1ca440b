"""ArgoCd: the two Helm releases, one behaviour per test."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pace_infra.constructs.argocd import ArgoCd, ArgoCdProps
from pace_infra.constructs.argocd_values import (
    ARGO_CD_CHART_VERSION,
    ARGOCD_APPS_CHART_VERSION,
    GitOpsApplication,
    argocd_apps_values,
    argocd_values,
)
from tests.helpers import resources, synth_construct

PROPS = ArgoCdProps(
    namespace="argocd",
    repo_url="https://bitbucket.org/pace-crm/pace-gitops.git",
    revision="main",
    applications=(
        GitOpsApplication("pace-web", "pace-web/overlays/t"),
        GitOpsApplication("pace-ai", "pace-ai/overlays/t"),
    ),
)


def _apps_values() -> dict:
    return argocd_apps_values(
        namespace=PROPS.namespace,
        project=PROPS.project,
        repo_url=PROPS.repo_url,
        revision=PROPS.revision,
        applications=PROPS.applications,
    )


@pytest.fixture(scope="module")
def releases():
    doc = synth_construct(lambda stack: ArgoCd(stack, "argocd", props=PROPS))
    return {r["name"]: r for r in resources(doc, "helm_release").values()}


def test_argocd_chart_is_pinned_from_argo_helm(releases):
    release = releases["argocd"]
    assert (release["repository"], release["chart"]) == (
        "https://argoproj.github.io/argo-helm",
        "argo-cd",
    )
    assert release["version"] == ARGO_CD_CHART_VERSION
    assert release["namespace"] == "argocd"


def test_the_applications_release_adopts_the_default_project(releases):
    assert releases["pace-apps"]["take_ownership"] is True
    assert "take_ownership" not in releases["argocd"]


def test_release_values_are_the_python_values_as_json(releases):
    assert json.loads(releases["argocd"]["values"][0]) == argocd_values(False)
    assert json.loads(releases["pace-apps"]["values"][0]) == _apps_values()


def test_applications_go_through_the_argocd_apps_chart_after_argocd(releases):
    apps = releases["pace-apps"]
    assert (apps["chart"], apps["version"]) == ("argocd-apps", ARGOCD_APPS_CHART_VERSION)
    assert apps["depends_on"] == ["helm_release.argocd_release"]


def test_the_applications_release_has_a_pinned_id_and_cannot_be_destroyed():
    # A replace would delete the Applications, and their finalizer every workload they deployed.
    doc = synth_construct(lambda stack: ArgoCd(stack, "argocd", props=PROPS))
    release = resources(doc, "helm_release")["argocd_apps_release"]
    assert release["name"] == "pace-apps"
    assert release["lifecycle"] == {"prevent_destroy": True}


def test_the_applications_release_may_be_destroyed_where_workloads_are_disposable():
    doc = synth_construct(
        lambda stack: ArgoCd(stack, "argocd", props=replace(PROPS, protect_applications=False))
    )
    assert resources(doc, "helm_release")["argocd_apps_release"]["lifecycle"] == {
        "prevent_destroy": False
    }


def test_the_applications_release_rolls_back_a_failed_install_and_waits_for_its_finalizers(
    releases,
):
    apps = releases["pace-apps"]
    assert apps["atomic"] is True
    assert apps["timeout"] == 1200


def test_the_release_is_the_instance_its_pod_monitoring_selects(releases):
    # The PodMonitoring in the values selects pods by app.kubernetes.io/instance, which the
    # chart sets to the release's name.
    (release,) = [r for r in releases.values() if r["chart"] == "argo-cd"]
    (monitor,) = json.loads(release["values"][0])["extraObjects"]
    assert (
        monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"]
        == (release["name"])
    )
