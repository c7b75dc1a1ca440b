"""`make deploy-order ENV=<env>`: the stacks of one environment in dependency order.

The order comes from the synthesized manifest (the cross-stack references cdktf found), not from
a list kept by hand; bootstrap, which nothing references, comes first as the state's home.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def dependency_order(dependencies: Mapping[str, Sequence[str]]) -> list[str]:
    """Stacks ordered so that each comes after what it depends on (ties: by name).

    Raises ValueError on a cycle.
    """
    remaining = {name: set(deps) & dependencies.keys() for name, deps in dependencies.items()}
    order: list[str] = []
    while remaining:
        ready = sorted(name for name, deps in remaining.items() if not deps)
        if not ready:
            raise ValueError(f"dependency cycle among {sorted(remaining)}")
        for name in ready:
            order.append(name)
            del remaining[name]
        for deps in remaining.values():
            deps.difference_update(ready)
    return order


def environment_order(manifest: Mapping, env_name: str) -> list[str]:
    stacks = {
        name: stack.get("dependencies", [])
        for name, stack in manifest["stacks"].items()
        if name.startswith(f"{env_name}-")
    }
    order = dependency_order(stacks)
    # Bootstrap holds the state bucket every other stack's backend needs.
    bootstrap = f"{env_name}-bootstrap"
    return ([bootstrap] if bootstrap in order else []) + [s for s in order if s != bootstrap]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m pace_infra.deploy_order <env> (after a synth)", file=sys.stderr)
        return 2
    manifest_path = Path("cdktf.out") / "manifest.json"
    if not manifest_path.exists():
        print("deploy-order: no cdktf.out/manifest.json; run make synth first", file=sys.stderr)
        return 2
    order = environment_order(json.loads(manifest_path.read_text()), argv[0])
    if not order:
        print(f"deploy-order: no stacks for environment {argv[0]!r}", file=sys.stderr)
        return 2
    print("\n".join(order))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
