"""Who may do what, read from the synthesized stacks: the identity matrix and its reachability.

Every IAM grant of every stack becomes a row (principal, role, scope, condition, the stack that
grants it and who applies that stack), with references resolved to the names they stand for
(`${google_service_account.deploy_sa.member}` -> `serviceAccount:pace-prod-deploy@...`, also
through other stacks' outputs). `docs/identity-matrix.md` is this module's output for the
committed code; a test regenerates it and compares, so it cannot go stale.

`python -m pace_infra.tools.review.identity` (`make identity-matrix`) rewrites the document.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pace_infra.tools import REPO
from pace_infra.units import HAND_APPLIED_UNITS

DOCUMENT = REPO / "docs" / "identity-matrix.md"
# Roles that let their holder act as a service account (the ways in to another identity).
IMPERSONATION_ROLES: frozenset[str] = frozenset(
    {
        "roles/iam.workloadIdentityUser",
        "roles/iam.serviceAccountUser",
        "roles/iam.serviceAccountTokenCreator",
    }
)
_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_REMOTE = re.compile(
    r"^data\.terraform_remote_state\.cross-stack-reference-input-(?P<stack>[\w-]+)\.outputs\."
    r"(?P<output>[\w-]+)$"
)


@dataclass(frozen=True)
class Grant:
    principal: str
    role: str
    scope: str
    condition: str  # the condition's title, "" for none
    stack: str
    applied_by: str  # "admin" (hand-applied stack) or "pipeline"
    expression: str = ""  # the condition's CEL expression


class Resolver:
    """Turns the references of one synth output into the names they stand for."""

    def __init__(self, stacks: Mapping[str, Mapping[str, Any]]) -> None:
        self.stacks = stacks

    def _project(self, stack: str) -> str:
        providers = self.stacks[stack].get("provider", {}).get("google", [{}])
        return providers[0].get("project", "?")

    def _attribute(self, stack: str, expression: str) -> str:
        remote = _REMOTE.match(expression)
        if remote:
            upstream = remote["stack"]
            value = self.stacks[upstream].get("output", {}).get(remote["output"], {}).get("value")
            return self.resolve(upstream, value) if isinstance(value, str) else f"${{{expression}}}"
        parts = expression.split(".")
        if len(parts) < 3:
            return f"${{{expression}}}"
        kind, name, attribute = parts[0], parts[1], parts[-1]
        resource = self.stacks[stack].get("resource", {}).get(kind, {}).get(name)
        if resource is None:
            return f"${{{expression}}}"
        project = self._project(stack)
        if kind == "google_service_account":
            email = f"{resource['account_id']}@{project}.iam.gserviceaccount.com"
            return {
                "member": f"serviceAccount:{email}",
                "email": email,
                "name": f"projects/{project}/serviceAccounts/{email}",
            }.get(attribute, email)
        if kind == "google_iam_workload_identity_pool":
            return f"<pool {resource['workload_identity_pool_id']}>"
        if kind == "google_project_iam_custom_role":
            return f"projects/{project}/roles/{resource['role_id']}"
        if kind == "google_artifact_registry_repository":
            return str(resource.get("repository_id", name))
        if kind == "google_sql_database_instance" and attribute == "service_account_email_address":
            return f"<instance {resource['name']}'s service account>"  # computed by the API
        if kind in ("google_container_analysis_note", "google_binary_authorization_attestor"):
            if attribute == "name":
                return str(resource["name"])
            if attribute == "delegation_service_account_email":  # computed by the API
                return f"<attestor {resource['name']}'s account>"
        return f"${{{expression}}}"

    def resolve(self, stack: str, text: str) -> str:
        return _REFERENCE.sub(lambda m: self._attribute(stack, m.group(1)), text)


def _scope(kind: str, attributes: Mapping[str, Any], resolve: Any) -> str:
    if kind == "google_project_iam_member":
        return f"project {attributes['project']}"
    if kind == "google_service_account_iam_member":
        account = resolve(attributes["service_account_id"])
        return f"service account {account.rsplit('/', 1)[-1]}"
    if kind == "google_storage_bucket_iam_member":
        return f"bucket {resolve(attributes['bucket'])}"
    if kind == "google_artifact_registry_repository_iam_member":
        return f"repository {resolve(attributes['repository'])}"
    what = kind.removeprefix("google_").removesuffix("_iam_member")
    for key in ("secret_id", "crypto_key_id", "note", "attestor", "name"):
        if key in attributes:
            return f"{what} {resolve(str(attributes[key]))}"
    return kind


def grants(stacks: Mapping[str, Mapping[str, Any]]) -> list[Grant]:
    """Every `*_iam_member` of every stack, resolved, in a stable order."""
    resolver = Resolver(stacks)
    found = []
    for stack, document in sorted(stacks.items()):
        unit = stack.split("-", 1)[1]
        for kind, items in document.get("resource", {}).items():
            if not (kind.startswith("google_") and kind.endswith("_iam_member")):
                continue
            for attributes in items.values():

                def resolve(text: str, stack: str = stack) -> str:
                    return resolver.resolve(stack, text)

                condition = attributes.get("condition") or {}
                found.append(
                    Grant(
                        principal=resolve(attributes["member"]),
                        role=resolve(attributes["role"]),
                        scope=_scope(kind, attributes, resolve),
                        condition=condition.get("title", ""),
                        stack=stack,
                        applied_by="admin" if unit in HAND_APPLIED_UNITS else "pipeline",
                        expression=condition.get("expression", ""),
                    )
                )
    return sorted(found, key=lambda g: (g.stack, g.principal, g.role, g.scope))


def impersonators(all_grants: Iterable[Grant]) -> dict[str, list[str]]:
    """Service account email -> the principals that may act as it."""
    who: dict[str, list[str]] = {}
    for grant in all_grants:
        if grant.role in IMPERSONATION_ROLES and grant.scope.startswith("service account "):
            email = grant.scope.removeprefix("service account ")
            who.setdefault(email, []).append(f"{grant.principal} ({grant.role.split('/')[1]})")
    return {email: sorted(set(names)) for email, names in who.items()}


def reachable_from(all_grants: list[Grant], prefix: str) -> set[str]:
    """Service accounts a principal starting with `prefix` can become, directly or in steps."""
    reached: set[str] = set()
    frontier = {prefix}
    while frontier:
        step = {
            grant.scope.removeprefix("service account ")
            for grant in all_grants
            if grant.role in IMPERSONATION_ROLES
            and grant.scope.startswith("service account ")
            and any(grant.principal.startswith(p) for p in frontier)
        }
        new = step - reached
        reached |= new
        frontier = {f"serviceAccount:{email}" for email in new}
    return reached


# Roles that grant roles, act as others, rewrite trust, read secrets or silence the audit trail:
# none may be held by an identity a pipeline can become (projectIamAdmin only under a
# modifiedGrantsByRole condition that names none of these).
ESCALATION_ROLES: frozenset[str] = frozenset(
    {
        "roles/owner",
        "roles/editor",
        "roles/iam.securityAdmin",
        "roles/iam.roleAdmin",
        "roles/iam.serviceAccountAdmin",
        "roles/iam.serviceAccountKeyAdmin",
        "roles/iam.serviceAccountTokenCreator",
        "roles/iam.workloadIdentityPoolAdmin",
        "roles/resourcemanager.projectIamAdmin",
        "roles/secretmanager.admin",
        "roles/secretmanager.secretAccessor",
        "roles/logging.admin",
        "roles/logging.configWriter",
        "roles/storage.admin",
        "roles/binaryauthorization.policyEditor",
        "roles/cloudkms.admin",
    }
    | IMPERSONATION_ROLES
)
_HAS_ONLY = re.compile(
    r"^api\.getAttribute\('iam\.googleapis\.com/modifiedGrantsByRole', \[\]\)"
    r"\.hasOnly\(\[(?P<roles>[^\]]*)\]\)$"
)


def _delegated_roles(expression: str) -> list[str] | None:
    """The roles a modifiedGrantsByRole condition allows granting, or None if it is not one."""
    match = _HAS_ONLY.match(expression)
    return re.findall(r"'([^']+)'", match["roles"]) if match else None


def escalations(all_grants: list[Grant], workload_accounts: Iterable[str] = ()) -> list[str]:
    """Ways an identity a pipeline can become could take more than it is given.

    Pipeline-reachable: every service account a federated principal (`principalSet://`) may
    act as, and whatever those may act as in turn. None may hold an escalation role, except
    projectIamAdmin limited to roles that are not escalation roles; none may act as an
    application identity (`workload_accounts`).
    """
    reachable = reachable_from(all_grants, "principalSet://")
    found = [
        f"a pipeline can act as {email}" for email in sorted(reachable & set(workload_accounts))
    ]
    for grant in all_grants:
        holder = grant.principal.removeprefix("serviceAccount:")
        if holder not in reachable or grant.role not in ESCALATION_ROLES:
            continue
        if grant.scope.startswith("service account ") and grant.role in IMPERSONATION_ROLES:
            continue  # reachability itself, already followed above
        delegated = _delegated_roles(grant.expression)
        if grant.role == "roles/resourcemanager.projectIamAdmin" and delegated is not None:
            found += [
                f"{holder} may grant {role}" for role in delegated if role in ESCALATION_ROLES
            ]
            continue
        found.append(f"{holder} holds {grant.role} on {grant.scope}")
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def render(all_grants: list[Grant]) -> str:
    """The markdown document: one table per environment, then who may act as each account."""
    environments = sorted({g.stack.split("-", 1)[0] for g in all_grants})
    out = [
        "# Identity matrix",
        "",
        "Generated from the synthesized stacks by `make identity-matrix`",
        "(`pace_infra/tools/review/identity.py`); `tests/tools/review/test_identity.py` fails when",
        "it is stale.",
        "Every IAM grant the code makes: who, what role, on what, under what condition, in",
        "which stack, and who applies that stack (an admin by hand, or the pipeline).",
    ]
    who = impersonators(all_grants)
    for env in environments:
        rows = [g for g in all_grants if g.stack.startswith(f"{env}-")]
        out += [
            "",
            f"## {env}",
            "",
            "| principal | role | scope | condition | stack | applied by |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {_cell(g.principal)} | {_cell(g.role)} | {_cell(g.scope)} | {_cell(g.condition)} "
            f"| {g.stack} | {g.applied_by} |"
            for g in rows
        ]
        accounts = sorted(e for e in who if any(e in g.scope for g in rows))
        out += ["", f"Who may act as each service account in {env}:", ""]
        out += [f"- `{email}`: {'; '.join(who[email])}" for email in accounts]
    return "\n".join(out) + "\n"


def load(outdir: Path) -> dict[str, dict[str, Any]]:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))
    }


def main() -> int:
    outdir = REPO / "cdktf.out"
    if not (outdir / "manifest.json").exists():
        print("identity-matrix: no cdktf.out; run make synth first", file=sys.stderr)
        return 2
    DOCUMENT.write_text(render(grants(load(outdir))), encoding="utf-8")
    print(f"identity-matrix: written to {DOCUMENT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
