"""Deploy units, in dependency order; each environment gets one stack per unit: `<env>-<unit>`.

Kept apart from app.py so that tools (`make deploy`) can list stacks without loading the
provider bindings. `python -m pace_infra.units <env>` prints the stacks a pipeline deploys.
"""

from __future__ import annotations

import sys

UNITS: tuple[str, ...] = ("bootstrap", "network", "gke", "databases", "cicd", "edge", "platform")
# Bootstrap keeps local state and is applied once by hand; pipelines never touch it.
PIPELINE_UNITS: tuple[str, ...] = tuple(unit for unit in UNITS if unit != "bootstrap")


def pipeline_stacks(env_name: str) -> list[str]:
    """The stacks a deploy of `env_name` applies (cdktf orders them by their dependencies)."""
    return [f"{env_name}-{unit}" for unit in PIPELINE_UNITS]


def main(argv: list[str]) -> int:
    from pace_infra.config import ConfigError, load_environments

    if len(argv) != 1:
        print("usage: python -m pace_infra.units <env>", file=sys.stderr)
        return 2
    try:
        names = {env.name for env in load_environments()}
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if argv[0] not in names:
        print(
            f"unknown environment {argv[0]!r} (known: {', '.join(sorted(names))})", file=sys.stderr
        )
        return 2
    print(" ".join(pipeline_stacks(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
