"""PaceStack, the base of every stack: the environment's provider, default labels, backend."""

from __future__ import annotations

from pace_infra.units import units_of


def test_every_stack_has_its_environment_google_provider(stacks, environments):
    for env in environments:
        for unit in units_of(env):
            (provider,) = stacks[f"{env.name}-{unit}"]["provider"]["google"]
            assert (provider["project"], provider["region"]) == (env.project_id, env.region)


def test_default_labels_keep_their_dashes(stacks):
    # cdktf snake-cases a provider's map keys; PaceStack writes them through an override.
    for doc in stacks.values():
        (provider,) = doc["provider"]["google"]
        assert provider["default_labels"] == {
            "app": "pace",
            "env": doc["//"]["metadata"]["stackName"].split("-")[0],
            "managed-by": "cdktf",
        }


def test_non_bootstrap_stacks_keep_state_in_the_environment_bucket(stacks, environments):
    for env in environments:
        for unit in units_of(env):
            if unit == "bootstrap":
                continue
            backend = stacks[f"{env.name}-{unit}"]["terraform"]["backend"]
            assert backend == {"gcs": {"bucket": env.state_bucket, "prefix": f"{env.name}/{unit}"}}
