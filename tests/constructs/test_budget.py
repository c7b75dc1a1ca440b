"""CostBudget: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.constructs.budget import BudgetRecipient, CostBudget, CostBudgetProps
from tests.helpers import only, resources, synth_construct

RECIPIENTS = (
    BudgetRecipient("support", "support@pace.example"),
    BudgetRecipient("pagerduty", "pace-t-budget@pace.pagerduty.com"),
)
PROPS = CostBudgetProps(
    billing_account="01A2B3-C4D5E6-F7A8B9",
    project_number="123456789012",
    display_name="PACE t monthly budget",
    amount=2500,
    recipients=RECIPIENTS,
    labels={"system": "platform"},
)


@pytest.fixture(scope="module")
def doc() -> dict:
    return synth_construct(lambda stack: CostBudget(stack, "budget", props=PROPS))


def test_the_budget_counts_this_projects_spend_per_calendar_month(doc):
    budget = only(doc, "google_billing_budget")
    assert budget["billing_account"] == "01A2B3-C4D5E6-F7A8B9"
    # projects/<number>: the form the API returns (a project id would be a diff every plan).
    assert budget["budget_filter"] == {
        "projects": ["projects/123456789012"],
        "calendar_period": "MONTH",
    }


def test_the_amount_is_in_the_billing_accounts_own_currency(doc):
    amount = only(doc, "google_billing_budget")["amount"]
    assert amount == {"specified_amount": {"units": "2500"}}  # no currency_code: the account's


def test_it_warns_on_the_forecast_before_the_money_is_spent(doc):
    rules = only(doc, "google_billing_budget")["threshold_rules"]
    assert [(r["threshold_percent"], r["spend_basis"]) for r in rules] == [
        (0.9, "FORECASTED_SPEND"),
        (1.0, "CURRENT_SPEND"),
        (1.1, "FORECASTED_SPEND"),
    ]


def test_it_notifies_an_email_channel_per_recipient_and_the_billing_admins(doc):
    channels = resources(doc, "google_monitoring_notification_channel")
    addresses = {
        f"${{google_monitoring_notification_channel.{key}.name}}": c["labels"]["email_address"]
        for key, c in channels.items()
    }
    assert {c["type"] for c in channels.values()} == {"email"}  # budgets accept email only
    rule = only(doc, "google_billing_budget")["all_updates_rule"]
    assert [addresses[ref] for ref in rule["monitoring_notification_channels"]] == [
        "support@pace.example",
        "pace-t-budget@pace.pagerduty.com",
    ]
    assert rule["disable_default_iam_recipients"] is False


def test_only_billing_account_users_may_change_it(doc):
    assert only(doc, "google_billing_budget")["ownership_scope"] == "BILLING_ACCOUNT"


@pytest.mark.parametrize("count", [0, 6])
def test_a_budget_notifies_one_to_five_channels(count):
    recipients = tuple(BudgetRecipient(f"r{i}", f"r{i}@pace.example") for i in range(count))
    with pytest.raises(ValueError, match="1 to 5 email channels"):
        CostBudgetProps(**{**PROPS.__dict__, "recipients": recipients})
