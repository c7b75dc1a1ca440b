"""Monitoring filters that survive every output format.

A filter like `metric.label.check_id="<computed id>"` mixes literal quotes with a Terraform
reference. cdktf's HCL renderer (`cdktf synth --hcl`, the exit path) does not escape quotes in
a string that contains a reference, and writes broken HCL. So a filter that needs a reference
becomes one `format()` call whose template has no quotes (`%q` quotes each value), and a filter
of literals stays a plain string.
"""

from __future__ import annotations

from cdktf import Fn, Token


def monitoring_filter(*clauses: tuple[str, str]) -> str:
    """`key="value"` clauses joined by spaces; values may be references."""
    if not any(Token.is_unresolved(value) for _, value in clauses):
        return " ".join(f'{key}="{value}"' for key, value in clauses)
    template = " ".join(f"{key}=%q" for key, _ in clauses)
    return Fn.format(template, [value for _, value in clauses])


def slo_burn_rate(slo_name: str, window: str) -> str:
    """`select_slo_burn_rate("<slo>", "<window>")` for an SLO resource name (a reference)."""
    return Fn.format("select_slo_burn_rate(%q, %q)", [slo_name, window])
