"""The loader: every error one line naming file and key, and grouped values read from flat keys."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from pace_infra.config import ConfigError, load_environments
from pace_infra.config.loader import build
from tests.conftest import REPO


def _environments(tmp_path: Path, name: str, text: str | bytes) -> Path:
    directory = tmp_path / "environments"
    directory.mkdir()
    path = directory / f"{name}.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return directory


def _dev() -> dict:
    return yaml.safe_load((REPO / "environments" / "dev.yaml").read_text())


def test_a_control_character_is_one_line_naming_the_line(tmp_path):
    directory = _environments(tmp_path, "dev", "name: dev\ntier: dev\x07\n")
    with pytest.raises(ConfigError) as caught:
        load_environments(directory)
    assert str(caught.value) == (
        f"{directory / 'dev.yaml'}: (yaml): not valid YAML: unacceptable character #x0007: "
        "special characters are not allowed at line 2"
    )


def test_a_control_character_exits_2_with_one_line(tmp_path):
    _environments(tmp_path, "dev", "name: dev\x1b[31m\n")
    result = subprocess.run(
        [sys.executable, "-m", "pace_infra.config"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "environments/dev.yaml: (yaml): not valid YAML: unacceptable character #x001b: "
        "special characters are not allowed at line 1"
    ]


def test_a_file_that_is_not_utf8_is_one_line(tmp_path):
    directory = _environments(tmp_path, "dev", b"name: d\xe9v\n")
    with pytest.raises(ConfigError, match=r"dev\.yaml: \(yaml\): not UTF-8 text"):
        load_environments(directory)


def test_a_key_with_a_line_break_is_escaped_onto_one_line(tmp_path):
    data = {**_dev(), "colour\nred": 1}
    directory = _environments(tmp_path, "dev", yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        load_environments(directory)
    assert str(caught.value).splitlines() == [str(caught.value)]
    assert "colour\\nred: unknown key" in str(caught.value)


def test_grouped_values_read_the_flat_keys_files_have(tmp_path):
    data = _dev()
    data["gke"]["maintenance_recurrence"] = "FREQ=WEEKLY;BYDAY=SU"
    data["databases"].update(maintenance_day=1, maintenance_hour=4, backup_start_time="03:30")
    (env,) = load_environments(_environments(tmp_path, "dev", yaml.safe_dump(data)))
    assert env.gke.maintenance.recurrence == "FREQ=WEEKLY;BYDAY=SU"
    assert env.gke.maintenance.start_time == "2025-01-04T02:00:00Z"  # the default
    assert (env.databases.maintenance.day, env.databases.maintenance.hour) == (1, 4)
    assert env.databases.backups.start_time == "03:30"
    assert env.databases.backups.retained == data["databases"]["retained_backups"]


def test_a_grouped_value_is_not_a_key_of_its_own(tmp_path):
    data = _dev()
    data["gke"]["maintenance"] = {"start_time": "2025-01-04T02:00:00Z"}
    with pytest.raises(ConfigError, match=r"gke\.maintenance: unknown key \(allowed: .*"):
        load_environments(_environments(tmp_path, "dev", yaml.safe_dump(data)))


@dataclass(frozen=True)
class _Inner:
    size: int

    def __post_init__(self) -> None:
        if self.size > 3:
            raise ValueError("too big")  # a plain ValueError: no key of its own


@dataclass(frozen=True)
class _Outer:
    inner: _Inner = field(default_factory=lambda: _Inner(1))


def test_a_plain_value_error_names_the_mapping_it_came_from():
    with pytest.raises(ConfigError) as caught:
        build(_Outer, {"inner": {"size": 5}}, "f.yaml")
    assert str(caught.value) == "f.yaml: inner: too big"
