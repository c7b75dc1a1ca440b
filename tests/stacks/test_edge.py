"""The edge stack: the CRM's public address, Cloud Armor and SSL policy, from config."""

from __future__ import annotations

import json

from pace_infra.names import EnvNames
from tests.helpers import only


def _env(environments, name):
    return next(env for env in environments if env.name == name)


def test_edge_depends_on_what_it_references(synth_dir, environments):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in environments:
        assert manifest[f"{env.name}-edge"]["dependencies"] == []


def test_edge_names_and_config(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-edge"]
        assert set(doc["output"]) == {
            "web_ip_name",
            "web_ip_address",
            "web_security_policy",
            "web_ssl_policy",
        }
        policy = only(doc, "google_compute_security_policy")
        assert policy["name"] == EnvNames(env.name).edge.security_policy
        owasp = [r for r in policy["rule"] if 1000 <= r["priority"] < 1100]
        assert all(r["preview"] is (env.edge.waf_mode == "preview") for r in owasp), env.name
    assert _env(environments, "prod").edge.waf_mode == "enforce"
