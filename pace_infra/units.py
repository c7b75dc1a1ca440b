"""The registry of deploy units: each environment gets one stack per unit, `<env>-<unit>`.

One list, in dependency order, says which units exist, which stack class builds each, when an
environment has it, and who applies it. `app.py` builds the stacks from it, `make deploy` and
`make apply-plan` deploy in its order, and `make deploy-order` prints it after checking it
against the dependencies cdktf found in the synthesized manifest.

Light on purpose: stack classes are named, not imported, so tools can list stacks without
loading the provider bindings. `python -m pace_infra.units <env>` prints the stacks a pipeline
deploys.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from pace_infra.names import stack_name

if TYPE_CHECKING:
    from pace_infra.config import Environment
    from pace_infra.stacks.base import PaceStack


def _always(env: Environment) -> bool:
    return True


def _with_pagerduty(env: Environment) -> bool:
    return env.oncall.mode != "none"


@dataclass(frozen=True)
class Unit:
    name: str
    stack: str  # "<module>:<class>" of the stack class, imported only when building
    # Applied by a person with admin rights, never by the pipeline.
    hand_applied: bool = False
    exists: Callable[[Environment], bool] = _always

    def stack_class(self) -> type[PaceStack]:
        module, _, cls = self.stack.partition(":")
        return getattr(import_module(module), cls)


# Dependency order: a unit comes after every unit whose handles it takes.
REGISTRY: tuple[Unit, ...] = (
    # Creates the state bucket the pipeline's backend needs.
    Unit("bootstrap", "pace_infra.stacks.bootstrap:BootstrapStack", hand_applied=True),
    Unit("network", "pace_infra.stacks.network:NetworkStack"),
    Unit("gke", "pace_infra.stacks.gke:GkeStack"),
    Unit("databases", "pace_infra.stacks.databases:DatabasesStack"),
    # The pipeline's own trust (its federation, its service accounts and their grants, the state
    # bucket's IAM, which the deploy identity cannot even read: storage.buckets.getIamPolicy is
    # not in roles/storage.objectAdmin).
    Unit("cicd", "pace_infra.stacks.cicd:CicdStack", hand_applied=True),
    Unit("edge", "pace_infra.stacks.edge:EdgeStack"),
    Unit("platform", "pace_infra.stacks.platform:PlatformStack"),
    # No oncall stack where PagerDuty is off (`oncall.mode: none`): alerts go to email only.
    Unit("oncall", "pace_infra.stacks.oncall:OncallStack", exists=_with_pagerduty),
    Unit("monitoring", "pace_infra.stacks.monitoring:MonitoringStack"),
)
UNITS: tuple[str, ...] = tuple(unit.name for unit in REGISTRY)
HAND_APPLIED_UNITS: frozenset[str] = frozenset(u.name for u in REGISTRY if u.hand_applied)


def units_of(env: Environment) -> tuple[str, ...]:
    """An environment's units, in dependency order."""
    return tuple(unit.name for unit in REGISTRY if unit.exists(env))


def stacks_of(env: Environment) -> list[str]:
    """An environment's stacks, in dependency order."""
    return [stack_name(env.name, unit) for unit in units_of(env)]


def pipeline_stacks(env: Environment) -> list[str]:
    """The stacks a deploy applies: all but the hand-applied ones (bootstrap, cicd)."""
    return [stack_name(env.name, unit) for unit in units_of(env) if unit not in HAND_APPLIED_UNITS]


def order_problem(order: Sequence[str], dependencies: Mapping[str, Sequence[str]]) -> str | None:
    """Why `order` cannot be deployed as is (a stack before one it depends on), or None."""
    position = {name: index for index, name in enumerate(order)}
    for name in order:
        for dependency in dependencies.get(name, ()):
            if dependency not in position:
                return f"{name} depends on {dependency}, which is not in the order"
            if position[dependency] > position[name]:
                return f"{name} depends on {dependency}, which comes after it"
    return None


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
