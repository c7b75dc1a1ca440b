"""`make deploy-order ENV=<env>`: the stacks of one environment in dependency order.

The order is the deploy-unit registry's (`pace_infra/units.py`), checked against the
dependencies cdktf found in the synthesized manifest (the cross-stack references): a stack that
would come before one it reads from is an error, not a reordering.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

from pace_infra.names import stack_name
from pace_infra.units import UNITS, order_problem


def environment_order(manifest: Mapping, env_name: str) -> list[str]:
    """The environment's synthesized stacks in the registry's order.

    Raises ValueError when a stack is not in the registry or depends on a later one.
    """
    synthesized = {name for name in manifest["stacks"] if name.startswith(f"{env_name}-")}
    order = [stack_name(env_name, unit) for unit in UNITS]
    order = [name for name in order if name in synthesized]
    unknown = sorted(synthesized - set(order))
    if unknown:
        raise ValueError(f"stacks not in the deploy-unit registry: {', '.join(unknown)}")
    problem = order_problem(
        order, {name: manifest["stacks"][name].get("dependencies", []) for name in order}
    )
    if problem:
        raise ValueError(f"the registry's order is wrong: {problem}")
    return order


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m pace_infra.tools.deploy_order <env> (after a synth)", file=sys.stderr
        )
        return 2
    manifest_path = Path("cdktf.out") / "manifest.json"
    if not manifest_path.exists():
        print("deploy-order: no cdktf.out/manifest.json; run make synth first", file=sys.stderr)
        return 2
    try:
        order = environment_order(json.loads(manifest_path.read_text()), argv[0])
    except ValueError as error:
        print(f"deploy-order: {error}", file=sys.stderr)
        return 2
    if not order:
        print(f"deploy-order: no stacks for environment {argv[0]!r}", file=sys.stderr)
        return 2
    print("\n".join(order))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
