"""`<env>-bootstrap`: the state bucket and the project's APIs. Applied once, by hand, first."""

from __future__ import annotations

from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.project_services import ProjectServices, ProjectServicesProps
from pace_infra.constructs.state_bucket import StateBucket, StateBucketProps
from pace_infra.stacks.base import PaceStack, system_labels

# Every API the platform's stacks call. cloudresourcemanager and serviceusage are Terraform's own
# needs (project IAM, enabling the rest); serviceusage must be on before the first apply.
PLATFORM_APIS: tuple[str, ...] = (
    "artifactregistry.googleapis.com",
    "binaryauthorization.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudtrace.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "serviceusage.googleapis.com",
    "sqladmin.googleapis.com",
    "sts.googleapis.com",
)


class BootstrapStack(PaceStack):
    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "bootstrap", local_state=True)
        apis = ProjectServices(self, "apis", props=ProjectServicesProps(services=PLATFORM_APIS))
        state = StateBucket(
            self,
            "state",
            props=StateBucketProps(
                name=env.state_bucket,
                project_id=env.project_id,
                location=env.region,
                labels=system_labels("platform"),
                audit_depends_on=(apis.enabled["cloudresourcemanager.googleapis.com"],),
            ),
        )
        self.state_bucket_name: str = state.name
