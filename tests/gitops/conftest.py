"""The GitOps skeleton of every environment, written once and rendered by the pinned kustomize."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pace_infra.gitops.skeleton import skeleton
from pace_infra.gitops.write import write_skeleton
from pace_infra.names import WORKLOADS, gitops_overlay


@pytest.fixture(scope="session")
def gitops_dir(tmp_path_factory, environments) -> Path:
    directory = tmp_path_factory.mktemp("gitops") / "gitops"
    write_skeleton(skeleton(list(environments)), directory)
    return directory


@pytest.fixture(scope="session")
def rendered(gitops_dir, environments) -> dict[tuple[str, str], list[dict]]:
    """(env, workload) -> the objects `kustomize build` makes of that overlay, as Argo CD would."""
    from pace_infra.tools.toolchain.kustomize import kustomize_build

    return {
        (env.name, workload): list(
            yaml.safe_load_all(kustomize_build(gitops_dir / gitops_overlay(workload, env.name)))
        )
        for env in environments
        for workload in WORKLOADS
    }


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def pod_specs(objects: list[dict]) -> list[dict]:
    return [d["spec"]["template"]["spec"] for d in of_kind(objects, "Deployment")]
