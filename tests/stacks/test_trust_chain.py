"""What closes the trust chain, read from the synthesized stacks: which images run, what is
audited and kept, how Secrets are encrypted, what the nodes and the network expose."""

from __future__ import annotations

import cel
import pytest

from pace_infra.constructs.argocd_values import argocd_images
from pace_infra.constructs.audit_trail import AUDITED_SERVICES
from pace_infra.constructs.image_admission import DIGEST_EXPRESSION
from pace_infra.names import IMAGE_REPOSITORY_ID, WORKLOADS, namespace
from pace_infra.stacks.bootstrap import gke_secrets_key
from pace_infra.units import HAND_APPLIED_UNITS
from tests.helpers import only, resources

# --- which images may run ----------------------------------------------------------------------


def test_staging_and_prod_run_registry_images_only_with_ci_s_attestation(stacks, environments):
    """Dev denies what no pattern admits; staging and prod require the attestor's signature."""
    tiers = {env.name: env.protected for env in environments}
    assert set(tiers.values()) == {True, False}  # both kinds exist, or this proves nothing
    for env in environments:
        policy = only(stacks[f"{env.name}-cicd"], "google_binary_authorization_policy")
        rule = policy["default_admission_rule"]
        assert rule["enforcement_mode"] == "ENFORCED_BLOCK_AND_AUDIT_LOG"
        if env.protected:
            assert rule["evaluation_mode"] == "REQUIRE_ATTESTATION", env.name
            assert rule["require_attestations_by"] == [
                "${google_binary_authorization_attestor.attestor.id}"
            ]
        else:
            assert rule == {
                "evaluation_mode": "ALWAYS_DENY",
                "enforcement_mode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
            }
        # Google's GKE system images (kube-dns, collectors, metadata server) are admitted by
        # Google's global policy, not by patterns of ours.
        assert policy["global_policy_evaluation_mode"] == "ENABLE"
        assert policy["project"] == env.project_id


def test_admitted_unchecked_are_argo_cds_pinned_images_and_only_in_dev_the_registry(
    stacks, environments
):
    for env in environments:
        policy = only(stacks[f"{env.name}-cicd"], "google_binary_authorization_policy")
        patterns = [p["name_pattern"] for p in policy["admission_whitelist_patterns"]]
        registry = f"{env.region}-docker.pkg.dev/{env.project_id}/{IMAGE_REPOSITORY_ID}/**"
        assert patterns == sorted(
            [
                *(() if env.protected else (registry,)),
                *(image.reference for image in argocd_images(env.platform.argocd_ha)),
                *env.cicd.admitted_images,
            ]
        )
        # A pattern for the registry would admit its images without the attestation.
        assert not env.protected or not any("pace-images" in p for p in patterns)


def test_destroying_the_policy_is_refused_where_protected(stacks, environments):
    # The provider's delete puts Google's default back: ALWAYS_ALLOW, every image runs.
    for env in environments:
        policy = only(stacks[f"{env.name}-cicd"], "google_binary_authorization_policy")
        assert policy["lifecycle"] == {"prevent_destroy": env.protected}


def test_artifact_registry_scans_what_is_pushed(stacks, environments):
    for env in environments:
        apis = {
            s["service"]
            for s in resources(stacks[f"{env.name}-bootstrap"], "google_project_service").values()
        }
        assert "containerscanning.googleapis.com" in apis


def _pod(*containers: str, init: tuple[str, ...] = (), ephemeral: tuple[str, ...] = ()) -> dict:
    spec: dict = {
        "containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(containers)]
    }
    if init:
        spec["initContainers"] = [{"name": "init", "image": image} for image in init]
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": "debug", "image": image} for image in ephemeral]
    return {"object": {"spec": spec}}


DIGEST = "europe-west2-docker.pkg.dev/pace-crm-prod/pace-images/web@sha256:" + "a" * 64
TAG = "europe-west2-docker.pkg.dev/pace-crm-prod/pace-images/web:v1.2.3"


@pytest.mark.parametrize(
    ("pod", "admitted"),
    [
        (_pod(DIGEST), True),
        (_pod(DIGEST, DIGEST, init=(DIGEST,), ephemeral=(DIGEST,)), True),
        (_pod(TAG), False),
        (_pod(DIGEST, TAG), False),
        (_pod(DIGEST, init=(TAG,)), False),
        (_pod(DIGEST, ephemeral=(TAG,)), False),
    ],
    ids=["digest", "all-digests", "tag", "one-tag", "init-tag", "debug-tag"],
)
def test_app_pods_are_admitted_only_with_images_by_digest(pod, admitted):
    # The expression the API server evaluates, run by a CEL implementation.
    assert cel.evaluate(DIGEST_EXPRESSION, pod) is admitted


def test_the_digest_rule_binds_to_the_application_namespaces_and_denies(stacks, environments):
    for env in environments:
        manifests = resources(stacks[f"{env.name}-platform"], "kubernetes_manifest")
        policy = manifests["image_digest_policy"]["manifest"]
        binding = manifests["image_digest_policy_binding"]["manifest"]
        assert policy["spec"]["failurePolicy"] == "Fail"
        assert policy["spec"]["validations"][0]["expression"] == DIGEST_EXPRESSION
        assert binding["spec"]["policyName"] == policy["metadata"]["name"]
        assert "Deny" in binding["spec"]["validationActions"]
        (selector,) = binding["spec"]["matchResources"]["namespaceSelector"]["matchExpressions"]
        assert (selector["key"], selector["values"]) == (
            "kubernetes.io/metadata.name",
            sorted(namespace(w) for w in WORKLOADS),
        )


# --- audit -------------------------------------------------------------------------------------


def test_data_access_is_audited_for_identities_credentials_secrets_and_databases(
    stacks, environments
):
    for env in environments:
        configs = resources(stacks[f"{env.name}-bootstrap"], "google_project_iam_audit_config")
        audited = {c["service"]: c for c in configs.values()}
        assert (
            {
                "iam.googleapis.com",
                "sts.googleapis.com",
                "iamcredentials.googleapis.com",
                "secretmanager.googleapis.com",
                "cloudsql.googleapis.com",
            }
            <= set(AUDITED_SERVICES)
            <= set(audited)
        )
        for service in AUDITED_SERVICES:
            types = {c["log_type"] for c in audited[service]["audit_log_config"]}
            assert types == {"ADMIN_READ", "DATA_READ", "DATA_WRITE"}, service


def test_every_audit_log_is_copied_into_a_locked_bucket(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-bootstrap"]
        bucket = only(doc, "google_logging_project_bucket_config")
        assert bucket["retention_days"] == env.audit_log_retention_days
        assert bucket["locked"] is env.deletion_protection
        assert bucket["lifecycle"] == {"prevent_destroy": env.deletion_protection}
        sink = only(doc, "google_logging_project_sink")
        assert sink["filter"] == 'logName:"cloudaudit.googleapis.com"'
        assert sink["destination"] == (
            f"logging.googleapis.com/projects/{env.project_id}/locations/{env.region}"
            f"/buckets/{bucket['bucket_id']}"
        )


AUDIT_TYPES = (
    "google_project_iam_audit_config",
    "google_logging_project_sink",
    "google_logging_project_bucket_config",
    "google_logging_project_exclusion",
)


def test_only_a_person_applies_what_decides_what_is_audited(stacks):
    # The pipeline's identity applies every unit but the hand-applied ones; none of its units
    # may hold an audit config, a sink, a log bucket or an exclusion.
    for name, doc in stacks.items():
        unit = name.split("-", 1)[1]
        if unit in HAND_APPLIED_UNITS:
            continue
        for kind in AUDIT_TYPES:
            assert not resources(doc, kind), (name, kind)


# --- Secrets, nodes, firewall ------------------------------------------------------------------


def test_gke_encrypts_secrets_with_the_bootstrap_key(stacks, environments):
    for env in environments:
        cluster = only(stacks[f"{env.name}-gke"], "google_container_cluster")
        assert cluster["database_encryption"] == {
            "state": "ENCRYPTED",
            "key_name": gke_secrets_key(env),
        }
        doc = stacks[f"{env.name}-bootstrap"]
        ring = only(doc, "google_kms_key_ring")
        key = resources(doc, "google_kms_crypto_key")["secrets_key"]
        assert gke_secrets_key(env).endswith(f"/keyRings/{ring['name']}/cryptoKeys/{key['name']}")
        assert ring["location"] == env.region  # GKE refuses global keys
        assert key["lifecycle"] == {"prevent_destroy": True}
        grant = only(doc, "google_kms_crypto_key_iam_member")
        assert grant["member"] == (
            f"serviceAccount:service-{env.project_number}@container-engine-robot.iam.gserviceaccount.com"
        )
        assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"


def test_kubelets_close_the_read_only_port_and_keep_cpu_limits(stacks, environments):
    for env in environments:
        for pool in resources(stacks[f"{env.name}-gke"], "google_container_node_pool").values():
            assert pool["node_config"]["kubelet_config"] == {
                "insecure_kubelet_readonly_port_enabled": "FALSE",
                "cpu_cfs_quota": True,
            }


def test_load_balancer_ranges_reach_only_the_serving_ports(stacks, environments):
    for env in environments:
        rule = resources(stacks[f"{env.name}-network"], "google_compute_firewall")[
            "firewall_allow_health_checks"
        ]
        ports = [str(port) for port in env.network.load_balancer_ports]
        assert rule["allow"] == [{"protocol": "tcp", "ports": ports}]


def test_application_service_accounts_mount_no_api_token(stacks, environments):
    for env in environments:
        for ksa in resources(
            stacks[f"{env.name}-platform"], "kubernetes_service_account_v1"
        ).values():
            assert ksa["automount_service_account_token"] is False


# --- egress ------------------------------------------------------------------------------------


def test_google_apis_resolve_to_the_private_vip_inside_the_vpc(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-network"]
        zone = only(doc, "google_dns_managed_zone")
        assert (zone["dns_name"], zone["visibility"]) == ("googleapis.com.", "private")
        records = {r["name"]: r for r in resources(doc, "google_dns_record_set").values()}
        assert records["private.googleapis.com."]["rrdatas"] == [
            "199.36.153.8",
            "199.36.153.9",
            "199.36.153.10",
            "199.36.153.11",
        ]
        assert records["*.googleapis.com."]["rrdatas"] == ["private.googleapis.com."]


def test_cloud_sql_egress_is_the_environments_psa_range(stacks, environments):
    for env in environments:
        policies = resources(stacks[f"{env.name}-platform"], "kubernetes_network_policy_v1")
        cloud_sql = [p for p in policies.values() if p["metadata"]["name"] == "allow-cloud-sql"]
        assert len(cloud_sql) == 2  # pace-web and pace-ai
        for policy in cloud_sql:
            (rule,) = policy["spec"]["egress"]
            assert rule["to"] == [{"ip_block": {"cidr": str(env.network.psa_cidr)}}]


def test_the_planner_may_read_the_admission_policy_and_nothing_else_through_rbac(
    stacks, environments
):
    from pace_infra.names import EnvNames, service_account_email

    for env in environments:
        doc = stacks[f"{env.name}-platform"]
        (rule,) = only(doc, "kubernetes_cluster_role_v1")["rule"]
        assert rule["verbs"] == ["get", "list", "watch"]
        assert rule["resources"] == [
            "validatingadmissionpolicies",
            "validatingadmissionpolicybindings",
        ]
        (subject,) = only(doc, "kubernetes_cluster_role_binding_v1")["subject"]
        assert subject["name"] == service_account_email(
            EnvNames(env.name).planner_service_account, env.project_id
        )
