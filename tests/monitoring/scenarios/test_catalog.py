"""Every synthesized policy of every environment has both kinds of scenario, and every scenario
aims its data at the resources its policy watches."""

from pace_infra.monitoring.evaluation.policy import derive_log_metrics, load_policies
from pace_infra.monitoring.scenarios.catalog import SCENARIOS
from pace_infra.monitoring.scenarios.model import Context


def test_every_policy_has_a_failure_and_a_normal_scenario(stacks):
    for name, stack in stacks.items():
        if not name.endswith("-monitoring"):
            continue
        for policy in load_policies(stack):
            kinds = {s.kind for s in SCENARIOS if s.applies_to(policy)}
            assert kinds == {"failure", "normal"}, (name, policy.key)


def test_every_scenario_reaches_its_policy(stacks):
    env = "prod"
    for policy in load_policies(stacks[f"{env}-monitoring"]):
        for scenario in (s for s in SCENARIOS if s.applies_to(policy)):
            run = scenario.build(Context(env, policy, stacks))
            observed = run.observations
            if policy.is_log_based:
                (condition,) = policy.conditions
                hits = [e for e in observed.logs if condition.filter.matches(e)]
                # a scenario may show what the filter misses (FailedCreate), never nothing at all
                assert hits or scenario.kind == "failure", (policy.key, scenario.name)
                continue
            series = observed.series + derive_log_metrics(
                policy.log_metrics, observed.logs, observed.end
            )
            reached = any(_watched(policy, c, s) for c in policy.conditions for s in series)
            # the JSON-level scenario shows errors the log metric misses: its series may be empty
            assert reached or "JSON" in scenario.name, (policy.key, scenario.name)


def _watched(policy, condition, series) -> bool:
    """Whether the condition's filter (or its SLO's filters) selects the series."""
    flt = condition.filter
    if hasattr(flt, "matches"):
        return flt.matches(series)
    slo = policy.slos[flt.slo_name]
    selectors = (slo.total_filter, slo.distribution_filter)
    return any(f is not None and f.matches(series) for f in selectors)
