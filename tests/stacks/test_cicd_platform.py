"""The cicd, edge and platform stacks: wiring, outputs and what config drives."""

from __future__ import annotations

import json

from pace_infra.names import gitops_overlay
from tests.helpers import by_name, only, resources


def _env(environments, name):
    return next(env for env in environments if env.name == name)


def test_dependencies(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        assert manifest[f"{env.name}-cicd"]["dependencies"] == [f"{env.name}-gke"]
        assert manifest[f"{env.name}-edge"]["dependencies"] == []
        assert manifest[f"{env.name}-platform"]["dependencies"] == [f"{env.name}-gke"]


def test_cicd_outputs_what_a_pipeline_needs(stacks, environments):
    for env in environments:
        outputs = stacks[f"{env.name}-cicd"]["output"]
        assert {
            "workload_identity_provider",
            "ci_service_account",
            "deploy_service_account",
        } <= set(outputs)
        assert outputs["image_registry"]["value"] == (
            f"{env.region}-docker.pkg.dev/{env.project_id}/pace-images"
        )


def test_node_sa_reads_images_from_the_repository(stacks, environments):
    for env in environments:
        grants = resources(
            stacks[f"{env.name}-cicd"], "google_artifact_registry_repository_iam_member"
        )
        readers = [
            g["member"] for g in grants.values() if g["role"] == "roles/artifactregistry.reader"
        ]
        assert len(readers) == 1 and "gke_node_sa" in readers[0]


def test_federation_accepts_only_configured_repositories(stacks, environments):
    for env in environments:
        provider = only(stacks[f"{env.name}-cicd"], "google_iam_workload_identity_pool_provider")
        for uuid in (*env.cicd.image_repository_uuids, env.cicd.infra_repository_uuid):
            assert uuid in provider["attribute_condition"]
        assert env.cicd.bitbucket_workspace_uuid in provider["attribute_condition"]


def _federated(stacks, env, account: str) -> list[str]:
    bindings = resources(stacks[f"{env.name}-cicd"], "google_service_account_iam_member")
    return [
        b["member"]
        for b in bindings.values()
        if b["service_account_id"].endswith(f"{account}_sa.name}}")
        and b["role"] == "roles/iam.workloadIdentityUser"
    ]


def test_deployer_is_bound_to_this_repository_environment_and_release_branch(stacks, environments):
    # A pushed branch can declare `deployment: prod`; only main's steps may become the deployer.
    for env in environments:
        cicd = env.cicd
        (member,) = _federated(stacks, env, "deploy")
        assert member.endswith(
            f"/attribute.deploy_target/{cicd.infra_repository_uuid}:"
            f"{cicd.deployment_environment_uuid}:main"
        )


def test_ci_pushes_only_from_the_application_repositories_release_branch(stacks, environments):
    for env in environments:
        members = _federated(stacks, env, "ci")
        assert sorted(m.rsplit("/", 1)[1] for m in members) == sorted(
            f"{uuid}:main" for uuid in env.cicd.image_repository_uuids
        )
        assert all("/attribute.push_source/" in m for m in members)


def test_edge_names_and_config(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-edge"]
        assert set(doc["output"]) == {
            "web_ip_name",
            "web_ip_address",
            "web_security_policy",
            "web_ssl_policy",
        }
        policy = only(doc, "google_compute_security_policy")
        assert policy["name"] == f"pace-{env.name}-web-armor"
        owasp = [r for r in policy["rule"] if 1000 <= r["priority"] < 1100]
        assert all(r["preview"] is (env.edge.waf_mode == "preview") for r in owasp), env.name
    assert _env(environments, "prod").edge.waf_mode == "enforce"


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


def test_no_provider_authenticates_with_a_token_kept_in_state(stacks):
    # A data source's result is written to state: a token read from google_client_config is
    # usable by whoever reads the state until it expires.
    for name, doc in stacks.items():
        assert "google_client_config" not in doc.get("data", {}), name
        assert "google_client_config" not in json.dumps(doc.get("provider", {})), name
        assert "access_token" not in json.dumps(doc.get("provider", {})), name


def test_platform_namespaces_and_quotas_follow_config(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-platform"]
        names = {n["metadata"]["name"] for n in resources(doc, "kubernetes_namespace_v1").values()}
        assert names == {"pace-web", "pace-ai", "argocd"}
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
        assert "identity_web_sa" in annotations["pace-web"]["iam.gke.io/gcp-service-account"]
        assert "identity_ai_sa" in annotations["pace-ai"]["iam.gke.io/gcp-service-account"]


def test_argocd_applications_follow_gitops_config(stacks, environments):
    for env in environments:
        apps_release = by_name(stacks[f"{env.name}-platform"], "helm_release", "pace-apps")
        apps = json.loads(apps_release["values"][0])["applications"]
        assert apps["pace-web"]["source"]["repoURL"] == env.gitops.repo_url
        assert apps["pace-web"]["source"]["targetRevision"] == env.gitops.revision
        assert apps["pace-ai"]["source"]["path"] == gitops_overlay("ai", env.name)
        argocd = json.loads(
            by_name(stacks[f"{env.name}-platform"], "helm_release", "argocd")["values"][0]
        )
        assert ("redis-ha" in argocd) is env.platform.argocd_ha


def test_gitops_credential_holder_is_in_the_trust_plane_with_no_value(stacks, environments):
    # Whoever manages secrets can read them: the pipeline (platform) must not hold it.
    for env in environments:
        assert "google_secret_manager_secret" not in stacks[f"{env.name}-platform"]["resource"]
        doc = stacks[f"{env.name}-cicd"]
        assert (
            only(doc, "google_secret_manager_secret")["secret_id"] == f"pace-{env.name}-gitops-repo"
        )
        assert resources(doc, "google_secret_manager_secret_version") == {}


def test_the_planner_reads_everything_changes_nothing_and_any_pipeline_of_this_repo_uses_it(
    stacks, environments
):
    from pace_infra.constructs.planner import PLANNER_ROLES
    from pace_infra.names import EnvNames

    for env in environments:
        doc = stacks[f"{env.name}-cicd"]
        (account,) = [
            a
            for a in resources(doc, "google_service_account").values()
            if a["account_id"] == EnvNames(env.name).planner_service_account
        ]
        grants = resources(doc, "google_project_iam_member").values()
        roles = sorted(g["role"] for g in grants if "planner_sa" in g["member"])
        assert len(roles) == len(PLANNER_ROLES)
        assert not {"roles/viewer", "roles/editor", "roles/owner"} & set(roles)
        state = [
            g
            for g in resources(doc, "google_storage_bucket_iam_member").values()
            if "planner_sa" in g["member"]
        ]
        assert [(g["bucket"], g["role"]) for g in state] == [
            (env.state_bucket, "roles/storage.objectViewer")
        ]
        assert _federated(stacks, env, "planner") == [
            "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.bitbucket_pool.name}"
            f"/attribute.repository_uuid/{env.cicd.infra_repository_uuid}"
        ]
        assert account["display_name"].startswith("Read-only plans")


def test_the_planner_reads_every_type_any_stack_holds(stacks):
    from pace_infra.constructs.planner import READ_ROLES

    synthesized = {kind for doc in stacks.values() for kind in doc.get("resource", {})}
    assert synthesized == set(READ_ROLES), synthesized ^ set(READ_ROLES)
