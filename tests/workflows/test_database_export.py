"""pace_infra/workflows/database_export.yaml, run offline against recorded Cloud SQL Admin
and Monitoring answers (tests/workflows/emulator.py): one gzip SQL dump per database and run,
never the same object twice, one point of the export metric per database exported, and a failed
export neither stops the other nor goes unnoticed."""

from __future__ import annotations

import json

import pytest

from pace_infra.names import DATABASE_EXPORT_METRIC, DATABASE_EXPORT_METRIC_LABEL
from pace_infra.workflows.sources import DATABASE_EXPORT, source
from tests.workflows.emulator import Clock, Execution, Recorded, WorkflowError, answer

PROJECT = "pace-crm-prod"
BUCKET = "pace-crm-prod-db-exports"
TARGETS = (("pace-prod-db", "pace"), ("pace-prod-ai-db", "pace_ai"))
ENV = {
    "GOOGLE_CLOUD_PROJECT_ID": PROJECT,
    "PACE_EXPORTS": json.dumps([{"instance": i, "database": d} for i, d in TARGETS]),
    "PACE_EXPORT_BUCKET": BUCKET,
    "PACE_EXPORT_TIMEOUT_SECONDS": "21600",
    "PACE_METRIC_TYPE": DATABASE_EXPORT_METRIC,
}
EXPORT = "googleapis.sqladmin.v1.instances.export"
WRITE = "googleapis.monitoring.v3.projects.timeSeries.create"
WRITTEN = [(0.5, answer("monitoring_time_series_create"))]


def _operation() -> dict:
    return answer(
        "sqladmin_operation", project=PROJECT, target="x", user="export", operation_type="EXPORT"
    )


def _run(
    answers: list, clock: Clock | None = None, writes: list = WRITTEN
) -> tuple[Recorded, Execution, object]:
    google = Recorded({EXPORT: answers, WRITE: writes}, clock=clock or Clock())
    execution = Execution(source(DATABASE_EXPORT), ENV, google)
    try:
        return google, execution, execution.run()
    except WorkflowError as error:
        return google, execution, error


@pytest.fixture(scope="module")
def exported():
    return _run([(900.0, _operation())])


def test_each_database_is_exported_as_a_gzip_sql_dump_of_its_own(exported):
    google, _, _ = exported
    calls = google.named(EXPORT)
    assert [(c["instance"], c["body"]["exportContext"]["databases"]) for c in calls] == [
        (instance, [database]) for instance, database in TARGETS
    ]
    for call in calls:
        context = call["body"]["exportContext"]
        assert call["project"] == PROJECT
        assert context["fileType"] == "SQL"
        assert context["uri"].startswith(f"gs://{BUCKET}/{call['instance']}/2026-01-01/")
        assert context["uri"].endswith(".sql.gz")  # Cloud SQL compresses a .gz file
        # Serverless export: the dump does not load the primary.
        assert context["offload"] is True
        assert call["connector_params"] == {"timeout": 21600}


def test_object_names_differ_by_database_and_by_run(exported):
    google, _, result = exported
    uris = [c["body"]["exportContext"]["uri"] for c in google.named(EXPORT)]
    assert len(set(uris)) == len(uris)
    assert result == {"written": uris}
    later, _, _ = _run([(900.0, _operation())], clock=Clock(now=Clock().now + 86400))
    assert not set(uris) & {c["body"]["exportContext"]["uri"] for c in later.named(EXPORT)}


def test_a_failed_export_does_not_stop_the_other_and_fails_the_run():
    refused = answer("http_error", code=403, message="denied", reason="forbidden")
    google, execution, result = _run([(1.0, refused), (900.0, _operation())])
    assert len(google.named(EXPORT)) == 2
    assert isinstance(result, WorkflowError)
    assert json.loads(result.value.split(" for ", 1)[1]) == [TARGETS[0][0]]
    assert execution.logs[0]["severity"] == "ERROR"


def test_each_successful_export_writes_one_point_of_the_export_metric(exported):
    google, _, _ = exported
    writes = google.named(WRITE)
    assert [w["name"] for w in writes] == [f"projects/{PROJECT}"] * 2
    series = [w["body"]["timeSeries"][0] for w in writes]
    assert [s["metric"] for s in series] == [
        {"type": DATABASE_EXPORT_METRIC, "labels": {DATABASE_EXPORT_METRIC_LABEL: instance}}
        for instance, _ in TARGETS
    ]
    assert all(
        s["resource"] == {"type": "global", "labels": {"project_id": PROJECT}} for s in series
    )
    assert all(s["points"][0]["value"] == {"int64Value": "1"} for s in series)
    # Written after its export's operation is done, not when it starts.
    order = [c.name for c in google.calls if c.name in (EXPORT, WRITE)]
    assert order == [EXPORT, WRITE, EXPORT, WRITE]


def test_a_failed_export_writes_no_point():
    refused = answer("http_error", code=403, message="denied", reason="forbidden")
    google, _, _ = _run([(1.0, refused), (900.0, _operation())])
    labels = [w["body"]["timeSeries"][0]["metric"]["labels"] for w in google.named(WRITE)]
    assert labels == [{DATABASE_EXPORT_METRIC_LABEL: TARGETS[1][0]}]


def test_an_export_whose_point_cannot_be_written_fails_the_run():
    refused = answer("http_error", code=403, message="denied", reason="forbidden")
    _, execution, result = _run([(900.0, _operation())], writes=[(0.5, refused), *WRITTEN])
    assert isinstance(result, WorkflowError)
    assert json.loads(result.value.split(" for ", 1)[1]) == [TARGETS[0][0]]
    assert execution.logs[0]["json"]["instance"] == TARGETS[0][0]
