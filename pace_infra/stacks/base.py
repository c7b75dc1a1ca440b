"""PaceStack: what every PACE stack has in common (provider, backend, house rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from cdktf import Aspects, GcsBackend, LocalBackend, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from constructs import Construct

from pace_infra.config import Environment
from pace_infra.names import EnvNames, stack_name
from pace_infra.policies import house_rules

StackT = TypeVar("StackT", bound="PaceStack")


def base_labels(env: Environment) -> dict[str, str]:
    """Labels the Google provider puts on every labelable resource of an environment."""
    return {"app": "pace", "env": env.name, "managed-by": "cdktf"}


def system_labels(system: str) -> dict[str, str]:
    """The per-resource label a construct adds (`system=web|ai|data|platform`)."""
    return {"system": system}


class PaceStack(TerraformStack):
    """A stack named `<env>-<unit>` with its Google provider, state backend and house rules.

    State lives in the environment's bucket under `<env>/<unit>`. `local_state=True` is for the
    bootstrap stack only, which creates that bucket: its state file is written next to the repo
    root (`terraform.<env>-bootstrap.tfstate`, git-ignored) through a path relative to the stack's
    working directory, so no absolute machine path enters the synthesized JSON.
    """

    def __init__(
        self, scope: Construct, env: Environment, unit: str, *, local_state: bool = False
    ) -> None:
        name = stack_name(env.name, unit)
        super().__init__(scope, name)
        self.environment = env
        self.names = EnvNames(env.name)
        provider = GoogleProvider(self, "google", project=env.project_id, region=env.region)
        # Not the `default_labels=` argument: cdktf snake-cases the keys of a provider's map
        # arguments (`managed-by` would reach GCP as `managed_by`); an override is written as is.
        provider.add_override("default_labels", base_labels(env))
        if local_state:
            # Terraform runs in cdktf.out/stacks/<name>/: three levels up is the repo root.
            LocalBackend(self, path=f"../../../terraform.{name}.tfstate")
        else:
            GcsBackend(self, bucket=env.state_bucket, prefix=f"{env.name}/{unit}")
        Aspects.of(self).add(house_rules(protected=env.protected))

    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> PaceStack:
        """This stack, given the environment's stacks built before it (the registry's order,
        `pace_infra/units.py`): a stack that takes handles picks them from `built`."""
        return cls(scope, env)


def earlier(built: Mapping[str, PaceStack], unit: str, kind: type[StackT]) -> StackT:
    """The stack of an earlier unit, of the class the caller expects."""
    stack = built.get(unit)
    if not isinstance(stack, kind):
        raise TypeError(f"unit {unit!r} must be built before, as {kind.__name__}: got {stack!r}")
    return stack
