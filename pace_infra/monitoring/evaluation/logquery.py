"""Logging queries (log-based metrics' and matched-log conditions' filters), a subset of the
Logging query language, refusing the rest.

What the documentation says, and we implement ("Logging query language",
https://cloud.google.com/logging/docs/view/logging-query-language):

- Boolean operators: "The NOT operator has the highest precedence, followed by OR and AND in that
  order"; "You can omit the AND operator between comparisons. You can also replace the NOT
  operator with the - (minus) operator"; parentheses group.
- Comparisons `[FIELD_NAME] [OP] [VALUE]` with `=`, `!=`, `<`, `<=`, `>`, `>=`, `:` ("has"
  matches any substring in the log entry field), `=~` / `!~` ("regular expression search for a
  pattern"). "If [VALUE] is a parenthesized Boolean combination of comparisons, then the field
  name and the comparison operator are applied to each element": `f = ("a" OR "b")`.
- "The [VALUE] is converted to the field's type prior to the comparison"; "If an attempted
  conversion fails, then the comparison fails". Fields inside jsonPayload have the type of their
  value (numbers are doubles, true/false bool, else string); `severity` is an enum whose
  inequality "uses the underlying numeric values" (DEFAULT < DEBUG < ... < EMERGENCY, so
  `severity>=ERROR` selects ERROR, CRITICAL, ALERT, EMERGENCY).
- Strings: "Comparisons ignore letter case" (NFKC_CF normalization); "regular expression
  searches aren't normalized". The substring operator "is handled like equality except that the
  right-hand operand need only equal some part of the left-hand field".
- Missing fields: a jsonPayload (or labels) field absent from an entry is missing, and "all
  comparisons using missing fields fail silently"; "To test if a missing or defaulted field
  exists ... use the :* comparison"; "When you use the Boolean NOT operator on a missing field,
  the result is TRUE"; "When you use the not equal comparison operator != on a missing field, the
  result is FALSE". Fields the LogEntry type defines (`severity`, `logName`, `resource.type`) are
  "defaulted": compared as if present.
- Arrays: "each member of the array is compared to [VALUE] and the results are joined together
  using the OR operator".
- `log_id([LOG_ID])` "returns log entries that match the given [LOG_ID] argument from the logName
  field" ("you don't need to URL escape the [LOG_ID]"; logName holds it URL-encoded after
  `/logs/`).

Fields: `resource.type`, `resource.labels.K`, `severity`, `logName`, `textPayload`,
`jsonPayload.a.b`, `protoPayload.a.b` (an audit log's AuditLog: `serviceName`, `methodName`,
`authenticationInfo.principalEmail`, `serviceData...`; its fields are strings, lists and
objects as Logging shows them in JSON). Refused with Unsupported: global restrictions (a bare
value), other fields, other functions (`SEARCH`, `sample`, `cast`, ...), quoted path
components, comparisons with a JSON object or of a number by substring.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.filters import string_literal
from pace_infra.monitoring.evaluation.series import SEVERITIES, LogEntry, Unsupported

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>>=|<=|!=|=~|!~|[=<>:()])'
    r'|(?P<word>[^\s"()=<>:!]+))'
)
_OPS = ("=", "!=", "<", "<=", ">", ">=", ":", "=~", "!~")
_MISSING = object()


def _fold(text: str) -> str:
    """NFKC_CF, as the docs say string comparisons normalize both operands."""
    return unicodedata.normalize("NFKC", text).casefold()


def _field(entry: LogEntry, path: str) -> object:
    """The field's value, or _MISSING. Defaulted fields are always present."""
    if path == "resource.type":
        return entry.resource_type
    if path.startswith("resource.labels."):
        return entry.resource_labels.get(path.removeprefix("resource.labels."), _MISSING)
    if path == "severity":
        return entry.severity
    if path == "logName":
        return entry.log_name
    if path == "textPayload":
        return _MISSING if entry.text_payload is None else entry.text_payload
    for prefix, payload in (
        ("jsonPayload.", entry.json_payload),
        ("protoPayload.", entry.proto_payload),
    ):
        if path.startswith(prefix):
            node: object = payload
            for part in path.removeprefix(prefix).split("."):
                node = node.get(part, _MISSING) if isinstance(node, Mapping) else _MISSING
            return node
    raise Unsupported(f"the log field {path}")


def _compare_scalar(path: str, actual: object, op: str, value: str) -> bool:
    if path == "severity":
        if op in ("=~", "!~", ":"):
            raise Unsupported(f"severity{op}")
        left, right = SEVERITIES.index(str(actual)), SEVERITIES.index(value.upper())
    elif op in ("=~", "!~"):
        found = re.search(value, str(actual)) is not None
        return found if op == "=~" else not found
    elif isinstance(actual, bool):
        if op == ":":
            raise Unsupported(f"the substring operator on the Boolean {path}")
        if value.lower() not in ("true", "false"):
            return False  # "If an attempted conversion fails, then the comparison fails"
        left, right = actual, value.lower() == "true"
    elif isinstance(actual, int | float):
        if op == ":":
            raise Unsupported(f"the substring operator on the number {path}")
        try:
            left, right = float(actual), float(value)
        except ValueError:
            return False  # "If an attempted conversion fails, then the comparison fails"
    elif isinstance(actual, str):
        left, right = _fold(actual), _fold(value)
        if op == ":":
            return right in left
    else:
        raise Unsupported(f"a comparison with the JSON object {path}")
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


@dataclass(frozen=True)
class Comparison:
    path: str
    op: str
    value: str  # "*" with ":" tests presence

    def matches(self, entry: LogEntry) -> bool:
        actual = _field(entry, self.path)
        if self.op == ":" and self.value == "*":
            return actual is not _MISSING
        if actual is _MISSING or actual is None:
            return False  # "all comparisons using missing fields fail silently"
        members = actual if isinstance(actual, list) else [actual]
        return any(_compare_scalar(self.path, m, self.op, self.value) for m in members)


@dataclass(frozen=True)
class LogId:
    log_id: str

    def matches(self, entry: LogEntry) -> bool:
        _, sep, encoded = entry.log_name.partition("/logs/")
        return bool(sep) and urllib.parse.unquote(encoded) == self.log_id


@dataclass(frozen=True)
class Not:
    inner: Node

    def matches(self, entry: LogEntry) -> bool:
        return not self.inner.matches(entry)


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]

    def matches(self, entry: LogEntry) -> bool:
        return all(item.matches(entry) for item in self.items)


@dataclass(frozen=True)
class Any_:
    items: tuple[Node, ...]

    def matches(self, entry: LogEntry) -> bool:
        return any(item.matches(entry) for item in self.items)


Node = Comparison | LogId | Not | All | Any_


@dataclass(frozen=True)
class LogFilter:
    root: Node

    def matches(self, entry: LogEntry) -> bool:
        return self.root.matches(entry)

    def required(self) -> dict[str, str]:
        """Fields the query requires to equal a value (`path="v"` in its top-level AND), which
        scenarios read to aim their entries at what a log-based metric selects."""
        items = self.root.items if isinstance(self.root, All) else (self.root,)
        return {c.path: c.value for c in items if isinstance(c, Comparison) and c.op == "="}


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        i = 0
        while i < len(text):
            if text[i].isspace():
                i += 1
                continue
            match = _TOKEN.match(text, i)
            if not match:
                raise Unsupported(f"the logging query at {text[i : i + 40]!r}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match[kind]))
            i = match.end()
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Unsupported("the logging query ends early")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise Unsupported(f"the logging query: expected {text}")

    def _continues(self) -> bool:
        token = self.peek()
        return token is not None and token[1] not in (")", "OR")

    # expression: AND binds loosest, then OR, then NOT (the documented precedence)
    def conjunction(self, atom) -> Node:  # noqa: ANN001 - a bound parser method
        items = [self.disjunction(atom)]
        while self._continues():
            if self.peek() == ("word", "AND"):
                self.take()
            items.append(self.disjunction(atom))
        return items[0] if len(items) == 1 else All(tuple(items))

    def disjunction(self, atom) -> Node:  # noqa: ANN001
        items = [self.negation(atom)]
        while self.peek() == ("word", "OR"):
            self.take()
            items.append(self.negation(atom))
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def negation(self, atom) -> Node:  # noqa: ANN001
        token = self.peek()
        if token == ("word", "NOT"):
            self.take()
            return Not(self.negation(atom))
        if token and token[0] == "word" and token[1].startswith("-") and len(token[1]) > 1:
            self.tokens[self.pos] = ("word", token[1][1:])  # `-e="f"` is `NOT e="f"`
            return Not(self.negation(atom))
        if token == ("op", "("):
            self.take()
            node = self.conjunction(atom)
            self.expect(")")
            return node
        return atom()

    def term(self) -> Node:
        kind, text = self.take()
        if kind != "word" or text in ("AND", "OR", "NOT"):
            raise Unsupported(f"a global restriction or a stray {text!r} in a logging query")
        if self.peek() == ("op", "("):
            if text != "log_id":
                raise Unsupported(f"the logging function {text}")
            self.take()
            kind, arg = self.take()
            self.expect(")")
            return LogId(string_literal(arg, 0)[0] if kind == "str" else arg)
        path = text
        if '"' in path or not re.fullmatch(r"[A-Za-z_][\w.]*", path):
            raise Unsupported(f"the field path {path}")
        kind, op = self.take()
        if kind != "op" or op not in _OPS:
            raise Unsupported(f"a global restriction or the operator {op!r} after {path}")
        return self._values(path, op)

    def _values(self, path: str, op: str) -> Node:
        if self.peek() == ("op", "("):
            self.take()
            node = self.conjunction(lambda: self._value(path, op))
            self.expect(")")
            return node
        return self._value(path, op)

    def _value(self, path: str, op: str) -> Node:
        kind, text = self.take()
        if kind == "str":
            value = string_literal(text, 0)[0]
        elif kind == "word" and text not in ("AND", "OR", "NOT"):
            value = text
            if value == "*" and op != ":":
                raise Unsupported(f"{path}{op}*")
        else:
            raise Unsupported(f"the value {text!r} of {path}")
        if path == "severity" and value.upper() not in SEVERITIES:
            raise Unsupported(f"the severity {value}")
        return Comparison(path, op, value)


@dataclass(frozen=True)
class Extractor:
    """A label extractor of a matched-log condition (API reference `LogMatch.label_extractors`,
    whose syntax is the log-based metrics' `valueExtractor`: "EXTRACT(field)"). The value of a
    field the entry lacks is the empty string: a log-based metric's label "will have a default
    value" when "the extraction ... fails", "an empty string" for a string label (LogMetric,
    `label_extractors`); we assume the same of a matched-log condition's labels."""

    path: str

    def value(self, entry: LogEntry) -> str:
        actual = _field(entry, self.path)
        if actual is _MISSING or actual is None:
            return ""
        if isinstance(actual, Mapping | list):
            raise Unsupported(f"extracting the JSON object or list {self.path}")
        return str(actual)


def parse_extractor(text: str) -> Extractor:
    """`EXTRACT(field)`; REGEXP_EXTRACT and anything else is refused."""
    match = re.fullmatch(r"\s*EXTRACT\(\s*([A-Za-z_][\w.]*)\s*\)\s*", text)
    if not match:
        raise Unsupported(f"the label extractor {text!r} (only EXTRACT(field))")
    return Extractor(match[1])


def parse_log_filter(text: str) -> LogFilter:
    parser = _Parser(text)
    if parser.peek() is None:
        raise Unsupported("an empty logging query (it matches every entry)")
    root = parser.conjunction(parser.term)
    if parser.peek() is not None:
        raise Unsupported(f"the logging query at {parser.peek()[1]!r}")
    return LogFilter(root)
