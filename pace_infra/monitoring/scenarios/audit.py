"""What Cloud Audit Logs write when someone (or something) changes IAM, firewalls, logging, or
reads a secret.

Sources ("Cloud Audit Logs overview", "Audit log entry structure", and each service's audit
logging page):
- Admin Activity entries (always written) go to `projects/<p>/logs/cloudaudit.googleapis.com%2F
  activity`, Data Access entries (where turned on: Secret Manager's, by bootstrap's AuditTrail)
  to `...%2Fdata_access`; the AuditLog is the entry's `protoPayload`: `serviceName`,
  `methodName`, `resourceName`, `authenticationInfo.principalEmail` (the caller: a user, or a
  service account; a person acting as a service account shows as that account),
  `serviceData` (Resource Manager's and IAM's SetIamPolicy: `policyDelta.bindingDeltas` and
  `auditConfigDeltas`), `request`.
- Long-running operations "usually generate two audit log entries: one when the operation
  starts and another when it ends" (Compute Engine's firewall insert / patch / delete).
- Method names: Resource Manager `SetIamPolicy` (v1; `google.cloud.resourcemanager.v3.Projects.
  SetIamPolicy` from v3 clients); IAM `google.iam.admin.v1.SetIAMPolicy`, `.CreateServiceAccount`,
  `.CreateServiceAccountKey`, `.DeleteServiceAccountKey`,
  `google.iam.v1.WorkloadIdentityPools.UpdateWorkloadIdentityPoolProvider`; STS
  `google.identity.sts.v1.SecurityTokenService.ExchangeToken` (Data Access); Compute
  `v1.compute.firewalls.insert|patch`; Logging `google.logging.v2.ConfigServiceV2.CreateExclusion`,
  `.DeleteSink`, `google.logging.v2.MetricsServiceV2.UpdateLogMetric`; Secret Manager
  `google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion` (DATA_READ).
- Terraform's google provider (6.50.0) changes a project's IAM by read-modify-write of the whole
  policy (`tpgiamresource`): one SetIamPolicy per member it adds or removes.
- GKE's Ingress controller creates and updates the firewall rules its load balancers' health
  checks need (`k8s-fw-l7--...`) as GKE's service agent.

Assumed: the resource types (`project`, `service_account`, `gce_firewall_rule`,
`logging_sink`, `audited_resource` for Secret Manager, `global` for STS); Admin Activity entries
are NOTICE and Data Access entries INFO.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.series import LogEntry

RESOURCE_MANAGER = "cloudresourcemanager.googleapis.com"
SECRET_ACCESS = "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion"
LRO_SECONDS = 10  # a firewall operation's start entry to its end entry


@dataclass(frozen=True)
class Project:
    """Where the entries are written: the project's id and number."""

    project_id: str

    def log(self, kind: str) -> str:
        return f"projects/{self.project_id}/logs/cloudaudit.googleapis.com%2F{kind}"


def entry(
    project: Project,
    t: int,
    principal: str,
    service: str,
    method: str,
    resource: tuple[str, Mapping[str, str]],
    *,
    kind: str = "activity",
    resource_name: str = "",
    service_data: Mapping[str, object] | None = None,
    request: Mapping[str, object] | None = None,
) -> LogEntry:
    """One audit log entry."""
    payload: dict[str, object] = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "serviceName": service,
        "methodName": method,
        "resourceName": resource_name,
        "authenticationInfo": {"principalEmail": principal},
    }
    if service_data is not None:
        payload["serviceData"] = dict(service_data)
    if request is not None:
        payload["request"] = dict(request)
    resource_type, labels = resource
    return LogEntry(
        t,
        resource_type,
        {"project_id": project.project_id, **labels},
        "NOTICE" if kind == "activity" else "INFO",
        log_name=project.log(kind),
        proto_payload=payload,
    )


def project_iam(
    project: Project,
    t: int,
    principal: str,
    *,
    added: tuple[tuple[str, str], ...] = (),
    removed: tuple[tuple[str, str], ...] = (),
    audit_config: tuple[tuple[str, str], ...] = (),
    method: str = "SetIamPolicy",
) -> LogEntry:
    """A SetIamPolicy on the project: binding deltas (role, member) and audit config deltas
    (service, log type) removed."""
    delta: dict[str, object] = {
        "bindingDeltas": [
            {"action": action, "role": role, "member": member}
            for action, pairs in (("ADD", added), ("REMOVE", removed))
            for role, member in pairs
        ]
    }
    if audit_config:
        delta["auditConfigDeltas"] = [
            {"action": "REMOVE", "service": service, "logType": log_type}
            for service, log_type in audit_config
        ]
    return entry(
        project,
        t,
        principal,
        RESOURCE_MANAGER,
        method,
        ("project", {}),
        resource_name=f"projects/{project.project_id}",
        service_data={
            "@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
            "policyDelta": delta,
        },
    )


def terraform_project_iam(
    project: Project, t: int, principal: str, members: tuple[tuple[str, str], ...]
) -> list[LogEntry]:
    """An apply that adds project role grants: one SetIamPolicy per member, 3 s apart."""
    return [
        project_iam(project, t + 3 * i, principal, added=(pair,)) for i, pair in enumerate(members)
    ]


def firewall(project: Project, t: int, principal: str, verb: str, rule: str) -> list[LogEntry]:
    """A firewall rule inserted, patched or deleted: the operation's first and last entries."""
    return [
        entry(
            project,
            when,
            principal,
            "compute.googleapis.com",
            f"v1.compute.firewalls.{verb}",
            ("gce_firewall_rule", {"firewall_rule_id": rule}),
            resource_name=f"projects/{project.project_id}/global/firewalls/{rule}",
        )
        for when in (t, t + LRO_SECONDS)
    ]


def iam(
    project: Project, t: int, principal: str, method: str, account: str, **request: object
) -> LogEntry:
    """An IAM Admin Activity entry on a service account (its policy, its keys, its creation)."""
    return entry(
        project,
        t,
        principal,
        "iam.googleapis.com",
        f"google.iam.admin.v1.{method}",
        ("service_account", {"email_id": account}),
        resource_name=f"projects/-/serviceAccounts/{account}",
        request=request or None,
    )


def workload_identity(project: Project, t: int, principal: str, method: str, pool: str) -> LogEntry:
    return entry(
        project,
        t,
        principal,
        "iam.googleapis.com",
        f"google.iam.v1.WorkloadIdentityPools.{method}",
        ("iam_workload_identity_pool", {"pool_id": pool}),
        resource_name=f"projects/{project.project_id}/locations/global/workloadIdentityPools/{pool}",
    )


def token_exchange(project: Project, t: int, subject: str) -> LogEntry:
    """A federated token exchange (a pipeline's step signing in): STS's Data Access log."""
    return entry(
        project,
        t,
        subject,
        "sts.googleapis.com",
        "google.identity.sts.v1.SecurityTokenService.ExchangeToken",
        ("global", {}),
        kind="data_access",
    )


def logging_config(
    project: Project,
    t: int,
    principal: str,
    method: str,
    name: str,
    service: str = "ConfigServiceV2",
) -> LogEntry:
    return entry(
        project,
        t,
        principal,
        "logging.googleapis.com",
        f"google.logging.v2.{service}.{method}",
        ("logging_sink" if "Sink" in method else "global", {"name": name}),
        resource_name=f"projects/{project.project_id}/{name}",
    )


def secret_access(project: Project, t: int, principal: str, secret: str) -> LogEntry:
    """A read of a secret's payload (Data Access, DATA_READ)."""
    return entry(
        project,
        t,
        principal,
        "secretmanager.googleapis.com",
        SECRET_ACCESS,
        ("audited_resource", {"service": "secretmanager.googleapis.com", "method": SECRET_ACCESS}),
        kind="data_access",
        resource_name=f"projects/{project.project_id}/secrets/{secret}/versions/latest",
    )
