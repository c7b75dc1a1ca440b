"""The names module says what the stacks create: a tool or test that reads a name from
pace_infra/names.py finds the resource under exactly that name."""

from __future__ import annotations

from pace_infra.names import (
    IMAGE_REPOSITORY_ID,
    PACE_AI_DB,
    PACE_DB,
    WORKLOADS,
    EnvNames,
    errors_log_metric,
    namespace,
)
from tests.helpers import resources


def _values(stack: dict, kind: str, attribute: str) -> set[str]:
    return {r[attribute] for r in resources(stack, kind).values() if attribute in r}


def test_every_environment_creates_what_its_names_say(stacks, environments):
    for env in environments:
        names = EnvNames(env.name)
        stack = {unit: stacks.get(f"{env.name}-{unit}", {}) for unit in ("gke", "databases")}
        assert _values(stack["gke"], "google_container_cluster", "name") == {names.cluster}
        assert _values(stack["gke"], "google_service_account", "account_id") == {
            names.node_service_account,
            *(names.workload_service_account(w) for w in WORKLOADS),
        }
        instances = _values(stack["databases"], "google_sql_database_instance", "name")
        primaries = {names.database_instance(PACE_DB), names.database_instance(PACE_AI_DB)}
        assert primaries <= instances
        assert instances - primaries <= {f"{i}-dr" for i in primaries}  # the DR replica
        cicd = stacks[f"{env.name}-cicd"]
        assert {
            names.ci_service_account,
            names.deploy_service_account,
            names.planner_service_account,
        } <= _values(cicd, "google_service_account", "account_id")
        assert _values(cicd, "google_secret_manager_secret", "secret_id") == {names.gitops_secret}
        assert _values(cicd, "google_iam_workload_identity_pool", "workload_identity_pool_id") == {
            names.federation_pool
        }
        assert _values(cicd, "google_artifact_registry_repository", "repository_id") == {
            IMAGE_REPOSITORY_ID
        }
        platform = stacks[f"{env.name}-platform"]
        assert {namespace(w) for w in WORKLOADS} <= {
            n["metadata"][0]["name"] if isinstance(n["metadata"], list) else n["metadata"]["name"]
            for n in resources(platform, "kubernetes_namespace_v1").values()
        }
        metrics = _values(stacks[f"{env.name}-monitoring"], "google_logging_metric", "name")
        assert metrics == {
            *(errors_log_metric(w) for w in WORKLOADS),
            *(errors_log_metric(i) for i in primaries),
        }
