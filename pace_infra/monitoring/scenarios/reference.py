"""docs/reference/alert-scenarios.md: for every alert policy, what it measures and the scenarios
that prove it, generated from the synthesized policies and the scenario catalog.

One row per policy of prod (its key, title and severity; what it measures, the summary its
incidents carry; its failure scenarios with the time each gives it to open; its
normal-operation scenarios), then how the other environments differ: policies prod has and they
lack (or the reverse), and policies whose summary or scenarios differ. Environment names in keys
and titles are written `<env>` for the comparison.

`python -m pace_infra.monitoring.scenarios --markdown` (make alert-scenarios-doc) writes it;
a test fails when the committed file is not what the current code generates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pace_infra.monitoring.evaluation.policy import Policy, load_policies
from pace_infra.monitoring.scenarios.model import Scenario

DOCUMENT = Path("docs/reference/alert-scenarios.md")
REFERENCE_ENV = "prod"


def deadline(seconds: int) -> str:
    """`25 min`, `2 h`, `1 h 30 min`, `26 h`."""
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


def summary(policy: Policy) -> str:
    """What the policy measures: its documentation's paragraph after the title line."""
    paragraphs = [p.strip() for p in policy.documentation.split("\n\n") if p.strip()]
    return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else ""


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    severity: str
    measures: str
    failures: tuple[str, ...]
    normals: tuple[str, ...]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows(policies: Sequence[Policy], scenarios: Sequence[Scenario], env: str) -> list[Row]:
    def generic(text: str) -> str:
        return text.replace(f"-{env}-", "-<env>-").replace(f"PACE {env}", "PACE <env>")

    rows = []
    for policy in policies:
        mine = [s for s in scenarios if s.applies_to(policy)]
        rows.append(
            Row(
                key=generic(policy.key),
                title=generic(policy.display_name).removeprefix("PACE <env>: "),
                severity=policy.severity,
                measures=generic(summary(policy)),
                failures=tuple(
                    f"{s.name} (opens within {deadline(s.within)})"
                    for s in mine
                    if s.kind == "failure"
                ),
                normals=tuple(s.name for s in mine if s.kind == "normal"),
            )
        )
    return rows


def _table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| policy | measures | fails, and must open within | stays quiet in |",
        "|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            "| "
            + " | ".join(
                _cell(cell)
                for cell in (
                    f"`{row.key}`<br>{row.title} ({row.severity})",
                    row.measures,
                    "<br>".join(row.failures),
                    "<br>".join(row.normals),
                )
            )
            + " |"
        )
    return lines


def _differences(reference: Sequence[Row], other: Sequence[Row], env: str) -> list[str]:
    theirs = {row.key: row for row in other}
    ours = {row.key: row for row in reference}
    lines = []
    missing = sorted(set(ours) - set(theirs))
    extra = sorted(set(theirs) - set(ours))
    if missing:
        lines.append(f"- not in {env}: " + ", ".join(f"`{k}`" for k in missing))
    if extra:
        lines.append(f"- only in {env}: " + ", ".join(f"`{k}`" for k in extra))
    for key in sorted(set(ours) & set(theirs)):
        a, b = ours[key], theirs[key]
        if a.measures != b.measures:
            lines.append(f"- `{key}` measures: {_cell(b.measures)}")
        if (a.failures, a.normals) != (b.failures, b.normals):
            lines.append(
                f"- `{key}` has other scenarios: {_cell('; '.join(b.failures + b.normals))}"
            )
        if a.severity != b.severity:
            lines.append(f"- `{key}` is {b.severity}")
    return lines or [f"- none: {env} has the same policies, summaries and scenarios"]


def markdown(stacks: Mapping[str, Mapping], scenarios: Sequence[Scenario]) -> str:
    """The document, from every environment's synthesized monitoring stack."""
    envs = sorted(n.removesuffix("-monitoring") for n in stacks if n.endswith("-monitoring"))
    rows = {env: _rows(load_policies(stacks[f"{env}-monitoring"]), scenarios, env) for env in envs}
    reference = rows[REFERENCE_ENV]
    failures = sum(len(r.failures) for r in reference)
    normals = sum(len(r.normals) for r in reference)
    lines = [
        "# Alert scenarios: what each policy measures, and what proves it",
        "",
        "<!-- Generated by `make alert-scenarios-doc` (python -m pace_infra.monitoring.scenarios "
        "--markdown) from the synthesized policies and the scenario catalog. Do not edit. -->",
        "",
        "Every alert policy is replayed offline over modelled failures, in which it must open "
        "within the stated time and stay open while the failure lasts, and modelled normal "
        "operation, in which it must stay quiet (`make alert-scenarios`, part of `make test`; "
        "[Alert scenarios](../operations/testing.md#alert-scenarios)). The evaluator and the "
        "mechanisms the scenarios model: [The offline alert "
        "evaluator](alerts.md#the-offline-alert-evaluator).",
        "",
        f"## {REFERENCE_ENV}",
        "",
        f"{len(reference)} policies, {failures} failure and {normals} normal-operation "
        "scenarios. `<env>` stands for the environment's name.",
        "",
        *_table(reference),
        "",
        "## Other environments",
        "",
    ]
    for env in envs:
        if env == REFERENCE_ENV:
            continue
        lines += [f"**{env}** ({len(rows[env])} policies):", ""]
        lines += _differences(reference, rows[env], env)
        lines.append("")
    return "\n".join(lines)
