"""Deploy units, in dependency order; each environment gets one stack per unit: `<env>-<unit>`.

Kept apart from app.py so that tools (`make deploy`) can list stacks without loading the
provider bindings. `python -m pace_infra.units <env>` prints the stacks a pipeline deploys.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pace_infra.config import Environment

UNITS: tuple[str, ...] = (
    "bootstrap",
    "network",
    "gke",
    "databases",
    "cicd",
    "edge",
    "platform",
    "oncall",
    "monitoring",
)


# Applied by a person with admin rights, never by the pipeline: bootstrap creates the state
# bucket the pipeline's backend needs, and cicd is the pipeline's own trust (its federation,
# its service accounts and their grants, the state bucket's IAM, which the deploy identity
# cannot even read: storage.buckets.getIamPolicy is not in roles/storage.objectAdmin).
HAND_APPLIED_UNITS: frozenset[str] = frozenset({"bootstrap", "cicd"})


def units_of(env: Environment) -> tuple[str, ...]:
    """An environment's units: no oncall stack where PagerDuty is off (`oncall.mode: none`)."""
    return tuple(unit for unit in UNITS if unit != "oncall" or env.oncall.mode != "none")


def pipeline_stacks(env: Environment) -> list[str]:
    """The stacks a deploy applies: all but the hand-applied ones (bootstrap, cicd)."""
    return [f"{env.name}-{unit}" for unit in units_of(env) if unit not in HAND_APPLIED_UNITS]


def main(argv: list[str]) -> int:
    from pace_infra.config import ConfigError, load_environments

    if len(argv) != 1:
        print("usage: python -m pace_infra.units <env>", file=sys.stderr)
        return 2
    try:
        environments = {env.name: env for env in load_environments()}
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if argv[0] not in environments:
        known = ", ".join(sorted(environments))
        print(f"unknown environment {argv[0]!r} (known: {known})", file=sys.stderr)
        return 2
    print(" ".join(pipeline_stacks(environments[argv[0]])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
