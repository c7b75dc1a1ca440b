"""TelemetryWriter: one behaviour per test."""

from __future__ import annotations

from pace_infra.constructs.telemetry import TelemetryWriter, TelemetryWriterProps
from tests.helpers import resources, synth_construct

MEMBER = "serviceAccount:pace-t-web@pace-t.iam.gserviceaccount.com"


def test_the_identity_may_write_traces_and_metrics_and_nothing_more():
    props = TelemetryWriterProps(project_id="pace-t", member=MEMBER)
    doc = synth_construct(lambda stack: TelemetryWriter(stack, "telemetry", props=props))
    assert set(doc["resource"]) == {"google_project_iam_member"}
    grants = resources(doc, "google_project_iam_member").values()
    assert sorted((g["project"], g["role"], g["member"]) for g in grants) == [
        ("pace-t", "roles/cloudtrace.agent", MEMBER),
        ("pace-t", "roles/monitoring.metricWriter", MEMBER),
    ]
    assert not any("condition" in g for g in grants)
