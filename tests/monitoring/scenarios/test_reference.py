"""docs/reference/alert-scenarios.md is what the synthesized policies and the catalog say."""

from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog import SCENARIOS
from pace_infra.monitoring.scenarios.reference import DOCUMENT, deadline, markdown, summary
from tests.conftest import REPO


def test_the_committed_document_is_current(stacks):
    expected = markdown(stacks, SCENARIOS)
    assert (REPO / DOCUMENT).read_text(encoding="utf-8") == expected, (
        "stale: run make alert-scenarios-doc"
    )


def test_every_prod_policy_has_a_row_with_its_scenarios(stacks):
    text = markdown(stacks, SCENARIOS)
    prod = text.split("## prod", 1)[1].split("## Other environments", 1)[0]
    rows = [line for line in prod.splitlines() if line.startswith("| `")]
    policies = load_policies(stacks["prod-monitoring"])
    assert len(rows) == len(policies)
    drill = next(r for r in rows if "`data-pace-<env>-db-restore-drill`" in r)
    assert drill.startswith("| `data-pace-<env>-db-restore-drill`<br>")
    assert "a week's drill did not run (opens within 26 h)" in drill
    assert "weekly drills on schedule, all within the RTO" in drill


def test_other_environments_say_what_they_lack(stacks):
    text = markdown(stacks, SCENARIOS).split("## Other environments", 1)[1]
    dev = text.split("**dev**", 1)[1].split("**staging**", 1)[0]
    assert "`data-pace-<env>-db-restore-drill`" in dev.split("not in dev: ", 1)[1].splitlines()[0]
    assert "only in dev" not in dev


def test_deadlines_and_summaries_read_as_people_write_them(stacks):
    assert [deadline(s) for s in (120, 1500, 7200, 5400, 93600)] == [
        "2 min",
        "25 min",
        "2 h",
        "1 h 30 min",
        "26 h",
    ]
    policy = next(
        p for p in load_policies(stacks["prod-monitoring"]) if p.key == "platform-oom-kills"
    )
    assert summary(policy) and "\n" not in summary(policy)
    assert not summary(policy).startswith("**")
