from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.monitoring.scenarios.model import Run, Scenario
from pace_infra.monitoring.scenarios.runner import run_all

STACK = {
    "env-monitoring": {
        "resource": {
            "google_monitoring_alert_policy": {
                "a": {
                    "//": {"metadata": {"path": "env-monitoring/alerting/hot"}},
                    "combiner": "OR",
                    "conditions": [
                        {
                            "display_name": "x",
                            "condition_threshold": {
                                "filter": 'metric.type="custom.googleapis.com/t"',
                                "comparison": "COMPARISON_GT",
                                "threshold_value": 1,
                                "duration": "0s",
                                "aggregations": [
                                    {"alignment_period": "60s", "per_series_aligner": "ALIGN_MEAN"}
                                ],
                            },
                        }
                    ],
                }
            }
        }
    }
}


def _run(value: float, failure: tuple[int, int] | None):
    def build(ctx):
        series = TimeSeries(
            "custom.googleapis.com/t",
            "global",
            "GAUGE",
            points=[(t, value) for t in range(60, 601, 60)],
        )
        return Run(Observations(600, [series]), failure)

    return build


FAILURE = Scenario("hot", "failure", "hot", _run(5, (60, 600)), 60)
NORMAL = Scenario("cool", "normal", "hot", _run(0, None))


def test_all_as_expected():
    report = run_all(STACK, [FAILURE, NORMAL])
    assert report.ok
    assert report.lines == [
        "ok   env/hot: 2/2 as expected",
        "env: 1 policies, 2 scenarios, all as expected",
        "1 policies, 2 scenarios, all as expected",
    ]


def test_a_policy_without_a_normal_scenario_fails_the_run():
    report = run_all(STACK, [FAILURE])
    assert not report.ok
    assert "no normal scenario" in report.lines[0]
    assert report.lines[-1] == "1 policies, 1 scenarios, 1 not as expected"


def test_a_policy_without_a_failure_scenario_fails_the_run():
    report = run_all(STACK, [NORMAL])
    assert not report.ok and "no failure scenario" in report.lines[0]


def test_a_scenario_not_as_expected_is_reported_with_what_happened():
    report = run_all(STACK, [FAILURE, Scenario("hot too", "normal", "hot", _run(5, None))])
    assert not report.ok and "normal 'hot too': opened at +1m" in report.lines[0]


def test_a_policy_the_evaluator_refuses_fails_the_run_with_what_was_refused():
    stack = {"env-monitoring": {"resource": {"google_monitoring_alert_policy": {
        **STACK["env-monitoring"]["resource"]["google_monitoring_alert_policy"],
        "b": {
            "//": {"metadata": {"path": "env-monitoring/alerting/mql"}},
            "combiner": "OR",
            "conditions": [{"display_name": "m",
                            "condition_monitoring_query_language": {"query": "fetch x"}}],
        },
    }}}}  # fmt: skip
    report = run_all(stack, [FAILURE, NORMAL])
    assert not report.ok
    assert report.lines[0].startswith("FAIL env/mql: cannot evaluate: ")
    assert report.lines[-1] == "2 policies, 2 scenarios, 1 not as expected"
