"""Value types config and props share: one default, and rules that hold however they are built."""

from __future__ import annotations

import copy
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
import yaml

from pace_infra.config import load_environments
from pace_infra.config.checks import FieldError
from pace_infra.config.values import (
    BackupPolicy,
    NatSettings,
    NodePoolSize,
    SqlInstanceSize,
)
from tests.config.files import assert_invalid_input_names_file_key_and_problem
from tests.conftest import REPO

# A value built in code (a test, a stack) breaks the rule its field has in a file.
# (id, build, key, problem in the message)
INVALID = [
    ("nat", lambda: NatSettings(min_ports_per_vm=100), "min_ports_per_vm", "power of two"),
    ("pool", lambda: NodePoolSize("e2-standard-4", 3, 2), "min_nodes", "greater than"),
    (
        "sql",
        lambda: SqlInstanceSize("db-custom-1-3840", 20, 10),
        "disk_autoresize_limit_gb",
        "below",
    ),
    ("backups", lambda: BackupPolicy(retained=0), "retained", "from 1 to 365"),
]


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_a_value_built_in_code_keeps_its_rules(case):
    _, make, key, problem = case
    with pytest.raises(FieldError) as caught:
        make()
    assert (caught.value.key, problem in caught.value.problem) == (key, True)
    assert isinstance(caught.value, ValueError)


# The same rules, read from a file: the loader names the file and the key.
# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID_IN_FILES = [
    ("nat-power-of-two", "dev", "network.nat.min_ports_per_vm", 100, "power of two"),
    ("nat-min-gt-max", "dev", "network.nat.min_ports_per_vm", 4096, "greater than"),
    ("pool-min-gt-max", "dev", "gke.web.min_nodes", 5, "greater than max_nodes"),
    ("pool-no-max", "dev", "gke.ai.max_nodes", 0, "max_nodes >= 1", "gke.ai.min_nodes"),
    ("pool-machine", "dev", "gke.ai.machine_type", "n2 standard", "not a machine type"),
    ("pool-disk", "dev", "gke.web.disk_size_gb", 10, "at least 20"),
    ("backups-range", "dev", "databases.retained_backups", 0, "from 1 to 365"),
    ("backup-time", "dev", "databases.backup_start_time", "25:00", "HH:MM"),
    ("sql-tier", "dev", "databases.pace_db.tier", "db-n1-standard-1", "db-custom"),
    ("sql-disk-limit", "dev", "databases.pace_ai_db.disk_autoresize_limit_gb", 10, "below"),
    ("quota-quantity", "dev", "platform.web_quota.limits_memory", "lots", "Kubernetes quantity"),
    ("quota-pods", "dev", "platform.ai_quota.pods", 0, "at least 1"),
    ("rate-limit", "dev", "edge.rate_limit_per_minute", 1, "from 10 to 100000"),
    ("uptime-host", "dev", "monitoring.uptime_checks",
     [{"name": "crm", "system": "web", "host": "https://crm"},
      {"name": "ai", "system": "ai", "host": "crm.pace.example"}], "is not a host name",
     "monitoring.uptime_checks[0].host"),
    ("max-connections", "dev", "databases.pace_db.max_connections", 5, "from 25 to 262143"),
    ("sso-client-id", "prod", "platform.argocd_sso",
     {"client_id": "argocd", "admins": ["a@pace.example"]}, "not a Google OAuth client id",
     "platform.argocd_sso.client_id"),
    ("sso-no-admin", "prod", "platform.argocd_sso",
     {"client_id": "1234-abc.apps.googleusercontent.com", "admins": []}, "at least one admin",
     "platform.argocd_sso.admins"),
    ("sso-admin-email", "prod", "platform.argocd_sso",
     {"client_id": "1234-abc.apps.googleusercontent.com", "admins": ["alex"]},
     "not an email", "platform.argocd_sso.admins[0]"),
    ("sso-url", "prod", "platform.argocd_sso",
     {"client_id": "1234-abc.apps.googleusercontent.com", "admins": ["a@pace.example"],
      "url": "http://argocd"}, "https://", "platform.argocd_sso.url"),
    ("egress-internet", "prod", "platform.ai_egress",
     [{"name": "anything", "cidrs": ["0.0.0.0/0"]}], "wider than /8",
     "platform.ai_egress[0].cidrs[0]"),
    ("egress-name", "prod", "platform.ai_egress",
     [{"name": "Model API", "cidrs": ["203.0.113.0/24"]}], "short slug",
     "platform.ai_egress[0].name"),
    ("signature-key-id", "prod", "gitops.signature_keys",
     [{"key_id": "abc", "public_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----"}], "upper-case hex",
     "gitops.signature_keys[0].key_id"),
    ("signature-key-private", "prod", "gitops.signature_keys",
     [{"key_id": "4AEE18F83AFDEB23", "public_key": "-----BEGIN PGP PRIVATE KEY BLOCK-----"}],
     "public key block", "gitops.signature_keys[0].public_key"),
    ("egress-port", "prod", "platform.web_egress",
     [{"name": "smtp", "cidrs": ["203.0.113.0/24"], "ports": [0]}], "from 1 to 65535",
     "platform.web_egress[0].ports"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID_IN_FILES, ids=[case[0] for case in INVALID_IN_FILES])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


def _without(name: str, *dotted: str) -> dict:
    data = copy.deepcopy(yaml.safe_load((REPO / "environments" / f"{name}.yaml").read_text()))
    for path in dotted:
        *parents, leaf = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node.pop(leaf, None)
    return data


def test_config_owns_the_defaults_props_take_without_one(tmp_path: Path):
    # GkeClusterProps, NetworkProps, PostgresInstanceProps and ImageRepositoryProps take these
    # without a default of their own: the environment's value, defaulted here, is the only one.
    data = _without(
        "staging",
        "gke.release_channel",
        "databases.availability",
        "cicd.keep_recent_images",
        "network.flow_log_sampling",
        "network.load_balancer_ports",
    )
    directory = tmp_path / "environments"
    directory.mkdir()
    (directory / "staging.yaml").write_text(yaml.safe_dump(data))
    (env,) = load_environments(directory)
    assert env.gke.release_channel == "REGULAR"
    assert env.databases.availability == "REGIONAL"
    assert env.cicd.keep_recent_images == 20
    assert env.network.flow_log_sampling == 0.5
    assert env.network.load_balancer_ports == (3000,)


def test_props_take_the_shared_value_types():
    from pace_infra.constructs.gke import GkeClusterProps
    from pace_infra.constructs.network import NetworkProps
    from pace_infra.constructs.postgres_settings import PostgresInstanceProps

    types = {
        (cls.__name__, f.name): f.type
        for cls in (GkeClusterProps, NetworkProps, PostgresInstanceProps)
        for f in fields(cls)
    }
    assert types[("GkeClusterProps", "maintenance")] == "MaintenanceWindow"
    assert types[("PostgresInstanceProps", "maintenance")] == "SqlMaintenanceWindow"
    assert types[("GkeClusterProps", "release_channel")] == "ReleaseChannel"
    assert types[("NetworkProps", "nat")] == "NatSettings"
    assert types[("PostgresInstanceProps", "size")] == "SqlInstanceSize"
    assert types[("PostgresInstanceProps", "backups")] == "BackupPolicy"
    assert types[("PostgresInstanceProps", "database_version")] == "PostgresVersion"


def test_props_repeat_no_default_the_config_owns():
    from pace_infra.constructs.artifact_registry import ImageRepositoryProps
    from pace_infra.constructs.audit_trail import AuditTrailProps
    from pace_infra.constructs.gke import GkeClusterProps
    from pace_infra.constructs.network import NetworkProps
    from pace_infra.constructs.postgres_settings import PostgresInstanceProps

    owned_by_config = {
        GkeClusterProps: ("release_channel", "maintenance"),
        NetworkProps: ("allow_iap_ssh", "flow_log_sampling", "load_balancer_ports"),
        PostgresInstanceProps: ("database_version", "availability", "maintenance"),
        ImageRepositoryProps: ("keep_recent_versions",),
        AuditTrailProps: ("retention_days",),
    }
    defaulted = [
        f"{cls.__name__}.{f.name}"
        for cls, names in owned_by_config.items()
        for f in fields(cls)
        if f.name in names and (f.default is not MISSING or f.default_factory is not MISSING)
    ]
    assert defaulted == []
