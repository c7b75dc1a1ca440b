from pace_infra.monitoring.evaluation.policy import load_policies
from pace_infra.monitoring.scenarios.catalog_edge import EDGE_SCENARIOS, Spell, world
from pace_infra.monitoring.scenarios.model import Context


def _run(stacks, key: str, name: str):
    policy = next(p for p in load_policies(stacks["prod-monitoring"]) if p.key == key)
    scenario = next(s for s in EDGE_SCENARIOS if s.applies_to(policy) and s.name.startswith(name))
    return scenario.build(Context("prod", policy, stacks))


def test_a_region_failure_fails_every_location_the_check_runs_from_in_it(stacks):
    # The synthesized check's regions, whatever they are: one region at a time.
    for index in (1, 2, 3):
        run = _run(stacks, "web-uptime-crm", f"checker region {index} of 3")
        failing = {
            s.metric_labels["checker_location"]
            for s in run.observations.series
            if not dict(s.points)[45 * 60]
        }
        assert len(failing) == 1  # one location in each of the check's regions


def test_the_ai_path_is_its_path_rule_of_the_crm_url_map(stacks):
    run = _run(stacks, "ai-http-5xx-ratio", "backend errors")
    rules = {s.resource_labels["matched_url_path_rule"] for s in run.observations.series}
    assert rules == {"UNMATCHED", "/api/ai/*"}
    start, stop = run.failure
    errors = next(
        s
        for s in run.observations.series
        if s.resource_labels["matched_url_path_rule"] == "/api/ai/*"
        and s.metric_labels.get("response_code_class") == "500"
    )
    assert sum(v for t, v in errors.points if start < t <= stop) > 50


def test_a_world_is_generated_once():
    spell = Spell(0, 60, 0.5)
    assert world(10, 600, crm_errors=spell) is world(10, 600, crm_errors=spell)
