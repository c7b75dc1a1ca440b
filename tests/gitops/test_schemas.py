"""Every rendered object validates against the Kubernetes OpenAPI schemas of the clusters' minor
version (pace_infra/gitops/schemas.py), offline and strictly: an unknown field is an error, so a
misspelled key fails here instead of being dropped or refused when Argo CD syncs."""

from __future__ import annotations

import copy
from collections.abc import Callable

import jsonschema
import kubernetes_validate
import pytest
from kubernetes_validate.utils import (
    SchemaNotFoundError,
    all_versions,
    major_minor,
    schema_contents,
)
from referencing import Registry, Resource

from pace_infra.gitops.schemas import KUBERNETES_MINOR, gke_crd_schemas
from tests.gitops.conftest import of_kind

# GKE's own kinds: the Kubernetes schemas do not have them, so they are checked against the
# schemas written from their source (pace_infra/gitops/crds/), just as strictly.
GKE_KINDS = {
    ("cloud.google.com/v1", "BackendConfig"),
    ("networking.gke.io/v1beta1", "FrontendConfig"),
    ("networking.gke.io/v1", "ManagedCertificate"),
}
OBJECT_META = "/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def _built_in(api_version: str) -> bool:
    """Whether the API group is Kubernetes' own: core (`v1`), a dotless group (`apps`,
    `policy`), or `*.k8s.io`. kubernetes-validate looks schemas up by the group's first label
    only, so `networking.gke.io/v1` would be matched against `networking.k8s.io/v1`'s schemas:
    the group decides which objects are built-in, not whether a schema happens to be found."""
    if "/" not in api_version:
        return True
    group = api_version.split("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def _strict(schema: dict) -> dict:
    """The schema with unknown fields refused at every level (as the API server's strict field
    validation refuses what a CRD's structural schema does not name), and metadata checked as
    the pinned minor's ObjectMeta, which the API server applies to every kind."""
    if "properties" not in schema:
        return schema
    properties = {name: _strict(sub) for name, sub in schema["properties"].items()}
    for name, sub in properties.items():
        if sub.get("type") == "array" and "items" in sub:
            properties[name] = {**sub, "items": _strict(sub["items"])}
    return {**schema, "properties": properties, "additionalProperties": False}


def _gke_validator(schema: dict) -> jsonschema.Draft202012Validator:
    """A validator of a GKE kind, metadata resolved in the pinned minor's definitions."""
    version = next(v for v in all_versions() if major_minor(v) == KUBERNETES_MINOR)
    definitions = schema_contents(
        f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version
    )
    strict = {**_strict(schema), "$id": "https://kubernetes.io/api/gke"}
    strict["properties"]["metadata"] = {"$ref": OBJECT_META}
    registry = Resource.from_contents(definitions) @ Registry()
    return jsonschema.Draft202012Validator(strict, registry=registry)


GKE_VALIDATORS = {key: _gke_validator(schema) for key, schema in gke_crd_schemas().items()}


def _validate(obj: dict) -> str:
    """Validate strictly: a built-in kind against the pinned minor's schemas, a GKE kind against
    its schema from crds/. Raises kubernetes_validate.ValidationError (or SchemaNotFoundError)."""
    key = (obj["apiVersion"], obj["kind"])
    if _built_in(obj["apiVersion"]) or key not in GKE_VALIDATORS:
        return kubernetes_validate.validate(obj, KUBERNETES_MINOR, strict=True)
    try:
        GKE_VALIDATORS[key].validate(obj)
    except jsonschema.ValidationError as error:
        raise kubernetes_validate.ValidationError(error, KUBERNETES_MINOR) from error
    return KUBERNETES_MINOR


def test_kubernetes_validate_bundles_the_pinned_minor():
    # validate() silently falls back to the newest bundled minor below the one asked for: the pin
    # must be there itself, or objects would be checked against an older API than the clusters'.
    assert KUBERNETES_MINOR in {major_minor(v) for v in all_versions()}


def test_every_object_validates_strictly_against_the_pinned_minor_or_its_gke_schema(rendered):
    checked, errors = set(), []
    for (env, workload), objects in rendered.items():
        for obj in objects:
            where = (env, workload, obj["kind"], obj["metadata"]["name"])
            try:
                assert _validate(obj) == KUBERNETES_MINOR, where
            except kubernetes_validate.ValidationError as error:
                errors.append((*where, list(error.absolute_path), error.message))
            except SchemaNotFoundError as error:
                # An API version the pinned minor no longer (or does not yet) serve, or a kind
                # outside the Kubernetes API groups with no schema in crds/.
                errors.append((*where, error.message))
            checked.add(obj["kind"])
    assert errors == []
    assert {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "BackendConfig",
        "FrontendConfig",
        "ManagedCertificate",
    } <= checked


def test_the_gke_kinds_are_exactly_those_with_a_written_schema(rendered):
    gke = {
        (obj["apiVersion"], obj["kind"])
        for objects in rendered.values()
        for obj in objects
        if not _built_in(obj["apiVersion"])
    }
    assert gke == GKE_KINDS == set(GKE_VALIDATORS)
    # And the Kubernetes schemas indeed lack them: the written schema is the only check.
    for api_version, kind in sorted(GKE_KINDS):
        (obj, *_) = of_kind(rendered[("dev", "web")], kind)
        assert obj["apiVersion"] == api_version
        with pytest.raises(SchemaNotFoundError):
            kubernetes_validate.validate(obj, KUBERNETES_MINOR, strict=True)


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


# Each breaks one rendered GKE object the way a typo in the skeleton would.
BAD_GKE_OBJECTS: dict[str, tuple[str, Callable[[dict], None]]] = {
    "BackendConfig: misspelled health check field": (
        "BackendConfig",
        lambda o: o["spec"]["healthCheck"].__setitem__("requestPth", "/"),
    ),
    "BackendConfig: misspelled spec field": (
        "BackendConfig",
        lambda o: o["spec"].__setitem__("securityPolicyy", o["spec"].pop("securityPolicy")),
    ),
    "BackendConfig: security policy without its name": (
        "BackendConfig",
        lambda o: o["spec"]["securityPolicy"].pop("name"),
    ),
    "BackendConfig: health check type outside its values": (
        "BackendConfig",
        lambda o: o["spec"]["healthCheck"].__setitem__("type", "TCP"),
    ),
    "BackendConfig: port as a string": (
        "BackendConfig",
        lambda o: o["spec"]["healthCheck"].__setitem__("port", "8080"),
    ),
    "FrontendConfig: misspelled spec field": (
        "FrontendConfig",
        lambda o: o["spec"].__setitem__("sslPolicyName", o["spec"].pop("sslPolicy")),
    ),
    "FrontendConfig: redirect without enabled": (
        "FrontendConfig",
        lambda o: o["spec"]["redirectToHttps"].pop("enabled"),
    ),
    "FrontendConfig: enabled as a string": (
        "FrontendConfig",
        lambda o: o["spec"]["redirectToHttps"].__setitem__("enabled", "true"),
    ),
    "ManagedCertificate: misspelled spec field": (
        "ManagedCertificate",
        lambda o: o["spec"].__setitem__("domain", o["spec"].pop("domains")),
    ),
    "ManagedCertificate: wildcard domain": (
        "ManagedCertificate",
        lambda o: o["spec"]["domains"].append("*.pace.example"),
    ),
    "misspelled metadata field": (
        "FrontendConfig",
        lambda o: o["metadata"].__setitem__("namespce", "pace-web"),
    ),
    "misspelled top-level field": (
        "ManagedCertificate",
        lambda o: o.__setitem__("sepc", o.pop("spec")),
    ),
}


@pytest.mark.parametrize("kind,mutation", BAD_GKE_OBJECTS.values(), ids=BAD_GKE_OBJECTS.keys())
def test_the_validator_rejects_a_broken_rendered_gke_object(rendered, kind, mutation):
    (obj,) = of_kind(rendered[("prod", "web")], kind)
    assert _validate(obj) == KUBERNETES_MINOR
    broken = copy.deepcopy(obj)
    mutation(broken)
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(broken)
