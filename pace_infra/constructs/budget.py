"""CostBudget: a monthly Cloud Billing budget on one project, and the email channels it notifies.

From the provider at v6.50.0 (google/services/billing/resource_billing_budget.go):
- `billing_account` is the only ForceNew field; the rest is updated in place (an updateMask);
- `budget_filter` is Optional and Computed: what is left out (credit types, services,
  subaccounts, labels) the API fills in without a diff; `projects` is `projects/<number>`, the
  form the API returns; `calendar_period` MONTH is its default (diff-suppressed);
- `amount.specified_amount.currency_code` is Optional and Computed: left out, the amount is in
  the billing account's currency (another one is refused); `units` is a string;
- `threshold_rules[].spend_basis` defaults to CURRENT_SPEND; FORECASTED_SPEND compares the
  period's forecast;
- `all_updates_rule.monitoring_notification_channels`: at most 5 (MaxItems).
  `disable_default_iam_recipients` defaults to false;
- `ownership_scope` is Optional, not Computed, and flattened as the API returns it: always set.
From the Billing Budgets API reference (NotificationsRule): "For Cloud Billing budget alerts,
you must use email notification channels. The other types of notification channels are not
supported, such as Slack, SMS, or PagerDuty", and the channels must exist before the budget
names them (a reference orders them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.billing_budget import (
    BillingBudget,
    BillingBudgetAllUpdatesRule,
    BillingBudgetAmount,
    BillingBudgetAmountSpecifiedAmount,
    BillingBudgetBudgetFilter,
    BillingBudgetThresholdRules,
)
from cdktf_cdktf_provider_google.monitoring_notification_channel import (
    MonitoringNotificationChannel,
)
from constructs import Construct

MAX_CHANNELS = 5  # the provider's MaxItems, the API's limit
# (share of the amount, spend basis): early warning on the forecast, the budget reached, and a
# forecast well past it. A forecast notification comes while there is still time to act.
THRESHOLDS: tuple[tuple[float, str], ...] = (
    (0.9, "FORECASTED_SPEND"),
    (1.0, "CURRENT_SPEND"),
    (1.1, "FORECASTED_SPEND"),
)


@dataclass(frozen=True)
class BudgetRecipient:
    name: str  # the email channel's display name
    email: str


@dataclass(frozen=True)
class CostBudgetProps:
    billing_account: str  # XXXXXX-XXXXXX-XXXXXX
    project_number: str  # the only project whose spend counts
    display_name: str
    amount: int  # whole units of the billing account's currency, per calendar month
    recipients: tuple[BudgetRecipient, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    # The APIs the channels and the budget are created through.
    depends_on: Sequence[ITerraformDependable] = ()
    # BILLING_ACCOUNT: only billing-account-level users may change the budget; project owners,
    # and the pipeline's identities, see it read-only.
    ownership_scope: str = "BILLING_ACCOUNT"

    def __post_init__(self) -> None:
        if not 1 <= len(self.recipients) <= MAX_CHANNELS:
            raise ValueError(f"a budget notifies 1 to {MAX_CHANNELS} email channels")


class CostBudget(Construct):
    """One email channel per recipient and the budget notifying them. Handle: `channels`."""

    def __init__(self, scope: Construct, id_: str, *, props: CostBudgetProps) -> None:
        super().__init__(scope, id_)
        depends_on = list(props.depends_on) or None
        self.channels: list[str] = [
            MonitoringNotificationChannel(
                self,
                f"channel-{index}",
                display_name=recipient.name,
                type="email",
                labels={"email_address": recipient.email},
                user_labels=dict(props.labels),
                depends_on=depends_on,
            ).name
            for index, recipient in enumerate(props.recipients)
        ]
        BillingBudget(
            self,
            "budget",
            billing_account=props.billing_account,
            display_name=props.display_name,
            budget_filter=BillingBudgetBudgetFilter(
                projects=[f"projects/{props.project_number}"],
                # The API's default, written for the reader: the provider suppresses it against
                # an empty value, so the plan leaves it to the API (no diff either way).
                calendar_period="MONTH",
            ),
            amount=BillingBudgetAmount(
                specified_amount=BillingBudgetAmountSpecifiedAmount(units=str(props.amount))
            ),
            threshold_rules=[
                BillingBudgetThresholdRules(threshold_percent=share, spend_basis=basis)
                for share, basis in THRESHOLDS
            ],
            all_updates_rule=BillingBudgetAllUpdatesRule(
                monitoring_notification_channels=self.channels,
                # Billing account administrators keep their own copy: the money is theirs.
                disable_default_iam_recipients=False,
            ),
            ownership_scope=props.ownership_scope,
            depends_on=depends_on,
        )
