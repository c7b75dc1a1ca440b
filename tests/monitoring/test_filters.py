"""monitoring/filters.py: Monitoring filters that survive the JSON and the HCL exit path."""

from __future__ import annotations

import re

import cdktf
import pytest

from pace_infra.monitoring.filters import (
    AI_PATH_RULE,
    NOT_AI_PATH_RULE,
    container_filter,
    kubernetes_event_filter,
    monitoring_filter,
    promql_selector,
    slo_burn_rate,
    sql_filter,
)


@pytest.fixture(scope="module")
def check_id(token_stack) -> str:
    """A value known only at apply time, as an uptime check's id is."""
    return cdktf.TerraformVariable(token_stack, "check_id", type="string").string_value


def test_literal_values_are_quoted_and_joined_by_spaces():
    assert (
        monitoring_filter(("metric.type", "m/x"), ("resource.type", "uptime_url"))
        == 'metric.type="m/x" resource.type="uptime_url"'
    )


def test_a_literal_filter_is_plain_text_not_a_token():
    assert not cdktf.Token.is_unresolved(monitoring_filter(("metric.type", "m/x")))


def test_a_reference_makes_the_whole_filter_one_format_call_quoting_each_value(check_id, resolve):
    value = monitoring_filter(("metric.type", "m/x"), ("metric.label.check_id", check_id))
    assert cdktf.Token.is_unresolved(value)
    assert (
        resolve(value)
        == '${format("metric.type=%q metric.label.check_id=%q", "m/x", var.check_id)}'
    )


def test_slo_burn_rate_names_the_slo_and_window_as_quoted_values(resolve):
    assert resolve(slo_burn_rate("projects/p/services/s/serviceLevelObjectives/o", "3600s")) == (
        '${format("select_slo_burn_rate(%q, %q)", '
        '"projects/p/services/s/serviceLevelObjectives/o", "3600s")}'
    )


def test_sql_filter_names_one_instance_only_when_given_project_and_instance():
    assert re.findall(r'database_id="([^"]+)"', sql_filter("cpu/utilization")) == []
    assert re.findall(r'database_id="([^"]+)"', sql_filter("cpu/utilization", "p", "db")) == [
        "p:db"
    ]
    assert (
        re.search(r'metric.type="([^"]+)"', sql_filter("up"))[1]
        == "cloudsql.googleapis.com/database/up"
    )


def test_container_filter_quotes_the_namespace():
    assert 'resource.label.namespace_name="pace-ai"' in container_filter("pace-ai", "restart_count")


def test_a_metric_type_as_promql_names_it():
    # Cloud Monitoring, "Mapping Cloud Monitoring metrics to PromQL": its own examples.
    from pace_infra.monitoring.filters import promql_metric

    assert promql_metric("kubernetes.io/container/cpu/limit_cores") == (
        "kubernetes_io:container_cpu_limit_cores"
    )
    assert promql_metric("custom.googleapis.com/pace/restore_drill/duration_seconds") == (
        "custom_googleapis_com:pace_restore_drill_duration_seconds"
    )


def test_a_promql_selector_quotes_values_and_matches_a_tilde_as_a_regex():
    assert (
        promql_selector("kube_pod_status_phase", namespace="pace-web", phase="~Pending|Unknown")
        == 'kube_pod_status_phase{namespace="pace-web",phase=~"Pending|Unknown"}'
    )


def test_a_kubernetes_event_filter_reads_the_events_log_of_one_reason_and_resource_type():
    assert kubernetes_event_filter("OOMKilling", "k8s_node") == (
        'log_id("events") resource.type="k8s_node" jsonPayload.reason="OOMKilling"'
    )
    assert kubernetes_event_filter("FailedCreate") == (
        'log_id("events") jsonPayload.reason="FailedCreate"'
    )


def test_the_crm_excludes_the_ai_path_rule_by_negating_it():
    assert f"NOT {AI_PATH_RULE}" == NOT_AI_PATH_RULE
