"""What PACE alerts on when someone changes who may do what, or reads a secret: log-based alerts
on Cloud Audit Logs, WARNING (pace-platform's support-hours service), one policy per kind.

Every filter names the audit log it reads (Admin Activity, always on; Data Access for secret
reads, which bootstrap's AuditTrail turns on for secretmanager.googleapis.com) and the
`protoPayload.methodName`s of the change, as the services' audit logging pages list them:
- Resource Manager: project `SetIamPolicy`; its `serviceData.policyDelta` holds
  `bindingDeltas` and `auditConfigDeltas` (the CIS benchmark's audit-config filter);
- IAM: `google.iam.admin.v1.SetIAMPolicy` (a service account's policy),
  `google.iam.admin.v1.CreateServiceAccountKey`, `...UploadServiceAccountKey`,
  `google.iam.v1.WorkloadIdentityPools.<Create|Update|Delete|Undelete>...` (pools, providers
  and their keys; the reads are Data Access entries, which iam's ADMIN_READ logs add);
- VPC: `v1.compute.firewalls.insert|patch|update|delete` (`beta.` from beta clients);
- Logging: `google.logging.v2.ConfigServiceV2.<Create|Update|Delete><Sink|Exclusion>` and
  `<Update|Delete|Undelete>Bucket[Async]` (the locked audit bucket's retention);
- Secret Manager: `google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion`
  (DATA_READ).
Regular expressions (`=~`, RE2, case-sensitive) write a literal dot as `[.]`: no backslash to
escape in the Logging query, the JSON or HCL. A matched-log policy has exactly one condition
(provider 6.50.0: "If set, no other conditions can be present") and a notification rate limit
(alerting.py); label extractors put the principal and the method in the incident.
"""

from __future__ import annotations

from dataclasses import dataclass

from pace_infra.monitoring.model import AlertSpec, LogMatch
from pace_infra.names import gke_service_agent_email

RUNBOOK = "security-change"
PRINCIPAL = "protoPayload.authenticationInfo.principalEmail"
LABEL_EXTRACTORS: tuple[tuple[str, str], ...] = (
    ("principal", f"EXTRACT({PRINCIPAL})"),
    ("method", "EXTRACT(protoPayload.methodName)"),
)
# A project-level IAM policy write (Resource Manager v1 `SetIamPolicy`, and a later API's
# `...projects.setIamPolicy`).
_PROJECT_POLICY = (
    'resource.type="project"',
    'protoPayload.serviceName="cloudresourcemanager.googleapis.com"',
    'protoPayload.methodName=~"[sS]etIamPolicy$"',
)


@dataclass(frozen=True)
class SecurityWatch:
    """Whose expected changes the security alerts leave out, by principal."""

    # GKE's service agent (service-<number>@container-engine-robot...) creates and updates the
    # cluster's and its Ingresses' firewall rules as a matter of course.
    project_number: str
    # The pipeline's deploy identity applies only reviewed plans (make apply-plan), and may
    # grant only its stacks' roles (constructs/deployer.py, an IAM condition): its project IAM
    # and firewall changes are expected. Nothing else is left out for it: none of its stacks
    # touches service accounts' policies, keys, federation, sinks or audit configs (its grant's
    # condition limits the roles it grants, not audit configs), so if it ever does, that alerts.
    deploy_identity: str  # email


def _log(project_id: str, kind: str) -> str:
    return f'logName="projects/{project_id}/logs/cloudaudit.googleapis.com%2F{kind}"'


def _not_by(*emails: str) -> tuple[str, ...]:
    # NOT ... = : an entry without a principal still matches (nothing is left out unseen).
    return tuple(f'NOT {PRINCIPAL}="{email}"' for email in emails)


def _filter(*clauses: str) -> str:
    return " AND ".join(clauses)


def security_filters(project_id: str, watch: SecurityWatch) -> dict[str, str]:
    """Alert key suffix -> the Logging query of that kind of change."""
    activity = _log(project_id, "activity")
    return {
        "project-iam": _filter(activity, *_PROJECT_POLICY, *_not_by(watch.deploy_identity)),
        # No exclusion: only bootstrap, applied by an admin, changes audit configs.
        "audit-config": _filter(
            activity,
            *_PROJECT_POLICY,
            "protoPayload.serviceData.policyDelta.auditConfigDeltas:*",
        ),
        "service-account-iam": _filter(
            activity,
            'protoPayload.serviceName="iam.googleapis.com"',
            'protoPayload.methodName="google.iam.admin.v1.SetIAMPolicy"',
        ),
        "service-account-key": _filter(
            activity,
            'protoPayload.serviceName="iam.googleapis.com"',
            'protoPayload.methodName=~"^google[.]iam[.]admin[.]v1[.](Create|Upload)'
            'ServiceAccountKey$"',
        ),
        "workload-identity": _filter(
            activity,
            'protoPayload.serviceName="iam.googleapis.com"',
            'protoPayload.methodName=~"^google[.]iam[.]v1[.]WorkloadIdentityPools[.]'
            '(Create|Update|Delete|Undelete)"',
        ),
        "firewall": _filter(
            activity,
            'protoPayload.serviceName="compute.googleapis.com"',
            'protoPayload.methodName=~"^(v1|beta)[.]compute[.]firewalls[.]'
            '(insert|patch|update|delete)$"',
            *_not_by(watch.deploy_identity, gke_service_agent_email(watch.project_number)),
        ),
        "log-routing": _filter(
            activity,
            'protoPayload.serviceName="logging.googleapis.com"',
            'protoPayload.methodName=~"^google[.]logging[.]v2[.]ConfigServiceV2[.]'
            '((Create|Update|Delete)(Sink|Exclusion)|(Update|Delete|Undelete)Bucket(Async)?)$"',
        ),
        # People, not workloads: a principal that is not a service account (a user, or one
        # with no email at all). A person acting as a service account shows as that account;
        # the impersonation itself is in iamcredentials' Data Access log.
        "human-secret-access": _filter(
            _log(project_id, "data_access"),
            'protoPayload.serviceName="secretmanager.googleapis.com"',
            'protoPayload.methodName="google.cloud.secretmanager.v1.SecretManagerService.'
            'AccessSecretVersion"',
            f'NOT {PRINCIPAL}=~"[.]gserviceaccount[.]com$"',
        ),
    }


_WHAT: dict[str, tuple[str, str]] = {
    "project-iam": (
        "IAM policy of the project changed",
        "Someone other than the pipeline's deploy identity changed the project's IAM policy.",
    ),
    "audit-config": (
        "Audit log configuration changed",
        "The project's audit configs (which Data Access logs are written) changed: an "
        "attacker's first step is to stop the trail.",
    ),
    "service-account-iam": (
        "IAM policy of a service account changed",
        "Someone changed who may act as, or manage, a service account.",
    ),
    "service-account-key": (
        "A service account key was created",
        "A long-lived key was created or uploaded for a service account: PACE uses none "
        "(Workload Identity and federation only).",
    ),
    "workload-identity": (
        "Workload Identity Federation changed",
        "A workload identity pool or provider (who outside Google may act in the project: "
        "Bitbucket Pipelines) was created, changed or deleted.",
    ),
    "firewall": (
        "A firewall rule changed",
        "A VPC firewall rule was created, changed or deleted by someone other than the "
        "pipeline's deploy identity and GKE.",
    ),
    "log-routing": (
        "Log sinks, exclusions or buckets changed",
        "A log sink, exclusion or bucket changed: logs, the audit trail among them, may no "
        "longer reach where they are kept.",
    ),
    "human-secret-access": (
        "A person read a secret",
        "A principal that is not a service account read a Secret Manager secret's payload.",
    ),
}


def security_alerts(project_id: str, watch: SecurityWatch) -> list[AlertSpec]:
    """One matched-log policy per kind of change, to pace-platform in support hours."""
    filters = security_filters(project_id, watch)
    return [
        AlertSpec(
            key=f"platform-security-{kind}",
            title=f"Security: {title}",
            system="platform",
            family="security",
            # WARNING: pace-platform-warnings, high urgency in support hours only. A change
            # is looked at by day; a change nobody made on purpose is then escalated by hand.
            severity="WARNING",
            summary=f"{summary} Expected if it was a reviewed change you made; otherwise, "
            "treat it as an incident.",
            first_steps="- The incident's `principal` and `method` labels: who did what\n"
            "- Logs Explorer, the condition's query, last hour: the request and "
            "`protoPayload.serviceData` / `request` (what changed)",
            runbook=RUNBOOK,
            conditions=[
                LogMatch(name=title, filter=filters[kind], label_extractors=LABEL_EXTRACTORS)
            ],
        )
        for kind, (title, summary) in _WHAT.items()
    ]
