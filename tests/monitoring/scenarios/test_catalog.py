"""Every synthesized policy of every environment has both kinds of scenario, and every scenario
aims its data at what its policy reads."""

from pace_infra.monitoring.evaluation.conditions import Slo
from pace_infra.monitoring.evaluation.logquery import Comparison
from pace_infra.monitoring.evaluation.policy import derive_log_metrics, load_policies
from pace_infra.monitoring.evaluation.promql import (
    PromQLCondition,
    equality_matchers,
    parse,
    promql_name,
    selects,
)
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
            observed = scenario.build(Context(env, policy, stacks)).observations
            if policy.is_log_based:
                (condition,) = policy.conditions
                hits = [e for e in observed.logs if condition.filter.matches(e)]
                # A failure shows what the filter matches; a normal scenario models the same
                # world (entries the filter must tell apart, or the series of what happens).
                assert hits if scenario.kind == "failure" else (observed.logs or observed.series)
                continue
            series = observed.series + derive_log_metrics(
                policy.log_metrics, observed.logs, observed.end
            )
            reached = any(_watched(policy, c, s) for c in policy.conditions for s in series)
            # A log-based metric's scenario may show entries its filter does not count (a raw
            # stack trace outside the logging contract): entries of the resources it reads.
            in_scope = any(
                _in_scope(policy, c, e) for c in policy.conditions for e in observed.logs
            )
            assert reached or in_scope, (policy.key, scenario.name)


def _in_scope(policy, condition, entry) -> bool:
    flt = getattr(condition, "filter", None)
    log_filter = policy.log_metrics.get(getattr(flt, "value_of", lambda k: None)("metric.type"))
    if log_filter is None:
        return False
    return all(Comparison(p, "=", v).matches(entry) for p, v in log_filter.required().items())


def _watched(policy, condition, series) -> bool:
    """Whether the condition's filter, query or SLO selects the series."""
    if isinstance(condition, PromQLCondition):
        if selects(parse(condition.query), series):
            return True
        # The metric (and namespace) the query reads; its other matchers (a waiting reason, an
        # Application's health) are what a normal scenario may show it telling apart.
        namespace = equality_matchers(parse(condition.query)).get("namespace")
        return promql_name(series) in condition.query and (
            namespace is None or series.resource_labels.get("namespace") == namespace
        )
    flt = condition.filter
    if hasattr(flt, "matches"):
        return flt.matches(series)
    slo: Slo = policy.slos[flt.slo_name]
    selectors = (slo.total_filter, slo.distribution_filter)
    return any(f is not None and f.matches(series) for f in selectors)
