"""An offline interpreter of the Cloud Workflows syntax PACE's workflows use, and recorded API
answers for their connector calls. Nothing reaches Google.

Covered, as the Workflows syntax reference describes it (cloud.google.com/workflows/docs/
reference/syntax): subworkflows with params; steps of `assign`, `call` (+ `args`, `result`),
`switch` (`condition` with `raise`/`return`/`steps`/`next`), `for` (`value`, `in`, `steps`,
loop-local variables), `try` (a call or `steps`) with `except` (`as`, `steps`), `raise`,
`return`, `next`, nested `steps`; `${...}` expressions with the standard library functions
the workflows call. Anything else fails loudly (`Unsupported`), so a workflow cannot use syntax
these tests do not understand.

Connector calls (`googleapis.*`) go to `Recorded`, which answers from fixtures/*.json
({"reference": <the API page documenting the shape>, "answer": ...}), in order, and keeps every
call for the test to read. A connector waits for a long-running operation and returns it done;
so does a recorded answer. An answer `{"error": {...}}` is raised as the connector's HttpError
(a map with `code`, `message`, `tags`, `body`).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).parent / "fixtures"
_EXPRESSION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_LITERALS = {"true": "True", "false": "False", "null": "None"}


class Unsupported(Exception):
    """Syntax or a function this interpreter does not know: the test must learn it first."""


class WorkflowError(Exception):
    """A raised error: what `except: as:` binds, and what fails an execution."""

    def __init__(self, value: Any) -> None:
        super().__init__(value)
        self.value = value


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Next(Exception):
    def __init__(self, target: str) -> None:
        self.target = target


def answer(fixture: str, **replace: Any) -> dict[str, Any]:
    """A recorded answer, with `{placeholders}` in its strings filled in."""
    text = (FIXTURES / f"{fixture}.json").read_text()
    for key, value in replace.items():
        text = text.replace("{" + key + "}", str(value))
    data = json.loads(text)
    assert data["reference"].startswith("https://"), fixture
    return data["answer"]


@dataclass
class Clock:
    """What `sys.now()` returns; each recorded answer may advance it (the call's duration)."""

    now: float = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@dataclass
class Call:
    name: str
    args: dict[str, Any]


@dataclass
class Recorded:
    """Connector answers by call name, in order (the last one repeats); each answer is a
    (seconds the call takes, answer) pair. A call with no route fails the test."""

    routes: dict[str, list[tuple[float, dict[str, Any]]]]
    clock: Clock = field(default_factory=Clock)
    calls: list[Call] = field(default_factory=list)

    def call(self, name: str, args: dict[str, Any]) -> Any:
        self.calls.append(Call(name, args))
        if name not in self.routes:
            raise AssertionError(f"unrouted connector call: {name}")
        answers = self.routes[name]
        seconds, result = copy.deepcopy(answers.pop(0) if len(answers) > 1 else answers[0])
        self.clock.now += seconds
        if isinstance(result, dict) and set(result) == {"error"}:
            raise WorkflowError(result["error"])
        return result

    def named(self, name: str) -> list[dict[str, Any]]:
        """The arguments of every call of one connector method, in order."""
        return [call.args for call in self.calls if call.name == name]


def _rfc3339(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise WorkflowError({"tags": ["TypeError"], "message": f"string() of {value!r}"})


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise WorkflowError({"tags": ["TypeError"], "message": f"int() of {value!r}"})
    return int(float(value)) if isinstance(value, str) else int(value)


def _map_get(value: Any, key: str) -> Any:
    if not isinstance(value, dict):
        raise WorkflowError({"tags": ["TypeError"], "message": "map.get of a non-map"})
    return value.get(key)


class Execution:
    """One execution of a workflow source, with the environment `sys.get_env` reads."""

    def __init__(self, source: str, env: Mapping[str, str], google: Recorded) -> None:
        self.workflows: dict[str, Any] = yaml.safe_load(source)
        self.env = dict(env)
        self.google = google
        self.logs: list[dict[str, Any]] = []
        self.functions: dict[str, Callable[..., Any]] = {
            "sys.now": lambda: google.clock.now,
            "sys.get_env": self._get_env,
            "json.decode": json.loads,
            "json.encode_to_string": lambda value: json.dumps(value, separators=(",", ":")),
            "time.format": _rfc3339,
            "text.substring": lambda text, start, end: text[start:end],
            "string": _string,
            "int": _int,
            "len": len,
            "list.concat": lambda items, item: [*items, item],
            "map.get": _map_get,
        }

    def _get_env(self, name: str) -> str:
        if name not in self.env:
            raise WorkflowError({"tags": ["KeyError"], "message": f"no environment {name}"})
        return self.env[name]

    # -- running ------------------------------------------------------------------------------

    def run(self) -> Any:
        """Run `main`; its return value, or WorkflowError when the execution fails."""
        return self._subworkflow("main", {})

    def _subworkflow(self, name: str, args: Mapping[str, Any]) -> Any:
        definition = self.workflows[name]
        params = definition.get("params", [])
        unknown = set(args) - set(params)
        if unknown:
            raise Unsupported(f"{name}: arguments {sorted(unknown)} are not params")
        missing = set(params) - set(args)
        if missing:
            raise WorkflowError({"tags": ["KeyError"], "message": f"{name}: missing {missing}"})
        try:
            self._steps(definition["steps"], [dict(args)])
        except _Return as done:
            return done.value
        return None

    def _steps(self, steps: list[dict[str, Any]], scopes: list[dict[str, Any]]) -> None:
        names = [next(iter(step)) for step in steps]
        index = 0
        while index < len(steps):
            ((_, body),) = steps[index].items()
            try:
                self._step(body, scopes)
            except _Next as jump:
                if jump.target in ("break", "continue", "end"):
                    raise
                index = names.index(jump.target)
                continue
            index += 1

    def _step(self, body: Mapping[str, Any], scopes: list[dict[str, Any]]) -> None:
        keys = set(body)
        if "try" in keys:
            self._try(body, scopes)
        elif "assign" in keys:
            for item in body["assign"]:
                ((target, expression),) = item.items()
                self._set(scopes, target, self._value(expression, scopes))
        elif "call" in keys:
            self._call(body, scopes)
        elif "switch" in keys:
            self._switch(body["switch"], scopes)
        elif "for" in keys:
            self._for(body["for"], scopes)
        elif "raise" in keys:
            raise WorkflowError(self._value(body["raise"], scopes))
        elif "return" in keys:
            raise _Return(self._value(body["return"], scopes))
        elif "steps" in keys:
            self._steps(body["steps"], scopes)
        elif keys != {"next"}:
            raise Unsupported(f"step with {sorted(keys)}")
        if "next" in keys and "switch" not in keys:
            raise _Next(body["next"])

    def _try(self, body: Mapping[str, Any], scopes: list[dict[str, Any]]) -> None:
        if set(body) - {"try", "except"}:
            raise Unsupported(f"try with {sorted(set(body) - {'try', 'except'})}")
        try:
            self._step(body["try"], scopes)
        except WorkflowError as error:
            handler = body.get("except")
            if handler is None:
                raise
            self._set(scopes, handler["as"], error.value)
            self._steps(handler["steps"], scopes)

    def _call(self, body: Mapping[str, Any], scopes: list[dict[str, Any]]) -> None:
        name = body["call"]
        args = self._value(body.get("args", {}), scopes)
        if name in self.workflows:
            result = self._subworkflow(name, args)
        elif name.startswith("googleapis."):
            result = self.google.call(name, args)
        elif name == "sys.log":
            self.logs.append(args)
            result = None
        else:
            raise Unsupported(f"call of {name}")
        if "result" in body:
            self._set(scopes, body["result"], result)

    def _switch(self, cases: list[Mapping[str, Any]], scopes: list[dict[str, Any]]) -> None:
        for case in cases:
            if self._value(case["condition"], scopes) is True:
                actions = {key: value for key, value in case.items() if key != "condition"}
                if set(actions) - {"steps", "raise", "return", "next", "assign"}:
                    raise Unsupported(f"switch case with {sorted(actions)}")
                if actions:
                    self._step(actions, scopes)
                return

    def _for(self, loop: Mapping[str, Any], scopes: list[dict[str, Any]]) -> None:
        if set(loop) - {"value", "in", "steps"}:
            raise Unsupported(f"for with {sorted(loop)}")
        for item in self._value(loop["in"], scopes):
            # Variables first assigned in the body are the body's own.
            local = {loop["value"]: item}
            try:
                self._steps(loop["steps"], [*scopes, local])
            except _Next as jump:
                if jump.target == "break":
                    break
                if jump.target != "continue":
                    raise

    # -- values ------------------------------------------------------------------------------

    @staticmethod
    def _set(scopes: list[dict[str, Any]], target: str, value: Any) -> None:
        if not re.fullmatch(r"[A-Za-z_]\w*", target):
            raise Unsupported(f"assignment to {target!r}")
        for scope in reversed(scopes):
            if target in scope:
                scope[target] = value
                return
        scopes[-1][target] = value

    def _value(self, value: Any, scopes: list[dict[str, Any]]) -> Any:
        if isinstance(value, dict):
            return {key: self._value(item, scopes) for key, item in value.items()}
        if isinstance(value, list):
            return [self._value(item, scopes) for item in value]
        if isinstance(value, str):
            match = _EXPRESSION.match(value)
            if match:
                return self.evaluate(match.group(1), scopes)
            if "${" in value:
                raise Unsupported(f"a string with an expression inside: {value!r}")
        return value

    def evaluate(self, text: str, scopes: list[dict[str, Any]]) -> Any:
        python = re.sub(r"\b(true|false|null)\b", lambda m: _LITERALS[m.group(1)], text)
        try:
            tree = ast.parse(python.strip(), mode="eval")
        except SyntaxError as error:
            raise Unsupported(f"expression {text!r}: {error}") from None
        return self._node(tree.body, scopes)

    def _lookup(self, name: str, scopes: list[dict[str, Any]]) -> Any:
        for scope in reversed(scopes):
            if name in scope:
                return scope[name]
        raise WorkflowError({"tags": ["KeyError"], "message": f"{name} is not defined"})

    @staticmethod
    def _dotted(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            head = Execution._dotted(node.value)
            return None if head is None else f"{head}.{node.attr}"
        return None

    def _node(self, node: ast.expr, scopes: list[dict[str, Any]]) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self._lookup(node.id, scopes)
        if isinstance(node, ast.Attribute):
            owner = self._node(node.value, scopes)
            if not isinstance(owner, dict) or node.attr not in owner:
                raise WorkflowError({"tags": ["KeyError"], "message": f"no key {node.attr}"})
            return owner[node.attr]
        if isinstance(node, ast.Subscript):
            owner, key = self._node(node.value, scopes), self._node(node.slice, scopes)
            try:
                return owner[key]
            except (KeyError, IndexError, TypeError):
                raise WorkflowError({"tags": ["KeyError"], "message": f"no {key!r}"}) from None
        if isinstance(node, ast.Call):
            name = self._dotted(node.func)
            if name not in self.functions or node.keywords:
                raise Unsupported(f"function {name}")
            return self.functions[name](*(self._node(arg, scopes) for arg in node.args))
        if isinstance(node, ast.BinOp):
            return self._binary(node, scopes)
        if isinstance(node, ast.Compare):
            return self._compare(node, scopes)
        if isinstance(node, ast.BoolOp):
            values = (self._node(value, scopes) for value in node.values)
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not self._node(node.operand, scopes)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._node(node.operand, scopes)
        if isinstance(node, ast.List):
            return [self._node(item, scopes) for item in node.elts]
        raise Unsupported(f"expression node {type(node).__name__}")

    def _binary(self, node: ast.BinOp, scopes: list[dict[str, Any]]) -> Any:
        left, right = self._node(node.left, scopes), self._node(node.right, scopes)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
        strings = isinstance(left, str) and isinstance(right, str)
        operators: dict[type, Callable[[Any, Any], Any]] = {
            ast.Add: lambda a, b: a + b,
            ast.Sub: lambda a, b: a - b,
            ast.Mult: lambda a, b: a * b,
            ast.Div: lambda a, b: a / b,
            ast.FloorDiv: lambda a, b: a // b,
            ast.Mod: lambda a, b: a % b,
        }
        if type(node.op) not in operators:
            raise Unsupported(f"operator {type(node.op).__name__}")
        # Workflows converts nothing implicitly: "a" + 1 is a TypeError.
        if not (numbers or (strings and isinstance(node.op, ast.Add))):
            raise WorkflowError({"tags": ["TypeError"], "message": f"{left!r} and {right!r}"})
        return operators[type(node.op)](left, right)

    def _compare(self, node: ast.Compare, scopes: list[dict[str, Any]]) -> bool:
        left = self._node(node.left, scopes)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._node(comparator, scopes)
            checks: dict[type, Callable[[Any, Any], bool]] = {
                ast.Eq: lambda a, b: a == b,
                ast.NotEq: lambda a, b: a != b,
                ast.Lt: lambda a, b: a < b,
                ast.LtE: lambda a, b: a <= b,
                ast.Gt: lambda a, b: a > b,
                ast.GtE: lambda a, b: a >= b,
                ast.In: lambda a, b: a in b,
                ast.NotIn: lambda a, b: a not in b,
            }
            if type(op) not in checks:
                raise Unsupported(f"comparison {type(op).__name__}")
            if not checks[type(op)](left, right):
                return False
            left = right
        return True
