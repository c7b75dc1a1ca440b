"""How the stacks are wired: providers, backends, and what config drives in each environment."""

from __future__ import annotations

import json

from pace_infra.app import build_app
from pace_infra.units import UNITS, units_of
from tests.helpers import by_name, only, resources

# The APIs issue #2 names; bootstrap may enable more (Terraform's own), never fewer.
REQUIRED_APIS = {
    f"{api}.googleapis.com"
    for api in (
        "compute",
        "container",
        "sqladmin",
        "servicenetworking",
        "monitoring",
        "logging",
        "cloudtrace",
        "artifactregistry",
        "iam",
        "iamcredentials",
        "sts",
        "secretmanager",
        "binaryauthorization",
    )
}


def test_stack_names_are_env_dash_unit(stacks, environments):
    assert set(stacks) == {f"{env.name}-{unit}" for env in environments for unit in units_of(env)}


def test_only_environments_with_pagerduty_have_an_oncall_stack(environments):
    for env in environments:
        assert ("oncall" in units_of(env)) is (env.oncall.mode != "none")
    assert set(UNITS) - set(units_of(next(e for e in environments if e.name == "dev"))) == {
        "oncall"
    }


def test_every_stack_has_its_environment_google_provider(stacks, environments):
    for env in environments:
        for unit in units_of(env):
            (provider,) = stacks[f"{env.name}-{unit}"]["provider"]["google"]
            assert (provider["project"], provider["region"]) == (env.project_id, env.region)


def test_default_labels_keep_their_dashes(stacks):
    # cdktf snake-cases a provider's map keys; PaceStack writes them through an override.
    for doc in stacks.values():
        (provider,) = doc["provider"]["google"]
        assert provider["default_labels"] == {
            "app": "pace",
            "env": doc["//"]["metadata"]["stackName"].split("-")[0],
            "managed-by": "cdktf",
        }


def test_non_bootstrap_stacks_keep_state_in_the_environment_bucket(stacks, environments):
    for env in environments:
        for unit in units_of(env):
            if unit == "bootstrap":
                continue
            backend = stacks[f"{env.name}-{unit}"]["terraform"]["backend"]
            assert backend == {"gcs": {"bucket": env.state_bucket, "prefix": f"{env.name}/{unit}"}}


def test_bootstrap_state_is_local_with_a_relative_path(stacks, environments):
    for env in environments:
        backend = stacks[f"{env.name}-bootstrap"]["terraform"]["backend"]
        assert backend == {"local": {"path": f"../../../terraform.{env.name}-bootstrap.tfstate"}}


def test_bootstrap_creates_the_configured_state_bucket(stacks, environments):
    for env in environments:
        bucket = only(stacks[f"{env.name}-bootstrap"], "google_storage_bucket")
        assert bucket["name"] == env.state_bucket


def test_bootstrap_enables_every_platform_api(stacks, environments):
    for env in environments:
        apis = resources(stacks[f"{env.name}-bootstrap"], "google_project_service").values()
        enabled = {api["service"] for api in apis}
        assert enabled.issuperset(REQUIRED_APIS)
        assert all(api["disable_on_destroy"] is False for api in apis)


def test_network_uses_the_environment_cidr_plan(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-network"]
        subnet = only(doc, "google_compute_subnetwork")
        assert subnet["ip_cidr_range"] == str(env.network.subnet_cidr)
        assert subnet["region"] == env.region
        assert {r["range_name"]: r["ip_cidr_range"] for r in subnet["secondary_ip_range"]} == {
            "pods": str(env.network.pods_cidr),
            "services": str(env.network.services_cidr),
        }
        psa = only(doc, "google_compute_global_address")
        assert f"{psa['address']}/{psa['prefix_length']}" == str(env.network.psa_cidr)


def test_resource_names_carry_the_environment(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-network"]
        assert only(doc, "google_compute_network")["name"] == f"pace-{env.name}-vpc"


def test_iap_ssh_follows_config(stacks, environments):
    for env in environments:
        firewall = resources(stacks[f"{env.name}-network"], "google_compute_firewall").values()
        has_iap = any(rule["name"] == f"pace-{env.name}-allow-iap-ssh" for rule in firewall)
        assert has_iap is env.network.allow_iap_ssh, env.name


def test_nat_ports_follow_config(stacks, environments):
    for env in environments:
        nat = by_name(
            stacks[f"{env.name}-network"], "google_compute_router_nat", f"pace-{env.name}-nat"
        )
        assert nat["min_ports_per_vm"] == env.network.nat.min_ports_per_vm
        assert nat["max_ports_per_vm"] == env.network.nat.max_ports_per_vm


def test_two_synths_are_byte_identical(synth_dir, environments, tmp_path):
    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    again = tmp_path / "again"
    build_app(environments, outdir=str(again)).synth()
    assert files(again) == files(synth_dir)


def test_manifest_lists_every_stack(synth_dir, stacks):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == sorted(stacks)


def test_bootstrap_writes_the_audit_configs_after_resource_manager_is_on(stacks):
    for env in ("dev", "staging", "prod"):
        configs = stacks[f"{env}-bootstrap"]["resource"]["google_project_iam_audit_config"]
        assert len(configs) == 7  # Cloud Storage (state bucket) and AUDITED_SERVICES
        for config in configs.values():
            assert "google_project_service.cloudresourcemanager" in config["depends_on"]
