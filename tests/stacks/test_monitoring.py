"""The monitoring stack: every alert is routed, documented, valid and covered."""

from __future__ import annotations

import json
import re

import pytest

from pace_infra.monitoring.filters import promql_metric
from pace_infra.monitoring.model import PAGING_ROUTES
from pace_infra.names import DATABASE_EXPORT_METRIC, RESTORE_DRILL_METRIC, pagerduty_service
from tests.conftest import REPO
from tests.helpers import filter_text, resources

# Metric types from shared/reference/ops-signals.md (the catalog Cloud Monitoring documents);
# a filter naming anything else is a typo that would alert on nothing. disk/bytes_used and
# replication/replica_lag are in Cloud Monitoring's "Google Cloud metrics: cloudsql" list
# (GAUGE, bytes; GAUGE, seconds, reported by a replica).
KNOWN_METRICS = {
    "loadbalancing.googleapis.com/https/request_count",
    "loadbalancing.googleapis.com/https/total_latencies",
    "kubernetes.io/container/restart_count",
    "kubernetes.io/container/cpu/limit_utilization",
    "kubernetes.io/container/memory/limit_utilization",
    "kubernetes.io/node/cpu/allocatable_utilization",
    "kubernetes.io/node/memory/allocatable_utilization",
    "cloudsql.googleapis.com/database/up",
    "cloudsql.googleapis.com/database/instance_state",
    "cloudsql.googleapis.com/database/cpu/utilization",
    "cloudsql.googleapis.com/database/memory/utilization",
    "cloudsql.googleapis.com/database/disk/utilization",
    "cloudsql.googleapis.com/database/disk/bytes_used",
    "cloudsql.googleapis.com/database/replication/replica_lag",
    "cloudsql.googleapis.com/database/postgresql/num_backends",
    "monitoring.googleapis.com/uptime_check/check_passed",
    "monitoring.googleapis.com/uptime_check/time_until_ssl_cert_expires",
}
# Kube-state metrics of GKE's POD and DEPLOYMENT packages (GKE, "Use kube state metrics": the
# packages' tables; PromQL uses the open-source kube-state-metrics names), each with the package
# that must be on for it to exist.
KNOWN_KUBE_STATE = {
    "kube_pod_container_status_waiting_reason": "POD",
    "kube_pod_status_phase": "POD",
    "kube_deployment_spec_replicas": "DEPLOYMENT",
    "kube_deployment_status_replicas_available": "DEPLOYMENT",
}
# Where every other metric a PromQL condition reads comes from, checked by its own test: Argo
# CD's, from the PodMonitoring of the platform stack; the restore drill's and the export's, from
# their descriptors.
KNOWN_PROMQL_ELSEWHERE = {
    "argocd_app_info",
    "argocd_app_sync_total",
    promql_metric(RESTORE_DRILL_METRIC),
    promql_metric(DATABASE_EXPORT_METRIC),
}
PROMQL_METRIC = re.compile(r"\b(kube_[a-z_]+|argocd_[a-z_]+|[a-z_]+:[a-z_]+)\b")
SEED_SYSTEMS = ("web", "ai", "data")
SEED_FAMILIES = ("error", "exhaustion", "health")
METRIC_TYPE = re.compile(r'metric\.type="([^"]+)"')


def _policies(stacks, env) -> list[dict]:
    return list(
        resources(stacks[f"{env.name}-monitoring"], "google_monitoring_alert_policy").values()
    )


def _seconds(duration: str) -> int:
    assert duration.endswith("s"), duration
    return int(duration[:-1])


def test_alerts_wait_for_the_log_metrics_they_read(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-monitoring"]
        metrics = {f"google_logging_metric.{k}" for k in resources(doc, "google_logging_metric")}
        for policy in _policies(stacks, env):
            if "logging.googleapis.com/user/" in json.dumps(policy["conditions"]):
                assert metrics <= set(policy["depends_on"]), policy["display_name"]


def _propagation_wait(doc) -> tuple[str, dict]:
    (logical_id,) = resources(doc, "terraform_data")
    return f"terraform_data.{logical_id}", resources(doc, "terraform_data")[logical_id]


def test_log_metric_alerts_and_charts_wait_until_monitoring_can_see_the_metrics(
    stacks, environments
):
    # `depends_on` alone orders creation; Monitoring answers 404 for up to 10 minutes after a
    # log metric is created (provider issue 11102), so the first apply would fail without it.
    for env in environments:
        doc = stacks[f"{env.name}-monitoring"]
        address, wait = _propagation_wait(doc)
        names = sorted(m["name"] for m in resources(doc, "google_logging_metric").values())
        assert wait["triggers_replace"] == names  # a new metric waits again
        assert "sleep 600" in wait["provisioner"][0]["local-exec"]["command"]
        metrics = {f"google_logging_metric.{k}" for k in resources(doc, "google_logging_metric")}
        assert set(wait["depends_on"]) == metrics
        readers = [
            *(p for p in _policies(stacks, env) if "logging.googleapis.com/user/" in json.dumps(p)),
            *resources(doc, "google_monitoring_dashboard").values(),
        ]
        assert readers and all(address in r["depends_on"] for r in readers)


def _log_metric_types(stacks, env) -> set[str]:
    metrics = resources(stacks[f"{env.name}-monitoring"], "google_logging_metric").values()
    return {f"logging.googleapis.com/user/{m['name']}" for m in metrics}


def test_every_policy_has_a_channel_severity_documentation_and_auto_close(stacks, environments):
    for env in environments:
        for policy in _policies(stacks, env):
            name = policy["display_name"]
            assert policy["notification_channels"], name
            assert policy["severity"] in {"CRITICAL", "ERROR", "WARNING"}, name
            assert policy["documentation"]["mime_type"] == "text/markdown", name
            assert policy["alert_strategy"]["auto_close"] == "1800s", name
            assert {"system", "family", "severity"} <= set(policy["user_labels"]), name


def test_every_policy_links_an_existing_runbook(stacks, environments):
    for env in environments:
        for policy in _policies(stacks, env):
            links = re.findall(
                r"docs/runbooks/([a-z0-9-]+\.md)", policy["documentation"]["content"]
            )
            assert len(links) == 1, policy["display_name"]
            assert (REPO / "docs" / "runbooks" / links[0]).is_file(), links[0]


def test_conditions_are_threshold_log_match_or_promql_only(stacks, environments):
    kinds_seen = set()
    for env in environments:
        for policy in _policies(stacks, env):
            for condition in policy["conditions"]:
                kinds = set(condition) - {"display_name"}
                assert len(kinds) == 1, kinds
                kinds_seen |= kinds
    assert kinds_seen == {
        "condition_threshold",
        "condition_matched_log",
        "condition_prometheus_query_language",
    }


def _recovery_queries(stacks, env) -> list[str]:
    return [
        condition["condition_prometheus_query_language"]["query"]
        for policy in _policies(stacks, env)
        if policy["user_labels"]["family"] == "recovery"
        for condition in policy["conditions"]
    ]


def test_export_alerts_watch_exactly_the_exported_instances_metric(stacks, environments):
    metric = promql_metric(DATABASE_EXPORT_METRIC)
    for env in environments:
        databases = stacks[f"{env.name}-databases"]
        descriptors = [
            d
            for d in resources(databases, "google_monitoring_metric_descriptor").values()
            if d["type"] == DATABASE_EXPORT_METRIC
        ]
        queries = [q for q in _recovery_queries(stacks, env) if metric in q]
        if not env.databases.exports.enabled:
            assert (queries, descriptors) == ([], []), env.name
            continue
        (descriptor,) = descriptors
        assert (descriptor["metric_kind"], descriptor["value_type"]) == ("GAUGE", "INT64")
        (workflow,) = [
            w
            for w in resources(databases, "google_workflows_workflow").values()
            if "PACE_EXPORTS" in w["user_env_vars"]
        ]
        exported = [e["instance"] for e in json.loads(workflow["user_env_vars"]["PACE_EXPORTS"])]
        assert workflow["user_env_vars"]["PACE_METRIC_TYPE"] == DATABASE_EXPORT_METRIC
        assert sorted(queries) == sorted(
            f'absent_over_time({metric}{{monitored_resource="global",source_instance="{i}"}}[26h])'
            for i in exported
        ), env.name


def test_restore_drill_alerts_watch_exactly_the_drilled_instances_metric(stacks, environments):
    for env in environments:
        databases = stacks[f"{env.name}-databases"]
        drill = env.databases.restore_drill
        descriptors = [
            d
            for d in resources(databases, "google_monitoring_metric_descriptor").values()
            if d["type"] == RESTORE_DRILL_METRIC
        ]
        queries = [
            q for q in _recovery_queries(stacks, env) if promql_metric(RESTORE_DRILL_METRIC) in q
        ]
        if not drill.enabled:
            assert (queries, list(descriptors)) == ([], []), env.name
            continue
        (descriptor,) = descriptors
        assert descriptor["type"] == RESTORE_DRILL_METRIC
        instances = {
            i["name"]
            for i in resources(databases, "google_sql_database_instance").values()
            if "master_instance_name" not in i
        }
        watched = {m for q in queries for m in re.findall(r'source_instance="([^"]+)"', q)}
        assert watched == instances, env.name
        assert all(promql_metric(RESTORE_DRILL_METRIC) in q for q in queries)
        assert all(f"[{drill.stale_after_days}d]" in q for q in queries)
        assert all(q.startswith("absent_over_time(") for q in queries)
        assert sum(q.endswith(f"> {drill.rto_minutes * 60}") for q in queries) == len(instances)


def test_promql_conditions_are_alone_valid_and_read_kube_state_metrics_the_cluster_exports(
    stacks, environments
):
    for env in environments:
        cluster = next(
            iter(resources(stacks[f"{env.name}-gke"], "google_container_cluster").values())
        )
        monitoring = cluster["monitoring_config"]
        assert monitoring["managed_prometheus"]["enabled"] is True
        packages = set(monitoring["enable_components"])
        for policy in _policies(stacks, env):
            promql = [
                c["condition_prometheus_query_language"]
                for c in policy["conditions"]
                if "condition_prometheus_query_language" in c
            ]
            if not promql:
                continue
            name = policy["display_name"]
            # "An alerting policy that uses PromQL must have only one condition."
            assert len(policy["conditions"]) == 1, name
            (condition,) = promql
            # Set, so that the API's defaults never come back as a diff.
            assert _seconds(condition["duration"]) % 60 == 0, name
            assert _seconds(condition["evaluation_interval"]) % 30 == 0, name
            metrics = set(PROMQL_METRIC.findall(condition["query"]))
            assert metrics and metrics <= set(KNOWN_KUBE_STATE) | KNOWN_PROMQL_ELSEWHERE, (
                name,
                metrics,
            )
            kube_state = metrics & set(KNOWN_KUBE_STATE)
            assert {KNOWN_KUBE_STATE[m] for m in kube_state} <= packages, name


def test_condition_parts_are_valid(stacks, environments):
    for env in environments:
        known = KNOWN_METRICS | _log_metric_types(stacks, env)
        for policy in _policies(stacks, env):
            for condition in policy["conditions"]:
                promql = condition.get("condition_prometheus_query_language")
                if promql is not None:
                    assert _seconds(promql["evaluation_interval"]) % 30 == 0, promql
                    assert _seconds(promql["duration"]) > 0, promql  # 0 would plan a diff
                    continue
                threshold = condition.get("condition_threshold")
                if "condition_matched_log" in condition:
                    assert policy["alert_strategy"]["notification_rate_limit"]["period"]
                if threshold is None:
                    continue
                name = policy["display_name"]
                assert threshold["comparison"] in {"COMPARISON_GT", "COMPARISON_LT"}, name
                assert _seconds(threshold["duration"]) % 60 == 0, name
                for aggregation in threshold.get("aggregations", []) + threshold.get(
                    "denominator_aggregations", []
                ):
                    assert _seconds(aggregation["alignment_period"]) >= 60, name
                text = filter_text(threshold["filter"])
                if text.startswith("select_slo_burn_rate("):
                    assert re.fullmatch(r'select_slo_burn_rate\("\$\{[^}]+\}", "\d+s"\)', text), (
                        text
                    )
                    continue
                (metric,) = METRIC_TYPE.findall(text)
                assert metric in known, (name, metric)


@pytest.mark.parametrize("system", SEED_SYSTEMS)
@pytest.mark.parametrize("family", SEED_FAMILIES)
def test_seed_rule_families_cover_web_ai_and_data(stacks, environments, system, family):
    for env in environments:
        covered = {
            (p["user_labels"]["system"], p["user_labels"]["family"]) for p in _policies(stacks, env)
        }
        assert (system, family) in covered, env.name


def test_prod_pages_the_system_service_and_emails_support(stacks, environments):
    prod = next(env for env in environments if env.name == "prod")
    doc = stacks["prod-monitoring"]
    channels = resources(doc, "google_monitoring_notification_channel")
    by_service = {
        channel["display_name"].removeprefix("PACE prod PagerDuty "): logical_id
        for logical_id, channel in channels.items()
        if channel["type"] == "pagerduty"
    }
    (email,) = [k for k, c in channels.items() if c["type"] == "email"]
    assert set(by_service) == {pagerduty_service(s, r) for s in SYSTEMS for r in PAGING_ROUTES}
    for policy in _policies(stacks, prod):
        refs = policy["notification_channels"]
        assert f"${{google_monitoring_notification_channel.{email}.name}}" in refs
        if policy["user_labels"]["family"] == "certificate":
            assert len(refs) == 1, "certificate expiry is a notification, not a page"
        else:
            labels = policy["user_labels"]
            route = "support-hours" if labels["severity"] == "warning" else "urgent"
            service = pagerduty_service(labels["system"], route)
            assert f"${{google_monitoring_notification_channel.{by_service[service]}.name}}" in refs


def test_integration_keys_come_from_the_oncall_stack(stacks, environments):
    for env in environments:
        channels = resources(
            stacks[f"{env.name}-monitoring"], "google_monitoring_notification_channel"
        )
        pagerduty = [c for c in channels.values() if c["type"] == "pagerduty"]
        if env.oncall.mode == "none":
            assert pagerduty == []
            continue
        assert len(pagerduty) == 8
        for channel in pagerduty:
            key = channel["sensitive_labels"]["service_key"]
            assert key.startswith(
                f"${{data.terraform_remote_state.cross-stack-reference-input-{env.name}-oncall."
            )
            assert "integration_key" in key


def test_uptime_checks_are_https_validated_every_minute_from_three_regions(stacks, environments):
    for env in environments:
        checks = resources(
            stacks[f"{env.name}-monitoring"], "google_monitoring_uptime_check_config"
        )
        assert len(checks) == len(env.monitoring.uptime_checks)
        hosts = {c["monitored_resource"]["labels"]["host"] for c in checks.values()}
        assert hosts == {c.host for c in env.monitoring.uptime_checks}
        for check in checks.values():
            assert check["period"] == "60s"
            assert check["http_check"]["use_ssl"] and check["http_check"]["validate_ssl"]
            assert check["http_check"]["port"] == 443
            assert len(check["selected_regions"]) >= 3


def test_slos_per_application_with_fast_and_slow_burn_alerts(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-monitoring"]
        slos = {s["slo_id"]: s for s in resources(doc, "google_monitoring_slo").values()}
        assert set(slos) == {
            "pace-web-availability",
            "pace-web-latency",
            "pace-ai-availability",
            "pace-ai-latency",
        }
        assert slos["pace-web-availability"]["goal"] == env.monitoring.availability_goal
        assert slos["pace-ai-latency"]["request_based_sli"]["distribution_cut"]["range"] == {
            "max": env.monitoring.ai_latency_threshold_ms
        }
        assert slos["pace-web-latency"]["request_based_sli"]["distribution_cut"]["range"] == {
            "max": env.monitoring.latency_threshold_ms
        }
        burns = {
            p["display_name"].split(": ", 1)[1]: p
            for p in _policies(stacks, env)
            if p["user_labels"]["family"] == "slo"
        }
        assert len(burns) == 12
        for title, policy in burns.items():
            # Long window, short window, traffic guard.
            assert policy["combiner"] == "AND" and len(policy["conditions"]) == 3
            tier = title.rsplit("(", 1)[1].rstrip(")")
            expected = {"fast": "CRITICAL", "slow": "ERROR", "ticket": "WARNING"}[tier]
            assert policy["severity"] == expected, title


def test_applications_may_write_traces_and_metrics_only(stacks, environments):
    for env in environments:
        grants = resources(stacks[f"{env.name}-monitoring"], "google_project_iam_member").values()
        by_member: dict[str, set[str]] = {}
        for grant in grants:
            by_member.setdefault(grant["member"], set()).add(grant["role"])
        assert len(by_member) == 2
        for member, roles in by_member.items():
            assert re.search(r"identity_(web|ai)_sa", member)
            assert roles == {"roles/cloudtrace.agent", "roles/monitoring.metricWriter"}


def _filters(node) -> list[str]:
    """Every `filter` string anywhere in a widget."""
    if isinstance(node, dict):
        found = [node["filter"]] if isinstance(node.get("filter"), str) else []
        return found + [f for value in node.values() for f in _filters(value)]
    if isinstance(node, list):
        return [f for item in node for f in _filters(item)]
    return []


def test_dashboards_are_valid_and_chart_known_metrics_only(stacks, environments):
    for env in environments:
        doc = stacks[f"{env.name}-monitoring"]
        known = KNOWN_METRICS | _log_metric_types(stacks, env)
        dashboards = list(resources(doc, "google_monitoring_dashboard").values())
        titles = set()
        charted = set()
        for dashboard in dashboards:
            body = json.loads(dashboard["dashboard_json"])
            titles.add(body["displayName"])
            assert body["mosaicLayout"]["tiles"]
            for tile in body["mosaicLayout"]["tiles"]:
                widget = tile["widget"]
                assert {"xyChart", "incidentList"} & set(widget), widget["title"]
                for chart_filter in _filters(widget):
                    (metric,) = METRIC_TYPE.findall(chart_filter)
                    assert metric in known, (body["displayName"], metric)
                    charted.add(metric)
        assert len(dashboards) == 5
        assert any("overview" in t for t in titles)
        # Traffic, containers, nodes and every database signal are on a dashboard.
        assert {
            "loadbalancing.googleapis.com/https/request_count",
            "kubernetes.io/container/restart_count",
            "kubernetes.io/node/cpu/allocatable_utilization",
            "cloudsql.googleapis.com/database/up",
        } <= charted


SYSTEMS = ("web", "ai", "data", "platform")


DATABASE_ID = re.compile(r'database_id="([^"]+)"')


def test_database_alerts_and_log_metrics_watch_exactly_the_instances_the_databases_stack_creates(
    stacks, environments
):
    """The drift this catches: an instance renamed in the databases stack while the monitoring
    stack still watches the old name, so every database alert watches nothing. The monitoring
    stack reads the names from the databases stack's handles; this proves it from the output.
    DR replicas are watched (up, lag) but have no error-log counter of their own."""
    for env in environments:
        instances = resources(
            stacks[f"{env.name}-databases"], "google_sql_database_instance"
        ).values()
        primaries = {
            f"{env.project_id}:{i['name']}" for i in instances if "master_instance_name" not in i
        }
        replicas = {
            f"{env.project_id}:{i['name']}" for i in instances if "master_instance_name" in i
        }
        monitoring = stacks[f"{env.name}-monitoring"]
        watched = {
            database_id
            for policy in _policies(stacks, env)
            for database_id in DATABASE_ID.findall(json.dumps(policy).replace('\\"', '"'))
        }
        counted = {
            database_id
            for metric in resources(monitoring, "google_logging_metric").values()
            for database_id in DATABASE_ID.findall(metric["filter"])
        }
        assert len(primaries) == 2, env.name
        assert len(replicas) == (2 if env.databases.dr_replica_region else 0), env.name
        assert watched == primaries | replicas, env.name
        assert counted == primaries, env.name


def test_each_dr_replica_has_an_up_and_a_lag_alert(stacks, environments):
    for env in environments:
        replicas = [
            i["name"]
            for i in resources(
                stacks[f"{env.name}-databases"], "google_sql_database_instance"
            ).values()
            if "master_instance_name" in i
        ]
        titles = {p["display_name"] for p in _policies(stacks, env)}
        for replica in replicas:
            assert f"PACE {env.name}: {replica}: DR replica down" in titles
            assert f"PACE {env.name}: {replica}: DR replica lagging" in titles


def _channel_of(doc, display_name: str) -> str:
    channels = resources(doc, "google_monitoring_notification_channel")
    (logical_id,) = [k for k, c in channels.items() if c["display_name"] == display_name]
    return f"${{google_monitoring_notification_channel.{logical_id}.name}}"


def test_argo_cd_alerts_read_what_the_platform_stack_has_managed_prometheus_scrape(
    stacks, environments
):
    for env in environments:
        (argocd,) = [
            r
            for r in resources(stacks[f"{env.name}-platform"], "helm_release").values()
            if r["chart"] == "argo-cd"
        ]
        (monitor,) = json.loads(argocd["values"][0])["extraObjects"]
        assert monitor["kind"] == "PodMonitoring"
        promql = {
            p["display_name"]: p["conditions"][0]["condition_prometheus_query_language"]
            for p in _policies(stacks, env)
            if "argocd_" in json.dumps(p["conditions"])
        }
        assert len(promql) == 4, env.name
        for name, condition in promql.items():
            # Created before Argo CD is first scraped: the API must not refuse the metric.
            assert condition["disable_metric_validation"] is True, name
            assert set(re.findall(r"\bargocd_[a-z_]+", condition["query"])) <= {
                "argocd_app_info",
                "argocd_app_sync_total",
            }, name


def test_argo_cd_and_security_alerts_page_pace_platform(stacks, environments):
    prod = next(env for env in environments if env.name == "prod")
    doc = stacks["prod-monitoring"]
    urgent = _channel_of(doc, "PACE prod PagerDuty pace-platform")
    warnings = _channel_of(doc, "PACE prod PagerDuty pace-platform-warnings")
    routed = {
        p["display_name"].split(": ", 1)[1]: (p["severity"], p["notification_channels"][0])
        for p in _policies(stacks, prod)
        if p["user_labels"]["family"] == "security" or "argocd" in json.dumps(p["conditions"])
    }
    assert routed.pop("Argo CD: an Application is Degraded") == ("ERROR", urgent)
    assert len(routed) == 11
    assert set(routed.values()) == {("WARNING", warnings)}


def test_security_alerts_match_this_projects_audit_logs_once_per_five_minutes(stacks, environments):
    for env in environments:
        deploy = f"pace-{env.name}-deploy@{env.project_id}.iam.gserviceaccount.com"
        gke = f"service-{env.project_number}@container-engine-robot.iam.gserviceaccount.com"
        security = {
            p["display_name"].split(": Security: ", 1)[1]: p
            for p in _policies(stacks, env)
            if p["user_labels"]["family"] == "security"
        }
        assert len(security) == 8, env.name
        for title, policy in security.items():
            (condition,) = policy["conditions"]
            log = condition["condition_matched_log"]
            assert (
                f'logName="projects/{env.project_id}/logs/cloudaudit.googleapis.com'
                in (log["filter"])
            ), title
            assert set(log["label_extractors"]) == {"principal", "method"}, title
            assert policy["alert_strategy"]["notification_rate_limit"] == {"period": "300s"}
            left_out = set(re.findall(r'NOT [\w.]+principalEmail="([^"]+)"', log["filter"]))
            expected = {
                "IAM policy of the project changed": {deploy},
                "A firewall rule changed": {deploy, gke},
            }.get(title, set())
            assert left_out == expected, title
