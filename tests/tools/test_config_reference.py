"""docs/reference/config.md is the schema's, complete and current."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import subprocess
import sys
import typing
from dataclasses import dataclass, field
from typing import Literal

import pace_infra.config
from pace_infra.tools import config_reference
from pace_infra.tools.config_reference import (
    DOCUMENT,
    field_comments,
    render,
    sections,
    type_text,
    yaml_fields,
)
from tests.conftest import REPO

# What config derives for the services from the calendar: props, never keys of a file.
DERIVED = ("pace_infra.config.schedules",)


def _schema_classes() -> list[type]:
    """Every dataclass defined in a module of pace_infra.config, wherever the schema moves."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(pace_infra.config.__path__, "pace_infra.config."):
        if info.name.endswith(".__main__"):  # the CLI entry point: importing it runs it
            continue
        if info.name in DERIVED:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


def _documented_keys() -> dict[str, set[str]]:
    """Class name -> the last part of every key listed under a section of that class."""
    keys: dict[str, set[str]] = {}
    current = ""
    for line in DOCUMENT.read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"## .+ \((\w+)\)", line):
            current = heading[1]
            keys.setdefault(current, set())
        elif row := re.match(r"\| `([^`]+)` \|", line):
            keys[current].add(row[1].rsplit(".", 1)[-1])
    return keys


def test_the_committed_document_is_the_generated_one():
    assert DOCUMENT == REPO / "docs" / "reference" / "config.md"
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run make config-reference"


def test_every_field_of_every_schema_dataclass_is_documented():
    documented = _documented_keys()
    classes = _schema_classes()
    assert any(cls.__name__ == "Environment" for cls in classes)
    # A grouped value read flat from its parent's mapping (config.schema.flat) has no section:
    # its keys are rows of the parent's, under their YAML names.
    flat_groups = {
        typing.get_type_hints(cls)[f.name].__name__
        for cls in classes
        for f in yaml_fields(cls)
        if f.metadata.get("flat")
    }
    for cls in classes:
        if cls.__name__ in flat_groups:
            assert cls.__name__ not in documented, f"{cls.__name__} is read flat"
            continue
        assert cls.__name__ in documented, f"{cls.__name__} has no section"
        expected = {
            key
            for f in yaml_fields(cls)
            for key in (f.metadata["flat"].values() if f.metadata.get("flat") else [f.name])
        }
        missing = expected - documented[cls.__name__]
        assert not missing, f"{cls.__name__}: {sorted(missing)} not documented"
    assert "BackupPolicy" in flat_groups


def test_a_field_that_is_not_a_yaml_key_is_left_out():
    assert "`source`" not in DOCUMENT.read_text(encoding="utf-8")


def test_the_check_passes_on_a_current_file_and_names_a_stale_one(tmp_path, monkeypatch, capsys):
    target = tmp_path / "config.md"
    monkeypatch.setattr(config_reference, "DOCUMENT", target)
    assert config_reference.main(["--check"]) == 1  # absent
    assert config_reference.main([]) == 0
    assert target.read_text(encoding="utf-8") == render()
    assert config_reference.main(["--check"]) == 0
    target.write_text(render().replace("required", "optional", 1), encoding="utf-8")
    capsys.readouterr()
    assert config_reference.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "make config-reference" in err


# A schema of our own, declared here: comments are read from the declaring class's source,
# whichever module that is.
@dataclass(frozen=True)
class _Inner:
    """Inner section."""

    level: Literal["low", "high"] = "low"


@dataclass(frozen=True)
class _Base:
    # Inherited: documented where it is declared.
    region: str


@dataclass(frozen=True)
class _Outer(_Base):
    """Outer section."""

    # Above, first line;
    # above, second line.
    name: str  # trailing
    size: int = 3  # trailing only

    unrelated: bool = False
    items: tuple[_Inner, ...] = ()
    maybe: _Inner | None = None
    inner: _Inner = field(default_factory=_Inner)
    hidden: str = field(default="", metadata={"yaml": False})


def test_comments_above_and_trailing_are_joined_and_a_blank_line_separates():
    assert field_comments(_Outer) == {
        "name": "Above, first line; above, second line. trailing",
        "size": "trailing only",
        "unrelated": "",
        "items": "",
        "maybe": "",
        "inner": "",
        "hidden": "",
    }


def test_the_walk_reaches_lists_optionals_and_nested_sections_with_their_defaults():
    tree = sections(_Outer)
    assert [(s.path, s.cls, s.doc) for s in tree] == [
        ("", _Outer, "Outer section."),
        ("items[]", _Inner, "Inner section."),
        ("maybe", _Inner, "Inner section."),
        ("inner", _Inner, "Inner section."),
    ]
    keys = {k.path: k for k in tree[0].keys}
    assert list(keys) == ["region", "name", "size", "unrelated", "items", "maybe", "inner"]
    assert keys["region"].comment == "Inherited: documented where it is declared."
    assert keys["region"].default == keys["name"].default == "required"
    assert keys["size"].default == "`3`"
    assert keys["unrelated"].default == "`false`"
    assert keys["items"].default == "`[]`"
    assert keys["maybe"].default == "unset"
    assert keys["inner"].default == "its keys' defaults"
    assert tree[1].keys[0].path == "items[].level"


def test_types_are_told_in_words_with_literal_choices_and_section_links():
    assert type_text(Literal["a", "b"], "k") == "one of `a`, `b`"
    assert type_text(tuple[int, ...], "k") == "list of integer"
    assert type_text(str | None, "k") == "string, optional"
    assert type_text(_Inner, "x.y") == "mapping, see [x.y](#xy-_inner)"


def test_generating_loads_no_provider_binding():
    # The reference test stays fast only while the config package imports no cdktf.
    code = (
        "import sys; from pace_infra.tools.config_reference import render; render(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('cdktf')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
