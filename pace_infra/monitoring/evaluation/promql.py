"""A small PromQL subset for `condition_prometheus_query_language`, refusing the rest.

The condition (API reference `PrometheusQueryLanguageCondition`): "Every evaluation cycle this
expression is evaluated at the current time, and all resultant time series become pending/firing
alerts"; "Alerts are considered firing once their PromQL expression was evaluated to be "true"
for this long" (`duration`, default zero). A series that leaves the result stops firing.

PromQL (https://prometheus.io/docs/prometheus/latest/querying/basics/, .../operators/ and
.../functions/):
- instant selectors `name{l="v", l!="v", l=~"re", l!~"re"}` (regex matchers "are fully
  anchored") take the latest sample within the 5-minute lookback ("the latest sample ... within
  a 5-minute lookback window"); Cloud Monitoring has no staleness markers (Managed Service for
  Prometheus, "PromQL compatibility": "Staleness is not supported in the Monarch backend"), so a
  series that stops being scraped stays visible for those 5 minutes, whatever the reason;
- the `offset` modifier "allows changing the time offset for individual instant and range
  vectors": `x offset 15m` is `x` evaluated 15 minutes earlier, `f(x[5m] offset 15m)` likewise;
- range functions over `[d]`: `rate`, `increase` (counter resets handled), `max_over_time`,
  `min_over_time`, `avg_over_time`, `sum_over_time`, `count_over_time`, `last_over_time`, and
  `absent_over_time`, which "returns an empty vector if the range vector passed to it has any
  elements ... and a 1-element vector with the value 1 if the range vector passed to it has no
  elements"; `absent(v)` likewise of an instant vector. Their one element's labels are the
  argument selector's equality matchers (the docs' examples: `absent(nonexistent{job="myjob",
  instance=~".*"})` => `{job="myjob"}`, `absent(sum(nonexistent{job="myjob"}))` => `{}`);
  a label matched twice or also by another matcher is left out, as Prometheus's
  `createLabelsForAbsentFunction` (promql/functions.go) does;
- aggregations `sum`, `min`, `max`, `avg`, `count` with `by`/`without`; binary `+ - * /` and
  comparisons `> < >= <= == !=` (a comparison filters: "drop all ... for which the comparison is
  false"), vector to scalar or one-to-one vector to vector with `on`/`ignoring`;
- `and`, `or`, `unless`: "vector1 or vector2 results in a vector that contains all original
  elements (label sets + values) of vector1 and additionally all elements of vector2 which do
  not have matching label sets in vector1", so `or` joins vectors of different label sets;
  "vector1 unless vector2 results in a vector consisting of the elements of vector1 for which
  there are no elements in vector2 with exactly matching label sets" (the metric name aside).
Anything else (`@`, negative offsets, subqueries, group_left/right, `bool`, other functions)
raises Unsupported.

The condition's `evaluation_interval` ("How often this rule should be evaluated", a multiple of
30 s, default 30 s): an interval longer than the policy's one-minute step is honoured (the
condition keeps its last state between evaluations); 30 s is evaluated every step.

Metric names (https://cloud.google.com/stackdriver/docs/managed-prometheus/promql): a Managed
Prometheus metric `prometheus.googleapis.com/NAME/KIND` is `NAME`; a Cloud Monitoring metric
`kubernetes.io/container/restart_count` is `kubernetes_io:container_restart_count` (the domain's
dots become underscores, the first `/` a colon, the other `/` underscores); resource labels are
labels, and `monitored_resource` holds the resource type.

Assumed: conditions are evaluated once a minute like the others; `rate` and `increase` do not
extrapolate to the window's edges as Prometheus does (they read the samples inside it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pace_infra.monitoring.evaluation.series import TimeSeries, Unsupported

LOOKBACK = 300
Labels = frozenset[tuple[str, str]]
Vector = dict[Labels, float]

_UNIT = r"(?:\d+[smhdw])+"
_TOKEN = re.compile(
    rf"\s*(?:(?P<bare>{_UNIT})(?![\w.])|(?P<num>\d+(?:\.\d+)?)"
    r'|(?P<str>"(?:[^"\\]|\\.)*")'
    rf"|(?P<dur>\[{_UNIT}\])"
    r"|(?P<op>=~|!~|>=|<=|==|!=|[-+*/<>(){},=@])|(?P<id>[A-Za-z_:][\w:]*))"
)
_RANGE_FUNCS = {
    "rate",
    "increase",
    "max_over_time",
    "min_over_time",
    "avg_over_time",
    "sum_over_time",
    "count_over_time",
    "last_over_time",
    "absent_over_time",
}
_AGGS = {"sum", "min", "max", "avg", "count"}
_CMP = {">", "<", ">=", "<=", "==", "!="}


_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration(text: str) -> int:
    """A PromQL duration (`15m`, `8d`, `1h30m`) in seconds."""
    parts = re.findall(r"(\d+)([smhdw])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise Unsupported(f"PromQL: the duration {text!r}")
    return sum(int(n) * _SECONDS[u] for n, u in parts)


def promql_name(series: TimeSeries) -> str:
    if series.metric_type.startswith("prometheus.googleapis.com/"):
        return series.metric_type.split("/")[1]
    domain, _, path = series.metric_type.partition("/")
    return domain.replace(".", "_") + ":" + path.replace("/", "_").replace(".", "_")


def _labels(series: TimeSeries) -> Labels:
    return frozenset(
        {
            ("__name__", promql_name(series)),
            ("monitored_resource", series.resource_type),
            *series.resource_labels.items(),
            *series.metric_labels.items(),
        }
    )


def _tokens(query: str) -> list[str]:
    out, i = [], 0
    while i < len(query):
        if query[i].isspace():
            i += 1
            continue
        match = _TOKEN.match(query, i)
        if not match:
            raise Unsupported(f"PromQL at {query[i : i + 20]!r}")
        out.append(match[0].strip())
        i = match.end()
    return out


@dataclass
class _Parser:
    tokens: list[str]
    pos: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise Unsupported(f"PromQL: expected {expected or 'more'}, found {token}")
        self.pos += 1
        return token

    def expr(self) -> tuple:
        node = self.binary(0)
        return node

    _LEVELS = (("or",), ("and", "unless"), tuple(_CMP), ("+", "-"), ("*", "/"))

    def binary(self, level: int) -> tuple:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self._LEVELS[level]:
            op = self.take()
            matching = None
            if self.peek() == "bool":
                raise Unsupported("PromQL: the bool modifier")
            if self.peek() in ("on", "ignoring"):
                kind = self.take()
                matching = (kind, self.label_list())
            if self.peek() in ("group_left", "group_right"):
                raise Unsupported("PromQL: many-to-one matching")
            right = self.binary(level + 1)
            left = ("bin", op, left, right, matching)
        return left

    def label_list(self) -> tuple[str, ...]:
        self.take("(")
        names = []
        while self.peek() != ")":
            names.append(self.take())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return tuple(names)

    def unary(self) -> tuple:
        token = self.peek()
        if token is None:
            raise Unsupported("PromQL: unexpected end")
        if token == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if token == "-":
            self.take()
            return ("bin", "*", ("num", -1.0), self.unary(), None)
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return ("num", float(self.take()))
        if token in _AGGS:
            op, grouping = self.take(), None
            if self.peek() in ("by", "without"):
                grouping = (self.take(), self.label_list())
            self.take("(")
            inner = self.expr()
            self.take(")")
            if self.peek() in ("by", "without"):
                grouping = (self.take(), self.label_list())
            return ("agg", op, grouping, inner)
        if token == "absent":
            self.take()
            self.take("(")
            inner = self.expr()
            self.take(")")
            return ("absent", inner)
        if token in _RANGE_FUNCS:
            func = self.take()
            self.take("(")
            selector = self.selector()
            rng = self.take()
            if not rng.startswith("["):
                raise Unsupported("PromQL: a range function without a range selector")
            seconds = duration(rng[1:-1])
            selector = self.modifiers(selector)
            self.take(")")
            return ("range", func, selector, seconds)
        if token == "{" or re.fullmatch(r"[A-Za-z_:][\w:]*", token):
            node = self.selector()
            if self.peek() and self.peek().startswith("["):  # type: ignore[union-attr]
                raise Unsupported("PromQL: a range vector outside a range function")
            return self.modifiers(node)
        raise Unsupported(f"PromQL: {token}")

    def modifiers(self, selector: tuple) -> tuple:
        """`offset <duration>` after a selector (or its range); `@` is refused."""
        if self.peek() == "@":
            raise Unsupported("PromQL: the @ modifier")
        if self.peek() != "offset":
            return selector
        self.take()
        text = self.take()
        if text == "-":
            raise Unsupported("PromQL: a negative offset")
        if self.peek() == "@":
            raise Unsupported("PromQL: the @ modifier")
        return ("sel", selector[1], duration(text))

    def selector(self) -> tuple:
        matchers: list[tuple[str, str, str]] = []
        if self.peek() != "{":
            name = self.take()
            if self.peek() == "(":
                raise Unsupported(f"PromQL: the function {name}")
            matchers.append(("__name__", "=", name))
        if self.peek() == "{":
            self.take()
            while self.peek() != "}":
                label, op, value = self.take(), self.take(), self.take()
                if op not in ("=", "!=", "=~", "!~") or not value.startswith('"'):
                    raise Unsupported(f"PromQL: the matcher {label}{op}{value}")
                matchers.append((label, op, value[1:-1].encode().decode("unicode_escape")))
                if self.peek() == ",":
                    self.take()
            self.take("}")
        return ("sel", tuple(matchers), 0)


def parse(query: str) -> tuple:
    parser = _Parser(_tokens(query))
    node = parser.expr()
    if parser.peek() is not None:
        raise Unsupported(f"PromQL: trailing {parser.peek()}")
    return node


def equality_matchers(node: tuple) -> dict[str, str]:
    """`label="value"` matchers of every selector in the expression (scenarios read them to aim
    their series at what a query selects); a label matched to two values is left out."""
    found: dict[str, set[str]] = {}

    def walk(n: tuple) -> None:
        if n[0] == "sel":
            for label, op, value in n[1]:
                if op == "=" and label != "__name__":
                    found.setdefault(label, set()).add(value)
        for child in n[1:]:
            if isinstance(child, tuple) and child and isinstance(child[0], str):
                walk(child)

    walk(node)
    return {label: next(iter(values)) for label, values in found.items() if len(values) == 1}


def selects(node: tuple, series: TimeSeries) -> bool:
    """Whether any selector of the expression selects the series."""
    if node[0] == "sel":
        return _selected(node[1], _labels(series))
    return any(
        selects(child, series)
        for child in node[1:]
        if isinstance(child, tuple)
        and child
        and child[0] in ("sel", "range", "agg", "bin", "absent")
    )


def absent_labels(node: tuple) -> Labels:
    """The labels of absent()'s one element: a selector's equality matchers, less any label that
    is matched twice or by another kind of matcher (Prometheus, createLabelsForAbsentFunction);
    nothing for any other expression."""
    if node[0] == "range":
        node = node[2]
    if node[0] != "sel":
        return frozenset()
    labels: dict[str, str] = {}
    has: set[str] = set()  # Prometheus's `has` map, in its order of matchers
    for label, op, value in node[1]:
        if label == "__name__":
            continue
        if op == "=" and label not in has:
            labels[label] = value
            has.add(label)
        else:
            labels.pop(label, None)
    return frozenset(labels.items())


def _selected(matchers: Sequence[tuple[str, str, str]], labels: Labels) -> bool:
    values = dict(labels)
    for label, op, value in matchers:
        actual = values.get(label, "")
        hit = actual == value if op in ("=", "!=") else re.fullmatch(value, actual) is not None
        if hit == (op in ("!=", "!~")):
            return False
    return True


def _range(func: str, points: Sequence[tuple[int, float]], seconds: int) -> float | None:
    if not points:
        return None
    values = [float(v) for _, v in points]
    if func in ("rate", "increase"):
        total, previous = 0.0, values[0]
        for value in values[1:]:
            total += value - previous if value >= previous else value
            previous = value
        return total / seconds if func == "rate" else total
    return {
        "max_over_time": max,
        "min_over_time": min,
        "avg_over_time": lambda v: sum(v) / len(v),
        "sum_over_time": sum,
        "count_over_time": len,
        "last_over_time": lambda v: v[-1],
    }[func](values)


def _key(labels: Labels, matching: tuple[str, tuple[str, ...]] | None) -> Labels:
    labels = frozenset(kv for kv in labels if kv[0] != "__name__")
    if matching is None:
        return labels
    kind, names = matching
    if kind == "on":
        return frozenset(kv for kv in labels if kv[0] in names)
    return frozenset(kv for kv in labels if kv[0] not in names)


def _apply(op: str, a: float, b: float) -> float | bool:
    if op in _CMP:
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b, "==": a == b, "!=": a != b}[op]
    if op == "/":
        return a / b if b else float("nan")
    return {"+": a + b, "-": a - b, "*": a * b}[op]


def evaluate(node: tuple, series: Sequence[TimeSeries], at: int) -> Vector | float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "absent":
        inner = evaluate(node[1], series, at)
        if not isinstance(inner, dict):
            raise Unsupported("PromQL: absent() of a scalar")
        return {} if inner else {absent_labels(node[1]): 1.0}
    if kind in ("sel", "range"):
        selector = node if kind == "sel" else node[2]
        matchers, t = selector[1], at - selector[2]  # the offset moves the evaluation time
        out: Vector = {}
        if kind == "range" and node[1] == "absent_over_time":
            present = any(
                s.window(t - node[3], t) for s in series if _selected(matchers, _labels(s))
            )
            return {} if present else {absent_labels(selector): 1.0}
        for s in series:
            labels = _labels(s)
            if not _selected(matchers, labels):
                continue
            if kind == "sel":
                points = s.window(t - LOOKBACK, t)
                if points:
                    out[labels] = float(points[-1][1])  # type: ignore[arg-type]
            else:
                value = _range(node[1], s.window(t - node[3], t), node[3])  # type: ignore[arg-type]
                if value is not None:
                    out[frozenset(kv for kv in labels if kv[0] != "__name__")] = value
        return out
    if kind == "agg":
        _, op, grouping, inner = node
        vector = evaluate(inner, series, at)
        if not isinstance(vector, dict):
            raise Unsupported("PromQL: an aggregation of a scalar")
        groups: dict[Labels, list[float]] = {}
        for labels, value in vector.items():
            if grouping is None:
                key: Labels = frozenset()
            elif grouping[0] == "by":
                key = frozenset(kv for kv in labels if kv[0] in grouping[1])
            else:
                key = frozenset(kv for kv in labels if kv[0] not in (*grouping[1], "__name__"))
            groups.setdefault(key, []).append(value)
        reducers = {"sum": sum, "min": min, "max": max, "count": len}
        return {
            k: (sum(v) / len(v) if op == "avg" else float(reducers[op](v)))
            for k, v in groups.items()
        }
    _, op, left_node, right_node, matching = node
    left, right = evaluate(left_node, series, at), evaluate(right_node, series, at)
    if op in ("and", "or", "unless"):
        if not isinstance(left, dict) or not isinstance(right, dict):
            raise Unsupported(f"PromQL: {op} with a scalar")
        right_keys = {_key(k, matching) for k in right}
        if op == "and":
            return {k: v for k, v in left.items() if _key(k, matching) in right_keys}
        if op == "unless":
            return {k: v for k, v in left.items() if _key(k, matching) not in right_keys}
        left_keys = {_key(k, matching) for k in left}
        return {**left, **{k: v for k, v in right.items() if _key(k, matching) not in left_keys}}
    if not isinstance(left, dict) and not isinstance(right, dict):
        result = _apply(op, left, right)
        if op in _CMP:
            raise Unsupported("PromQL: a comparison of two scalars")
        return float(result)
    if not isinstance(left, dict) or not isinstance(right, dict):
        vector, scalar, vector_left = (
            (left, right, True) if isinstance(left, dict) else (right, left, False)
        )
        out = {}
        for labels, value in vector.items():  # type: ignore[union-attr]
            a, b = (value, scalar) if vector_left else (scalar, value)
            result = _apply(op, a, b)  # type: ignore[arg-type]
            if op in _CMP:
                if result:
                    out[labels] = value
            else:
                out[frozenset(kv for kv in labels if kv[0] != "__name__")] = float(result)
        return out
    right_by_key: dict[Labels, float] = {}
    for labels, value in right.items():
        key = _key(labels, matching)
        if key in right_by_key:
            raise Unsupported("PromQL: many-to-one matching (duplicate right-hand series)")
        right_by_key[key] = value
    out = {}
    for labels, value in left.items():
        other = right_by_key.get(_key(labels, matching))
        if other is None:
            continue
        result = _apply(op, value, other)
        if op in _CMP:
            if result:
                out[labels] = value
        else:
            out[_key(labels, matching)] = float(result)
    return out


@dataclass
class PromQLCondition:
    name: str
    query: str
    duration: int = 0
    evaluation_interval: int = 30
    _pending: dict[Labels, int] = field(default_factory=dict, repr=False)
    _evaluated: tuple[int, bool] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._ast = parse(self.query)
        if self.evaluation_interval <= 0 or self.evaluation_interval % 30:
            raise Unsupported("an evaluation interval that is not a positive multiple of 30 s")

    def reset(self) -> None:
        self._pending.clear()
        self._evaluated = None

    def step(self, series: Sequence[TimeSeries], slos: Mapping, at: int) -> bool:
        if self._evaluated is not None and at - self._evaluated[0] < self.evaluation_interval:
            return self._evaluated[1]  # not due yet: the last evaluation stands
        result = evaluate(self._ast, series, at)
        if not isinstance(result, dict):
            raise Unsupported("PromQL: an alert expression that is a scalar")
        self._pending = {labels: self._pending.get(labels, at) for labels in result}
        firing = any(at - since >= self.duration for since in self._pending.values())
        self._evaluated = (at, firing)
        return firing
