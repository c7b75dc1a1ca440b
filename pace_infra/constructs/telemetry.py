"""TelemetryWriter: an application identity may write traces and metrics, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from constructs import Construct

# Cloud Trace agent (write spans) and metric writer (custom/OpenTelemetry metrics): write-only.
TELEMETRY_ROLES: tuple[str, ...] = ("roles/cloudtrace.agent", "roles/monitoring.metricWriter")


@dataclass(frozen=True)
class TelemetryWriterProps:
    project_id: str
    member: str  # serviceAccount:<email>


class TelemetryWriter(Construct):
    def __init__(self, scope: Construct, id_: str, *, props: TelemetryWriterProps) -> None:
        super().__init__(scope, id_)
        for role in TELEMETRY_ROLES:
            ProjectIamMember(
                self, role.split(".")[-1], project=props.project_id, role=role, member=props.member
            )
