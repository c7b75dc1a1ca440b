"""Environment configuration: `environments/*.yaml` -> frozen dataclasses, validated.

Nothing here imports cdktf or a provider binding: a bad file is reported in well under a second,
before the bindings load (8-15 s) and before anything is written to `cdktf.out`.

Every problem is one `ConfigError` whose text is `<file>: <key>: <what is wrong>`.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import typing
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any, Literal

import yaml

from pace_infra.regions import GCP_REGIONS

Tier = Literal["dev", "staging", "prod"]
NatLogFilter = Literal["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"]

# Tiers whose stateful resources must keep deletion protection on.
PROTECTED_TIERS: frozenset[str] = frozenset({"staging", "prod"})


class ConfigError(Exception):
    """Invalid environment configuration, told in one line: `<file>: <key>: <problem>`."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class NatConfig:
    """Cloud NAT: the only egress path for private nodes (they have no external IPs)."""

    # Dynamic port allocation: ports per VM grow from min to max under load. GCP requires both to
    # be powers of two; 64 is GCP's default minimum, 4096 leaves room for chatty AI backends.
    min_ports_per_vm: int = 64
    max_ports_per_vm: int = 4096
    # ERRORS_ONLY: dropped connections (port exhaustion) are logged without logging every flow.
    log_filter: NatLogFilter = "ERRORS_ONLY"


@dataclass(frozen=True)
class NetworkConfig:
    """The CIDR plan. Secondary ranges cannot be resized in place: size them generously."""

    subnet_cidr: IPv4Network  # primary range of the GKE subnet: node IPs
    pods_cidr: IPv4Network  # secondary range "pods" (a /24 per node at 110 pods per node)
    services_cidr: IPv4Network  # secondary range "services" (ClusterIPs)
    psa_cidr: IPv4Network  # Private Service Access range reserved for Cloud SQL private IPs
    control_plane_cidr: IPv4Network  # GKE control plane peering range, exactly a /28
    # IAP TCP forwarding (SSH to nodes through `gcloud compute ssh --tunnel-through-iap`).
    # Off by default: node SSH is a break-glass path, opened per environment on purpose.
    allow_iap_ssh: bool = False
    # Share of flows sampled into VPC flow logs (0 < x <= 1): 0.5 keeps forensics useful at half
    # the log volume.
    flow_log_sampling: float = 0.5
    nat: NatConfig = field(default_factory=NatConfig)


@dataclass(frozen=True)
class Environment:
    """One environment (`environments/<name>.yaml`): everything its stacks need to know."""

    name: str  # short: it is part of every resource name (pace-<name>-...)
    tier: Tier  # dev | staging | prod: decides which weaker settings are allowed at all
    project_id: str
    region: str
    state_bucket: str  # GCS bucket for every stack's state but bootstrap's (which creates it)
    network: NetworkConfig
    # Deletion protection on stateful resources. Only a dev tier may turn it off (for teardown).
    deletion_protection: bool = True
    # The file this came from, for messages; not a YAML key.
    source: str = field(default="", compare=False, metadata={"yaml": False})

    @property
    def protected(self) -> bool:
        """True for tiers whose stateful resources must never be deletable by Terraform."""
        return self.tier in PROTECTED_TIERS


# --- loading -----------------------------------------------------------------------------------


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


def _build(cls: type[Any], data: object, file: str, prefix: str) -> Any:
    """Build dataclass `cls` from a YAML mapping, checking keys and types on the way."""
    if not isinstance(data, dict):
        raise ConfigError(file, prefix or "(top level)", f"expected a mapping, got {_kind(data)}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("yaml", True)}
    for key in data:
        if key not in fields:
            allowed = ", ".join(fields)
            raise ConfigError(file, _join(prefix, str(key)), f"unknown key (allowed: {allowed})")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        key = _join(prefix, name)
        if name in data:
            values[name] = _coerce(hints[name], data[name], file, key)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise ConfigError(file, key, "missing required key")
    return cls(**values)


def _coerce(expected: Any, value: object, file: str, key: str) -> Any:
    """Check one value against its annotated type and convert it where the type asks."""
    if dataclasses.is_dataclass(expected):
        return _build(expected, value, file, key)
    if typing.get_origin(expected) is Literal:
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


# --- validation --------------------------------------------------------------------------------

_ENV_NAME = re.compile(r"^[a-z][a-z0-9]{1,9}$")
# GCP project ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter,
# not ending with a hyphen.
_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# GCS bucket names without dots (dotted names need domain verification).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")
# Address space a private GKE cluster and PSA may use: RFC 1918 plus the shared 100.64/10 range.
_PRIVATE_SPACE = tuple(
    IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


def _validate(env: Environment, file: str) -> None:
    if not _ENV_NAME.match(env.name):
        raise ConfigError(
            file,
            "name",
            f"{env.name!r} must be 2-10 lowercase letters/digits, starting with a letter",
        )
    if not _PROJECT_ID.match(env.project_id):
        raise ConfigError(
            file,
            "project_id",
            f"{env.project_id!r} is not a valid GCP project id (6-30 chars: a-z, 0-9, '-', "
            "starting with a letter)",
        )
    if env.region not in GCP_REGIONS:
        raise ConfigError(file, "region", f"{env.region!r} is not a Google Cloud region")
    if not _BUCKET.match(env.state_bucket) or env.state_bucket.startswith("goog"):
        raise ConfigError(
            file, "state_bucket", f"{env.state_bucket!r} is not a valid GCS bucket name"
        )
    if env.protected and not env.deletion_protection:
        raise ConfigError(
            file,
            "deletion_protection",
            f"must be true in a {env.tier} environment (only dev may be torn down by Terraform)",
        )
    _validate_network(env.network, file)


def _validate_network(net: NetworkConfig, file: str) -> None:
    ranges = {
        "network.subnet_cidr": net.subnet_cidr,
        "network.pods_cidr": net.pods_cidr,
        "network.services_cidr": net.services_cidr,
        "network.psa_cidr": net.psa_cidr,
        "network.control_plane_cidr": net.control_plane_cidr,
    }
    for key, cidr in ranges.items():
        if not any(cidr.subnet_of(space) for space in _PRIVATE_SPACE):
            raise ConfigError(file, key, f"{cidr} is not in private address space (RFC 1918)")
    names = list(ranges)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if ranges[first].overlaps(ranges[second]):
                raise ConfigError(
                    file, second, f"{ranges[second]} overlaps {first} ({ranges[first]})"
                )
    if net.control_plane_cidr.prefixlen != 28:
        raise ConfigError(
            file, "network.control_plane_cidr", f"{net.control_plane_cidr} must be a /28 (GKE)"
        )
    # /24 is the smallest range Private Service Access accepts; larger than /16 wastes space.
    if not 16 <= net.psa_cidr.prefixlen <= 24:
        raise ConfigError(
            file, "network.psa_cidr", f"{net.psa_cidr}: prefix must be between /16 and /24"
        )
    if net.pods_cidr.prefixlen > 21:
        raise ConfigError(
            file,
            "network.pods_cidr",
            f"{net.pods_cidr} is too small: a /21 holds 8 nodes at a /24 of pods each",
        )
    if not 0 < net.flow_log_sampling <= 1:
        raise ConfigError(file, "network.flow_log_sampling", "must be in (0, 1]")
    nat = net.nat
    for key, ports in (
        ("min_ports_per_vm", nat.min_ports_per_vm),
        ("max_ports_per_vm", nat.max_ports_per_vm),
    ):
        if not 32 <= ports <= 65536 or ports & (ports - 1):
            raise ConfigError(
                file, f"network.nat.{key}", f"{ports} must be a power of two from 32 to 65536"
            )
    if nat.min_ports_per_vm > nat.max_ports_per_vm:
        raise ConfigError(
            file, "network.nat.min_ports_per_vm", "must not be greater than max_ports_per_vm"
        )


def load_environment(path: Path) -> Environment:
    """Read and validate one environment file."""
    file = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(file, "(yaml)", f"not valid YAML: {problem}{where}") from None
    env = _build(Environment, data, file, "")
    env = dataclasses.replace(env, source=file)
    _validate(env, file)
    return env


def load_environments(directory: Path = Path("environments")) -> tuple[Environment, ...]:
    """Load every `<directory>/*.yaml`, sorted by file name; names must be unique."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ConfigError(str(directory), "(directory)", "no environment files (*.yaml) found")
    environments: list[Environment] = []
    seen: dict[str, str] = {}
    for path in files:
        env = load_environment(path)
        if env.name in seen:
            raise ConfigError(
                env.source,
                "name",
                f"duplicate environment name {env.name!r} (also in {seen[env.name]})",
            )
        seen[env.name] = env.source
        environments.append(env)
    return tuple(environments)


def main() -> int:
    """`python -m pace_infra.config`: validate every environment file; exit 2 on the first error."""
    try:
        environments = load_environments()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"environments OK: {', '.join(env.name for env in environments)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
