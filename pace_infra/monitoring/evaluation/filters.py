"""Filters as the synthesized JSON holds them: Terraform `format()` calls and references,
Monitoring filters (metrics, SLO selectors). Logging queries are `logquery`'s.

Monitoring filter subset (https://cloud.google.com/monitoring/api/v3/filters): `key = value`
clauses joined by whitespace or `AND`, on `metric.type`, `resource.type`, `metric.label(s).K`,
`resource.label(s).K`; values quoted, bare, or `monitoring.regex.full_match("RE")` ("the regular
expression must match the whole label value"). `!=` negates. `NOT` before a clause negates that
one clause: the filter reference's syntax section is not in our document store, so `NOT` is read
as the other Google filter grammar we do hold defines it (the Logging query language: "The NOT
operator has the highest precedence", so it binds to the one comparison after it, and "NOT
missingField=foo" is TRUE, so a series without the label matches). `OR`, parentheses and every
other function are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported


def parse_duration(text: str) -> int:
    """A protobuf Duration as JSON writes it ("300s") or a PromQL one ("5m"), in seconds."""
    match = re.fullmatch(r"(\d+)(s|m|h|d)", text.strip())
    if not match:
        raise Unsupported(f"the duration {text!r}")
    return int(match[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]


# --- Terraform expressions ------------------------------------------------------------------


def string_literal(text: str, i: int) -> tuple[str, int]:
    """The double-quoted string starting at text[i], unescaped, and the index after it."""
    assert text[i] == '"'
    out, i = [], i + 1
    while text[i] != '"':
        if text[i] == "\\":
            out.append({"n": "\n", "t": "\t"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out), i + 1


def _go_quote(value: str) -> str:
    """Go's %q for the strings filters hold (what Terraform's format() does)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def resolve_terraform(text: str, reference: Callable[[str], str]) -> str:
    """The string Terraform would send: `${format("..", args)}` or `${a.b.c}`, else `text`.

    `reference` resolves a reference (`google_monitoring_slo.x.name`) to the value it stands for.
    """
    if "${" not in text:
        return text
    if not (text.startswith("${") and text.endswith("}")):
        raise Unsupported(f"a string mixing text and interpolation: {text[:60]}")
    expr = text[2:-1].strip()
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+", expr):
        return reference(expr)
    if not expr.startswith("format(") or not expr.endswith(")"):
        raise Unsupported(f"the Terraform expression {expr[:60]}")
    args: list[str] = []
    i, body = 0, expr[len("format(") : -1]
    while i < len(body):
        if body[i] in " ,\n":
            i += 1
        elif body[i] == '"':
            value, i = string_literal(body, i)
            args.append(value)
        else:
            match = re.compile(r"[\w-]+(\.[\w-]+)+").match(body, i)
            if not match:
                raise Unsupported(f"the format() argument at {body[i : i + 30]}")
            args.append(reference(match[0]))
            i = match.end()
    template, values = args[0], iter(args[1:])

    def verb(match: re.Match[str]) -> str:
        if match[0] == "%%":
            return "%"
        value = next(values)
        return _go_quote(value) if match[0] == "%q" else value

    return re.sub(r"%[%qs]", verb, template)


# --- Monitoring filters ---------------------------------------------------------------------

_CLAUSE = re.compile(
    r"\s*(?P<key>[a-z_]+(?:\.[\w-]+)+)\s*(?P<op>!=|=)\s*"
    r'(?:monitoring\.regex\.full_match\((?P<regex>"(?:[^"\\]|\\.)*")\)'
    r'|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<bare>[^\s"()]+))'
)


@dataclass(frozen=True)
class Clause:
    key: str
    value: str
    negate: bool = False  # `!=`
    regex: bool = False
    inverted: bool = False  # `NOT key=value`

    def matches(self, series: TimeSeries) -> bool:
        actual = series.label(self.key)
        if actual is None:
            hit = False
        elif self.regex:
            hit = re.fullmatch(self.value, actual) is not None
        else:
            hit = actual == self.value
        return (hit != self.negate) != self.inverted


@dataclass(frozen=True)
class MetricFilter:
    clauses: tuple[Clause, ...]

    def matches(self, series: TimeSeries) -> bool:
        return all(clause.matches(series) for clause in self.clauses)

    def value_of(self, key: str) -> str | None:
        """The value an equality clause requires for `key` (scenarios use it to aim series)."""
        for clause in self.clauses:
            if clause.key == key and not (clause.negate or clause.regex or clause.inverted):
                return clause.value
        return None


@dataclass(frozen=True)
class SloSelector:
    """`select_slo_burn_rate(slo, lookback)`."""

    slo_name: str
    lookback: int


def parse_metric_filter(text: str) -> MetricFilter | SloSelector:
    text = text.strip()
    selector = re.fullmatch(r'(select_slo_\w+)\(\s*("[^"]*")\s*(?:,\s*("[^"]*"))?\s*\)', text)
    if selector:
        if selector[1] != "select_slo_burn_rate" or not selector[3]:
            raise Unsupported(f"the SLO selector {selector[1]}")
        return SloSelector(string_literal(selector[2], 0)[0], parse_duration(selector[3][1:-1]))
    clauses, i, inverted = [], 0, False
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text.startswith("AND", i) and (i + 3 == len(text) or text[i + 3].isspace()):
            i += 3
            continue
        if text.startswith("NOT", i) and i + 3 < len(text) and text[i + 3].isspace():
            if inverted:
                raise Unsupported("NOT NOT in a monitoring filter")
            i, inverted = i + 3, True
            continue
        match = _CLAUSE.match(text, i)
        if not match:
            raise Unsupported(f"the monitoring filter at {text[i : i + 40]!r}")
        if match["regex"]:
            value, regex = string_literal(match["regex"], 0)[0], True
        elif match["quoted"]:
            value, regex = string_literal(match["quoted"], 0)[0], False
        else:
            value, regex = match["bare"], False
            if value in ("OR", "NOT"):
                raise Unsupported(f"{value} in a monitoring filter")
        clauses.append(Clause(match["key"], value, match["op"] == "!=", regex, inverted))
        i, inverted = match.end(), False
    if inverted:
        raise Unsupported("a monitoring filter ending in NOT")
    keys = {c.key for c in clauses if not c.inverted}
    if "metric.type" not in keys:
        raise Unsupported("a monitoring filter without metric.type")
    return MetricFilter(tuple(clauses))
