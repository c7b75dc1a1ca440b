"""monitoring/alert_catalog.py: the alert specs of one environment, from plain inputs, no synth."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pace_infra.config import Thresholds
from pace_infra.monitoring.alert_catalog import CatalogInputs, WatchedDatabase, alert_specs
from pace_infra.monitoring.model import AlertSpec, LogMatch, Promql, Threshold
from pace_infra.monitoring.security_alerts import SecurityWatch
from pace_infra.monitoring.signal_catalog import application_slis, log_metrics
from pace_infra.names import errors_log_metric

RUNBOOKS = Path(__file__).resolve().parents[2] / "docs" / "runbooks"
PROJECT = "pace-t"
DATABASES = {
    "pace-t-db": WatchedDatabase(200, 400, dr_replica="pace-t-db-dr"),
    "pace-t-ai-db": WatchedDatabase(120, 300),
}
# None of these is a default: a value the catalog hard-codes instead of reading shows up.
THRESHOLDS = Thresholds(
    http_5xx_ratio=0.07,
    min_requests_per_second=2.5,
    ai_min_requests_per_second=0.3,
    error_logs_per_minute=12.0,
    container_limit_utilization=0.93,
    node_allocatable_utilization=0.81,
    sql_cpu_utilization=0.77,
    sql_memory_utilization=0.88,
    sql_disk_limit_ratio=0.83,
    sql_connections_ratio=0.75,
    sql_replica_lag_seconds=240,
    certificate_days_left=21,
)
# The log metrics the signal catalog defines (the monitoring stack's Signals create them).
LOG_METRIC_NAMES = tuple(log_metrics(PROJECT, list(DATABASES)))
LOG_METRICS = {name: f"logging.googleapis.com/user/{name}" for name in LOG_METRIC_NAMES}
UPTIME_CHECKS = {"crm": ("web", "crm-check-id"), "ai-health": ("ai", "ai-check-id")}
SLO_NAMES = {
    "pace-web-availability": "projects/1/services/web/serviceLevelObjectives/availability",
    "pace-ai-latency": "projects/1/services/ai/serviceLevelObjectives/latency",
}
SECURITY = SecurityWatch(
    project_number="123456789012", deploy_identity="pace-t-deploy@pace-t.iam.gserviceaccount.com"
)
SLO_GOALS = {"pace-web-availability": 0.99, "pace-ai-latency": 0.9}
DATABASE_ALERTS = ("cpu", "memory", "disk-limit", "disk-forecast", "connections", "down")


class _ReadKeys(dict):
    """A mapping that remembers which keys were read."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def _inputs(**overrides: object) -> CatalogInputs:
    fields = {
        "project_id": PROJECT,
        "security": SECURITY,
        "thresholds": THRESHOLDS,
        "databases": DATABASES,
        "uptime_checks": UPTIME_CHECKS,
        "log_metrics": LOG_METRICS,
        "slo_names": SLO_NAMES,
        "slo_goals": SLO_GOALS,
    }
    return CatalogInputs(**{**fields, **overrides})


@pytest.fixture(scope="module")
def specs() -> dict[str, AlertSpec]:
    return {spec.key: spec for spec in alert_specs(_inputs())}


def _database_ids(text: str) -> list[str]:
    return re.findall(r'resource\.label\.database_id="([^"]*)"', text)


def _metric_type(text: str) -> str:
    (metric,) = re.findall(r'metric\.type="([^"]*)"', text)
    return metric


def test_keys_and_titles_are_unique():
    # The key is the policy's logical id; the title its display name, as the on-call sees it.
    specs = alert_specs(_inputs())
    assert [k for k, n in Counter(s.key for s in specs).items() if n > 1] == []
    assert [t for t, n in Counter(s.title for s in specs).items() if n > 1] == []


def test_every_runbook_named_exists_under_docs_runbooks(specs):
    missing = {
        s.key: s.runbook for s in specs.values() if not (RUNBOOKS / f"{s.runbook}.md").is_file()
    }
    assert missing == {}


def test_every_database_passed_in_gets_its_alerts_and_no_other_does(specs):
    data = {key for key, spec in specs.items() if spec.system == "data"}
    assert data == {
        f"data-{instance}-{alert}"
        for instance in DATABASES
        for alert in (*DATABASE_ALERTS, "error-logs")
    } | {"data-pace-t-db-dr-down", "data-pace-t-db-dr-lag"}
    only_one = alert_specs(_inputs(databases={"pace-t-db": DATABASES["pace-t-db"]}))
    assert not [s.key for s in only_one if "pace-t-ai-db" in s.key]


@pytest.mark.parametrize("instance", DATABASES)
def test_database_alerts_filter_on_exactly_their_instance(specs, instance):
    for alert in DATABASE_ALERTS:
        for condition in specs[f"data-{instance}-{alert}"].conditions:
            assert _database_ids(condition.filter) == [f"{PROJECT}:{instance}"], alert


@pytest.mark.parametrize("instance", DATABASES)
def test_database_error_logs_read_that_instances_log_metric(specs, instance):
    (condition,) = specs[f"data-{instance}-error-logs"].conditions
    assert _metric_type(condition.filter) == LOG_METRICS[errors_log_metric(instance)]
    assert 'resource.type="cloudsql_database"' in condition.filter


def test_a_dr_replica_is_watched_under_the_name_the_databases_stack_gives_it(specs):
    for alert in ("down", "lag"):
        for condition in specs[f"data-pace-t-db-dr-{alert}"].conditions:
            assert _database_ids(condition.filter) == [f"{PROJECT}:pace-t-db-dr"]
    assert not [key for key in specs if "pace-t-ai-db-dr" in key]  # no replica, no alert


def test_disk_is_watched_in_bytes_against_each_instances_autoresize_limit(specs):
    limits = {i: specs[f"data-{i}-disk-limit"].conditions[0].threshold for i in DATABASES}
    assert limits == {"pace-t-db": 332 * 10**9, "pace-t-ai-db": 249 * 10**9}  # 83 % of each
    forecast = specs["data-pace-t-ai-db-disk-forecast"].conditions[0]
    assert (forecast.threshold, forecast.forecast_horizon) == (300e9, "21600s")


def test_connections_alert_at_the_configured_share_of_each_max_connections(specs):
    limits = {i: specs[f"data-{i}-connections"].conditions[0].threshold for i in DATABASES}
    assert limits == {"pace-t-db": 150, "pace-t-ai-db": 90}  # 0.75 of 200 and of 120


def test_thresholds_from_the_config_are_the_conditions_thresholds(specs):
    expected = {
        ("web-http-5xx-ratio", 0): THRESHOLDS.http_5xx_ratio,
        ("web-http-5xx-ratio", 1): THRESHOLDS.min_requests_per_second,
        ("ai-http-5xx-ratio", 0): THRESHOLDS.http_5xx_ratio,
        ("ai-http-5xx-ratio", 1): THRESHOLDS.ai_min_requests_per_second,
        ("web-error-logs", 0): THRESHOLDS.error_logs_per_minute,
        ("ai-error-logs", 0): THRESHOLDS.error_logs_per_minute,
        ("data-pace-t-db-error-logs", 0): THRESHOLDS.error_logs_per_minute,
        ("web-container-cpu", 0): THRESHOLDS.container_limit_utilization,
        ("ai-container-memory", 0): THRESHOLDS.container_limit_utilization,
        ("platform-node-cpu", 0): THRESHOLDS.node_allocatable_utilization,
        ("platform-node-memory", 0): THRESHOLDS.node_allocatable_utilization,
        ("data-pace-t-db-cpu", 0): THRESHOLDS.sql_cpu_utilization,
        ("data-pace-t-ai-db-memory", 0): THRESHOLDS.sql_memory_utilization,
        ("data-pace-t-db-dr-lag", 0): THRESHOLDS.sql_replica_lag_seconds,
        ("web-certificate-crm", 0): THRESHOLDS.certificate_days_left,
    }
    actual = {(key, i): specs[key].conditions[i].threshold for key, i in expected}
    assert actual == expected


@pytest.mark.parametrize(
    ("key", "stated"),
    [
        ("web-http-5xx-ratio", "7%"),
        ("web-container-cpu", "93%"),
        ("platform-node-memory", "81%"),
        ("data-pace-t-db-cpu", "77%"),
        ("data-pace-t-ai-db-memory", "88%"),
        ("data-pace-t-ai-db-disk-limit", "83% of the autoresize limit (300 GB)"),
        ("data-pace-t-db-dr-lag", "more than 240 s"),
        ("web-certificate-crm", "less than 21 days"),
        ("ai-http-5xx-ratio", "at least 0.3 requests/s"),
        ("web-error-logs", "more than 12 errors"),
        ("data-pace-t-db-connections", "75% of max_connections (200)"),
    ],
)
def test_the_summary_states_the_configured_threshold(specs, key, stated):
    assert stated in specs[key].summary


def test_alerts_read_exactly_the_log_metrics_the_signals_define():
    log_metrics = _ReadKeys(LOG_METRICS)
    alert_specs(_inputs(log_metrics=log_metrics))
    assert log_metrics.read == set(LOG_METRIC_NAMES)


@pytest.mark.parametrize("system", ["web", "ai"])
def test_workload_error_logs_read_their_log_metric_in_containers(specs, system):
    (condition,) = specs[f"{system}-error-logs"].conditions
    assert _metric_type(condition.filter) == LOG_METRICS[errors_log_metric(system)]
    assert 'resource.type="k8s_container"' in condition.filter


@pytest.mark.parametrize(
    ("name", "system", "check_id"), [(n, *v) for n, v in UPTIME_CHECKS.items()]
)
def test_every_uptime_check_pages_on_failure_and_notifies_on_its_certificate(
    specs, name, system, check_id
):
    failing, certificate = specs[f"{system}-uptime-{name}"], specs[f"{system}-certificate-{name}"]
    assert (failing.severity, failing.page) == ("CRITICAL", True)
    assert (certificate.severity, certificate.page) == ("WARNING", False)
    for spec in (failing, certificate):
        (condition,) = spec.conditions
        assert f'metric.label.check_id="{check_id}"' in condition.filter


def test_every_slo_burns_on_three_tiers_each_a_long_and_a_short_window(specs, resolve):
    for slo_key, slo_name in SLO_NAMES.items():
        for tier, windows, rate in (
            ("fast", ("3600s", "300s"), 14.4),
            ("slow", ("21600s", "1800s"), 6),
            ("ticket", ("259200s", "21600s"), 1),
        ):
            spec = specs[f"{slo_key}-{tier}-burn"]
            assert (spec.system, spec.combiner) == (slo_key.split("-")[1], "AND")
            long, short, _traffic = spec.conditions
            assert [resolve(c.filter) for c in (long, short)] == [
                f'${{format("select_slo_burn_rate(%q, %q)", "{slo_name}", "{window}")}}'
                for window in windows
            ]
            assert {long.threshold, short.threshold} == {rate}


def test_burn_alerts_guard_on_their_applications_requests_with_their_slos_goal(specs):
    web, ai = application_slis()
    fast_web = specs["pace-web-availability-fast-burn"].conditions[2]
    fast_ai = specs["pace-ai-latency-fast-burn"].conditions[2]
    assert (fast_web.filter, fast_ai.filter) == (web.requests_filter, ai.requests_filter)
    # Five bad requests in the 300 s window at 14.4x: goal 0.99 -> 5 / (0.144 * 300).
    assert fast_web.threshold == pytest.approx(5 / (14.4 * 0.01 * 300), abs=0.001)
    assert fast_ai.threshold == pytest.approx(5 / (14.4 * 0.1 * 300), abs=0.001)


@pytest.mark.parametrize(("system", "sli"), [("web", 0), ("ai", 1)])
def test_each_application_pages_on_its_own_5xx_ratio_with_real_traffic(specs, system, sli):
    requests = application_slis()[sli]
    spec = specs[f"{system}-http-5xx-ratio"]
    ratio, traffic = spec.conditions
    assert (spec.combiner, spec.severity) == ("AND", "CRITICAL")
    assert (ratio.filter, ratio.denominator_filter) == (
        requests.errors_filter,
        requests.requests_filter,
    )
    assert traffic.filter == requests.requests_filter


@pytest.mark.parametrize("system", ["web", "ai"])
def test_application_error_logs_are_a_support_hours_signal_and_database_ones_page(specs, system):
    assert specs[f"{system}-error-logs"].severity == "WARNING"
    assert specs["data-pace-t-db-error-logs"].severity == "ERROR"


def test_every_alert_has_conditions_and_an_and_combines_at_least_two(specs):
    for spec in specs.values():
        assert spec.conditions, spec.key
        assert all(isinstance(c, Threshold | LogMatch | Promql) for c in spec.conditions), spec.key
        if spec.combiner == "AND":
            assert len(spec.conditions) >= 2, spec.key


def test_a_restore_drill_alert_for_each_drilled_instance_only_where_there_is_a_drill():
    from pace_infra.monitoring.database_alerts import DrillWatch

    without = {spec.key for spec in alert_specs(_inputs())}
    assert not [key for key in without if key.endswith("-restore-drill")]
    watch = DrillWatch("pace-t-db-drill", ("pace-t-db",), rto_minutes=60, stale_after_days=8)
    drilled = {spec.key for spec in alert_specs(_inputs(restore_drill=watch))}
    assert drilled - without == {"data-pace-t-db-restore-drill"}


def test_an_export_alert_for_each_exported_instance_only_where_there_are_exports():
    from pace_infra.monitoring.database_alerts import ExportWatch

    without = {spec.key for spec in alert_specs(_inputs())}
    assert not [key for key in without if key.endswith("-export")]
    watch = ExportWatch("pace-t-db-export", ("pace-t-db", "pace-t-ai-db"))
    exported = {spec.key for spec in alert_specs(_inputs(database_export=watch))}
    assert exported - without == {"data-pace-t-db-export", "data-pace-t-ai-db-export"}


def test_argo_cd_and_security_changes_page_pace_platform(specs):
    platform = {key for key, spec in specs.items() if spec.system == "platform"}
    assert {
        k for k in specs if k.startswith(("platform-argocd-", "platform-security-"))
    } <= platform
    assert len([k for k in platform if k.startswith("platform-argocd-")]) == 4
    assert len([k for k in platform if k.startswith("platform-security-")]) == 8


def test_the_security_alerts_leave_out_the_deploy_identity_this_catalog_is_given(specs):
    assert SECURITY.deploy_identity in specs["platform-security-project-iam"].conditions[0].filter
