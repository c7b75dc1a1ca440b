"""Environment files for config tests: the committed ones, changed one key at a time."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pace_infra.config import ConfigError, load_environments
from tests.conftest import REPO

DELETE = object()


def raw(name: str) -> dict:
    return yaml.safe_load((REPO / "environments" / f"{name}.yaml").read_text())


def write(directory: Path, files: dict[str, object]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content)
        (directory / name).write_text(text)
    return directory


def set_key(data: dict, dotted: str, value: object) -> dict:
    """A copy of `data` with `a.b.c` set to value (or removed when value is DELETE)."""
    data = copy.deepcopy(data)
    *parents, leaf = dotted.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    if value is DELETE:
        del node[leaf]
    else:
        node[leaf] = value
    return data


def error_for(tmp_path: Path, env: str, dotted: str, value: object) -> ConfigError:
    directory = write(tmp_path / "environments", {f"{env}.yaml": set_key(raw(env), dotted, value)})
    with pytest.raises(ConfigError) as caught:
        load_environments(directory)
    return caught.value


def assert_invalid_input_names_file_key_and_problem(tmp_path: Path, case: tuple) -> None:
    """An INVALID case: (id, environment, key path to set, value, problem in the message[, key
    the message names when it is not the path that was set])."""
    _, env, dotted, value, problem, *named_key = case
    error = error_for(tmp_path, env, dotted, value)
    assert str(error).startswith(f"{tmp_path / 'environments' / env}.yaml: ")
    assert error.key == (named_key[0] if named_key else dotted)
    assert problem in error.problem
    assert "\n" not in str(error)
