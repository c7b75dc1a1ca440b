"""docs/reference/config.md, generated from the environment schema.

`python -m pace_infra.tools.config_reference` writes the document; `--check` exits 1 when the
committed one is stale. The schema is read by introspection, starting from `Environment` (what
the loader builds) and recursing into dataclass-typed fields, so a new section or key appears
without anyone remembering to document it. Each key's text is the comment written beside its
field, read from the source of the class that declares it: wherever that class lives.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import io
import sys
import textwrap
import tokenize
import types
import typing
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Literal

from pace_infra.config import Environment

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "reference" / "config.md"
COMMAND = "python -m pace_infra.tools.config_reference"

_SCALARS: dict[object, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    IPv4Network: "IPv4 CIDR",
}


@dataclasses.dataclass(frozen=True)
class Key:
    """One YAML key: what the reference says about it."""

    path: str
    type: str
    default: str
    comment: str


@dataclasses.dataclass(frozen=True)
class Section:
    """One mapping of the file (the top level, or a dataclass-typed field's value)."""

    path: str  # dotted, `[]` for the items of a list; "" for the top level
    cls: type
    doc: str
    keys: tuple[Key, ...]


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return "#" + kept.replace(" ", "-")


def heading(section: Section) -> str:
    return f"{section.path or 'Top level'} ({section.cls.__name__})"


def yaml_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields the loader reads from YAML (it skips those marked `yaml: False`)."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("yaml", True)]


def _class_source(cls: type) -> tuple[ast.ClassDef, str]:
    source = textwrap.dedent(inspect.getsource(cls))
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.ClassDef), cls
    return node, source


def field_comments(cls: type) -> dict[str, str]:
    """Comments of the fields `cls` itself declares: the comment lines directly above a field
    (no blank line between) and the comment trailing on its lines, in that order."""
    node, source = _class_source(cls)
    comments: dict[int, str] = {}
    code_lines: set[int] = set()
    layout = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
        elif token.type not in layout:
            code_lines.update(range(token.start[0], token.end[0] + 1))
    found: dict[str, str] = {}
    for statement in node.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        above: list[str] = []
        line = statement.lineno - 1
        while line in comments and line not in code_lines:
            above.insert(0, comments[line])
            line -= 1
        end = statement.end_lineno or statement.lineno
        trailing = [comments[n] for n in range(statement.lineno, end + 1) if n in comments]
        found[statement.target.id] = _join(above + trailing)
    return found


def _join(lines: list[str]) -> str:
    # A word hyphenated across comment lines ("container-" / "native") is one word again.
    text = ""
    for line in lines:
        glue = "" if not text or (text.endswith("-") and text[-2:-1].isalpha()) else " "
        text += glue + line
    return text


def class_doc(cls: type) -> str:
    """The docstring as written: dataclass() invents one (the signature) for a class without."""
    return inspect.cleandoc(ast.get_docstring(_class_source(cls)[0]) or "")


def _comment(cls: type, name: str) -> str:
    # The class that declares the field, so that a field inherited from a base keeps its comment.
    owner = next(c for c in cls.__mro__ if name in c.__dict__.get("__annotations__", {}))
    return field_comments(owner).get(name, "")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return str(value)


def _default(spec: dataclasses.Field[Any]) -> str:
    if spec.default is None:
        return "unset"
    if spec.default is not dataclasses.MISSING:
        return f"`{_value(spec.default)}`"
    if spec.default_factory is not dataclasses.MISSING:
        made = spec.default_factory()
        return "its keys' defaults" if dataclasses.is_dataclass(made) else f"`{_value(made)}`"
    return "required"


def _nested(tp: Any) -> tuple[type | None, str]:
    """The dataclass a field's value holds, if any, and the path suffix that reaches it."""
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _nested(inner[0]) if len(inner) == 1 else (None, "")
    if origin is tuple:
        cls, suffix = _nested(typing.get_args(tp)[0])
        return cls, "[]" + suffix
    return (tp, "") if dataclasses.is_dataclass(tp) else (None, "")


def type_text(tp: Any, path: str) -> str:
    """A field's type in words; a section names the heading that describes it."""
    if dataclasses.is_dataclass(tp):
        return f"mapping, see [{path}]({anchor(f'{path} ({tp.__name__})')})"
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in typing.get_args(tp))
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return " or ".join(type_text(arg, path) for arg in inner) + ", optional"
    if origin is tuple:
        return "list of " + type_text(typing.get_args(tp)[0], path + "[]")
    return _SCALARS.get(tp, getattr(tp, "__name__", str(tp)))


def _flat_keys(group: type, yaml_keys: dict[str, str], path: str) -> list[Key]:
    """The keys of a grouped value read flat from its parent's mapping, under their YAML names."""
    hints = typing.get_type_hints(group)
    doc = class_doc(group)
    keys = []
    for spec in dataclasses.fields(group):
        key = f"{path}.{yaml_keys[spec.name]}" if path else yaml_keys[spec.name]
        comment = _comment(group, spec.name) or doc
        keys.append(Key(key, type_text(hints[spec.name], key), _default(spec), comment))
    return keys


def sections(cls: type = Environment, path: str = "") -> list[Section]:
    """Every section reachable from `cls`, depth first in field order.

    A class used at several paths (gke.web and gke.ai) gets a section at each, so that every
    key can be found under the path written in the YAML file.
    """
    hints = typing.get_type_hints(cls)
    keys: list[Key] = []
    below: list[Section] = []
    for spec in yaml_fields(cls):
        flat = spec.metadata.get("flat")
        if flat:  # a grouped value whose keys sit in this mapping (config.schema.flat)
            keys.extend(_flat_keys(hints[spec.name], flat, path))
            continue
        key = f"{path}.{spec.name}" if path else spec.name
        nested, suffix = _nested(hints[spec.name])
        keys.append(
            Key(key, type_text(hints[spec.name], key), _default(spec), _comment(cls, spec.name))
        )
        if nested is not None:
            below.extend(sections(nested, key + suffix))
    return [Section(path, cls, class_doc(cls), tuple(keys)), *below]


def _cell(text: str) -> str:
    """Table-safe text: `|` escaped, and `<name>` outside code spans shown, not taken as HTML."""
    parts = text.replace("|", "\\|").split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(parts))


def render(tree: list[Section] | None = None) -> str:
    """The whole document, deterministic: the same schema gives the same bytes."""
    tree = sections() if tree is None else tree
    out = [
        "# Configuration reference",
        "",
        f"Generated from the schema by `{COMMAND}` (`make config-reference`); do not edit.",
        "`tests/tools/test_config_reference.py` fails when it is stale. Every key of",
        "`environments/<name>.yaml`: its type, its default (or *required*), and the comment",
        "written beside its field in the schema. The rules across keys (ranges that must not",
        "overlap, what a protected tier refuses) are in",
        "[Environments](../operations/environments.md).",
        "",
        "Sections:",
        "",
    ]
    out += [f"- [{s.path or 'Top level'}]({anchor(heading(s))})" for s in tree]
    for section in tree:
        out += ["", f"## {heading(section)}", ""]
        if section.doc:
            out += [section.doc, ""]
        out += ["| key | type | default | why |", "|---|---|---|---|"]
        out += [
            f"| `{k.path}` | {_cell(k.type)} | {_cell(k.default)} | {_cell(k.comment)} |"
            for k in section.keys
        ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the document, or with `--check` say whether the committed one is current."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        if current != text:
            print(f"{DOCUMENT.name} is stale: run make config-reference", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text, encoding="utf-8")
    print(f"wrote {DOCUMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
