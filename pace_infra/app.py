"""build_app(): every environment's stacks in one App, so the provider bindings load once."""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import App

from pace_infra.config import Environment
from pace_infra.stacks.base import PaceStack
from pace_infra.units import REGISTRY


def build_app(environments: Iterable[Environment], outdir: str | None = None) -> App:
    """One App holding `<env>-<unit>` for every environment and each of its units, built in the
    registry's order (`pace_infra/units.py`) so every stack gets the handles of those before it."""
    app = App(outdir=outdir) if outdir else App()
    for env in environments:
        built: dict[str, PaceStack] = {}
        for unit in REGISTRY:
            if unit.exists(env):
                built[unit.name] = unit.stack_class().from_units(app, env, built)
    return app
