"""oci: pushing an artifact whose subject is an image, through the OCI distribution API."""

from __future__ import annotations

import json

import pytest

from pace_infra.tools.delivery.api import Response
from pace_infra.tools.delivery.oci import Registry, RegistryError, digest_of
from tests.tools.delivery.fixtures import Recorded, digest

IMAGE = digest("image")
REPO = "pace-crm-dev/pace-images/pace-web"
HOST = "https://europe-west2-docker.pkg.dev"
SUBJECT = Response(
    200,
    {
        "content-type": "application/vnd.oci.image.manifest.v1+json",
        "content-length": "812",
        "docker-content-digest": IMAGE,
    },
)


def _registry(*routes):
    transport = Recorded(*routes)
    return Registry(transport, "europe-west2-docker.pkg.dev", "token"), transport


def test_blobs_the_registry_has_are_not_uploaded_again():
    registry, transport = _registry(
        ("HEAD", "/manifests/", [SUBJECT]),
        ("HEAD", "/blobs/", [Response(200)]),
        ("PUT", "/manifests/", [Response(201)]),
    )
    artifact = registry.attach(REPO, IMAGE, "application/spdx+json", b"{}\n", "x.json")
    assert [r.method for r in transport.requests] == ["HEAD", "HEAD", "HEAD", "PUT"]
    put = transport.requests[-1]
    assert put.url == f"{HOST}/v2/{REPO}/manifests/{artifact}" and artifact == digest_of(put.data)
    assert json.loads(put.data)["subject"] == {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": IMAGE,
        "size": 812,
    }
    assert (
        transport.requests[0]
        .headers["Accept"]
        .startswith("application/vnd.oci.image.manifest.v1+json")
    )


def test_an_absolute_upload_location_without_a_query_gets_the_digest_as_its_query():
    location = f"{HOST}/v2/{REPO}/blobs/uploads/abc"
    registry, transport = _registry(
        ("HEAD", "/blobs/", [Response(404)]),
        ("POST", "/blobs/uploads/", [Response(202, {"location": location})]),
        ("PUT", "/blobs/uploads/abc", [Response(201)]),
    )
    registry.blob(REPO, b"data", "application/octet-stream")
    assert transport.requests[-1].url == f"{location}?digest=sha256%3A" + digest_of(b"data")[7:]


def test_a_subject_the_registry_answers_with_another_digest_is_refused():
    other = Response(200, {**SUBJECT.headers, "docker-content-digest": digest("other")})
    registry, _ = _registry(("HEAD", "/manifests/", [other]))
    with pytest.raises(RegistryError, match="answered another digest"):
        registry.manifest(REPO, IMAGE)


def test_an_unexpected_status_is_an_error_naming_the_call():
    denied = Response(403, {}, b'{"errors":[{"code":"DENIED"}]}')
    registry, _ = _registry(("HEAD", "/manifests/", [denied]))
    with pytest.raises(RegistryError, match=r"HEAD .*/manifests/sha256:\w+: 403 .*DENIED"):
        registry.manifest(REPO, IMAGE)
