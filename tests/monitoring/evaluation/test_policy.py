import pytest

from pace_infra.monitoring.evaluation.policy import Observations, derive_log_metrics, load_policies
from pace_infra.monitoring.evaluation.series import LogEntry, TimeSeries, Unsupported


def _stack(*conditions, combiner="OR", strategy=None) -> dict:
    return {
        "provider": {"google": [{"project": "p"}]},
        "resource": {
            "google_logging_metric": {"m": {"name": "errs", "filter": "severity>=ERROR"}},
            "google_monitoring_alert_policy": {
                "a": {
                    "//": {"metadata": {"path": "env-monitoring/alerting/the-alert"}},
                    "combiner": combiner,
                    "conditions": list(conditions),
                    "alert_strategy": strategy or {"auto_close": "1800s"},
                }
            },
        },
    }


def _threshold(metric: str, threshold: float, duration: str = "0s", **extra) -> dict:
    return {
        "display_name": metric,
        "condition_threshold": {
            "filter": f'metric.type="custom.googleapis.com/{metric}"',
            "comparison": "COMPARISON_GT",
            "threshold_value": threshold,
            "duration": duration,
            "aggregations": [{"alignment_period": "60s", "per_series_aligner": "ALIGN_MEAN"}],
            **extra,
        },
    }


def _gauge(metric: str, values: dict[int, float]) -> TimeSeries:
    return TimeSeries(
        f"custom.googleapis.com/{metric}", "global", "GAUGE", points=sorted(values.items())
    )


def test_a_policy_is_loaded_with_its_key_and_strategy():
    (policy,) = load_policies(_stack(_threshold("a", 1)))
    assert (policy.key, policy.combiner, policy.auto_close) == ("the-alert", "OR", 1800)


def test_and_needs_all_conditions_at_once_or_needs_one():
    # AND: "created only if all the conditions are met simultaneously"; OR: "if any ... is met".
    series = [
        _gauge("a", {t: 5 for t in range(60, 601, 60)}),
        _gauge("b", {t: 0 for t in range(60, 601, 60)}),
    ]
    (both,) = load_policies(_stack(_threshold("a", 1), _threshold("b", 1), combiner="AND"))
    (either,) = load_policies(_stack(_threshold("a", 1), _threshold("b", 1)))
    assert both.evaluate(Observations(600, series)).incidents == ()
    assert either.evaluate(Observations(600, series)).incidents == ((60, None),)


def test_an_incident_closes_when_the_condition_is_no_longer_met():
    (policy,) = load_policies(_stack(_threshold("a", 1)))
    outcome = policy.evaluate(Observations(600, [_gauge("a", {60: 5, 120: 5, 180: 0})]))
    assert outcome.incidents[0] == (60, 180)


def test_auto_close_closes_an_incident_whose_data_stopped():
    # auto_close: "If an alerting policy that was active has no data for this long, any open
    # incidents will close"
    (policy,) = load_policies(_stack(_threshold("a", 1)))
    outcome = policy.evaluate(Observations(4000, [_gauge("a", {60: 5, 120: 5})]))
    assert outcome.incidents == ((60, 120 + 1800),)


def _log_policy():
    (policy,) = load_policies(
        _stack(
            {"display_name": "m", "condition_matched_log": {"filter": 'jsonPayload.reason="X"'}},
            strategy={"auto_close": "1800s", "notification_rate_limit": {"period": "300s"}},
        )
    )
    return policy


def test_a_matched_log_notifies_at_most_once_per_rate_limit_period():
    # "the limit of 1 notification every 5 minutes"; another entry for an open incident only
    # sends another notification.
    entries = [LogEntry(t, "k8s_pod", {}, json_payload={"reason": "X"}) for t in range(0, 900, 60)]
    outcome = _log_policy().evaluate(Observations(3600, logs=entries))
    assert outcome.notifications == (0, 300, 600)
    assert len(outcome.incidents) == 1


def test_a_matched_log_sends_at_most_20_notifications_a_day():
    entries = [
        LogEntry(t, "k8s_pod", {}, json_payload={"reason": "X"}) for t in range(0, 86400, 600)
    ]
    outcome = _log_policy().evaluate(Observations(86400, logs=entries))
    assert len(outcome.notifications) == 20


def test_log_based_metrics_count_matching_entries_per_minute_by_resource():
    (policy,) = load_policies(_stack(_threshold("a", 1)))
    logs = [LogEntry(t, "k8s_container", {"pod_name": "p"}, "ERROR") for t in (10, 20, 70)]
    logs.append(LogEntry(30, "k8s_container", {"pod_name": "p"}, "INFO"))
    (series,) = derive_log_metrics(policy.log_metrics, logs, 600)
    assert series.metric_type == "logging.googleapis.com/user/errs"
    assert series.points == [(60, 2.0), (120, 1.0)]


def test_unsupported_combiners_and_conditions_are_refused():
    with pytest.raises(Unsupported):
        load_policies(_stack(_threshold("a", 1), combiner="AND_WITH_MATCHING_RESOURCE"))
    with pytest.raises(Unsupported):
        load_policies(
            _stack({"display_name": "mql", "condition_monitoring_query_language": {"query": "x"}})
        )


SLO_NAME = "projects/p/services/s/serviceLevelObjectives/a"


def _slo_stack() -> dict:
    """A burn-rate tier as the catalog writes it: two windows and a requests-per-second guard."""
    stack = _stack(
        {"display_name": "long", "condition_threshold": {
            "filter": f'select_slo_burn_rate("{SLO_NAME}", "3600s")',
            "comparison": "COMPARISON_GT", "threshold_value": 14.4, "duration": "0s"}},
        {"display_name": "short", "condition_threshold": {
            "filter": f'select_slo_burn_rate("{SLO_NAME}", "300s")',
            "comparison": "COMPARISON_GT", "threshold_value": 14.4, "duration": "0s"}},
        _threshold("r", 0.231, aggregations=[{"alignment_period": "300s",
                   "per_series_aligner": "ALIGN_RATE", "cross_series_reducer": "REDUCE_SUM"}]),
        combiner="AND",
    )  # fmt: skip
    stack["resource"]["google_monitoring_slo"] = {
        "a": {
            "service": "s",
            "slo_id": "a",
            "goal": 0.995,
            "request_based_sli": {"good_total_ratio": {
                "total_service_filter": 'metric.type="custom.googleapis.com/r"',
                "bad_service_filter": 'metric.type="custom.googleapis.com/r" metric.label.c="5"',
            }},
        }
    }  # fmt: skip
    return stack


def _requests(per_minute: float, errors: float) -> list[TimeSeries]:
    def series(code: str, value: float) -> TimeSeries:
        return TimeSeries("custom.googleapis.com/r", "global", "DELTA", {}, {"c": code},
                          [(t, value) for t in range(60, 7201, 60)])  # fmt: skip

    return [series("2", per_minute - errors), series("5", errors)]


def test_a_burn_rate_tier_needs_both_windows_and_enough_requests():
    # AND: "An incident is created only if all the conditions are met simultaneously". Half the
    # requests failing is a 100x burn in both windows; at 1.2 requests a minute the guard
    # (0.231/s) holds the tier quiet, at 60 a minute it opens.
    (policy,) = load_policies(_slo_stack())
    assert policy.evaluate(Observations(7200, _requests(1.2, 0.6))).incidents == ()
    # 120 s: the guard's 300 s rate holds two minutes of 60 requests (0.4/s; one was 0.2/s).
    assert policy.evaluate(Observations(7200, _requests(60, 30))).incidents == ((120, None),)


def test_evaluation_begins_after_the_history():
    (policy,) = load_policies(_stack(_threshold("a", 1)))
    series = [_gauge("a", {t: 5 if t <= 300 else 0 for t in range(60, 1201, 60)})]
    assert policy.evaluate(Observations(1200, series)).incidents == ((60, 360),)
    assert policy.evaluate(Observations(1200, series, begin=600)).incidents == ()


def _audit(t: int, principal: str | None, method: str) -> LogEntry:
    auth = {"principalEmail": principal} if principal else {}
    return LogEntry(
        t,
        "project",
        {"project_id": "p"},
        "NOTICE",
        proto_payload={"methodName": method, "authenticationInfo": auth},
    )


def _extracting_policy():
    (policy,) = load_policies(
        _stack(
            {
                "display_name": "m",
                "condition_matched_log": {
                    "filter": 'protoPayload.methodName:"SetIamPolicy"',
                    "label_extractors": {
                        "principal": "EXTRACT(protoPayload.authenticationInfo.principalEmail)",
                        "method": "EXTRACT(protoPayload.methodName)",
                    },
                },
            },
            strategy={"auto_close": "1800s", "notification_rate_limit": {"period": "300s"}},
        )
    )
    return policy


def test_each_combination_of_extracted_values_is_its_own_rule():
    # LogMatch.label_extractors: "Each combination of extracted values is treated as a
    # separate rule for the purposes of triggering notifications": the rate limit is per
    # combination, so a second person within the period is notified, the first one is not.
    entries = [
        _audit(0, "alice@x", "SetIamPolicy"),
        _audit(60, "alice@x", "SetIamPolicy"),
        _audit(120, "bob@x", "SetIamPolicy"),
        _audit(180, "alice@x", "v1.SetIamPolicy"),
        _audit(400, "alice@x", "SetIamPolicy"),
    ]
    outcome = _extracting_policy().evaluate(Observations(3600, logs=entries))
    assert outcome.notifications == (0, 120, 180, 400)
    assert [opened for opened, _ in outcome.incidents] == [0, 120, 180]
    # without extractors the same entries are one rule: one notification per 5 minutes
    plain = _log_policy()
    x = [LogEntry(e.time, "k8s_pod", {}, json_payload={"reason": "X"}) for e in entries]
    assert plain.evaluate(Observations(3600, logs=x)).notifications == (0, 400)


def test_an_entry_without_the_extracted_field_is_the_empty_value_s_rule():
    entries = [_audit(0, None, "SetIamPolicy"), _audit(60, "alice@x", "SetIamPolicy")]
    outcome = _extracting_policy().evaluate(Observations(3600, logs=entries))
    assert outcome.notifications == (0, 60)


def test_a_label_extractor_other_than_extract_is_refused():
    stack = _stack(
        {
            "display_name": "m",
            "condition_matched_log": {
                "filter": 'protoPayload.methodName="x"',
                "label_extractors": {"p": 'REGEXP_EXTRACT(protoPayload.methodName, "(.*)")'},
            },
        },
        strategy={"auto_close": "1800s", "notification_rate_limit": {"period": "300s"}},
    )
    with pytest.raises(Unsupported):
        load_policies(stack)
