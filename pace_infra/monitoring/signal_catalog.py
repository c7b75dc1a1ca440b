"""What PACE measures beyond Google's built-in metrics: error-log counters and the SLIs.

Plain values; the Signals and ServiceLevels constructs create them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pace_infra.monitoring.filters import (
    AI_PATH_RULE,
    LB_LATENCIES,
    LB_REQUESTS,
    NOT_AI_PATH_RULE,
    SERVER_ERRORS,
    WEB_URL_MAP,
    container_errors_log_filter,
    database_errors_log_filter,
    lb_filter,
)
from pace_infra.monitoring.model import ApplicationSli
from pace_infra.names import WORKLOADS, errors_log_metric, namespace


def log_metrics(project_id: str, instances: Sequence[str]) -> dict[str, str]:
    """Log metric name -> logging filter: errors of each namespace, then of each instance."""
    return {
        **{errors_log_metric(w): container_errors_log_filter(namespace(w)) for w in WORKLOADS},
        **{
            errors_log_metric(instance): database_errors_log_filter(project_id, instance)
            for instance in instances
        },
    }


def _sli(app: str, *selectors: str) -> ApplicationSli:
    return ApplicationSli(
        name=app,
        requests_filter=lb_filter(LB_REQUESTS, *selectors),
        latencies_filter=lb_filter(LB_LATENCIES, *selectors),
        errors_filter=lb_filter(LB_REQUESTS, *selectors, SERVER_ERRORS),
    )


def application_slis() -> tuple[ApplicationSli, ...]:
    """The requests each application serves at the load balancer: the CRM's (its URL map but the
    AI path), the AI path's. Disjoint: a streamed AI answer never counts against the CRM."""
    return (
        _sli(namespace("web"), WEB_URL_MAP, NOT_AI_PATH_RULE),
        _sli(namespace("ai"), WEB_URL_MAP, AI_PATH_RULE),
    )
