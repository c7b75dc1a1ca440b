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

# (id, environment, key path to set, value, problem in the message[, key the message names when
# it is not the path that was set])
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
    ("tier", "dev", "tier", "qa", "is not one of dev, staging, prod"),
    ("env-name", "dev", "name", "Dev-1", "lowercase"),
    ("nat-power-of-two", "dev", "network.nat.min_ports_per_vm", 100, "power of two"),
    ("nat-min-gt-max", "dev", "network.nat.min_ports_per_vm", 4096, "greater than"),
    ("flow-sampling", "dev", "network.flow_log_sampling", 0, "(0, 1]"),
    ("prod-unprotected", "prod", "deletion_protection", False, "true in a prod"),
    ("staging-unprotected", "staging", "deletion_protection", False, "true in a staging"),
    # gke
    ("pool-min-gt-max", "dev", "gke.web.min_nodes", 5, "greater than max_nodes"),
    ("pool-no-max", "dev", "gke.ai.max_nodes", 0, "max_nodes >= 1", "gke.ai.min_nodes"),
    ("pool-machine", "dev", "gke.ai.machine_type", "n2 standard", "not a machine type"),
    ("pool-disk", "dev", "gke.web.disk_size_gb", 10, "at least 20"),
    ("release-channel", "dev", "gke.release_channel", "FAST", "is not one of"),
    ("zone-elsewhere", "dev", "gke.zone", "us-east1-b", "not a zone of europe-west2"),
    ("prod-zonal-gke", "prod", "gke.zone", "europe-west2-a", "must be regional"),
    ("public-master-network", "dev", "gke.master_authorized_networks",
     [{"name": "anywhere", "cidr": "0.0.0.0/0"}], "is not private",
     "gke.master_authorized_networks[0].cidr"),
    ("no-master-network", "dev", "gke.master_authorized_networks", [], "at least one"),
    ("networks-not-list", "dev", "gke.master_authorized_networks", "x", "expected a list"),
    ("maintenance-time", "dev", "gke.maintenance_start_time", "Sat 2am", "RFC 3339"),
    ("maintenance-rrule", "dev", "gke.maintenance_recurrence", "weekly", "RRULE"),
    ("rbac-group", "dev", "gke.rbac_security_group", "admins@pace.example", "gke-security-groups"),
    # databases
    ("postgres-version", "dev", "databases.postgres_version", "POSTGRES_9_6", "is not one of"),
    ("prod-zonal-db", "prod", "databases.availability", "ZONAL", "REGIONAL in a prod"),
    ("staging-zonal-db", "staging", "databases.availability", "ZONAL", "REGIONAL in a staging"),
    ("prod-backups", "prod", "databases.retained_backups", 7, "at least 14"),
    ("backups-range", "dev", "databases.retained_backups", 0, "from 1 to 365"),
    ("backup-time", "dev", "databases.backup_start_time", "25:00", "HH:MM"),
    ("sql-tier", "dev", "databases.pace_db.tier", "db-n1-standard-1", "db-custom"),
    ("sql-disk-limit", "dev", "databases.pace_ai_db.disk_autoresize_limit_gb", 10, "below"),
    ("sql-day", "dev", "databases.maintenance_day", 8, "1 (Monday)"),
    ("dr-same-region", "prod", "databases.dr_replica_region", "europe-west2", "must differ"),
    ("dr-region", "prod", "databases.dr_replica_region", "mars-north1", "not a Google Cloud"),
    # cicd, gitops, platform, edge
    ("repo-not-bitbucket", "dev", "gitops.repo_url", "https://github.com/pace/gitops.git",
     "not a Bitbucket HTTPS repository URL"),
    ("repo-other-workspace", "dev", "gitops.repo_url", "https://bitbucket.org/other/gitops.git",
     "not in workspace 'pace-crm'"),
    ("repo-ssh", "dev", "gitops.repo_url", "git@bitbucket.org:pace-crm/gitops.git", "Bitbucket"),
    ("missing-workspace-uuid", "dev", "cicd.bitbucket_workspace_uuid", DELETE, "missing required"),
    ("workspace-uuid", "dev", "cicd.bitbucket_workspace_uuid", "1234", "not a Bitbucket UUID"),
    ("repo-uuid", "dev", "cicd.image_repository_uuids", ["{x}"], "not a Bitbucket UUID",
     "cicd.image_repository_uuids[0]"),
    ("no-image-repos", "dev", "cicd.image_repository_uuids", [], "at least one repository"),
    ("workspace-slug", "dev", "cicd.bitbucket_workspace", "PACE CRM", "workspace slug"),
    ("release-branch-slash", "prod", "cicd.release_branch", "release/1", "where '/' and ':'"),
    ("gitops-revision", "dev", "gitops.revision", "../escape", "branch or tag"),
    ("quota-quantity", "dev", "platform.web_quota.limits_memory", "lots", "Kubernetes quantity"),
    ("quota-pods", "dev", "platform.ai_quota.pods", 0, "at least 1"),
    ("waf-mode", "dev", "edge.waf_mode", "block", "is not one of preview, enforce"),
    ("ssl-profile", "dev", "edge.ssl_profile", "COMPATIBLE", "is not one of MODERN, RESTRICTED"),
    ("rate-limit", "dev", "edge.rate_limit_per_minute", 1, "from 10 to 100000"),
    # oncall, monitoring
    ("oncall-mode", "dev", "oncall.mode", "sometimes", "is not one of full, low, none"),
    ("prod-not-paging", "prod", "oncall.mode", "low", "prod must page people"),
    ("oncall-one-person", "prod", "oncall.members", ["a@pace.example"], "at least two people"),
    ("oncall-email", "staging", "oncall.members", ["a@pace.example", "bob"], "not an email",
     "oncall.members[1]"),
    ("oncall-twice", "staging", "oncall.members", ["a@pace.example", "a@pace.example"], "twice"),
    ("support-hours", "prod", "oncall.support_hours.start_time", "9am", "HH:MM:SS"),
    ("support-days", "prod", "oncall.support_hours.days_of_week", [0, 8], "days 1-7"),
    ("support-email", "dev", "monitoring.support_email", "support", "not an email"),
    ("uptime-missing-ai", "dev", "monitoring.uptime_checks",
     [{"name": "crm", "system": "web", "host": "crm.pace.example"}], "for the web and for the ai"),
    ("uptime-host", "dev", "monitoring.uptime_checks",
     [{"name": "crm", "system": "web", "host": "https://crm"},
      {"name": "ai", "system": "ai", "host": "crm.pace.example"}], "is not a host name",
     "monitoring.uptime_checks[0].host"),
    ("slo-goal", "dev", "monitoring.availability_goal", 1.0, "[0.9, 1)"),
    ("threshold-fraction", "dev", "monitoring.thresholds", {"http_5xx_ratio": 5},
     "between 0 and 1", "monitoring.thresholds.http_5xx_ratio"),
    ("max-connections", "dev", "databases.pace_db.max_connections", 5, "from 25 to 262143"),
    # the trust chain (issue 11)
    ("project-number", "dev", "project_number", "pace-crm-dev", "not a project number"),
    ("audit-retention", "prod", "audit_log_retention_days", 7, "from 30 to 3650"),
    ("admit-whole-registry", "prod", "cicd.admitted_images", ["docker.io/**"],
     "a whole registry is not an allowlist", "cicd.admitted_images[0]"),
    ("admit-no-registry", "prod", "cicd.admitted_images", ["nginx:1.27"], "<registry>/<path>",
     "cicd.admitted_images[0]"),
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
    ("egress-port", "prod", "platform.web_egress",
     [{"name": "smtp", "cidrs": ["203.0.113.0/24"], "ports": [0]}], "from 1 to 65535",
     "platform.web_egress[0].ports"),
    ("egress-twice", "prod", "platform.ai_egress",
     [{"name": "a", "cidrs": ["203.0.113.0/24"]}, {"name": "a", "cidrs": ["198.51.100.0/24"]}],
     "unique"),
    ("lb-ports", "prod", "network.load_balancer_ports", [], "from 1 to 65535"),
]
# fmt: on


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_input_names_file_key_and_problem(tmp_path, case):
    _, env, dotted, value, problem, *named_key = case
    error = _error_for(tmp_path, env, dotted, value)
    assert str(error).startswith(f"{tmp_path / 'environments' / env}.yaml: ")
    assert error.key == (named_key[0] if named_key else dotted)
    assert problem in error.problem
    assert "\n" not in str(error)


def test_dev_may_turn_deletion_protection_off(tmp_path):
    data = _set(_raw("dev"), "deletion_protection", False)
    (env,) = load_environments(_write(tmp_path / "e", {"dev.yaml": data}))
    assert env.deletion_protection is False


def test_optional_setting_may_be_null(tmp_path):
    data = _set(_raw("prod"), "databases.dr_replica_region", None)
    (env,) = load_environments(_write(tmp_path / "e", {"prod.yaml": data}))
    assert env.databases.dr_replica_region is None


def test_lists_load_as_tuples_of_typed_entries(environments):
    for env in environments:
        (network,) = env.gke.master_authorized_networks
        assert isinstance(env.gke.master_authorized_networks, tuple)
        assert isinstance(network.cidr, IPv4Network)


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


def test_local_admin_is_refused_together_with_sso(tmp_path):
    data = _set(
        _raw("staging"),
        "platform.argocd_sso",
        {"client_id": "1234-abc.apps.googleusercontent.com", "admins": ["a@pace.example"]},
    )
    data = _set(data, "platform.argocd_local_admin", True)
    _write(tmp_path / "environments", {"staging.yaml": data})
    with pytest.raises(ConfigError) as error:
        load_environments(tmp_path / "environments")
    assert error.value.key == "platform.argocd_local_admin"
    assert "SSO replaces the shared admin password" in error.value.problem


def test_a_pinned_image_and_a_named_endpoint_are_accepted(tmp_path):
    data = _set(_raw("prod"), "cicd.admitted_images", ["gcr.io/cloud-sql-connectors/proxy:2.14"])
    data = _set(data, "platform.ai_egress", [{"name": "model-api", "cidrs": ["203.0.113.0/24"]}])
    _write(tmp_path / "environments", {"prod.yaml": data})
    (env,) = load_environments(tmp_path / "environments")
    assert env.cicd.admitted_images == ("gcr.io/cloud-sql-connectors/proxy:2.14",)
    assert env.platform.ai_egress[0].cidrs == (IPv4Network("203.0.113.0/24"),)
    assert env.platform.ai_egress[0].ports == (443,)
