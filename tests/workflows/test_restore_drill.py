"""pace_infra/workflows/restore_drill.yaml, run offline against recorded Cloud SQL Admin and
Monitoring answers (tests/workflows/emulator.py): what it calls, with what, in which order, and
what it does when a clone fails or is not RUNNABLE."""

from __future__ import annotations

import json
import re

import pytest

from pace_infra.constructs.database_jobs import POINT_IN_TIME_LAG_SECONDS
from pace_infra.names import RESTORE_DRILL_METRIC, RESTORE_DRILL_METRIC_LABEL
from pace_infra.workflows.sources import RESTORE_DRILL, source
from tests.workflows.emulator import Clock, Execution, Recorded, WorkflowError, answer

PROJECT = "pace-crm-prod"
SOURCES = ("pace-prod-db", "pace-prod-ai-db")
STEMS = ("pace-prod-drill-db", "pace-prod-drill-ai-db")
ENV = {
    "GOOGLE_CLOUD_PROJECT_ID": PROJECT,
    "PACE_DRILLS": json.dumps(
        [{"instance": i, "scratch_stem": s} for i, s in zip(SOURCES, STEMS, strict=True)]
    ),
    "PACE_ALLOCATED_IP_RANGE": "pace-prod-psa",
    "PACE_METRIC_TYPE": RESTORE_DRILL_METRIC,
    "PACE_POINT_IN_TIME_LAG_SECONDS": str(POINT_IN_TIME_LAG_SECONDS),
    "PACE_CLONE_TIMEOUT_SECONDS": "21600",
}
CLONE = "googleapis.sqladmin.v1.instances.clone"
GET = "googleapis.sqladmin.v1.instances.get"
PATCH = "googleapis.sqladmin.v1.instances.patch"
DELETE = "googleapis.sqladmin.v1.instances.delete"
WRITE = "googleapis.monitoring.v3.projects.timeSeries.create"
CLONE_SECONDS = 1300.0


def _operation(kind: str) -> dict:
    return answer(
        "sqladmin_operation", project=PROJECT, target="x", user="drill", operation_type=kind
    )


def _routes(**override: list) -> dict[str, list]:
    routes = {
        CLONE: [(CLONE_SECONDS, _operation("CLONE"))],
        GET: [(1.0, answer("sqladmin_instance", project=PROJECT, name="x", state="RUNNABLE"))],
        WRITE: [(0.5, answer("monitoring_time_series_create"))],
        PATCH: [(30.0, _operation("UPDATE"))],
        DELETE: [(60.0, _operation("DELETE"))],
    }
    return {**routes, **override}


def _run(**override: list) -> tuple[Recorded, Execution, object]:
    google = Recorded(_routes(**override), clock=Clock())
    execution = Execution(source(RESTORE_DRILL), ENV, google)
    try:
        result = execution.run()
    except WorkflowError as error:
        result = error
    return google, execution, result


@pytest.fixture(scope="module")
def drilled():
    return _run()


def test_each_database_is_cloned_to_a_scratch_instance_of_its_own(drilled):
    google, _, _ = drilled
    clones = google.named(CLONE)
    assert [c["instance"] for c in clones] == list(SOURCES)
    scratch = [c["body"]["cloneContext"]["destinationInstanceName"] for c in clones]
    started = int(Clock().now)
    assert scratch == [f"{stem}-{started}" for stem in STEMS]
    assert all(c["project"] == PROJECT for c in clones)


def test_the_clone_is_at_a_recent_point_in_time_in_the_psa_range(drilled):
    google, _, _ = drilled
    first = google.named(CLONE)[0]["body"]["cloneContext"]
    assert first["pointInTime"] == "2025-12-31T23:50:00Z"  # ten minutes before the run
    assert first["allocatedIpRange"] == "pace-prod-psa"
    assert google.named(CLONE)[0]["connector_params"] == {"timeout": 21600}


def test_the_duration_to_a_runnable_clone_is_written_per_source_instance(drilled):
    google, _, result = drilled
    writes = google.named(WRITE)
    assert len(writes) == 2
    series = writes[0]["body"]["timeSeries"][0]
    assert writes[0]["name"] == f"projects/{PROJECT}"
    assert series["metric"] == {
        "type": RESTORE_DRILL_METRIC,
        "labels": {RESTORE_DRILL_METRIC_LABEL: SOURCES[0]},
    }
    assert series["resource"] == {"type": "global", "labels": {"project_id": PROJECT}}
    # From the clone request to the RUNNABLE read: the clone and the read, not the clean-up.
    assert series["points"][0]["value"] == {"doubleValue": CLONE_SECONDS + 1.0}
    assert result == {"seconds": [CLONE_SECONDS + 1.0, CLONE_SECONDS + 1.0]}


def test_every_scratch_instance_is_unprotected_then_deleted(drilled):
    google, _, _ = drilled
    order = [(c.name, c.args.get("instance")) for c in google.calls if c.name in (PATCH, DELETE)]
    scratch = [c["body"]["cloneContext"]["destinationInstanceName"] for c in google.named(CLONE)]
    assert order == [
        (PATCH, scratch[0]),
        (DELETE, scratch[0]),
        (PATCH, scratch[1]),
        (DELETE, scratch[1]),
    ]
    assert google.named(PATCH)[0]["body"] == {
        "settings": {"deletionProtectionEnabled": False, "retainBackupsOnDelete": False}
    }


def test_a_clone_that_is_not_runnable_is_deleted_unrecorded_and_fails_the_run():
    google, execution, result = _run(
        **{GET: [(1.0, answer("sqladmin_instance", project=PROJECT, name="x", state="FAILED"))]}
    )
    assert isinstance(result, WorkflowError)
    assert "restore drill failed" in result.value
    assert google.named(WRITE) == []
    assert len(google.named(DELETE)) == 2  # both scratch instances removed all the same
    assert [log["json"]["instance"] for log in execution.logs] == list(SOURCES)


def test_a_failed_clone_does_not_stop_the_other_drill_and_leaves_nothing_behind():
    refused = answer(
        "http_error",
        code=409,
        message="The instance already exists.",
        reason="instanceAlreadyExists",
    )
    not_found = answer("http_error", code=404, message="not found", reason="instanceDoesNotExist")
    google, execution, result = _run(
        **{
            CLONE: [(5.0, refused), (CLONE_SECONDS, _operation("CLONE"))],
            PATCH: [(1.0, not_found), (30.0, _operation("UPDATE"))],
        }
    )
    assert isinstance(result, WorkflowError)
    assert json.loads(result.value.split(" for ", 1)[1]) == [SOURCES[0]]
    # The first scratch instance never existed (404): nothing to delete; the second drill ran.
    assert [c["instance"].rsplit("-", 1)[0] for c in google.named(DELETE)] == [STEMS[1]]
    assert [w["body"]["timeSeries"][0]["metric"]["labels"] for w in google.named(WRITE)] == [
        {RESTORE_DRILL_METRIC_LABEL: SOURCES[1]}
    ]
    assert execution.logs[0]["json"]["error"]["code"] == 409


def test_the_drill_changes_and_deletes_scratch_instances_only(drilled):
    google, _, _ = drilled
    touched = [c.args["instance"] for c in google.calls if c.name in (PATCH, DELETE)]
    assert touched and all(name.startswith("pace-prod-drill-") for name in touched)


def test_scratch_names_are_valid_cloud_sql_instance_ids(drilled):
    # Lowercase letters, digits and hyphens, starting with a letter; project:instance at most
    # 98 characters (Cloud SQL, "Create instances": instance ID).
    google, _, _ = drilled
    for clone in google.named(CLONE):
        name = clone["body"]["cloneContext"]["destinationInstanceName"]
        assert re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", name)
        assert len(f"{PROJECT}:{name}") <= 98
