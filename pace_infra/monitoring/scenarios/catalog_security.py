"""Scenarios of security-relevant changes, read from Cloud Audit Logs: people changing IAM,
keys, federation, firewalls, logging and reading secrets; and what changes them as a matter of
course: the pipeline's reviewed applies, GKE's service agent, workloads reading their secrets.

Who is who comes from the environment's synthesized stacks and names: the project
(the monitoring stack's provider), the deploy identity (`EnvNames.deploy_service_account`, which
the cicd stack creates), the workloads' service accounts (the gke stack's), GKE's service agent
(the member bootstrap grants the Secrets key to), the firewall rules (the network stack's)."""

from __future__ import annotations

from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import LogEntry, Unsupported
from pace_infra.monitoring.scenarios import audit
from pace_infra.monitoring.scenarios.audit import Project
from pace_infra.monitoring.scenarios.model import HOUR, MIN, Build, Context, Run, Scenario
from pace_infra.names import EnvNames, service_account_email

ALICE = "alice@pace.example"  # people: platform admins acting by hand
BOB = "bob@pace.example"


def _project(ctx: Context) -> Project:
    providers = ctx.stacks[f"{ctx.env}-monitoring"]["provider"]["google"]
    return Project(providers[0]["project"])


def _deploy_identity(ctx: Context) -> str:
    account = EnvNames(ctx.env).deploy_service_account
    accounts = ctx.resource("cicd", "google_service_account").values()
    if not any(a.get("account_id") == account for a in accounts):
        raise Unsupported(f"the cicd stack creates no {account}")
    return service_account_email(account, _project(ctx).project_id)


def _workload_accounts(ctx: Context) -> list[str]:
    project = _project(ctx).project_id
    return [
        service_account_email(a["account_id"], project)
        for key, a in ctx.resource("gke", "google_service_account").items()
        if key.startswith("identity_")
    ]


def _gke_service_agent(ctx: Context) -> str:
    for grant in ctx.resource("bootstrap", "google_kms_crypto_key_iam_member").values():
        member = grant.get("member", "")
        if member.endswith("@container-engine-robot.iam.gserviceaccount.com"):
            return member.removeprefix("serviceAccount:")
    raise Unsupported("bootstrap grants GKE's service agent nothing")


def _pipeline_roles(ctx: Context) -> list[str]:
    """The project roles the stacks the pipeline applies grant."""
    return sorted(
        {
            grant["role"]
            for unit in ("gke", "databases", "monitoring")
            for grant in ctx.resource(unit, "google_project_iam_member").values()
        }
    )


def _pipeline_apply(ctx: Context) -> Run:
    """A reviewed change applied by the pipeline's deploy identity (make apply-plan): the
    databases, gke and monitoring stacks re-grant their project roles (one SetIamPolicy each),
    the network stack patches its firewall rules, the monitoring stack updates its log-based
    metrics; the pipeline's steps sign in by token exchange; the workloads' service accounts
    read their secrets as their pods restart; GKE's service agent creates and updates the
    Ingress's firewall rules."""
    project, deploy, end = _project(ctx), _deploy_identity(ctx), 2 * HOUR
    workloads = _workload_accounts(ctx)
    t = 30 * MIN
    logs: list[LogEntry] = [audit.token_exchange(project, t - 60, "principal://bitbucket/step")]
    members = tuple((role, f"serviceAccount:{workloads[0]}") for role in _pipeline_roles(ctx))
    logs += audit.terraform_project_iam(project, t, deploy, members)
    for i, rule in enumerate(
        sorted(r["name"] for r in ctx.resource("network", "google_compute_firewall").values())
    ):
        logs += audit.firewall(project, t + 60 + 20 * i, deploy, "patch", rule)
    logs.append(audit.iam(project, t + 90, deploy, "CreateServiceAccount", workloads[-1]))
    logs.append(
        audit.logging_config(
            project,
            t + 120,
            deploy,
            "UpdateLogMetric",
            "metrics/pace-errors-web",
            "MetricsServiceV2",
        )
    )
    agent = _gke_service_agent(ctx)
    logs += audit.firewall(project, t + 5 * MIN, agent, "insert", "k8s-fw-l7--4f1c2e")
    logs += audit.firewall(project, t + 40 * MIN, agent, "patch", "k8s-fw-l7--4f1c2e")
    for pod in range(6):
        for account in workloads:
            logs.append(
                audit.secret_access(project, t + 3 * MIN + 40 * pod, account, "db-password")
            )
    return Run(Observations(end, logs=sorted(logs, key=lambda e: e.time)))


def _people(changes: Callable[[Project, int, str], list[LogEntry]]) -> Build:
    """Two people make the same kind of change by hand: Alice three times in four minutes and
    again twelve minutes later, Bob once a minute after her first. The failure lasts from the
    first change until five minutes after the last."""

    def build(ctx: Context) -> Run:
        project, start, end = _project(ctx), 20 * MIN, 2 * HOUR
        logs = [
            entry
            for when, who in (
                (start, ALICE),
                (start + 60, BOB),
                (start + 120, ALICE),
                (start + 240, ALICE),
                (start + 16 * MIN, ALICE),
            )
            for entry in changes(project, when, who)
        ]
        last = max(e.time for e in logs)
        return Run(Observations(end, logs=logs), (start, last + 5 * MIN))

    return build


def _grant_owner(project: Project, t: int, who: str) -> list[LogEntry]:
    return [audit.project_iam(project, t, who, added=(("roles/owner", f"user:{who}"),))]


def _stop_the_trail(project: Project, t: int, who: str) -> list[LogEntry]:
    service = "secretmanager.googleapis.com"
    return [audit.project_iam(project, t, who, audit_config=((service, "DATA_READ"),))]


def _token_creator(project: Project, t: int, who: str) -> list[LogEntry]:
    account = f"pace-deploy@{project.project_id}.iam.gserviceaccount.com"
    return [audit.iam(project, t, who, "SetIAMPolicy", account)]


def _key(project: Project, t: int, who: str) -> list[LogEntry]:
    account = f"pace-ci@{project.project_id}.iam.gserviceaccount.com"
    return [audit.iam(project, t, who, "CreateServiceAccountKey", account)]


def _federation(project: Project, t: int, who: str) -> list[LogEntry]:
    return [audit.workload_identity(project, t, who, "UpdateWorkloadIdentityPoolProvider", "bb")]


def _open_ssh(project: Project, t: int, who: str) -> list[LogEntry]:
    return audit.firewall(project, t, who, "insert", f"allow-ssh-{t}")


def _exclusion(project: Project, t: int, who: str) -> list[LogEntry]:
    return [audit.logging_config(project, t, who, "CreateExclusion", f"exclusions/noisy-{t}")]


def _read_secret(project: Project, t: int, who: str) -> list[LogEntry]:
    return [audit.secret_access(project, t, who, "gitops-repo")]


def _hand_maintenance(ctx: Context) -> Run:
    """What people do by hand that is not a security change: Alice deletes an old service
    account key, Bob lists the secrets (their names, not their values), a pipeline step signs
    in."""
    project, end = _project(ctx), 2 * HOUR
    account = f"pace-ci@{project.project_id}.iam.gserviceaccount.com"
    logs = [
        audit.iam(project, 20 * MIN, ALICE, "DeleteServiceAccountKey", account),
        audit.entry(
            project,
            25 * MIN,
            BOB,
            "secretmanager.googleapis.com",
            "google.cloud.secretmanager.v1.SecretManagerService.ListSecrets",
            ("audited_resource", {"service": "secretmanager.googleapis.com"}),
            kind="data_access",
        ),
        audit.token_exchange(project, 30 * MIN, "principal://bitbucket/step"),
    ]
    return Run(Observations(end, logs=logs))


_FAILURES: tuple[tuple[str, str, Callable[[Project, int, str], list[LogEntry]], str], ...] = (
    ("project-iam", "people grant themselves roles/owner", _grant_owner, "who holds what changed"),
    (
        "audit-config",
        "people turn off Secret Manager's Data Access log",
        _stop_the_trail,
        "the trail being stopped is the first step of an attack",
    ),
    (
        "service-account-iam",
        "people grant themselves the deploy identity",
        _token_creator,
        "who may act as an account changed",
    ),
    (
        "service-account-key",
        "people create a key for the CI account",
        _key,
        "a long-lived key exists where none should",
    ),
    (
        "workload-identity",
        "people change the Bitbucket provider",
        _federation,
        "who outside Google may act changed",
    ),
    ("firewall", "people open SSH to the world", _open_ssh, "the network's edge changed"),
    (
        "log-routing",
        "people add log exclusions",
        _exclusion,
        "logs may no longer reach where they are kept",
    ),
    (
        "human-secret-access",
        "people read the GitOps credential",
        _read_secret,
        "a person holding a secret is noticed",
    ),
)

SECURITY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "a reviewed pipeline apply, GKE's Ingress rules, workloads reading secrets",
        "normal",
        "platform-security-*",
        _pipeline_apply,
        why="the deploy identity's reviewed changes, GKE's own and workloads' are their job",
    ),
    Scenario(
        "hand maintenance: a key deleted, secrets listed, policies read",
        "normal",
        "platform-security-*",
        _hand_maintenance,
        why="removing a key or reading metadata is no change to who may do what",
    ),
    *(
        Scenario(
            name + " (two people, repeated)",
            "failure",
            f"platform-security-{kind}",
            _people(changes),
            2 * MIN,
            why + "; one notification per person and method per 5 minutes",
        )
        for kind, name, changes, why in _FAILURES
    ),
)
