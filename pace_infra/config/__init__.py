"""Environment configuration: `environments/*.yaml` -> frozen dataclasses, validated.

Nothing here imports cdktf or a provider binding: a bad file is reported in well under a second,
before the bindings load (8-15 s) and before anything is written to `cdktf.out`.
Every problem is one `ConfigError` whose text is `<file>: <key>: <what is wrong>`.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from pace_infra.config.loader import ConfigError, build, read_yaml
from pace_infra.config.schedules import (
    DenyMaintenancePeriod,
    MaintenanceExclusion,
    MaintenanceWindow,
    SqlMaintenanceWindow,
    SyncWindow,
)
from pace_infra.config.schema import (
    PROTECTED_TIERS,
    AuthorizedNetwork,
    DatabasesConfig,
    Environment,
    GkeConfig,
    NetworkConfig,
)
from pace_infra.config.schema_calendar import CalendarConfig
from pace_infra.config.schema_delivery import (
    ApplicationsConfig,
    CicdConfig,
    GitopsConfig,
    PlatformConfig,
)
from pace_infra.config.schema_operations import MonitoringConfig, OncallConfig, Thresholds
from pace_infra.config.validate import validate
from pace_infra.config.values import (
    BackupPolicy,
    EdgePolicy,
    NatSettings,
    NodePoolSize,
    SqlInstanceSize,
    UptimeTarget,
)
from pace_infra.config.values_calendar import Freeze, SupportHours, WeeklyWindow
from pace_infra.config.values_delivery import EgressEndpoint, GoogleSignIn, Quota

__all__ = [
    "PROTECTED_TIERS",
    "ApplicationsConfig",
    "AuthorizedNetwork",
    "BackupPolicy",
    "CalendarConfig",
    "CicdConfig",
    "ConfigError",
    "DatabasesConfig",
    "DenyMaintenancePeriod",
    "EdgePolicy",
    "EgressEndpoint",
    "Environment",
    "Freeze",
    "GitopsConfig",
    "GkeConfig",
    "GoogleSignIn",
    "MaintenanceExclusion",
    "MaintenanceWindow",
    "MonitoringConfig",
    "NatSettings",
    "NetworkConfig",
    "NodePoolSize",
    "OncallConfig",
    "PlatformConfig",
    "Quota",
    "SqlInstanceSize",
    "SqlMaintenanceWindow",
    "SupportHours",
    "SyncWindow",
    "Thresholds",
    "UptimeTarget",
    "WeeklyWindow",
    "load_environment",
    "load_environments",
    "main",
]


def load_environment(path: Path) -> Environment:
    """Read and validate one environment file."""
    file = str(path)
    env = dataclasses.replace(build(Environment, read_yaml(path), file), source=file)
    validate(env)
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
