"""The platform stack: providers on the cluster's DNS endpoint, namespaces, quotas, network
policies, KSAs and Argo CD, from config."""

from __future__ import annotations

import json

from pace_infra.names import gitops_overlay, namespace
from tests.helpers import by_name, resources


def test_platform_depends_on_what_it_references(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        assert manifest[f"{env.name}-platform"]["dependencies"] == [f"{env.name}-gke"]


def test_platform_providers_use_the_dns_endpoint_and_the_exec_plugin(stacks, environments):
    plugin = {
        "api_version": "client.authentication.k8s.io/v1beta1",
        "command": "gke-gcloud-auth-plugin",
        "args": ["--use_application_default_credentials"],
    }
    for env in environments:
        doc = stacks[f"{env.name}-platform"]
        (kubernetes,) = doc["provider"]["kubernetes"]
        assert kubernetes["host"].startswith("https://${data.terraform_remote_state.")
        assert "dns_endpoint_config" in kubernetes["host"]
        assert kubernetes["exec"] == [plugin]
        assert "token" not in kubernetes and "config_path" not in kubernetes
        (helm,) = doc["provider"]["helm"]
        assert helm["kubernetes"] == {"host": kubernetes["host"], "exec": plugin}
        # Release records the read-only planner can read without reading Secrets.
        assert helm["helm_driver"] == "configmap"


def test_platform_namespaces_and_quotas_follow_config(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-platform"]
        names = {n["metadata"]["name"] for n in resources(doc, "kubernetes_namespace_v1").values()}
        assert names == {namespace("web"), namespace("ai"), "argocd"}
        quotas = {
            q["metadata"]["namespace"]: q["spec"]["hard"]
            for q in resources(doc, "kubernetes_resource_quota_v1").values()
        }
        assert quotas["${kubernetes_namespace_v1.namespace_pace_ai.metadata[0].name}"][
            "requests.cpu"
        ] == (env.platform.ai_quota.requests_cpu)


def test_network_policies_open_only_the_documented_paths(stacks):
    for name, doc in stacks.items():
        if not name.endswith("-platform"):
            continue
        policies = sorted(
            (p["metadata"]["namespace"].split(".")[1], p["metadata"]["name"])
            for p in resources(doc, "kubernetes_network_policy_v1").values()
        )
        namespaces = ("namespace_pace_web", "namespace_pace_ai", "namespace_argocd")
        apps = namespaces[:2]
        expected = [(ns, "default-deny-ingress") for ns in namespaces]
        expected += [(ns, "allow-same-namespace") for ns in namespaces]
        expected += [(ns, "allow-from-gmp-system") for ns in namespaces]  # Managed Prometheus
        expected += [
            ("namespace_pace_web", "allow-load-balancer"),
            ("namespace_pace_ai", "allow-from-pace-web"),
            ("namespace_pace_web", "allow-to-pace-ai"),
        ]
        egress = (
            "default-deny-egress",
            "allow-dns",
            "allow-metadata-server",
            "allow-google-apis",
            "allow-cloud-sql",
            "allow-same-namespace-egress",
        )
        expected += [(ns, name) for ns in apps for name in egress]
        assert policies == sorted(expected), name


def test_ksas_are_annotated_with_the_gke_stack_gsas(stacks, environments):
    for env in environments:
        ksas = resources(stacks[f"{env.name}-platform"], "kubernetes_service_account_v1").values()
        annotations = {k["metadata"]["name"]: k["metadata"]["annotations"] for k in ksas}
        assert "identity_web_sa" in annotations[namespace("web")]["iam.gke.io/gcp-service-account"]
        assert "identity_ai_sa" in annotations[namespace("ai")]["iam.gke.io/gcp-service-account"]


def test_argocd_applications_follow_gitops_config(stacks, environments):
    for env in environments:
        apps_release = by_name(stacks[f"{env.name}-platform"], "helm_release", "pace-apps")
        apps = json.loads(apps_release["values"][0])["applications"]
        assert apps[namespace("web")]["source"]["repoURL"] == env.gitops.repo_url
        assert apps[namespace("web")]["source"]["targetRevision"] == env.gitops.revision
        assert apps[namespace("ai")]["source"]["path"] == gitops_overlay("ai", env.name)
        argocd = json.loads(
            by_name(stacks[f"{env.name}-platform"], "helm_release", "argocd")["values"][0]
        )
        assert ("redis-ha" in argocd) is env.platform.argocd_ha


def _sync_windows(stacks, env: str) -> list[dict] | None:
    apps_release = by_name(stacks[f"{env}-platform"], "helm_release", "pace-apps")
    return json.loads(apps_release["values"][0])["projects"]["pace"].get("syncWindows")


def test_prod_denies_automated_syncs_in_the_year_end_freeze_but_not_manual_ones(stacks):
    assert _sync_windows(stacks, "prod") == [
        {
            "kind": "deny",
            "schedule": "0 18 18 12 *",
            "duration": "398h",  # to 2027-01-04T08:00 London (GMT) time
            "timeZone": "UTC",
            "applications": ["pace-web", "pace-ai"],
            "manualSync": True,
            "description": "Freeze year-end-2026: 2026-12-18T18:00 to 2027-01-04T08:00 "
            "Europe/London; sync by hand for a hotfix",
        }
    ]


def test_staging_keeps_syncing_in_its_freeze_and_dev_has_none(stacks):
    assert _sync_windows(stacks, "staging") is None
    assert _sync_windows(stacks, "dev") is None
