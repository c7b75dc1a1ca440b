"""PropagationWait: hold back what depends on a Google resource until the API can see it.

Some Google APIs answer 404 for a while about a resource another API has just created, and the
provider does not retry: Cloud Monitoring refuses an alert policy on a log-based metric created
in the same apply ("Cannot find metric(s) that match type = "logging.googleapis.com/user/...".
If a metric was created recently, it could take up to 10 minutes to become available",
terraform-provider-google issue 11102; `google_monitoring_alert_policy` create retries only on
409 in v6.50.0). `depends_on` orders creation; it does not wait.

The wait is a `terraform_data` resource (built into Terraform 1.4+ and OpenTofu: no provider)
whose `local-exec` provisioner sleeps when the resource is created, that is on the first apply
and again whenever one of `triggers` changes (a new log metric, say), never on other applies.
Whatever must wait depends on `dependable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, LocalExecProvisioner, TerraformResource
from constructs import Construct


@dataclass(frozen=True)
class PropagationWaitProps:
    seconds: int  # how long the API can take, by its own account
    triggers: Sequence[str]  # values (or references) whose change means waiting again
    depends_on: Sequence[ITerraformDependable] = ()  # what must exist before the clock starts
    reason: str = ""  # shown by Terraform while it waits

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError(f"seconds must be positive, got {self.seconds}")


class PropagationWait(Construct):
    """Handle: `dependable` (put it in the depends_on of whatever must wait)."""

    def __init__(self, scope: Construct, id_: str, *, props: PropagationWaitProps) -> None:
        super().__init__(scope, id_)
        message = props.reason or "waiting for Google to propagate new resources"
        wait = TerraformResource(
            self,
            "wait",
            terraform_resource_type="terraform_data",
            depends_on=list(props.depends_on) or None,
            provisioners=[
                LocalExecProvisioner(
                    type="local-exec",
                    command=f"echo '{message}: {props.seconds} s' && sleep {props.seconds}",
                )
            ],
        )
        wait.add_override("triggers_replace", list(props.triggers))
        self.dependable: ITerraformDependable = wait
