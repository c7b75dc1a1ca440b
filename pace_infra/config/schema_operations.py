"""Sections of an environment file about operating PACE: on-call and monitoring. Each rule on a
section's own fields sits in its `__post_init__`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pace_infra.config.checks import EMAIL, RFC3339_UTC, require
from pace_infra.config.values import UptimeTarget


@dataclass(frozen=True)
class OncallConfig:
    """PagerDuty for this environment.

    full: the PACE Support team, schedules and escalation; customer-facing failures page 24/7.
    low: the same services at low urgency only (notifications, never a page at night).
    none: no PagerDuty; alerts reach the support email only.
    """

    mode: Literal["full", "low", "none"]
    # Emails of existing PagerDuty users, in rotation order (primary week by week; the secondary
    # schedule is the same list shifted by one, so nobody is their own backup).
    members: tuple[str, ...] = ()
    # The PagerDuty account's subdomain (<subdomain>.pagerduty.com). Needed only where a
    # budget is set: Cloud Billing budgets notify email channels only, so they reach
    # pace-platform-warnings through an email integration at pace-<env>-budget@<subdomain>.
    pagerduty_subdomain: str | None = None
    rotation_start: str = "2026-01-05T09:00:00Z"  # a Monday, handover time

    def __post_init__(self) -> None:
        require(
            self.mode != "full" or len(self.members) >= 2,
            "members",
            "full on-call needs at least two people (primary, secondary)",
        )
        for i, member in enumerate(self.members):
            require(
                bool(EMAIL.match(member)), f"members[{i}]", f"{member!r} is not an email address"
            )
        require(len(set(self.members)) == len(self.members), "members", "lists someone twice")
        require(
            bool(RFC3339_UTC.match(self.rotation_start)), "rotation_start", "must be RFC 3339 UTC"
        )
        require(
            self.pagerduty_subdomain is None or bool(_SUBDOMAIN.match(self.pagerduty_subdomain)),
            "pagerduty_subdomain",
            f"{self.pagerduty_subdomain!r} is not a subdomain (lowercase letters, digits, '-'; "
            "without .pagerduty.com)",
        )


_SUBDOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Cloud Billing account ids: three groups of six upper-case hexadecimal digits.
_BILLING_ACCOUNT = re.compile(r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$")


@dataclass(frozen=True)
class Budget:
    """A monthly Cloud Billing budget on this environment's project (its spend only)."""

    # Billing -> Account management, "Billing account ID"; the account that pays the project.
    billing_account: str
    # Whole units of the billing account's currency, per calendar month.
    amount: int

    def __post_init__(self) -> None:
        require(
            bool(_BILLING_ACCOUNT.match(self.billing_account)),
            "billing_account",
            f"{self.billing_account!r} is not a billing account id (XXXXXX-XXXXXX-XXXXXX: "
            "upper-case hexadecimal digits)",
        )
        require(self.amount > 0, "amount", "must be a positive whole amount")


# GKE Ingress backend services time a response out after 30 s unless a BackendConfig sets
# timeoutSec (the skeleton's does not): a request slower than this is a 5xx, never "slow". The
# load balancer's total latency of a streamed AI answer runs to its last byte, so the AI path's
# threshold (20 s by default) is a whole answer's time, with room below this timeout.
BACKEND_TIMEOUT_MS = 30_000

# Thresholds that are shares of something (0-1 exclusive).
_FRACTIONS = (
    "http_5xx_ratio",
    "container_limit_utilization",
    "node_allocatable_utilization",
    "sql_cpu_utilization",
    "sql_memory_utilization",
    "sql_disk_limit_ratio",
    "sql_connections_ratio",
)


@dataclass(frozen=True)
class Thresholds:
    """Alert thresholds; defaults from Google's and SRE practice (fractions are 0-1)."""

    http_5xx_ratio: float = 0.05
    min_requests_per_second: float = 1.0  # no CRM 5xx-ratio alert on a trickle of traffic
    # The AI path carries a fraction of the CRM's requests: the CRM's floor would silence it.
    ai_min_requests_per_second: float = 0.1
    error_logs_per_minute: float = 10.0
    container_limit_utilization: float = 0.9
    node_allocatable_utilization: float = 0.85
    sql_cpu_utilization: float = 0.8
    sql_memory_utilization: float = 0.9
    # Of disk_autoresize_limit_gb: autoresize keeps free space above its own threshold until
    # the limit, so the used bytes against the limit are what runs out.
    sql_disk_limit_ratio: float = 0.85
    sql_connections_ratio: float = 0.8  # of max_connections
    sql_replica_lag_seconds: int = 300  # the DR replica's data loss if promoted now
    certificate_days_left: int = 14

    def __post_init__(self) -> None:
        for key in _FRACTIONS:
            require(0 < getattr(self, key) < 1, key, "must be between 0 and 1")
        for key in ("min_requests_per_second", "ai_min_requests_per_second"):
            require(getattr(self, key) > 0, key, "must be above 0")
        require(self.sql_replica_lag_seconds >= 60, "sql_replica_lag_seconds", "must be >= 60")


@dataclass(frozen=True)
class MonitoringConfig:
    support_email: str
    uptime_checks: tuple[UptimeTarget, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    availability_goal: float = 0.995  # SLO over 28 days
    latency_goal: float = 0.95  # share of requests under the application's threshold
    latency_threshold_ms: int = 1000  # the CRM's pages and API
    # The AI path's streamed answers, timed to their last byte; under BACKEND_TIMEOUT_MS.
    ai_latency_threshold_ms: int = 20000
    # Unset: no budget. Set: notified at 90% and 110% of the month's forecast spend and at
    # 100% of actual spend, to the support email and pace-platform-warnings (bootstrap stack).
    budget: Budget | None = None

    def __post_init__(self) -> None:
        require(bool(EMAIL.match(self.support_email)), "support_email", "is not an email address")
        require(
            not {"web", "ai"} - {check.system for check in self.uptime_checks},
            "uptime_checks",
            "needs a check for the web and for the ai system",
        )
        names = [check.name for check in self.uptime_checks]
        require(len(set(names)) == len(names), "uptime_checks", "check names must be unique")
        for key in ("availability_goal", "latency_goal"):
            require(0.9 <= getattr(self, key) < 1, key, "must be in [0.9, 1)")
        for key in ("latency_threshold_ms", "ai_latency_threshold_ms"):
            require(
                0 < getattr(self, key) < BACKEND_TIMEOUT_MS,
                key,
                f"must be above 0 and below the load balancer's {BACKEND_TIMEOUT_MS} ms timeout",
            )
