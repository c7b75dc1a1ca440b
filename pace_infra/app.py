"""build_app(): every environment's stacks in one App, so the provider bindings load once."""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import App

from pace_infra.config import Environment
from pace_infra.stacks.bootstrap import BootstrapStack
from pace_infra.stacks.cicd import CicdStack
from pace_infra.stacks.databases import DatabasesStack
from pace_infra.stacks.edge import EdgeStack
from pace_infra.stacks.gke import GkeStack
from pace_infra.stacks.monitoring import MonitoringStack
from pace_infra.stacks.network import NetworkStack
from pace_infra.stacks.oncall import OncallStack
from pace_infra.stacks.platform import PlatformStack
from pace_infra.units import UNITS, units_of

__all__ = ["UNITS", "build_app", "units_of"]


def build_app(environments: Iterable[Environment], outdir: str | None = None) -> App:
    """One App holding `<env>-<unit>` for every environment and unit."""
    app = App(outdir=outdir) if outdir else App()
    for env in environments:
        BootstrapStack(app, env)
        network = NetworkStack(app, env).network
        gke = GkeStack(app, env, network)
        DatabasesStack(app, env, network, gke.web_identity, gke.ai_identity)
        CicdStack(app, env, gke.cluster, (gke.web_identity, gke.ai_identity))
        EdgeStack(app, env)
        PlatformStack(app, env, gke.cluster, gke.web_identity, gke.ai_identity)
        # Where PagerDuty is off, alerts go to the support email only.
        integration_keys = (
            OncallStack(app, env).integration_keys if "oncall" in units_of(env) else {}
        )
        MonitoringStack(app, env, integration_keys, gke.web_identity, gke.ai_identity)
    return app
