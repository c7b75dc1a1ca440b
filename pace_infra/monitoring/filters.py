"""The monitoring vocabulary's filters: metric types, selectors, and the helpers that build them.

Alerts, dashboards, SLOs and log metrics all read their filters from here, so a chart and the
alert beside it always look at the same series.

A filter like `metric.label.check_id="<computed id>"` mixes literal quotes with a Terraform
reference. cdktf's HCL renderer (`cdktf synth --hcl`, the exit path) does not escape quotes in
a string that contains a reference, and writes broken HCL. So a filter that needs a reference
becomes one `format()` call whose template has no quotes (`%q` quotes each value), and a filter
of literals stays a plain string.
"""

from __future__ import annotations

import re

from cdktf import Fn, Token


def monitoring_filter(*clauses: tuple[str, str]) -> str:
    """`key="value"` clauses joined by spaces; values may be references."""
    if not any(Token.is_unresolved(value) for _, value in clauses):
        return " ".join(f'{key}="{value}"' for key, value in clauses)
    template = " ".join(f"{key}=%q" for key, _ in clauses)
    return Fn.format(template, [value for _, value in clauses])


def slo_burn_rate(slo_name: str, window: str) -> str:
    """`select_slo_burn_rate("<slo>", "<window>")` for an SLO resource name (a reference)."""
    return Fn.format("select_slo_burn_rate(%q, %q)", [slo_name, window])


LB_REQUESTS = "loadbalancing.googleapis.com/https/request_count"
LB_LATENCIES = "loadbalancing.googleapis.com/https/total_latencies"
# The CRM's Ingress lives in namespace pace-web: GKE names its URL map k8s2-um-...-pace-web-...
WEB_URL_MAP = 'resource.label.url_map_name=monitoring.regex.full_match(".*-pace-web-.*")'
# The AI backend's public endpoints go through the CRM Ingress's path rule /api/ai/*.
AI_PATH_RULE = 'resource.label.matched_url_path_rule="/api/ai/*"'
# The CRM's own requests: its URL map's minus the AI path, which has its own SLIs and threshold
# (the monitoring filter grammar's NOT negates one comparison).
NOT_AI_PATH_RULE = f"NOT {AI_PATH_RULE}"
SERVER_ERRORS = "metric.label.response_code_class=500"

# Kube-state metrics of GKE's POD and DEPLOYMENT packages (monitoring_config.enable_components
# in constructs/gke.py), written by Managed Service for Prometheus as prometheus_target series;
# PromQL names them as kube-state-metrics does (GKE, "Use kube state metrics": the PromQL metric
# name is the open-source one; Cloud Monitoring's adds prometheus.googleapis.com/ and /gauge).
KUBE_WAITING_REASON = "kube_pod_container_status_waiting_reason"
KUBE_POD_PHASE = "kube_pod_status_phase"
KUBE_DEPLOYMENT_DESIRED = "kube_deployment_spec_replicas"
KUBE_DEPLOYMENT_AVAILABLE = "kube_deployment_status_replicas_available"


def promql_selector(metric: str, **labels: str) -> str:
    """`metric{label="value",...}`; a value starting with `~` is a regex match (`=~`)."""
    matchers = ",".join(
        f'{key}=~"{value[1:]}"' if value.startswith("~") else f'{key}="{value}"'
        for key, value in labels.items()
    )
    return f"{metric}{{{matchers}}}"


def lb_filter(metric: str, *selectors: str) -> str:
    return " ".join((f'metric.type="{metric}"', 'resource.type="https_lb_rule"', *selectors))


def container_filter(namespace: str, metric: str) -> str:
    return (
        f'metric.type="kubernetes.io/container/{metric}" resource.type="k8s_container" '
        f'resource.label.namespace_name="{namespace}"'
    )


def sql_filter(metric: str, project: str | None = None, instance: str | None = None) -> str:
    """A Cloud SQL metric, of one instance when project and instance are given."""
    text = (
        f'metric.type="cloudsql.googleapis.com/database/{metric}" resource.type="cloudsql_database"'
    )
    if project and instance:
        text += f' resource.label.database_id="{project}:{instance}"'
    return text


def node_filter(metric: str) -> str:
    """A GKE node metric (`kubernetes.io/node/...`) of every node."""
    return f'metric.type="kubernetes.io/node/{metric}" resource.type="k8s_node"'


def log_metric_filter(metric_type: str, resource_type: str) -> str:
    """A log-based metric's series, of the monitored resource type its entries come from."""
    return f'metric.type="{metric_type}" resource.type="{resource_type}"'


def container_errors_log_filter(namespace: str) -> str:
    """Structured entries an application marks ERROR or worse, of one namespace's containers.

    The logging contract (docs/reference/alerts.md): one JSON object per line with `severity`
    and `message`. GKE's agent turns a JSON line into one entry with a jsonPayload and takes
    LogEntry.severity from its `severity` field; any other line is a textPayload, marked ERROR
    when written to stderr (Cloud Logging, "Structured logging" and GKE's logs docs). Counting
    only entries with a `message` counts what an application declares an error, once per error:
    a raw multi-line stack trace on stderr (one ERROR entry per line) is not counted at all.
    """
    return (
        f'resource.type="k8s_container" resource.labels.namespace_name="{namespace}" '
        "severity>=ERROR jsonPayload.message:*"
    )


def kubernetes_event_filter(reason: str, resource_type: str | None = None) -> str:
    """Kubernetes events GKE writes to the `events` log (a Node's as k8s_node, a Pod's as
    k8s_pod), of one reason; of one monitored resource type where given."""
    where = f' resource.type="{resource_type}"' if resource_type else ""
    return f'log_id("events"){where} jsonPayload.reason="{reason}"'


def database_errors_log_filter(project: str, instance: str) -> str:
    """Log entries of one Cloud SQL instance marked ERROR or worse."""
    return (
        'resource.type="cloudsql_database" '
        f'resource.labels.database_id="{project}:{instance}" severity>=ERROR'
    )


def promql_metric(metric_type: str) -> str:
    """A Cloud Monitoring metric type as PromQL names it: the first `/` becomes `:`, every other
    `/` and `.` becomes `_` (Cloud Monitoring, "Mapping Cloud Monitoring metrics to PromQL")."""
    domain, _, path = metric_type.partition("/")
    return re.sub(r"[^A-Za-z0-9_]", "_", domain) + ":" + re.sub(r"[^A-Za-z0-9_]", "_", path)
