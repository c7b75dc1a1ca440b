"""Replacement facts come from the pinned provider's schema, not from a list kept by hand."""

from __future__ import annotations

import json

from pace_infra.tools.review import model, render
from pace_infra.tools.review.forcenew import FACTS_FILE, dump, synthesized_google_types
from tests.tools.review.test_diff import _one, _review


def test_every_synthesized_google_type_has_its_facts(synth_dir):
    listed = set(json.loads(FACTS_FILE.read_text()))
    missing = synthesized_google_types(synth_dir) - listed
    assert not missing, f"run `make forcenew` to add {sorted(missing)}"


def test_the_committed_facts_are_what_the_pinned_provider_says():
    """Builds tools/forcenew against hashicorp/google 6.50.0 and dumps the same types."""
    committed = json.loads(FACTS_FILE.read_text())
    assert dump(committed) == committed


def test_a_subnet_expansion_is_an_update_not_a_replacement(tmp_path):
    old = {"prod-n": {"google_compute_subnetwork": {"s": {"ip_cidr_range": "10.0.0.0/20"}}}}
    new = {"prod-n": {"google_compute_subnetwork": {"s": {"ip_cidr_range": "10.0.0.0/19"}}}}
    stack = _one(_review(tmp_path, old, new))
    assert [c.action for c in stack.changes] == ["update"]
    assert stack.risks == []


def test_a_node_pool_machine_type_is_updated_in_place_by_the_provider(tmp_path):
    # google 6.50.0: node_config.machine_type is not ForceNew (the node pool is updated, its
    # nodes recreated by GKE); a hand-kept list said the whole node_config replaced the pool.
    old = {"prod-g": {"google_container_node_pool": {"p": {"node_config": {"machine_type": "a"}}}}}
    new = {"prod-g": {"google_container_node_pool": {"p": {"node_config": {"machine_type": "b"}}}}}
    (change,) = _one(_review(tmp_path, old, new)).changes
    assert change.action == "update"


def test_a_replacement_of_a_stateless_resource_is_shown_but_is_no_risk(tmp_path):
    old = {"prod-n": {"google_compute_router": {"r": {"name": "a", "network": "n"}}}}
    new = {"prod-n": {"google_compute_router": {"r": {"name": "b", "network": "n"}}}}
    stack = _one(_review(tmp_path, old, new))
    (change,) = stack.changes
    assert (change.action, change.reason) == ("replace", "name changes")
    assert stack.risks == []
    out = render.text([stack], "main")
    assert "  -/+ google_compute_router.r (replaced: name changes)" in out
    assert "0 to update, 1 to replace" in out


def test_a_sensitive_forcenew_value_stays_masked(tmp_path):
    kind = "google_sql_database_instance"
    old = {"prod-d": {kind: {"d": {"replica_configuration": {"password": "${a}"}}}}}
    new = {"prod-d": {kind: {"d": {"replica_configuration": {"password": "${b}"}}}}}
    (change,) = _one(_review(tmp_path, old, new)).changes
    assert change.action == "replace"
    assert change.attributes[0].new == model.MASK
