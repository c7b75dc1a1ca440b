"""YAML -> dataclasses, checking keys and types on the way. Knows nothing of GCP."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Literal

import yaml

from pace_infra.config.checks import FieldError


def one_line(text: str) -> str:
    """`text` with unprintable characters escaped (a newline as `\\n`): a message stays one
    line, whatever a file's keys or a parser's text contain."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class ConfigError(Exception):
    """Invalid environment configuration, told in one line: `<file>: <key>: <problem>`."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(one_line(f"{file}: {key}: {problem}"))
        self.file = file
        self.key = key
        self.problem = problem


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def _yaml_key(names: Mapping[str, str], key: str) -> str:
    """`key` (a field, maybe with an index or sub-key: `admins[0]`) as the file spells it."""
    head = re.match(r"\w+", key)
    if head is None:
        return key
    return names.get(head.group(), head.group()) + key[head.end() :]


def _build(
    cls: type[Any], data: object, file: str, prefix: str, names: Mapping[str, str] | None = None
) -> Any:
    """Build dataclass `cls` from a YAML mapping, checking keys and types on the way.

    `names` (field -> YAML key) is given for a type whose fields sit flat in its parent's
    mapping (see schema.flat). A FieldError or ValueError from the type's own rules becomes a
    ConfigError naming the file and the key as written.
    """
    names = names or {}
    if not isinstance(data, dict):
        raise ConfigError(file, prefix or "(top level)", f"expected a mapping, got {_kind(data)}")
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.metadata.get("yaml", True)]
    allowed: list[str] = []
    for spec in fields:
        flat = spec.metadata.get("flat")
        allowed.extend(flat.values() if flat else [names.get(spec.name, spec.name)])
    for key in data:
        if key not in allowed:
            raise ConfigError(
                file, _join(prefix, str(key)), f"unknown key (allowed: {', '.join(allowed)})"
            )
    values: dict[str, Any] = {}
    for spec in fields:
        flat = spec.metadata.get("flat")
        if flat:
            part = {key: data[key] for key in flat.values() if key in data}
            values[spec.name] = _build(hints[spec.name], part, file, prefix, flat)
            continue
        yaml_key = names.get(spec.name, spec.name)
        key = _join(prefix, yaml_key)
        if yaml_key in data:
            values[spec.name] = _coerce(hints[spec.name], data[yaml_key], file, key)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ConfigError(file, key, "missing required key")
    try:
        return cls(**values)
    except FieldError as error:
        raise ConfigError(file, _join(prefix, _yaml_key(names, error.key)), error.problem) from None
    except ValueError as error:
        raise ConfigError(file, prefix or "(top level)", str(error)) from None


def _coerce(expected: Any, value: object, file: str, key: str) -> Any:
    """Check one value against its annotated type and convert it where the type asks."""
    if dataclasses.is_dataclass(expected):
        return _build(expected, value, file, key)
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):  # `X | None`: an optional setting
        (inner,) = [arg for arg in typing.get_args(expected) if arg is not type(None)]
        return None if value is None else _coerce(inner, value, file, key)
    if origin is tuple:  # `tuple[X, ...]`: a YAML list
        if not isinstance(value, list):
            raise ConfigError(file, key, f"expected a list, got {_kind(value)}")
        (item_type, _) = typing.get_args(expected)
        return tuple(_coerce(item_type, item, file, f"{key}[{i}]") for i, item in enumerate(value))
    if origin is Literal:
        choices = typing.get_args(expected)
        if value not in choices:
            raise ConfigError(file, key, f"{value!r} is not one of {', '.join(choices)}")
        return value
    if expected is IPv4Network:
        if not isinstance(value, str):
            raise ConfigError(file, key, f"expected a CIDR string, got {_kind(value)}")
        try:
            return IPv4Network(value, strict=True)
        except ValueError as error:
            raise ConfigError(file, key, f"{value!r} is not a valid IPv4 CIDR ({error})") from None
    # bool is a subclass of int in Python: `true` must not pass as 1, nor 1 as `true`.
    if expected is bool and isinstance(value, bool):
        return value
    if expected is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if expected is str and isinstance(value, str):
        return value
    raise ConfigError(file, key, f"expected {expected.__name__}, got {_kind(value)} {value!r}")


def read_yaml(path: Path) -> object:
    """Parse one file strictly (no duplicate keys); a syntax error names its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), "(yaml)", f"not UTF-8 text ({error.reason})") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader
    except yaml.reader.ReaderError as error:
        # A character YAML refuses (a control character, say): PyYAML's own text spans two
        # lines and counts characters, not lines.
        line = text.count("\n", 0, error.position) + 1
        problem = (
            f"unacceptable character #x{error.character:04x}: {error.reason}"
            if isinstance(error.character, int)
            else error.reason
        )
        raise ConfigError(
            str(path), "(yaml)", f"not valid YAML: {problem} at line {line}"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(str(path), "(yaml)", f"not valid YAML: {problem}{where}") from None


def build(cls: type[Any], data: object, file: str) -> Any:
    """Build dataclass `cls` (and its nested dataclasses) from parsed YAML."""
    return _build(cls, data, file, "")
