"""environments/*.yaml -> Environment: valid files load typed; each invalid input is named."""

from __future__ import annotations

import copy
import dataclasses
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from pace_infra.config import ConfigError, Environment, load_environments
from tests.conftest import REPO


def _raw(name: str) -> dict:
    return yaml.safe_load((REPO / "environments" / f"{name}.yaml").read_text())


def _write(directory: Path, files: dict[str, object]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content)
        (directory / name).write_text(text)
    return directory


def _set(data: dict, dotted: str, value: object) -> dict:
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


DELETE = object()


def _error_for(tmp_path: Path, env: str, dotted: str, value: object) -> ConfigError:
    directory = _write(tmp_path / "environments", {f"{env}.yaml": _set(_raw(env), dotted, value)})
    with pytest.raises(ConfigError) as caught:
        load_environments(directory)
    return caught.value


# --- the committed environments ----------------------------------------------------------------


def test_committed_environments_load(environments):
    assert [env.name for env in environments] == ["dev", "prod", "staging"]


def test_ranges_load_as_networks(environments):
    for env in environments:
        assert isinstance(env.network.pods_cidr, IPv4Network)


def test_environment_is_frozen(environments):
    with pytest.raises(dataclasses.FrozenInstanceError):
        environments[0].name = "other"  # type: ignore[misc]


def test_only_staging_and_prod_are_protected(environments):
    assert {env.name: env.protected for env in environments} == {
        "dev": False,
        "staging": True,
        "prod": True,
    }


def test_defaults_are_the_secure_choice(tmp_path):
    data = _set(_set(_raw("dev"), "network.allow_iap_ssh", DELETE), "deletion_protection", DELETE)
    (env,) = load_environments(_write(tmp_path / "e", {"dev.yaml": data}))
    assert env.deletion_protection is True
    assert env.network.allow_iap_ssh is False
    assert env.network.nat.log_filter == "ERRORS_ONLY"


def test_environment_records_its_source_file(environments):
    assert all(env.source.endswith(f"{env.name}.yaml") for env in environments)
    assert Environment.__dataclass_fields__["source"].metadata == {"yaml": False}


# --- invalid input: (environment, key, value) -> the key and problem in the message -------------

INVALID = [
    ("unknown-key", "dev", "colour", "blue", "colour", "unknown key"),
    (
        "unknown-nested-key",
        "dev",
        "network.nat.colour",
        "blue",
        "network.nat.colour",
        "unknown key",
    ),
    ("missing-key", "dev", "project_id", DELETE, "project_id", "missing required key"),
    ("missing-nested", "dev", "network.pods_cidr", DELETE, "network.pods_cidr", "missing required"),
    (
        "wrong-type-int",
        "dev",
        "network.nat.min_ports_per_vm",
        "64",
        "min_ports_per_vm",
        "expected int",
    ),
    ("wrong-type-bool", "dev", "network.allow_iap_ssh", "yes", "allow_iap_ssh", "expected bool"),
    (
        "bool-is-not-int",
        "dev",
        "network.nat.max_ports_per_vm",
        True,
        "max_ports_per_vm",
        "expected int",
    ),
    ("section-not-mapping", "dev", "network", "10.0.0.0/8", "network", "expected a mapping"),
    (
        "cidr-syntax",
        "dev",
        "network.pods_cidr",
        "10.0.0.0/33",
        "pods_cidr",
        "not a valid IPv4 CIDR",
    ),
    ("cidr-host-bits", "dev", "network.subnet_cidr", "10.10.0.1/20", "subnet_cidr", "not a valid"),
    ("cidr-public", "dev", "network.psa_cidr", "8.8.0.0/20", "psa_cidr", "private address space"),
    ("overlap", "dev", "network.services_cidr", "10.10.8.0/21", "services_cidr", "overlaps"),
    (
        "overlap-cp",
        "dev",
        "network.control_plane_cidr",
        "10.10.0.0/28",
        "control_plane",
        "overlaps",
    ),
    (
        "psa-too-small",
        "dev",
        "network.psa_cidr",
        "10.10.32.0/25",
        "psa_cidr",
        "between /16 and /24",
    ),
    ("psa-too-large", "dev", "network.psa_cidr", "10.64.0.0/12", "psa_cidr", "between /16 and /24"),
    ("cp-not-28", "dev", "network.control_plane_cidr", "172.16.0.0/27", "control_plane", "/28"),
    ("pods-too-small", "dev", "network.pods_cidr", "10.12.0.0/22", "pods_cidr", "too small"),
    ("project-id", "dev", "project_id", "PACE_dev", "project_id", "not a valid GCP project id"),
    ("project-id-short", "dev", "project_id", "pace", "project_id", "not a valid GCP project id"),
    ("region", "dev", "region", "europe-west99", "region", "not a Google Cloud region"),
    ("bucket", "dev", "state_bucket", "Pace_State", "state_bucket", "not a valid GCS bucket"),
    ("tier", "dev", "tier", "qa", "tier", "is not one of dev, staging, prod"),
    ("env-name", "dev", "name", "Dev-1", "name", "lowercase"),
    ("nat-power-of-two", "dev", "network.nat.min_ports_per_vm", 100, "min_ports_per_vm", "power"),
    ("nat-min-gt-max", "dev", "network.nat.min_ports_per_vm", 4096, "min_ports_per_vm", "greater"),
    ("flow-sampling", "dev", "network.flow_log_sampling", 0, "flow_log_sampling", "(0, 1]"),
    ("prod-unprotected", "prod", "deletion_protection", False, "deletion_protection", "prod"),
    (
        "staging-unprotected",
        "staging",
        "deletion_protection",
        False,
        "deletion_protection",
        "staging",
    ),
]


@pytest.mark.parametrize(
    ("env", "dotted", "value", "key", "problem"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_input_names_file_key_and_problem(tmp_path, env, dotted, value, key, problem):
    error = _error_for(tmp_path, env, dotted, value)
    message = str(error)
    assert message.startswith(f"{tmp_path / 'environments' / env}.yaml: ")
    assert key in error.key
    assert problem in error.problem
    assert "\n" not in message


def test_dev_may_turn_deletion_protection_off(tmp_path):
    data = _set(_raw("dev"), "deletion_protection", False)
    (env,) = load_environments(_write(tmp_path / "e", {"dev.yaml": data}))
    assert env.deletion_protection is False


def test_duplicate_environment_names(tmp_path):
    directory = _write(tmp_path / "e", {"a.yaml": _raw("dev"), "b.yaml": _raw("dev")})
    with pytest.raises(ConfigError, match=r"b\.yaml: name: duplicate environment name 'dev'"):
        load_environments(directory)


def test_duplicate_yaml_key(tmp_path):
    text = (REPO / "environments" / "dev.yaml").read_text() + "\nregion: europe-west1\n"
    directory = _write(tmp_path / "e", {"dev.yaml": text})
    with pytest.raises(ConfigError, match=r"dev\.yaml: \(yaml\): .*duplicate key 'region'"):
        load_environments(directory)


def test_yaml_syntax_error_names_the_line(tmp_path):
    directory = _write(tmp_path / "e", {"dev.yaml": "name: dev\nnetwork: [unclosed\n"})
    with pytest.raises(ConfigError, match=r"dev\.yaml: \(yaml\): not valid YAML: .* at line \d"):
        load_environments(directory)


def test_empty_file_is_not_a_mapping(tmp_path):
    directory = _write(tmp_path / "e", {"dev.yaml": ""})
    with pytest.raises(ConfigError, match=r"\(top level\): expected a mapping, got nothing"):
        load_environments(directory)


def test_no_environment_files(tmp_path):
    with pytest.raises(ConfigError, match="no environment files"):
        load_environments(tmp_path)
