"""Every scenario `make alert-scenarios` runs: one tuple per concern, each in its module."""

from __future__ import annotations

from pace_infra.monitoring.scenarios.catalog_argocd import ARGOCD_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_data import DATA_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_deployments import DEPLOYMENT_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_drills import DRILL_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_edge import EDGE_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_exports import EXPORT_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_platform import PLATFORM_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_security import SECURITY_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_slo import SLO_SCENARIOS
from pace_infra.monitoring.scenarios.catalog_workloads import WORKLOAD_SCENARIOS
from pace_infra.monitoring.scenarios.model import Scenario

SCENARIOS: tuple[Scenario, ...] = (
    *WORKLOAD_SCENARIOS,
    *DEPLOYMENT_SCENARIOS,
    *PLATFORM_SCENARIOS,
    *EDGE_SCENARIOS,
    *SLO_SCENARIOS,
    *DATA_SCENARIOS,
    *DRILL_SCENARIOS,
    *EXPORT_SCENARIOS,
    *ARGOCD_SCENARIOS,
    *SECURITY_SCENARIOS,
)
