"""Namespace, ArgoCd and GitopsCredential: one behaviour per test."""

from __future__ import annotations

import json
from dataclasses import replace
from ipaddress import IPv4Network

import pytest

from pace_infra.config.values import EgressEndpoint, GoogleSignIn, Quota
from pace_infra.constructs.argocd import ArgoCd, ArgoCdProps
from pace_infra.constructs.argocd_values import (
    ARGO_CD_CHART_VERSION,
    ARGOCD_APPS_CHART_VERSION,
    ArgoCdAccess,
    GitOpsApplication,
    argocd_apps_values,
    argocd_images,
    argocd_values,
)
from pace_infra.constructs.egress_policy import EgressRules
from pace_infra.constructs.gitops_credential import GitopsCredential, GitopsCredentialProps
from pace_infra.constructs.namespace import Namespace, NamespaceProps
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
        load_balancer_ports=(3000,),
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
    assert set(policies) == {
        "default-deny-ingress",
        "allow-same-namespace",
        "allow-from-gmp-system",
    }
    deny = policies["default-deny-ingress"]
    assert deny["policy_types"] == ["Ingress"] and not deny.get("ingress")
    assert policies["allow-same-namespace"]["ingress"] == [{"from": [{"pod_selector": {}}]}]


def test_load_balancer_ranges_when_allowed(web):
    (rule,) = _policies(web)["allow-load-balancer"]["ingress"]
    assert sorted(f["ip_block"]["cidr"] for f in rule["from"]) == [
        "130.211.0.0/22",
        "35.191.0.0/16",
    ]
    # Only the serving port: Google's ranges are every customer's load balancers.
    assert rule["ports"] == [{"port": "3000", "protocol": "TCP"}]


def test_managed_prometheus_may_scrape_unless_turned_off(plain):
    (rule,) = _policies(plain)["allow-from-gmp-system"]["ingress"]
    assert rule["from"] == [
        {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "gmp-system"}}}
    ]
    assert "allow-from-gmp-system" not in _policies(_namespace(allow_managed_prometheus=False))


def test_ksas_get_no_api_token_unless_the_application_needs_the_api(web):
    assert only(web, "kubernetes_service_account_v1")["automount_service_account_token"] is False
    doc = _namespace(
        service_accounts=(("pace-t", "pace-t@pace.iam.gserviceaccount.com"),),
        automount_api_token=True,
    )
    assert only(doc, "kubernetes_service_account_v1")["automount_service_account_token"] is True


def test_egress_is_unrestricted_only_when_no_rules_are_given(plain):
    assert all(p["policy_types"] == ["Ingress"] for p in _policies(plain).values())


RULES = EgressRules(
    cloud_sql_range="10.1.32.0/20",
    to_namespaces=("pace-ai",),
    endpoints=(
        EgressEndpoint(name="model-api", cidrs=(IPv4Network("203.0.113.0/24"),), ports=(443,)),
    ),
)


@pytest.fixture(scope="module")
def egress():
    doc = _namespace(egress=RULES)
    return {
        name: spec for name, spec in _policies(doc).items() if spec["policy_types"] == ["Egress"]
    }


def _cidrs(rule) -> list[str]:
    return [peer["ip_block"]["cidr"] for peer in rule["to"] if "ip_block" in peer]


def _ports(rule) -> list[tuple[str, str]]:
    return [(port["port"], port["protocol"]) for port in rule["ports"]]


def test_egress_is_denied_by_default_then_opened_path_by_path(egress):
    assert set(egress) == {
        "default-deny-egress",
        "allow-dns",
        "allow-metadata-server",
        "allow-google-apis",
        "allow-cloud-sql",
        "allow-same-namespace-egress",
        "allow-to-pace-ai",
        "allow-egress-model-api",
    }
    assert not egress["default-deny-egress"].get("egress")


def test_dns_goes_to_kube_dns_and_node_local_dns_pods_on_53(egress):
    (rule,) = egress["allow-dns"]["egress"]
    pods = rule["to"][0]
    assert pods["namespace_selector"] == {
        "match_labels": {"kubernetes.io/metadata.name": "kube-system"}
    }
    (expression,) = pods["pod_selector"]["match_expressions"]
    assert (expression["key"], expression["values"]) == ("k8s-app", ["kube-dns", "node-local-dns"])
    assert sorted(_ports(rule)) == [("53", "TCP"), ("53", "UDP")]


def test_workload_identity_reaches_the_gke_metadata_server(egress):
    rules = egress["allow-metadata-server"]["egress"]
    assert sorted((_cidrs(r)[0], _ports(r)[0][0]) for r in rules) == [
        ("169.254.169.252/32", "988"),
        ("169.254.169.254/32", "80"),
    ]


def test_google_apis_only_through_the_private_vip_and_direct_connectivity(egress):
    (rule,) = egress["allow-google-apis"]["egress"]
    assert _cidrs(rule) == ["199.36.153.8/30", "34.126.0.0/18"]
    assert _ports(rule) == [("443", "TCP")]


def test_cloud_sql_only_in_the_psa_range_on_connector_and_postgres_ports(egress):
    (rule,) = egress["allow-cloud-sql"]["egress"]
    assert _cidrs(rule) == ["10.1.32.0/20"]
    assert _ports(rule) == [("3307", "TCP"), ("5432", "TCP")]


def test_named_endpoints_and_namespaces_are_the_only_other_ways_out(egress):
    (endpoint,) = egress["allow-egress-model-api"]["egress"]
    assert _cidrs(endpoint) == ["203.0.113.0/24"] and _ports(endpoint) == [("443", "TCP")]
    (peer,) = egress["allow-to-pace-ai"]["egress"][0]["to"]
    assert peer == {
        "namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "pace-ai"}}
    }


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
    assert ha["redis-ha"]["enabled"] is True and "redis-ha" not in single
    assert ha["redis"] == {"enabled": False}


def test_chart_ships_argo_cd_3_1_8_or_later():
    # CVE-2025-59538 is fixed in Argo CD 3.1.8 (chart 8.5.10: appVersion v3.1.8).
    assert ARGO_CD_CHART_VERSION == "8.5.10"
    assert argocd_values(False)["global"]["image"] == {
        "repository": "quay.io/argoproj/argocd",
        "tag": "v3.1.8",
    }


def _images_in(values: object) -> set[str]:
    """Every repository:tag pair written anywhere in chart values."""
    found: set[str] = set()
    if isinstance(values, dict):
        if isinstance(values.get("repository"), str) and isinstance(values.get("tag"), str):
            found.add(f"{values['repository']}:{values['tag']}")
        for value in values.values():
            found |= _images_in(value)
    return found


@pytest.mark.parametrize("ha", [False, True])
def test_every_image_argo_cd_runs_is_pinned_in_its_values_and_listed(ha):
    # The admission policy admits argocd_images(); the values must run exactly those.
    values = argocd_values(ha)
    assert _images_in(values) == {image.reference for image in argocd_images(ha)}
    assert values["dex"] == {"enabled": False}


def test_nobody_signs_in_by_default_and_the_default_role_reads_only():
    values = argocd_values(False)
    assert values["configs"]["cm"]["admin.enabled"] is False
    assert "oidc.config" not in values["configs"]["cm"]
    assert values["configs"]["rbac"]["policy.default"] == "role:readonly"
    assert values["configs"]["rbac"]["policy.csv"] == ""


SSO = ArgoCdAccess(
    sso=GoogleSignIn(
        client_id="123456789-abc.apps.googleusercontent.com",
        admins=("alex@pace.example", "sam@pace.example"),
    )
)


def test_google_sign_in_reads_its_client_secret_from_a_secret_never_from_values():
    cm = argocd_values(False, SSO)["configs"]["cm"]
    oidc = json.loads(cm["oidc.config"])
    assert oidc["issuer"] == "https://accounts.google.com"
    assert oidc["clientID"] == "123456789-abc.apps.googleusercontent.com"
    assert oidc["clientSecret"] == "$argocd-oidc-google:clientSecret"
    assert cm["url"] == "https://localhost:8080"
    assert cm["admin.enabled"] is False


def test_with_sign_in_the_named_admins_are_admin_and_everyone_else_reads():
    rbac = argocd_values(False, SSO)["configs"]["rbac"]
    assert rbac["policy.default"] == "role:readonly"
    assert rbac["policy.csv"].splitlines() == [
        "g, alex@pace.example, role:admin",
        "g, sam@pace.example, role:admin",
    ]
    assert rbac["scopes"] == "[email]"


def test_local_admin_only_where_asked():
    values = argocd_values(False, ArgoCdAccess(local_admin=True))
    assert values["configs"]["cm"]["admin.enabled"] is True


def test_the_default_project_is_locked_field_by_field():
    # The release adopts the default project argocd-server created (open to everything), and a
    # field the chart leaves out keeps its live value: each one must be written as "nothing".
    default = _apps_values()["projects"]["default"]
    assert default["sourceRepos"] == ["!*"]
    assert default["destinations"] == [{"name": "!*", "server": "!*", "namespace": "!*"}]
    assert default["clusterResourceBlacklist"] == [{"group": "*", "kind": "*"}]
    assert default["namespaceResourceBlacklist"] == [{"group": "*", "kind": "*"}]


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


def test_project_is_limited_to_the_gitops_repo_and_app_namespaces():
    project = _apps_values()["projects"]["pace"]
    assert project["sourceRepos"] == [PROPS.repo_url]
    assert sorted(d["namespace"] for d in project["destinations"]) == ["pace-ai", "pace-web"]
    assert project["clusterResourceWhitelist"] == []
    assert {"group": "networking.k8s.io", "kind": "NetworkPolicy"} in project[
        "namespaceResourceBlacklist"
    ]


def test_applications_sync_automatically_with_prune_self_heal_retry_and_finalizer():
    apps = _apps_values()["applications"]
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
