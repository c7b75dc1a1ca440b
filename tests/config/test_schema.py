"""The schema: the committed environments load typed and frozen, defaults are the secure choice,
and each rule on a section's own fields (network, GKE, databases, the trust chain) names the
file, the key and the problem."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Network

import pytest

from pace_infra.config import Environment, load_environments
from tests.config.files import (
    DELETE,
    assert_invalid_input_names_file_key_and_problem,
    raw,
    set_key,
    write,
)

# (id, environment, key path to set, value, problem in the message[, key named])
# fmt: off
INVALID = [
    ("cidr-public", "dev", "network.psa_cidr", "8.8.0.0/20", "private address space"),
    ("overlap", "dev", "network.services_cidr", "10.10.8.0/21", "overlaps"),
    ("overlap-cp", "dev", "network.control_plane_cidr", "10.10.0.0/28", "overlaps"),
    ("psa-too-small", "dev", "network.psa_cidr", "10.10.32.0/25", "between /16 and /24"),
    ("psa-too-large", "dev", "network.psa_cidr", "10.64.0.0/12", "between /16 and /24"),
    ("cp-not-28", "dev", "network.control_plane_cidr", "172.16.0.0/27", "must be a /28"),
    ("pods-too-small", "dev", "network.pods_cidr", "10.12.0.0/22", "too small"),
    ("project-id", "dev", "project_id", "PACE_dev", "not a valid GCP project id"),
    ("project-id-short", "dev", "project_id", "pace", "not a valid GCP project id"),
    ("region", "dev", "region", "europe-west99", "not a Google Cloud region"),
    ("bucket", "dev", "state_bucket", "Pace_State", "not a valid GCS bucket"),
    ("env-name", "dev", "name", "Dev-1", "lowercase"),
    ("flow-sampling", "dev", "network.flow_log_sampling", 0, "(0, 1]"),
    ("public-master-network", "dev", "gke.master_authorized_networks",
     [{"name": "anywhere", "cidr": "0.0.0.0/0"}], "is not private",
     "gke.master_authorized_networks[0].cidr"),
    ("no-master-network", "dev", "gke.master_authorized_networks", [], "at least one"),
    ("rbac-group", "dev", "gke.rbac_security_group", "admins@pace.example", "gke-security-groups"),
    ("dr-region", "prod", "databases.dr_replica_region", "mars-north1", "not a Google Cloud"),
    ("dr-promoted-no-replica", "dev", "databases.dr_promoted", True, "needs dr_replica_region"),
    ("project-number", "dev", "project_number", "pace-crm-dev", "not a project number"),
    ("audit-retention", "prod", "audit_log_retention_days", 7, "from 30 to 3650"),
    ("lb-ports", "prod", "network.load_balancer_ports", [], "from 1 to 65535"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    assert_invalid_input_names_file_key_and_problem(tmp_path, case)


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
    data = set_key(
        set_key(raw("dev"), "network.allow_iap_ssh", DELETE), "deletion_protection", DELETE
    )
    (env,) = load_environments(write(tmp_path / "e", {"dev.yaml": data}))
    assert env.deletion_protection is True
    assert env.network.allow_iap_ssh is False
    assert env.network.nat.log_filter == "ERRORS_ONLY"


def test_environment_records_its_source_file(environments):
    assert all(env.source.endswith(f"{env.name}.yaml") for env in environments)
    assert Environment.__dataclass_fields__["source"].metadata == {"yaml": False}


def test_optional_setting_may_be_null(tmp_path):
    data = set_key(raw("prod"), "databases.dr_replica_region", None)
    # The exports' region defaults to the DR region: without one, it must be said.
    data = set_key(data, "databases.exports.bucket_region", "europe-west1")
    (env,) = load_environments(write(tmp_path / "e", {"prod.yaml": data}))
    assert env.databases.dr_replica_region is None
