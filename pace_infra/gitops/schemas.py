"""The Kubernetes minor version the GitOps skeleton is validated against, in one place.

tests/gitops/test_schemas.py validates every rendered object against the OpenAPI schemas of this
minor, offline (kubernetes-validate bundles them per version): a field the API server of the
clusters does not know, or a value of the wrong type, fails the test instead of Argo CD's sync.
GKE's kinds are validated the same way against the schemas in crds/ (`gke_crd_schemas`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The clusters pin no version: they follow a GKE release channel (environments/*.yaml
# `gke.release_channel`: REGULAR in dev and staging, STABLE in prod), so GKE picks the minor.
# GKE release notes, "Current versions" (docs.cloud.google.com/kubernetes-engine/docs/release-notes,
# read November 2026): Regular serves 1.34 to 1.36 and creates clusters at 1.35.7-gke.1222000;
# Stable serves 1.34 to 1.35 and creates clusters at 1.35.6-gke.1250000. The Regular channel's
# notes of 2026-09-17 (2026-R39) make 1.35.8-gke.1036000 its default. So 1.35 is the minor every
# environment is created at. (Stable's auto-upgrade target was then still 1.34.9: a prod cluster
# created earlier runs 1.34 until GKE upgrades it.)
# Raise it when the STABLE channel (prod, the slowest) makes the next minor its default and its
# auto-upgrade target, not before: objects validated against a newer minor than prod runs could
# carry fields prod's API server rejects. The kubernetes-validate pin in the Pipfile must bundle
# the new minor (tests/gitops/test_schemas.py checks that it does).
KUBERNETES_MINOR = "1.35"


# GKE's own kinds the skeleton renders (BackendConfig, FrontendConfig, ManagedCertificate) are
# not in the Kubernetes schemas, and their Go modules are not served to this project: their
# schemas are written here, by hand, from their source at a named tag (each file says which).
GKE_CRDS_DIR = Path(__file__).parent / "crds"


def gke_crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the structural OpenAPI v3 schema of each GKE kind in crds/."""
    schemas = {}
    for path in sorted(GKE_CRDS_DIR.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        schemas[(crd["apiVersion"], crd["kind"])] = crd["schema"]
    return schemas
