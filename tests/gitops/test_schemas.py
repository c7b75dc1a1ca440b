"""Every rendered object validates against the Kubernetes OpenAPI schemas of the clusters' minor
version (pace_infra/gitops/schemas.py), offline and strictly: an unknown field is an error, so a
misspelled key fails here instead of being dropped or refused when Argo CD syncs."""

from __future__ import annotations

import copy
from collections.abc import Callable

import kubernetes_validate
import pytest
from kubernetes_validate.utils import SchemaNotFoundError, all_versions, major_minor

from pace_infra.gitops.schemas import KUBERNETES_MINOR
from tests.gitops.conftest import of_kind

# GKE's own CRDs: the Kubernetes schemas do not have them. Their authoritative definitions are
# in k8s.io/ingress-gce (BackendConfig, FrontendConfig) and
# github.com/GoogleCloudPlatform/gke-managed-certs (ManagedCertificate), which the Go module
# proxy this project builds from refuses to serve, so there is no pinned offline copy to
# validate against. Their fields that matter are checked by value against the stacks in
# test_contract.py. Any other kind outside the Kubernetes API groups fails
# test_exactly_the_gke_crds_go_unchecked until it is validated or listed here with its reason.
NOT_SCHEMA_CHECKED = {
    ("cloud.google.com/v1", "BackendConfig"),
    ("networking.gke.io/v1beta1", "FrontendConfig"),
    ("networking.gke.io/v1", "ManagedCertificate"),
}


def _built_in(api_version: str) -> bool:
    """Whether the API group is Kubernetes' own: core (`v1`), a dotless group (`apps`,
    `policy`), or `*.k8s.io`. kubernetes-validate looks schemas up by the group's first label
    only, so `networking.gke.io/v1` would be matched against `networking.k8s.io/v1`'s schemas:
    the group decides which objects are built-in, not whether a schema happens to be found."""
    if "/" not in api_version:
        return True
    group = api_version.split("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def _validate(obj: dict) -> str:
    return kubernetes_validate.validate(obj, KUBERNETES_MINOR, strict=True)


def test_kubernetes_validate_bundles_the_pinned_minor():
    # validate() silently falls back to the newest bundled minor below the one asked for: the pin
    # must be there itself, or objects would be checked against an older API than the clusters'.
    assert KUBERNETES_MINOR in {major_minor(v) for v in all_versions()}


def test_every_built_in_object_validates_strictly_against_the_pinned_minor(rendered):
    checked, errors = set(), []
    for (env, workload), objects in rendered.items():
        for obj in objects:
            if not _built_in(obj["apiVersion"]):
                continue
            where = (env, workload, obj["kind"], obj["metadata"]["name"])
            try:
                assert _validate(obj) == KUBERNETES_MINOR, where
            except kubernetes_validate.ValidationError as error:
                errors.append((*where, list(error.absolute_path), error.message))
            except SchemaNotFoundError as error:
                # An API version the pinned minor no longer (or does not yet) serve.
                errors.append((*where, error.message))
            checked.add(obj["kind"])
    assert errors == []
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
    } <= checked


def test_exactly_the_gke_crds_go_unchecked(rendered):
    unchecked = {
        (obj["apiVersion"], obj["kind"])
        for objects in rendered.values()
        for obj in objects
        if not _built_in(obj["apiVersion"])
    }
    assert unchecked == NOT_SCHEMA_CHECKED
    # And they are indeed absent from the Kubernetes schemas, not skipped for convenience.
    for api_version, kind in sorted(NOT_SCHEMA_CHECKED):
        (obj, *_) = of_kind(rendered[("dev", "web")], kind)
        assert obj["apiVersion"] == api_version
        with pytest.raises(SchemaNotFoundError):
            _validate(obj)


def _container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


BAD_DEPLOYMENTS: dict[str, Callable[[dict], None]] = {
    "misspelled spec field": lambda d: d["spec"].__setitem__("replica", 2),
    "misspelled container field": lambda d: _container(d).__setitem__("imagePullPolicyy", "Always"),
    "misspelled metadata field": lambda d: d["metadata"].__setitem__("lables", {"app": "pace"}),
    "wrong type": lambda d: d["spec"].__setitem__("replicas", "2"),
    "wrong type in a port": lambda d: _container(d)["ports"][0].__setitem__("containerPort", "80"),
    "missing required field": lambda d: _container(d).pop("name"),
}


@pytest.mark.parametrize("mutation", BAD_DEPLOYMENTS.values(), ids=BAD_DEPLOYMENTS.keys())
def test_the_validator_rejects_a_broken_rendered_deployment(rendered, mutation):
    (deployment,) = of_kind(rendered[("dev", "web")], "Deployment")
    assert _validate(deployment) == KUBERNETES_MINOR
    broken = copy.deepcopy(deployment)
    mutation(broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(broken)


def test_an_api_version_the_pinned_minor_does_not_serve_is_an_error(rendered):
    # autoscaling/v2beta2 was removed in 1.26: an old manifest fails instead of passing unchecked.
    (scaler, *_) = of_kind(rendered[("dev", "web")], "HorizontalPodAutoscaler")
    assert _validate(scaler) == KUBERNETES_MINOR
    old = {**scaler, "apiVersion": "autoscaling/v2beta2"}
    with pytest.raises(SchemaNotFoundError):
        _validate(old)
