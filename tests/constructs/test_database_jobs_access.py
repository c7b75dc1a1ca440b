"""DatabaseJobsAccess: one behaviour per test."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from pace_infra.constructs.database_jobs_access import (
    CALL_PERMISSIONS,
    DRILL_SCRATCH_PERMISSIONS,
    DRILL_SOURCE_PERMISSIONS,
    EXPORTER_PERMISSIONS,
    OPERATION_READ,
    DatabaseJobsAccess,
    DatabaseJobsAccessProps,
)
from pace_infra.workflows.sources import DATABASE_EXPORT, RESTORE_DRILL, source
from tests.helpers import resources, synth_construct

PROPS = DatabaseJobsAccessProps(
    project_id="pace-t",
    instances=("pace-t-db", "pace-t-ai-db"),
    scratch_prefix="pace-t-drill-",
    export_bucket="pace-t-db-exports",
    instance_service_accounts=("p1-a@gcp-sa-cloud-sql.iam.gserviceaccount.com",),
    export_account="pace-t-db-export@pace-t.iam.gserviceaccount.com",
    drill_account="pace-t-db-drill@pace-t.iam.gserviceaccount.com",
    scheduler_account="pace-t-db-scheduler@pace-t.iam.gserviceaccount.com",
)
SOURCES = (
    'resource.name == "projects/pace-t/instances/pace-t-db" || '
    'resource.name == "projects/pace-t/instances/pace-t-ai-db"'
)


def _synth(props: DatabaseJobsAccessProps = PROPS) -> dict:
    return synth_construct(lambda stack: DatabaseJobsAccess(stack, "jobs", props=props))


@pytest.fixture(scope="module")
def doc():
    return _synth()


def _grants(doc: dict, account: str) -> dict[str, dict]:
    """Role (custom role id or predefined role) -> grant, of one account."""
    custom = {
        f"${{google_project_iam_custom_role.{key}.name}}": role
        for key, role in resources(doc, "google_project_iam_custom_role").items()
    }
    found = {}
    for grant in resources(doc, "google_project_iam_member").values():
        if grant["member"] == f"serviceAccount:{account}":
            role = custom.get(grant["role"])
            found[role["role_id"] if role else grant["role"]] = {
                **grant,
                "permissions": role and role["permissions"],
            }
    return found


def _calls(name: str) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("call"), str):
                found.add(node["call"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    workflows = yaml.safe_load(source(name))
    walk(workflows)
    return {call for call in found if call.startswith("googleapis.")}


def test_every_connector_call_of_the_workflows_has_its_permission_listed():
    assert _calls(DATABASE_EXPORT) | _calls(RESTORE_DRILL) <= set(CALL_PERMISSIONS)


def test_the_exporter_holds_what_the_export_workflow_calls_and_nothing_more(doc):
    needed = {CALL_PERMISSIONS[c] for c in _calls(DATABASE_EXPORT)} | {OPERATION_READ}
    grants = _grants(doc, PROPS.export_account)
    # The completion metric: metricWriter, unconditioned, as the drill's duration.
    assert set(grants) == {"paceDatabaseExporter", "roles/monitoring.metricWriter"}
    assert "condition" not in grants["roles/monitoring.metricWriter"]
    held = set(grants["paceDatabaseExporter"]["permissions"]) | {"monitoring.timeSeries.create"}
    assert held == needed
    assert set(grants["paceDatabaseExporter"]["permissions"]) == set(EXPORTER_PERMISSIONS)


def test_the_exporter_may_export_the_two_databases_and_read_operations_only(doc):
    condition = _grants(doc, PROPS.export_account)["paceDatabaseExporter"]["condition"]
    assert condition["expression"] == (
        f'resource.type != "sqladmin.googleapis.com/Instance" || {SOURCES}'
    )


def test_the_drill_holds_what_the_drill_workflow_calls_and_nothing_more(doc):
    needed = {CALL_PERMISSIONS[c] for c in _calls(RESTORE_DRILL)} | {OPERATION_READ}
    grants = _grants(doc, PROPS.drill_account)
    held = (
        set(DRILL_SOURCE_PERMISSIONS)
        | set(DRILL_SCRATCH_PERMISSIONS)
        | {"monitoring.timeSeries.create"}
    )
    # create: the clone's new instance, which no workflow call names.
    assert held - needed == {"cloudsql.instances.create"}
    assert set(grants) == {
        "paceRestoreDrillSource",
        "paceRestoreDrillScratch",
        "roles/monitoring.metricWriter",
    }


def test_the_drill_clones_only_the_databases(doc):
    grant = _grants(doc, PROPS.drill_account)["paceRestoreDrillSource"]
    assert set(grant["permissions"]) == {"cloudsql.instances.clone", "cloudsql.instances.get"}
    assert grant["condition"]["expression"] == (
        f'resource.type == "sqladmin.googleapis.com/Instance" && ({SOURCES})'
    )


def test_the_drill_changes_and_deletes_only_scratch_instances(doc):
    grant = _grants(doc, PROPS.drill_account)["paceRestoreDrillScratch"]
    assert {"cloudsql.instances.update", "cloudsql.instances.delete"} <= set(grant["permissions"])
    assert grant["condition"]["expression"] == (
        'resource.type != "sqladmin.googleapis.com/Instance" || '
        'resource.name.startsWith("projects/pace-t/instances/pace-t-drill-")'
    )
    for instance in PROPS.instances:
        assert not instance.startswith(PROPS.scratch_prefix)


def test_the_scheduler_may_only_start_workflows(doc):
    assert set(_grants(doc, PROPS.scheduler_account)) == {"roles/workflows.invoker"}


def test_the_instances_write_exports_into_the_bucket_and_nothing_else(doc):
    (grant,) = resources(doc, "google_storage_bucket_iam_member").values()
    assert (grant["bucket"], grant["role"], grant["member"]) == (
        "pace-t-db-exports",
        "roles/storage.objectCreator",
        f"serviceAccount:{PROPS.instance_service_accounts[0]}",
    )


def test_without_job_accounts_nothing_is_granted():
    empty = _synth(replace(PROPS, export_account=None, drill_account=None, scheduler_account=None))
    assert empty.get("resource", {}) == {}
