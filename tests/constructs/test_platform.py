"""Namespace, ArgoCd and GitopsCredential: one behaviour per test."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pace_infra.constructs.argocd import (
    ARGO_CD_CHART_VERSION,
    ARGOCD_APPS_CHART_VERSION,
    ArgoCd,
    ArgoCdProps,
    GitOpsApplication,
    argocd_apps_values,
    argocd_values,
)
from pace_infra.constructs.gitops_credential import GitopsCredential, GitopsCredentialProps
from pace_infra.constructs.namespace import Namespace, NamespaceProps, Quota
from tests.helpers import only, resources, synth_construct

QUOTA = Quota(
    requests_cpu="4", requests_memory="8Gi", limits_cpu="8", limits_memory="16Gi", pods=40
)


def _namespace(**overrides) -> dict:
    props = NamespaceProps(name="pace-t", labels={"system": "web"}, quota=QUOTA, **overrides)
    return synth_construct(lambda stack: Namespace(stack, "ns", props=props))


@pytest.fixture(scope="module")
def web():
    return _namespace(
        allow_load_balancer=True,
        service_accounts=(("pace-t", "pace-t@pace.iam.gserviceaccount.com"),),
    )


@pytest.fixture(scope="module")
def plain():
    return _namespace()


def _policies(doc) -> dict[str, dict]:
    return {
        p["metadata"]["name"]: p["spec"]
        for p in resources(doc, "kubernetes_network_policy_v1").values()
    }


def test_namespace_enforces_pod_security_restricted_by_default(plain):
    labels = only(plain, "kubernetes_namespace_v1")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    assert labels["system"] == "web"


def test_namespace_can_enforce_a_lower_level_but_still_warns_restricted():
    labels = only(_namespace(pod_security="baseline"), "kubernetes_namespace_v1")["metadata"][
        "labels"
    ]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/audit"] == "restricted"


def test_namespace_id_is_pinned(plain):
    assert list(resources(plain, "kubernetes_namespace_v1")) == ["namespace_pace_t"]


def test_quota_from_props(plain):
    assert only(plain, "kubernetes_resource_quota_v1")["spec"]["hard"] == {
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.cpu": "8",
        "limits.memory": "16Gi",
        "pods": "40",
    }


def test_limit_range_gives_containers_default_requests_and_limits(plain):
    (limit,) = only(plain, "kubernetes_limit_range_v1")["spec"]["limit"]
    assert limit["type"] == "Container"
    assert limit["default_request"] == {"cpu": "100m", "memory": "256Mi"}
    assert limit["default"] == {"cpu": "1", "memory": "1Gi"}


def test_default_deny_ingress_and_same_namespace_only(plain):
    policies = _policies(plain)
    assert set(policies) == {"default-deny-ingress", "allow-same-namespace"}
    deny = policies["default-deny-ingress"]
    assert deny["policy_types"] == ["Ingress"] and not deny.get("ingress")
    assert policies["allow-same-namespace"]["ingress"] == [{"from": [{"pod_selector": {}}]}]


def test_load_balancer_ranges_when_allowed(web):
    (rule,) = _policies(web)["allow-load-balancer"]["ingress"]
    assert sorted(f["ip_block"]["cidr"] for f in rule["from"]) == [
        "130.211.0.0/22",
        "35.191.0.0/16",
    ]


def test_allow_from_named_namespace():
    doc = _namespace(allow_from_namespaces=("pace-web",))
    (rule,) = _policies(doc)["allow-from-pace-web"]["ingress"]
    assert rule["from"] == [
        {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "pace-web"}}}
    ]


def test_ksa_is_annotated_with_its_gsa(web):
    ksa = only(web, "kubernetes_service_account_v1")["metadata"]
    assert ksa["name"] == "pace-t"
    assert ksa["annotations"] == {
        "iam.gke.io/gcp-service-account": "pace-t@pace.iam.gserviceaccount.com"
    }


# --- Argo CD -----------------------------------------------------------------------------------

PROPS = ArgoCdProps(
    namespace="argocd",
    repo_url="https://bitbucket.org/pace-crm/pace-gitops.git",
    revision="main",
    applications=(
        GitOpsApplication("pace-web", "pace-web/overlays/t"),
        GitOpsApplication("pace-ai", "pace-ai/overlays/t"),
    ),
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


def test_argocd_keeps_crds_on_uninstall():
    assert argocd_values(False)["crds"] == {"keep": True}


def test_argocd_is_not_exposed():
    server = argocd_values(False)["server"]
    assert server["service"] == {"type": "ClusterIP"}
    assert server["ingress"] == {"enabled": False}


def test_argocd_ha_adds_replicas_and_redis_ha():
    ha, single = argocd_values(True), argocd_values(False)
    assert ha["server"]["replicas"] == 2 and single["server"]["replicas"] == 1
    assert ha["repoServer"]["replicas"] == 2
    assert ha["redis-ha"] == {"enabled": True} and "redis-ha" not in single


def test_release_values_are_the_python_values_as_json(releases):
    assert json.loads(releases["argocd"]["values"][0]) == argocd_values(False)
    assert json.loads(releases["pace-apps"]["values"][0]) == argocd_apps_values(PROPS)


def test_applications_go_through_the_argocd_apps_chart_after_argocd(releases):
    apps = releases["pace-apps"]
    assert (apps["chart"], apps["version"]) == ("argocd-apps", ARGOCD_APPS_CHART_VERSION)
    assert apps["depends_on"] == ["helm_release.argocd_release"]


def test_project_is_limited_to_the_gitops_repo_and_app_namespaces():
    project = argocd_apps_values(PROPS)["projects"]["pace"]
    assert project["sourceRepos"] == [PROPS.repo_url]
    assert sorted(d["namespace"] for d in project["destinations"]) == ["pace-ai", "pace-web"]
    assert project["clusterResourceWhitelist"] == []
    assert {"group": "networking.k8s.io", "kind": "NetworkPolicy"} in project[
        "namespaceResourceBlacklist"
    ]


def test_applications_sync_automatically_with_prune_self_heal_retry_and_finalizer():
    apps = argocd_apps_values(PROPS)["applications"]
    assert set(apps) == {"pace-web", "pace-ai"}
    web = apps["pace-web"]
    assert web["source"] == {
        "repoURL": PROPS.repo_url,
        "targetRevision": "main",
        "path": "pace-web/overlays/t",
    }
    assert web["destination"]["namespace"] == "pace-web"
    assert web["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert web["syncPolicy"]["retry"]["limit"] == 5
    assert web["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]


# --- GitOps credential -------------------------------------------------------------------------


def test_credential_secret_exists_without_any_version():
    props = GitopsCredentialProps(
        secret_id="pace-t-gitops-repo",
        region="europe-west2",
        readers=("group:platform@pace.example",),
        labels={"system": "platform"},
    )
    doc = synth_construct(lambda stack: GitopsCredential(stack, "cred", props=props))
    secret = only(doc, "google_secret_manager_secret")
    assert secret["secret_id"] == "pace-t-gitops-repo"
    assert secret["replication"]["user_managed"]["replicas"] == [{"location": "europe-west2"}]
    assert resources(doc, "google_secret_manager_secret_version") == {}
    reader = only(doc, "google_secret_manager_secret_iam_member")
    assert (reader["role"], reader["member"]) == (
        "roles/secretmanager.secretAccessor",
        "group:platform@pace.example",
    )


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


def test_namespaces_wait_long_enough_for_finalizers_on_delete():
    doc = synth_construct(
        lambda stack: Namespace(stack, "ns", props=NamespaceProps(name="pace-web"))
    )
    assert only(doc, "kubernetes_namespace_v1")["timeouts"] == {"delete": "20m"}


def test_the_applications_release_rolls_back_a_failed_install_and_waits_for_its_finalizers(
    releases,
):
    apps = releases["pace-apps"]
    assert apps["atomic"] is True
    assert apps["timeout"] == 1200


def test_the_gitops_secret_cannot_be_destroyed_by_terraform():
    # Its value is added by hand: a destroy or a replacement would delete every version.
    doc = synth_construct(
        lambda stack: GitopsCredential(
            stack, "c", props=GitopsCredentialProps(secret_id="s", region="europe-west2")
        )
    )
    assert only(doc, "google_secret_manager_secret")["deletion_protection"] is True
