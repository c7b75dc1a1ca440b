"""The security scenarios: who is who comes from the stacks, the normal world holds what the
filters' exclusions exist for, and people's changes are notified once per 5 minutes per person
and method."""

import pytest

from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_security import ALICE, BOB, SECURITY_SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def _policy(stacks, kind: str):
    key = f"platform-security-{kind}"
    return next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)


def _run(stacks, kind: str, name: str):
    policy = _policy(stacks, kind)
    scenario = next(
        s for s in SECURITY_SCENARIOS if s.applies_to(policy) and s.name.startswith(name)
    )
    return policy, scenario.build(Context("prod", policy, stacks))


def _principals(logs) -> set[str]:
    return {e.proto_payload["authenticationInfo"]["principalEmail"] for e in logs}


def test_the_pipeline_apply_is_the_deploy_identity_gke_and_the_workloads(stacks):
    _, run = _run(stacks, "firewall", "a reviewed pipeline apply")
    assert _principals(run.observations.logs) >= {
        "pace-prod-deploy@pace-crm-prod.iam.gserviceaccount.com",
        "service-736185204479@container-engine-robot.iam.gserviceaccount.com",
        "pace-prod-web@pace-crm-prod.iam.gserviceaccount.com",
    }
    methods = {e.proto_payload["methodName"] for e in run.observations.logs}
    assert {"SetIamPolicy", "v1.compute.firewalls.patch", "v1.compute.firewalls.insert"} <= methods


@pytest.mark.parametrize("kind", ["project-iam", "firewall"])
def test_the_exclusions_are_what_keeps_the_pipeline_apply_quiet(stacks, kind):
    # Without its NOT clauses the filter matches the apply's entries: the scenario shows the
    # filter telling the deploy identity (and GKE) apart, not a world without such changes.
    policy, run = _run(stacks, kind, "a reviewed pipeline apply")
    (condition,) = policy.conditions
    kept = [item for item in condition.filter.root.items if type(item).__name__ != "Not"]
    hits = [e for e in run.observations.logs if all(item.matches(e) for item in kept)]
    assert hits and not any(condition.filter.matches(e) for e in hits)


def test_a_persons_changes_are_notified_once_per_5_minutes_per_person_and_method(stacks):
    policy, run = _run(stacks, "project-iam", "people grant themselves")
    outcome = policy.evaluate(run.observations)
    start, _ = run.failure
    # Alice at 0, 2 and 4 minutes and at 16; Bob at 1: Alice's 2- and 4-minute changes are
    # within her 5 minutes; Bob is his own rule.
    assert [t - start for t in outcome.notifications] == [0, 60, 16 * 60]
    assert _principals(run.observations.logs) == {ALICE, BOB}


def test_a_firewall_change_by_a_person_is_one_notification_for_its_two_entries(stacks):
    policy, run = _run(stacks, "firewall", "people open SSH")
    outcome = policy.evaluate(run.observations)
    assert len(run.observations.logs) == 10  # five operations, a first and a last entry each
    assert len(outcome.notifications) == 3


def test_service_accounts_reading_secrets_are_not_people(stacks):
    policy, run = _run(stacks, "human-secret-access", "a reviewed pipeline apply")
    reads = [
        e for e in run.observations.logs if "AccessSecretVersion" in e.proto_payload["methodName"]
    ]
    assert reads and all(p.endswith(".gserviceaccount.com") for p in _principals(reads))
    assert policy.evaluate(run.observations).notifications == ()
