from pace_infra.monitoring.evaluation.policy import Observations, Outcome
from pace_infra.monitoring.scenarios.model import Run, Scenario, clock, judge


def _scenario(kind: str, within: int = 300) -> Scenario:
    return Scenario("s", kind, "*", lambda ctx: None, within)


def test_a_normal_scenario_must_stay_quiet():
    run = Run(Observations(3600))
    assert judge(_scenario("normal"), run, Outcome((), ())).ok
    result = judge(_scenario("normal"), run, Outcome(((600, 900),), (600,)))
    assert not result.ok and "+10m" in result.detail


def test_a_failure_must_open_in_time_and_stay_open_while_it_lasts():
    run = Run(Observations(7200), (600, 4200))
    assert judge(_scenario("failure"), run, Outcome(((780, None),), (780,))).ok
    late = judge(_scenario("failure"), run, Outcome(((1200, None),), (1200,)))
    assert not late.ok and "later than" in late.detail
    flapping = judge(_scenario("failure"), run, Outcome(((660, 900),), (660,)))
    assert not flapping.ok and "closed at" in flapping.detail
    assert not judge(_scenario("failure"), run, Outcome((), ())).ok


def test_clock():
    assert clock(300) == "+5m"
    assert clock(3900) == "+1h05m"
