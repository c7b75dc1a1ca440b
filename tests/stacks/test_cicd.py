"""The cicd stack: the pipeline's federation, identities, registry and outputs."""

from __future__ import annotations

import json

from pace_infra.names import IMAGE_REPOSITORY_ID, EnvNames, database_exports_bucket
from tests.helpers import only, resources


def test_cicd_depends_on_what_it_references(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        # The databases stack: its jobs' accounts and instances' service accounts, where the
        # environment has the jobs.
        jobs = env.databases.exports.enabled or env.databases.restore_drill.enabled
        assert sorted(manifest[f"{env.name}-cicd"]["dependencies"]) == sorted(
            [f"{env.name}-gke", *([f"{env.name}-databases"] if jobs else [])]
        )


def test_cicd_outputs_what_a_pipeline_needs(stacks, environments):
    for env in environments:
        outputs = stacks[f"{env.name}-cicd"]["output"]
        assert {
            "workload_identity_provider",
            "ci_service_account",
            "deploy_service_account",
        } <= set(outputs)
        assert outputs["image_registry"]["value"] == (
            f"{env.region}-docker.pkg.dev/{env.project_id}/{IMAGE_REPOSITORY_ID}"
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


def test_gitops_credential_holder_is_in_the_trust_plane_with_no_value(stacks, environments):
    # Whoever manages secrets can read them: the pipeline (platform) must not hold it.
    for env in environments:
        assert "google_secret_manager_secret" not in stacks[f"{env.name}-platform"]["resource"]
        doc = stacks[f"{env.name}-cicd"]
        assert (
            only(doc, "google_secret_manager_secret")["secret_id"]
            == EnvNames(env.name).gitops_secret
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


def _grants_of(stacks, env, account: str) -> set[tuple[str, str]]:
    """(resource type, role) of every IAM grant to the account, in every stack of env."""
    reference = f"${{google_service_account.{account}_sa.member}}"
    email = f"{getattr(EnvNames(env.name), f'{account}_service_account')}@{env.project_id}"
    found = set()
    for name, stack in stacks.items():
        if not name.startswith(f"{env.name}-"):
            continue
        for kind, items in stack.get("resource", {}).items():
            for item in items.values():
                members = [item.get("member", ""), *item.get("members", [])]
                if any(reference in m or email in m for m in members):
                    found.add((kind, item["role"]))
    return found


def test_ci_holds_exactly_its_grants_and_nothing_for_artifact_analysis_sbom_export(
    stacks, environments
):
    # The SBOM step attaches each SBOM to its image (Artifact Registry Writer on pace-images:
    # the push grant) instead of calling Artifact Analysis' exportSBOM, which names no IAM
    # permission and writes to a bucket of the project (Storage Admin on the project, per
    # Google's guide): no storage role, no project-wide registry or Container Analysis role.
    for env in environments:
        assert _grants_of(stacks, env, "ci") == {
            ("google_artifact_registry_repository_iam_member", "roles/artifactregistry.writer"),
            ("google_kms_crypto_key_iam_member", "roles/cloudkms.signerVerifier"),
            (
                "google_container_analysis_note_iam_member",
                "roles/containeranalysis.notes.attacher",
            ),
            (
                "google_binary_authorization_attestor_iam_member",
                "roles/binaryauthorization.attestorsViewer",
            ),
            (
                "google_project_iam_member",
                "${google_project_iam_custom_role.attestation_writer_role.name}",
            ),
        }
        (writer,) = [
            g
            for g in resources(
                stacks[f"{env.name}-cicd"], "google_artifact_registry_repository_iam_member"
            ).values()
            if g["role"] == "roles/artifactregistry.writer"
        ]
        # On the image repository only (its logical id is pinned: image_repository).
        assert (
            writer["repository"] == "${google_artifact_registry_repository.image_repository.name}"
        )
        role = resources(stacks[f"{env.name}-cicd"], "google_project_iam_custom_role")[
            "attestation_writer_role"
        ]
        assert sorted(role["permissions"]) == [
            "containeranalysis.occurrences.create",
            "containeranalysis.occurrences.get",
            "containeranalysis.occurrences.list",
        ]


def test_the_deployer_may_attach_the_database_jobs_accounts_and_no_other(stacks, environments):
    for env in environments:
        acts_as = [
            g["service_account_id"]
            for g in resources(
                stacks[f"{env.name}-cicd"], "google_service_account_iam_member"
            ).values()
            if g["role"] == "roles/iam.serviceAccountUser"
        ]
        jobs = [a for a in acts_as if "google_service_accountdatabase_" in a]
        expected = 3 if env.databases.exports.enabled or env.databases.restore_drill.enabled else 0
        assert len(jobs) == expected, env.name
        assert len(acts_as) == 1 + expected  # and the GKE node SA


def test_the_exports_bucket_takes_writes_from_the_instances_only(stacks, environments):
    for env in environments:
        grants = [
            g
            for g in resources(
                stacks[f"{env.name}-cicd"], "google_storage_bucket_iam_member"
            ).values()
            if g["bucket"] == database_exports_bucket(env.project_id)
        ]
        if not env.databases.exports.enabled:
            assert grants == [], env.name
            continue
        assert {g["role"] for g in grants} == {"roles/storage.objectCreator"}
        assert sorted(g["member"].rsplit("instance", 1)[1] for g in grants) == [
            "pace_ai_dbservice_account_email_address}",
            "pace_dbservice_account_email_address}",
        ]
