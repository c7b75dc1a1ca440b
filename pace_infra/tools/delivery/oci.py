"""Attach a file to an image in Artifact Registry: an OCI artifact whose manifest names the image
as its `subject` (OCI image spec 1.1 "artifacts", what `oras attach` pushes). Artifact Registry
keeps such an artifact as an attachment of the image version ("Attachments are OCI artifacts",
artifact-registry/docs/docker/manage-metadata), and creating one needs Artifact Registry Writer
on the repository: the CI identity's push grant, nothing more.

The calls, from the OCI distribution spec (v1.1): HEAD the subject's manifest (its media type,
size, digest); for each blob, HEAD it (200: there) or POST an upload session and PUT the bytes
with their digest (201); PUT the artifact's manifest by its digest (201). Artifact Registry takes
the OAuth access token as a bearer token on /v2/ (artifact-registry/docs/reference/docker-api).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from pace_infra.tools.delivery.api import Request, Response, Transport

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
# An artifact with no config carries the empty descriptor (image-spec 1.1, "Guidance for an
# Empty Descriptor"): the two bytes `{}`.
EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json"
EMPTY = b"{}"
# What the subject's HEAD may answer: the manifest types docker and buildx push.
MANIFEST_TYPES = (
    OCI_MANIFEST,
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
TITLE = "org.opencontainers.image.title"


class RegistryError(Exception):
    """The registry answered something other than the spec's success."""


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int

    def json(self) -> dict[str, Any]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}


class Registry:
    """One registry host (`<region>-docker.pkg.dev`) as one identity (its access token)."""

    def __init__(self, transport: Transport, host: str, token: str) -> None:
        self.transport, self.base, self.token = transport, f"https://{host}", token

    def _call(self, method: str, path: str, expect: tuple[int, ...], **kw: Any) -> Response:
        url = path if path.startswith("https://") else self.base + path
        answer = self.transport.exchange(Request(method, url, token=self.token, **kw))
        if answer.status not in expect:
            detail = answer.body.decode(errors="replace")[:300]
            raise RegistryError(f"{method} {url}: {answer.status} {detail}".rstrip())
        return answer

    def manifest(self, repository: str, digest: str) -> Descriptor:
        """The descriptor of a manifest that is in the registry (the attachment's subject)."""
        accept = {"Accept": ", ".join(MANIFEST_TYPES)}
        got = self._call("HEAD", f"/v2/{repository}/manifests/{digest}", (200,), headers=accept)
        media_type = got.headers.get("content-type", "").split(";")[0]
        if got.headers.get("docker-content-digest", digest) != digest:
            raise RegistryError(f"{repository}@{digest}: the registry answered another digest")
        return Descriptor(media_type, digest, int(got.headers["content-length"]))

    def blob(self, repository: str, data: bytes, media_type: str) -> Descriptor:
        """Upload a blob unless the registry has it; its descriptor."""
        digest = digest_of(data)
        found = self._call("HEAD", f"/v2/{repository}/blobs/{digest}", (200, 404))
        if found.status == 404:
            session = self._call("POST", f"/v2/{repository}/blobs/uploads/", (202,))
            location = urllib.parse.urljoin(self.base + "/", session.headers["location"])
            separator = "&" if "?" in location else "?"
            self._call(
                "PUT",
                f"{location}{separator}{urllib.parse.urlencode({'digest': digest})}",
                (201,),
                headers={"Content-Type": "application/octet-stream"},
                data=data,
            )
        return Descriptor(media_type, digest, len(data))

    def attach(
        self, repository: str, subject: str, artifact_type: str, data: bytes, title: str
    ) -> str:
        """Push `data` as an artifact of `artifact_type` whose subject is the manifest `subject`;
        the artifact manifest's digest."""
        target = self.manifest(repository, subject)
        config = self.blob(repository, EMPTY, EMPTY_MEDIA_TYPE)
        layer = self.blob(repository, data, artifact_type)
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": artifact_type,
            "config": config.json(),
            "layers": [{**layer.json(), "annotations": {TITLE: title}}],
            "subject": target.json(),
        }
        body = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
        digest = digest_of(body)
        self._call(
            "PUT",
            f"/v2/{repository}/manifests/{digest}",
            (201,),
            headers={"Content-Type": OCI_MANIFEST},
            data=body,
        )
        return digest
