"""Edge: static IP, Cloud Armor policy and SSL policy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pace_infra.config.values import EdgePolicy
from pace_infra.constructs.edge import OWASP_RULE_SETS, Edge, EdgeProps
from pace_infra.names import EdgeNames
from tests.helpers import only, resources, synth_construct

PROPS = EdgeProps(
    names=EdgeNames("pace-t-web-ip", "pace-t-web-armor", "pace-t-web-tls"),
    policy=EdgePolicy(rate_limit_per_minute=300),
    labels={"system": "web"},
)


def _synth(props: EdgeProps = PROPS) -> dict:
    return synth_construct(lambda stack: Edge(stack, "web", props=props))


@pytest.fixture(scope="module")
def doc():
    return _synth()


def _rules(doc) -> dict[int, dict]:
    return {r["priority"]: r for r in only(doc, "google_compute_security_policy")["rule"]}


def test_static_global_ip_with_pinned_id(doc):
    assert list(resources(doc, "google_compute_global_address")) == ["web_ip"]
    address = only(doc, "google_compute_global_address")
    assert (address["name"], address["address_type"]) == ("pace-t-web-ip", "EXTERNAL")


def test_every_owasp_rule_set_denies(doc):
    expressions = [
        r["match"]["expr"]["expression"] for r in _rules(doc).values() if "expr" in r["match"]
    ]
    for rule_set in OWASP_RULE_SETS:
        assert any(f"'{rule_set}'" in e for e in expressions), rule_set
    assert all(r["action"] == "deny(403)" for r in _rules(doc).values() if r["priority"] < 2000)


def test_owasp_rules_enforce_by_default_and_preview_on_request(doc):
    assert not any(r["preview"] for r in _rules(doc).values() if "preview" in r)
    previewed = _rules(_synth(replace(PROPS, policy=replace(PROPS.policy, waf_mode="preview"))))
    owasp = [r for p, r in previewed.items() if 1000 <= p < 1100]
    assert owasp and all(r["preview"] for r in owasp)


def test_log4shell_rule_enforces_even_in_preview():
    rule = _rules(_synth(replace(PROPS, policy=replace(PROPS.policy, waf_mode="preview"))))[1100]
    assert "cve-canary" in rule["match"]["expr"]["expression"]
    assert rule["preview"] is False


def test_per_client_rate_limit(doc):
    rule = _rules(doc)[2000]
    assert rule["action"] == "throttle"
    options = rule["rate_limit_options"]
    assert options["enforce_on_key"] == "IP"
    assert options["exceed_action"] == "deny(429)"
    assert options["rate_limit_threshold"] == {"count": 300, "interval_sec": 60}


def test_default_rule_allows(doc):
    default = _rules(doc)[2147483647]
    assert default["action"] == "allow"
    assert default["match"]["config"]["src_ip_ranges"] == ["*"]


def test_ssl_policy_is_tls12_plus_with_configured_profile(doc):
    policy = only(doc, "google_compute_ssl_policy")
    assert (policy["min_tls_version"], policy["profile"]) == ("TLS_1_2", "MODERN")
    restricted = only(
        _synth(replace(PROPS, policy=replace(PROPS.policy, ssl_profile="RESTRICTED"))),
        "google_compute_ssl_policy",
    )
    assert restricted["profile"] == "RESTRICTED"


def test_policies_and_address_keep_their_ids_and_refuse_destruction(doc):
    # Attached by name to load balancer resources GKE creates: deleting them in use fails.
    for kind, logical_id in (
        ("google_compute_global_address", "web_ip"),
        ("google_compute_security_policy", "web_armor"),
        ("google_compute_ssl_policy", "web_tls"),
    ):
        assert resources(doc, kind)[logical_id]["lifecycle"] == {"prevent_destroy": True}


def test_a_disposable_edge_may_be_destroyed():
    doc = _synth(replace(PROPS, protect=False))
    assert resources(doc, "google_compute_ssl_policy")["web_tls"]["lifecycle"] == {
        "prevent_destroy": False
    }


def test_every_rule_states_its_preview_mode(doc):
    # Unset, the Optional+Computed `preview` makes every rule re-render when any rule changes.
    assert all("preview" in rule for rule in _rules(doc).values())


def test_json_bodies_are_parsed_for_the_waf(doc):
    policy = only(doc, "google_compute_security_policy")
    assert policy["advanced_options_config"]["json_parsing"] == "STANDARD"
