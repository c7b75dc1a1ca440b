"""`<env>-oncall`: PagerDuty team, rotations, escalation, and the services Cloud Monitoring pages.

The pagerduty provider reads its token from PAGERDUTY_TOKEN (never from config or the JSON).
"""

from __future__ import annotations

from cdktf_cdktf_provider_pagerduty.provider import PagerdutyProvider
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.constructs.pagerduty import PagerDutyOnCall, PagerDutyOnCallProps, SupportHoursProps
from pace_infra.stacks.base import PaceStack

# Technical services: what breaks together is paged together.
TECHNICAL_SERVICES: dict[str, str] = {
    "web": "PACE CRM (Payload + Next.js) in namespace pace-web.",
    "ai": "PACE AI backend and MCP servers in namespace pace-ai.",
    "data": "Cloud SQL: Pace DB and PACE AI DB.",
    "platform": "GKE cluster, nodes, Argo CD, certificates.",
}


class OncallStack(PaceStack):
    """Handles: `integration_keys` (system -> integration key of service pace-<system>)."""

    def __init__(self, scope: Construct, env: Environment) -> None:
        super().__init__(scope, env, "oncall")
        PagerdutyProvider(self, "pagerduty")
        oncall = env.oncall
        hours = oncall.support_hours
        pagerduty = PagerDutyOnCall(
            self,
            "oncall",
            props=PagerDutyOnCallProps(
                name_suffix="" if env.tier == "prod" else f" ({env.name})",
                members=oncall.members,
                rotation_start=oncall.rotation_start,
                support_hours=SupportHoursProps(
                    time_zone=hours.time_zone,
                    start_time=hours.start_time,
                    end_time=hours.end_time,
                    days_of_week=hours.days_of_week,
                ),
                services={f"pace-{system}": text for system, text in TECHNICAL_SERVICES.items()},
                paging=oncall.mode == "full",
            ),
        )
        self.integration_keys: dict[str, str] = {
            system: pagerduty.integration_keys[f"pace-{system}"] for system in TECHNICAL_SERVICES
        }
