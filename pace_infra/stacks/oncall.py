"""`<env>-oncall`: PagerDuty team, rotations, escalation, and the services Cloud Monitoring pages.

The pagerduty provider reads its token from PAGERDUTY_TOKEN (never from config or the JSON).
"""

from __future__ import annotations

from cdktf_cdktf_provider_pagerduty.provider import PagerdutyProvider
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.pagerduty import (
    PagerDutyOnCall,
    PagerDutyOnCallProps,
    ServiceSpec,
)
from pace_infra.monitoring.model import PAGING_ROUTES
from pace_infra.names import BUDGET_ROUTE, PagingRoute, System, pagerduty_service
from pace_infra.stacks.base import PaceStack

# Technical services: what breaks together is paged together.
TECHNICAL_SERVICES: dict[System, str] = {
    "web": "PACE CRM (Payload + Next.js) in namespace pace-web.",
    "ai": "PACE AI backend and MCP servers in namespace pace-ai.",
    "data": "Cloud SQL: Pace DB and PACE AI DB.",
    "platform": "GKE cluster, nodes, Argo CD, certificates.",
}
ROUTE_TEXT: dict[PagingRoute, str] = {
    "urgent": "CRITICAL and ERROR alerts: high urgency at any hour.",
    "support-hours": (
        "WARNING alerts: high urgency in support hours, low outside them, raised to high when "
        "support hours start."
    ),
}


class OncallStack(PaceStack):
    """Handles: `integration_keys` ((system, paging route) -> integration key of its service)."""

    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "oncall")
        PagerdutyProvider(self, "pagerduty")
        oncall = env.oncall
        # The budget (bootstrap stack) emails this address: budgets notify email channels only.
        budget_email = (
            self.names.budget_email_integration(oncall.pagerduty_subdomain)
            if env.monitoring.budget is not None and oncall.pagerduty_subdomain is not None
            else None
        )
        pagerduty = PagerDutyOnCall(
            self,
            "oncall",
            props=PagerDutyOnCallProps(
                name_suffix="" if env.tier == "prod" else f" ({env.name})",
                members=oncall.members,
                rotation_start=oncall.rotation_start,
                time_zone=env.calendar.time_zone,
                support_hours=env.calendar.support_hours,
                services={
                    pagerduty_service(system, route): ServiceSpec(
                        description=f"{text} {ROUTE_TEXT[route]}",
                        urgency=route,
                        email_integration=(
                            budget_email if (system, route) == BUDGET_ROUTE else None
                        ),
                    )
                    for system, text in TECHNICAL_SERVICES.items()
                    for route in PAGING_ROUTES
                },
                paging=oncall.mode == "full",
            ),
        )
        self.integration_keys: dict[tuple[System, PagingRoute], str] = {
            (system, route): pagerduty.integration_keys[pagerduty_service(system, route)]
            for system in TECHNICAL_SERVICES
            for route in PAGING_ROUTES
        }
