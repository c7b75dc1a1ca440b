"""The deploy-unit registry: one list says which stacks exist, in what order, built by what."""

from __future__ import annotations

from pace_infra.units import HAND_APPLIED_UNITS, REGISTRY, UNITS, order_problem, units_of


def test_order_problem_names_a_stack_before_its_dependency():
    dependencies = {"db": ["net", "gke"], "gke": ["net"], "net": [], "edge": []}
    assert order_problem(["net", "gke", "db", "edge"], dependencies) is None
    assert order_problem(["net", "db", "gke", "edge"], dependencies) == (
        "db depends on gke, which comes after it"
    )
    assert (
        order_problem(["gke", "db"], dependencies)
        == "gke depends on net, which is not in the order"
    )


def test_every_unit_names_a_stack_class_that_builds_its_own_unit(environments):
    from pace_infra.stacks.base import PaceStack

    for unit in REGISTRY:
        assert issubclass(unit.stack_class(), PaceStack), unit.name
    assert UNITS[0] == "bootstrap"  # it creates the bucket every other stack's state lives in
    assert {"bootstrap", "cicd"} == HAND_APPLIED_UNITS


def test_units_of_an_environment_follow_the_registry(environments):
    for env in environments:
        units = units_of(env)
        assert list(units) == [u for u in UNITS if u in units]
        assert ("oncall" in units) is (env.oncall.mode != "none")
