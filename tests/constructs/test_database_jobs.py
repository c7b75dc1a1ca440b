"""DatabaseJobs: one behaviour per test."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from pace_infra.config.values_protection import LogicalExports, RestoreDrill
from pace_infra.constructs.database_jobs import (
    CALL_LOG_LEVEL,
    DatabaseJobNames,
    DatabaseJobs,
    DatabaseJobsProps,
    JobTarget,
    terraform_literal,
)
from pace_infra.workflows.sources import DATABASE_EXPORT, RESTORE_DRILL, source
from tests.helpers import resources, synth_construct

PROPS = DatabaseJobsProps(
    project_id="pace-t",
    region="europe-west2",
    targets=(
        JobTarget("pace-t-db", "pace", "pace-t-drill-db"),
        JobTarget("pace-t-ai-db", "pace_ai", "pace-t-drill-ai-db"),
    ),
    names=DatabaseJobNames(
        export="pace-t-db-export", drill="pace-t-db-drill", scheduler_account="pace-t-db-scheduler"
    ),
    export_bucket="pace-t-db-exports",
    allocated_ip_range="pace-t-psa",
    metric_type="custom.googleapis.com/pace/restore_drill/duration_seconds",
    metric_label="source_instance",
    export_metric_type="custom.googleapis.com/pace/database_export/completed",
    export_metric_label="source_instance",
    exports=LogicalExports(schedule="7 1 * * *"),
    restore_drill=RestoreDrill(schedule="9 5 * * 2"),
    labels={"system": "data"},
)


def _synth(props: DatabaseJobsProps = PROPS) -> dict:
    return synth_construct(lambda stack: DatabaseJobs(stack, "jobs", props=props))


@pytest.fixture(scope="module")
def doc():
    return _synth()


def _workflow(doc: dict, name: str) -> dict:
    (found,) = [
        w for w in resources(doc, "google_workflows_workflow").values() if w["name"] == name
    ]
    return found


def _schedule(doc: dict, name: str) -> dict:
    (found,) = [
        j for j in resources(doc, "google_cloud_scheduler_job").values() if j["name"] == name
    ]
    return found


def test_each_job_runs_its_repository_source_as_its_own_account(doc):
    accounts = {a["account_id"] for a in resources(doc, "google_service_account").values()}
    assert accounts == {"pace-t-db-export", "pace-t-db-drill", "pace-t-db-scheduler"}
    for name, workflow_source, key in (
        ("pace-t-db-export", DATABASE_EXPORT, "export"),
        ("pace-t-db-drill", RESTORE_DRILL, "drill"),
    ):
        workflow = _workflow(doc, name)
        # Escaped for Terraform, which hands Workflows the file as it is.
        assert workflow["source_contents"] == terraform_literal(source(workflow_source))
        assert "${" not in workflow["source_contents"].replace("$${", "")
        assert workflow["service_account"] == f"${{google_service_account.database_{key}_sa.email}}"
        assert workflow["region"] == "europe-west2"
        assert workflow["call_log_level"] == CALL_LOG_LEVEL


def test_the_workflows_read_exactly_the_environment_they_are_given(doc):
    for name, workflow_source in (
        ("pace-t-db-export", DATABASE_EXPORT),
        ("pace-t-db-drill", RESTORE_DRILL),
    ):
        read = set(re.findall(r'sys\.get_env\("(\w+)"\)', source(workflow_source)))
        given = set(_workflow(doc, name)["user_env_vars"]) | {"GOOGLE_CLOUD_PROJECT_ID"}
        assert read == given, name


def test_the_jobs_are_given_the_databases_bucket_and_psa_range(doc):
    export = _workflow(doc, "pace-t-db-export")["user_env_vars"]
    assert json.loads(export["PACE_EXPORTS"]) == [
        {"instance": "pace-t-db", "database": "pace"},
        {"instance": "pace-t-ai-db", "database": "pace_ai"},
    ]
    assert export["PACE_EXPORT_BUCKET"] == "pace-t-db-exports"
    drill = _workflow(doc, "pace-t-db-drill")["user_env_vars"]
    assert json.loads(drill["PACE_DRILLS"]) == [
        {"instance": "pace-t-db", "scratch_stem": "pace-t-drill-db"},
        {"instance": "pace-t-ai-db", "scratch_stem": "pace-t-drill-ai-db"},
    ]
    assert drill["PACE_ALLOCATED_IP_RANGE"] == "pace-t-psa"
    assert drill["PACE_METRIC_TYPE"] == PROPS.metric_type


def test_the_scheduler_starts_each_workflow_on_its_schedule_as_the_scheduler_account(doc):
    for name, schedule in (("pace-t-db-export", "7 1 * * *"), ("pace-t-db-drill", "9 5 * * 2")):
        job = _schedule(doc, name)
        assert (job["schedule"], job["time_zone"]) == (schedule, "Etc/UTC")
        target = job["http_target"]
        assert target["http_method"] == "POST"
        assert target["uri"].startswith("https://workflowexecutions.googleapis.com/v1/${")
        assert target["uri"].endswith(".id}/executions")
        assert target["oauth_token"] == {
            "service_account_email": "${google_service_account.database_scheduler_sa.email}",
            "scope": "https://www.googleapis.com/auth/cloud-platform",
        }


def _descriptor(doc: dict, metric_type: str) -> dict:
    (found,) = [
        m
        for m in resources(doc, "google_monitoring_metric_descriptor").values()
        if m["type"] == metric_type
    ]
    return found


def test_the_drill_metric_is_defined_before_its_first_write(doc):
    metric = _descriptor(doc, PROPS.metric_type)
    assert (metric["type"], metric["metric_kind"], metric["value_type"], metric["unit"]) == (
        PROPS.metric_type,
        "GAUGE",
        "DOUBLE",
        "s",
    )
    assert [label["key"] for label in metric["labels"]] == ["source_instance"]


def test_the_export_metric_is_defined_before_its_first_write(doc):
    metric = _descriptor(doc, PROPS.export_metric_type)
    assert (metric["metric_kind"], metric["value_type"]) == ("GAUGE", "INT64")
    assert [label["key"] for label in metric["labels"]] == [PROPS.export_metric_label]
    export = _workflow(doc, "pace-t-db-export")["user_env_vars"]
    assert export["PACE_METRIC_TYPE"] == PROPS.export_metric_type


def test_each_metric_exists_only_where_its_job_does():
    for exports, drill, expected in (
        (True, False, {PROPS.export_metric_type}),
        (False, True, {PROPS.metric_type}),
    ):
        doc = _synth(
            replace(
                PROPS,
                exports=LogicalExports(enabled=exports),
                restore_drill=RestoreDrill(enabled=drill),
            )
        )
        descriptors = resources(doc, "google_monitoring_metric_descriptor").values()
        assert {m["type"] for m in descriptors} == expected


def test_the_workflows_keep_terraforms_deletion_protection_where_asked(doc):
    assert all(
        w["deletion_protection"] for w in resources(doc, "google_workflows_workflow").values()
    )
    dev = _synth(replace(PROPS, deletion_protection=False))
    assert not any(
        w["deletion_protection"] for w in resources(dev, "google_workflows_workflow").values()
    )


def test_a_job_that_is_off_has_no_account_workflow_or_schedule():
    no_drill = _synth(replace(PROPS, restore_drill=RestoreDrill(enabled=False)))
    assert [w["name"] for w in resources(no_drill, "google_workflows_workflow").values()] == [
        "pace-t-db-export"
    ]
    neither = _synth(
        replace(
            PROPS, exports=LogicalExports(enabled=False), restore_drill=RestoreDrill(enabled=False)
        )
    )
    assert neither.get("resource", {}) == {}


def test_the_handles_name_every_account_and_the_drilled_and_exported_instances():
    def build(stack):
        jobs = DatabaseJobs(stack, "jobs", props=PROPS)
        assert len(jobs.accounts) == 3
        assert jobs.drilled == jobs.exported == ("pace-t-db", "pace-t-ai-db")

    def build_without_exports(stack):
        jobs = DatabaseJobs(stack, "jobs", props=replace(PROPS, exports=LogicalExports(False)))
        assert jobs.exported == ()

    synth_construct(build)
    synth_construct(build_without_exports)


def test_a_workflow_expression_is_a_literal_for_terraform():
    assert terraform_literal("x: ${sys.now()} %{ y }") == "x: $${sys.now()} %%{ y }"
