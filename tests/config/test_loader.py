"""The loader: YAML -> typed dataclasses; every error one line naming file and key, and grouped
values read from flat keys."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from pace_infra.config import ConfigError, load_environments
from pace_infra.config.loader import build
from tests.config.files import (
    DELETE,
    assert_invalid_input_names_file_key_and_problem,
    raw,
    write,
)
from tests.conftest import REPO

# Keys, types and shapes the loader refuses before any value type sees them.
# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID = [
    ("unknown-key", "dev", "colour", "blue", "unknown key"),
    ("unknown-nested-key", "dev", "network.nat.colour", "blue", "unknown key"),
    ("missing-key", "dev", "project_id", DELETE, "missing required key"),
    ("missing-nested", "dev", "network.pods_cidr", DELETE, "missing required key"),
    ("wrong-type-int", "dev", "network.nat.min_ports_per_vm", "64", "expected int"),
    ("wrong-type-bool", "dev", "network.allow_iap_ssh", "yes", "expected bool"),
    ("bool-is-not-int", "dev", "network.nat.max_ports_per_vm", True, "expected int"),
    ("section-not-mapping", "dev", "network", "10.0.0.0/8", "expected a mapping"),
    ("cidr-syntax", "dev", "network.pods_cidr", "10.0.0.0/33", "not a valid IPv4 CIDR"),
    ("cidr-host-bits", "dev", "network.subnet_cidr", "10.10.0.1/20", "not a valid IPv4 CIDR"),
    ("tier", "dev", "tier", "qa", "is not one of dev, staging, prod"),
    ("release-channel", "dev", "gke.release_channel", "FAST", "is not one of"),
    ("networks-not-list", "dev", "gke.master_authorized_networks", "x", "expected a list"),
    ("postgres-version", "dev", "databases.postgres_version", "POSTGRES_9_6", "is not one of"),
    ("missing-workspace-uuid", "dev", "cicd.bitbucket_workspace_uuid", DELETE, "missing required"),
    ("waf-mode", "dev", "edge.waf_mode", "block", "is not one of preview, enforce"),
    ("ssl-profile", "dev", "edge.ssl_profile", "COMPATIBLE", "is not one of MODERN, RESTRICTED"),
    ("oncall-mode", "dev", "oncall.mode", "sometimes", "is not one of full, low, none"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


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


def test_lists_load_as_tuples_of_typed_entries(environments):
    for env in environments:
        (network,) = env.gke.master_authorized_networks
        assert isinstance(env.gke.master_authorized_networks, tuple)
        assert isinstance(network.cidr, IPv4Network)


def test_duplicate_environment_names(tmp_path):
    directory = write(tmp_path / "e", {"a.yaml": raw("dev"), "b.yaml": raw("dev")})
    with pytest.raises(ConfigError, match=r"b\.yaml: name: duplicate environment name 'dev'"):
        load_environments(directory)


def test_duplicate_yaml_key(tmp_path):
    text = (REPO / "environments" / "dev.yaml").read_text() + "\nregion: europe-west1\n"
    directory = write(tmp_path / "e", {"dev.yaml": text})
    with pytest.raises(ConfigError, match=r"dev\.yaml: \(yaml\): .*duplicate key 'region'"):
        load_environments(directory)


def test_yaml_syntax_error_names_the_line(tmp_path):
    directory = write(tmp_path / "e", {"dev.yaml": "name: dev\nnetwork: [unclosed\n"})
    with pytest.raises(ConfigError, match=r"dev\.yaml: \(yaml\): not valid YAML: .* at line \d"):
        load_environments(directory)


def test_empty_file_is_not_a_mapping(tmp_path):
    directory = write(tmp_path / "e", {"dev.yaml": ""})
    with pytest.raises(ConfigError, match=r"\(top level\): expected a mapping, got nothing"):
        load_environments(directory)


def test_no_environment_files(tmp_path):
    with pytest.raises(ConfigError, match="no environment files"):
        load_environments(tmp_path)


def test_a_control_character_is_one_line_naming_the_line(tmp_path):
    directory = _environments(tmp_path, "dev", "name: dev\ntier: dev\x07\n")
    with pytest.raises(ConfigError) as caught:
        load_environments(directory)
    assert str(caught.value) == (
        f"{directory / 'dev.yaml'}: (yaml): not valid YAML: unacceptable character #x0007: "
        "special characters are not allowed at line 2"
    )


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
    data["databases"].update(backup_start_time="03:30")
    (env,) = load_environments(_environments(tmp_path, "dev", yaml.safe_dump(data)))
    assert env.databases.backups.start_time == "03:30"
    assert env.databases.backups.retain_on_delete is False
    assert env.databases.backups.retained == data["databases"]["retained_backups"]


def test_a_grouped_value_is_not_a_key_of_its_own(tmp_path):
    data = _dev()
    data["databases"]["backups"] = {"start_time": "03:30"}
    with pytest.raises(ConfigError, match=r"databases\.backups: unknown key \(allowed: .*"):
        load_environments(_environments(tmp_path, "dev", yaml.safe_dump(data)))


@dataclasses.dataclass(frozen=True)
class _Inner:
    size: int

    def __post_init__(self) -> None:
        if self.size > 3:
            raise ValueError("too big")  # a plain ValueError: no key of its own


@dataclasses.dataclass(frozen=True)
class _Outer:
    inner: _Inner = dataclasses.field(default_factory=lambda: _Inner(1))


def test_a_plain_value_error_names_the_mapping_it_came_from():
    with pytest.raises(ConfigError) as caught:
        build(_Outer, {"inner": {"size": 5}}, "f.yaml")
    assert str(caught.value) == "f.yaml: inner: too big"
