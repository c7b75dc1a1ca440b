"""PagerDutyOnCall: the PACE Support team, its rotations, and the services Cloud Monitoring pages.

The provider reads its token from PAGERDUTY_TOKEN: nothing here holds a credential. People are
existing PagerDuty users, looked up by email (their contact methods are theirs to manage).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_pagerduty.alert_grouping_setting import (
    AlertGroupingSetting,
    AlertGroupingSettingConfigA,
)
from cdktf_cdktf_provider_pagerduty.business_service import BusinessService
from cdktf_cdktf_provider_pagerduty.data_pagerduty_user import DataPagerdutyUser
from cdktf_cdktf_provider_pagerduty.data_pagerduty_vendor import DataPagerdutyVendor
from cdktf_cdktf_provider_pagerduty.escalation_policy import (
    EscalationPolicy,
    EscalationPolicyRule,
    EscalationPolicyRuleTarget,
)
from cdktf_cdktf_provider_pagerduty.schedule import Schedule, ScheduleLayer
from cdktf_cdktf_provider_pagerduty.service import (
    Service,
    ServiceIncidentUrgencyRule,
    ServiceIncidentUrgencyRuleDuringSupportHours,
    ServiceIncidentUrgencyRuleOutsideSupportHours,
    ServiceScheduledActions,
    ServiceScheduledActionsAt,
    ServiceSupportHours,
)
from cdktf_cdktf_provider_pagerduty.service_dependency import (
    ServiceDependency,
    ServiceDependencyDependency,
    ServiceDependencyDependencyDependentService,
    ServiceDependencyDependencySupportingService,
)
from cdktf_cdktf_provider_pagerduty.service_integration import ServiceIntegration
from cdktf_cdktf_provider_pagerduty.team import Team
from cdktf_cdktf_provider_pagerduty.team_membership import TeamMembership
from constructs import Construct

from pace_infra.config.values_calendar import SupportHours

WEEK_SECONDS = 7 * 24 * 3600
ESCALATION_DELAY_MINUTES = 5  # PagerDuty's guidance: escalate an unacknowledged page after 5
ACK_TIMEOUT_SECONDS = "1800"  # an acknowledged incident re-alerts if nobody resolves it in 30 min
# Alerts of one service arriving within 15 minutes of its incident's first alert join that
# incident. In seconds: pagerduty 3.30.8 documents `config.timeout` in seconds (the API's
# time-based grouping window), so the 15 written here before grouped for 15 s only.
GROUPING_WINDOW_SECONDS = 15 * 60
# Cloud Monitoring's PagerDuty integration (older name: Stackdriver).
MONITORING_VENDOR = "Google Cloud Monitoring"


@dataclass(frozen=True)
class ServiceSpec:
    description: str
    # "urgent": high urgency at any hour. "support-hours": high in support hours, low outside,
    # raised to high when support hours start (the one combination PagerDuty allows scheduled
    # urgency changes with).
    urgency: Literal["urgent", "support-hours"]
    # An address whose emails open incidents here, for what can only send email (a Cloud
    # Billing budget). It must be on the account's subdomain: <anything>@<subdomain>.pagerduty.com.
    email_integration: str | None = None


@dataclass(frozen=True)
class PagerDutyOnCallProps:
    """`paging=True`: the team is paged; False: every incident is low urgency (no pages)."""

    name_suffix: str  # "" for prod, " (staging)" elsewhere: PagerDuty is one account
    members: Sequence[str]  # user emails, in rotation order
    rotation_start: str
    # IANA zone of the schedules and the support hours (PagerDuty follows its daylight saving).
    time_zone: str
    support_hours: SupportHours
    services: Mapping[str, ServiceSpec]  # service name -> what it pages for, and how
    paging: bool = True
    team_name: str = "PACE Support"
    business_service_name: str = "PACE CRM"


class PagerDutyOnCall(Construct):
    """Handles: `integration_keys` (service name -> Cloud Monitoring integration key)."""

    def __init__(self, scope: Construct, id_: str, *, props: PagerDutyOnCallProps) -> None:
        super().__init__(scope, id_)
        suffix = props.name_suffix
        team = Team(
            self,
            "team",
            name=f"{props.team_name}{suffix}",
            description="Watches the PACE dashboards and answers PACE incidents.",
        )
        users = [
            DataPagerdutyUser(self, f"user-{index}", email=email)
            for index, email in enumerate(props.members)
        ]
        memberships = [
            TeamMembership(
                self,
                f"member-{index}",
                team_id=team.id,
                user_id=user.id,
                role="responder",
            )
            for index, user in enumerate(users)
        ]
        user_ids = [user.id for user in users]
        # The secondary rotation is the primary shifted by one: nobody backs themselves up.
        # Schedules and the escalation policy depend on the memberships, so that they are
        # changed (or destroyed) before a membership goes: PagerDuty refuses to remove a user
        # from a team while a policy of that team still names them (a 400 the provider does
        # not retry), which failed destroys and member removals.
        primary = self._schedule(
            "primary", f"{props.team_name} primary{suffix}", user_ids, props, team, memberships
        )
        secondary = self._schedule(
            "secondary",
            f"{props.team_name} secondary{suffix}",
            user_ids[1:] + user_ids[:1],
            props,
            team,
            memberships,
        )
        policy = EscalationPolicy(
            self,
            "escalation",
            name=f"{props.team_name}{suffix}",
            description="Primary, then secondary after 5 minutes, then the whole team; repeats.",
            teams=[team.id],
            num_loops=2,
            depends_on=memberships,
            rule=[
                EscalationPolicyRule(
                    escalation_delay_in_minutes=ESCALATION_DELAY_MINUTES,
                    target=[EscalationPolicyRuleTarget(type="schedule_reference", id=primary.id)],
                ),
                EscalationPolicyRule(
                    escalation_delay_in_minutes=ESCALATION_DELAY_MINUTES,
                    target=[EscalationPolicyRuleTarget(type="schedule_reference", id=secondary.id)],
                ),
                EscalationPolicyRule(
                    escalation_delay_in_minutes=ESCALATION_DELAY_MINUTES,
                    target=[
                        EscalationPolicyRuleTarget(type="user_reference", id=user_id)
                        for user_id in user_ids
                    ],
                ),
            ],
        )

        vendor = DataPagerdutyVendor(self, "monitoring-vendor", name=MONITORING_VENDOR)
        business = BusinessService(
            self,
            "business",
            name=f"{props.business_service_name}{suffix}",
            description="The PACE CRM as its users see it.",
            team=team.id,
        )
        self.integration_keys: dict[str, str] = {}
        for name, spec in props.services.items():
            service = Service(
                self,
                f"service-{name}",
                name=f"{name}{suffix}",
                description=spec.description,
                escalation_policy=policy.id,
                # Cloud Monitoring resolves the incident when the condition clears.
                auto_resolve_timeout="null",
                acknowledgement_timeout=ACK_TIMEOUT_SECONDS,
                **self._urgency(props, spec),
            )
            integration = ServiceIntegration(
                self,
                f"integration-{name}",
                name=MONITORING_VENDOR,
                service=service.id,
                vendor=vendor.id,
                # `vendor` is ForceNew and looked up by name (partial matches allowed): were the
                # lookup ever to resolve differently, every integration would be replaced with
                # a new key, and Cloud Monitoring would page dead keys until monitoring is
                # applied again.
                lifecycle=TerraformResourceLifecycle(ignore_changes=["vendor"]),
            )
            self.integration_keys[name] = integration.integration_key
            if spec.email_integration is not None:
                # pagerduty 3.30.8 (resource_pagerduty_service_integration.go): `type` and
                # `vendor` exclude each other; the generic email type must be given its
                # `integration_email` (CustomizeDiff); email handling is left to the API's
                # defaults (each new email opens an incident).
                ServiceIntegration(
                    self,
                    f"email-{name}",
                    name="Email (Cloud Billing budget)",
                    service=service.id,
                    type="generic_email_inbound_integration",
                    integration_email=spec.email_integration,
                )
            # One incident per storm. One setting per service: pagerduty 3.30.8 refuses a
            # `time` setting with more than one service (ValidateConfig in
            # pagerdutyplugin/resource_pagerduty_alert_grouping_setting.go), and grouping across
            # services needs content-based grouping, a PagerDuty AIOps feature.
            AlertGroupingSetting(
                self,
                f"grouping-{name}",
                name=f"{name} alert storms{suffix}",
                type="time",
                config=AlertGroupingSettingConfigA(timeout=GROUPING_WINDOW_SECONDS),
                services=[service.id],
            )
            if spec.urgency == "urgent":  # warnings are not customer impact
                self._support(business, service, name)

    def _support(self, business: BusinessService, service: Service, name: str) -> None:
        """The business service "PACE CRM" depends on this technical service."""
        ServiceDependency(
            self,
            f"depends-on-{name}",
            dependency=[
                ServiceDependencyDependency(
                    dependent_service=[
                        ServiceDependencyDependencyDependentService(
                            id=business.id, type="business_service"
                        )
                    ],
                    supporting_service=[
                        ServiceDependencyDependencySupportingService(id=service.id, type="service")
                    ],
                )
            ],
        )

    def _schedule(
        self,
        id_: str,
        name: str,
        user_ids: list[str],
        props: PagerDutyOnCallProps,
        team: Team,
        memberships: list[TeamMembership],
    ) -> Schedule:
        return Schedule(
            self,
            id_,
            depends_on=list(memberships),
            name=name,
            time_zone=props.time_zone,
            teams=[team.id],
            layer=[
                ScheduleLayer(
                    name="Weekly",
                    start=props.rotation_start,
                    rotation_virtual_start=props.rotation_start,
                    rotation_turn_length_seconds=WEEK_SECONDS,
                    users=user_ids,
                )
            ],
        )

    @staticmethod
    def _urgency(props: PagerDutyOnCallProps, spec: ServiceSpec) -> dict:
        if not props.paging:
            return {
                "incident_urgency_rule": ServiceIncidentUrgencyRule(type="constant", urgency="low")
            }
        if spec.urgency == "urgent":
            return {
                "incident_urgency_rule": ServiceIncidentUrgencyRule(type="constant", urgency="high")
            }
        hours = props.support_hours
        return {
            # High in support hours, low outside them. The provider docs: scheduled actions
            # are only possible with exactly this rule (high during, low outside).
            "incident_urgency_rule": ServiceIncidentUrgencyRule(
                type="use_support_hours",
                during_support_hours=ServiceIncidentUrgencyRuleDuringSupportHours(
                    type="constant", urgency="high"
                ),
                outside_support_hours=ServiceIncidentUrgencyRuleOutsideSupportHours(
                    type="constant", urgency="low"
                ),
            ),
            "support_hours": ServiceSupportHours(
                type="fixed_time_per_day",
                time_zone=props.time_zone,
                start_time=hours.start_time,
                end_time=hours.end_time,
                days_of_week=list(hours.days_of_week),
            ),
            # Low-urgency incidents still open when support hours start become high urgency.
            "scheduled_actions": [
                ServiceScheduledActions(
                    type="urgency_change",
                    to_urgency="high",
                    at=[ServiceScheduledActionsAt(type="named_time", name="support_hours_start")],
                )
            ],
        }
