"""The argo-cd and argocd-apps chart values: plain dictionaries, no synth."""

from __future__ import annotations

import json

import pytest

from pace_infra.config.schedules import SyncWindow
from pace_infra.config.values_delivery import GoogleSignIn, SignatureKey
from pace_infra.constructs.argocd_values import (
    ARGO_CD_CHART_VERSION,
    ARGOCD_RELEASE,
    ArgoCdAccess,
    GitOpsApplication,
    argocd_apps_values,
    argocd_images,
    argocd_values,
)

REPO_URL = "https://bitbucket.org/pace-crm/pace-gitops.git"


def _apps_values(**guards) -> dict:
    return argocd_apps_values(
        **guards,
        namespace="argocd",
        project="pace",
        repo_url=REPO_URL,
        revision="main",
        applications=(
            GitOpsApplication("pace-web", "pace-web/overlays/t"),
            GitOpsApplication("pace-ai", "pace-ai/overlays/t"),
        ),
    )


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


def test_project_is_limited_to_the_gitops_repo_and_app_namespaces():
    project = _apps_values()["projects"]["pace"]
    assert project["sourceRepos"] == [REPO_URL]
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
        "repoURL": REPO_URL,
        "targetRevision": "main",
        "path": "pace-web/overlays/t",
    }
    assert web["destination"]["namespace"] == "pace-web"
    assert web["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert web["syncPolicy"]["retry"]["limit"] == 5
    assert web["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]


KEY = SignatureKey("4AEE18F83AFDEB23", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n")


def test_no_window_and_no_key_leave_the_project_unguarded():
    project = _apps_values()["projects"]["pace"]
    assert "syncWindows" not in project and "signatureKeys" not in project
    assert "gpg" not in argocd_values(high_availability=False)["configs"]


def test_sync_windows_cover_every_pace_application():
    freeze = SyncWindow("deny", "0 16 * * 5", "64h", "Europe/London", description="weekend")
    project = _apps_values(sync_windows=(freeze,))["projects"]["pace"]
    assert project["syncWindows"] == [
        {
            "kind": "deny",
            "schedule": "0 16 * * 5",
            "duration": "64h",
            "timeZone": "Europe/London",
            "applications": ["pace-web", "pace-ai"],
            "manualSync": True,
            "description": "weekend",
        }
    ]
    # The locked default project gets none: no Application may use it anyway.
    assert "syncWindows" not in _apps_values(sync_windows=(freeze,))["projects"]["default"]


def test_signature_keys_are_required_and_their_public_keys_reach_argo_cds_keyring():
    project = _apps_values(signature_keys=(KEY,))["projects"]["pace"]
    assert project["signatureKeys"] == [{"keyID": "4AEE18F83AFDEB23"}]
    values = argocd_values(high_availability=False, signature_keys=(KEY,))
    assert values["configs"]["gpg"] == {"keys": {"4AEE18F83AFDEB23": KEY.public_key}}


@pytest.mark.parametrize("ha", [False, True])
def test_managed_prometheus_scrapes_the_application_controller_by_its_metrics_port(ha):
    # The alerts on Applications read argocd_app_info and argocd_app_sync_total, which only
    # the application controller exports (chart 8.5.10: port `metrics` on its container).
    (monitor,) = argocd_values(ha)["extraObjects"]
    assert (monitor["apiVersion"], monitor["kind"]) == (
        "monitoring.googleapis.com/v1",
        "PodMonitoring",
    )
    assert "namespace" not in monitor["metadata"]  # the release's: where the pods are
    assert monitor["spec"] == {
        "selector": {
            "matchLabels": {
                "app.kubernetes.io/name": "argocd-application-controller",
                "app.kubernetes.io/instance": ARGOCD_RELEASE,
            }
        },
        "endpoints": [{"port": "metrics", "interval": "30s"}],
    }


def test_no_metrics_service_is_opened_for_the_scrape():
    # A PodMonitoring scrapes the pods directly; the chart's metrics Services stay off.
    values = argocd_values(True)
    assert all("metrics" not in values.get(c, {}) for c in ("controller", "server", "repoServer"))
