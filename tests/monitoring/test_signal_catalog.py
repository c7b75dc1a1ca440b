"""The signal catalog, read without a synth: error-log counters and the applications' SLIs."""

from __future__ import annotations

from pace_infra.monitoring.filters import (
    AI_PATH_RULE,
    LB_LATENCIES,
    LB_REQUESTS,
    NOT_AI_PATH_RULE,
    SERVER_ERRORS,
    WEB_URL_MAP,
)
from pace_infra.monitoring.signal_catalog import application_slis, log_metrics
from pace_infra.names import errors_log_metric, namespace


def test_one_error_counter_per_namespace_then_per_instance():
    metrics = log_metrics("pace-t", ["pace-t-db", "pace-t-ai-db"])
    assert list(metrics) == [
        errors_log_metric("web"),
        errors_log_metric("ai"),
        errors_log_metric("pace-t-db"),
        errors_log_metric("pace-t-ai-db"),
    ]


def test_a_namespace_counter_counts_its_containers_errors():
    log_filter = log_metrics("pace-t", [])[errors_log_metric("ai")]
    assert log_filter == (
        'resource.type="k8s_container" '
        f'resource.labels.namespace_name="{namespace("ai")}" severity>=ERROR '
        "jsonPayload.message:*"
    )


def test_a_namespace_counter_counts_structured_entries_only_so_a_stack_trace_counts_once():
    # Unstructured lines are textPayload (one entry per line of a trace, ERROR on stderr): the
    # logging contract's JSON entries carry jsonPayload.message, and only they count.
    log_filter = log_metrics("pace-t", [])[errors_log_metric("web")]
    assert log_filter.endswith("severity>=ERROR jsonPayload.message:*")


def test_an_instance_counter_counts_that_instances_errors_only():
    log_filter = log_metrics("pace-t", ["pace-t-db"])[errors_log_metric("pace-t-db")]
    assert log_filter == (
        'resource.type="cloudsql_database" resource.labels.database_id="pace-t:pace-t-db" '
        "severity>=ERROR"
    )


def test_each_application_has_an_sli_named_by_its_namespace():
    assert [sli.name for sli in application_slis()] == [namespace("web"), namespace("ai")]


def test_the_crm_sli_counts_its_url_maps_requests_but_the_ai_path():
    web, _ = application_slis()
    lb = 'resource.type="https_lb_rule"'
    crm = f"{WEB_URL_MAP} {NOT_AI_PATH_RULE}"
    assert web.requests_filter == f'metric.type="{LB_REQUESTS}" {lb} {crm}'
    assert web.latencies_filter == f'metric.type="{LB_LATENCIES}" {lb} {crm}'
    assert web.errors_filter == web.requests_filter + f" {SERVER_ERRORS}"
    assert f"NOT {AI_PATH_RULE}" == NOT_AI_PATH_RULE


def test_the_ai_sli_counts_the_ai_path_only_and_the_same_requests_throughout():
    _, ai = application_slis()
    for text in (ai.requests_filter, ai.latencies_filter, ai.errors_filter):
        assert text.count(AI_PATH_RULE) == 1 and WEB_URL_MAP in text
    assert ai.errors_filter == ai.requests_filter + f" {SERVER_ERRORS}"
    assert SERVER_ERRORS not in ai.latencies_filter
