"""The one door to Google's and Bitbucket's REST APIs: every call the delivery tools make.

A `Transport` sends one JSON request and returns the parsed answer (`send`), or one raw request
and returns status, headers and bytes (`exchange`: the registry's OCI distribution API, whose
bodies are blobs and whose answers are headers); `HttpTransport` is the real one (stdlib
urllib), tests pass recorded answers in the APIs' documented shapes. Nothing here
needs gcloud: the step's OIDC token is exchanged at STS and the CI service account impersonated
with two REST calls, as an external_account credential (tools/ci_credentials.py) would.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pace_infra.tools.delivery.contract import Refusal, Target

ARTIFACT_REGISTRY = "https://artifactregistry.googleapis.com/v1"
CONTAINER_ANALYSIS = "https://containeranalysis.googleapis.com/v1"
BINARY_AUTHORIZATION = "https://binaryauthorization.googleapis.com/v1"
KMS = "https://cloudkms.googleapis.com/v1"
STS = "https://sts.googleapis.com/v1/token"
IAM_CREDENTIALS = "https://iamcredentials.googleapis.com/v1"
BITBUCKET = "https://api.bitbucket.org/2.0"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    body: dict[str, Any] | None = None
    token: str | None = None
    form: dict[str, str] | None = field(default=None)  # STS takes a form, not JSON
    # Raw requests (`exchange`): headers of their own and a body of bytes.
    headers: Mapping[str, str] | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Response:
    """A raw answer: any status (the caller decides), header names in lower case."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


class ApiError(Exception):
    """An API answered with an error status."""


class Transport(Protocol):
    def send(self, request: Request) -> dict[str, Any]: ...

    def exchange(self, request: Request) -> Response: ...


class HttpTransport:
    """The real transport: one HTTPS request, JSON (or form) in, JSON out."""

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout

    def send(self, request: Request) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if request.form is not None:
            data = urllib.parse.urlencode(request.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif request.body is not None:
            data = json.dumps(request.body).encode()
            headers["Content-Type"] = "application/json"
        if request.token:
            headers["Authorization"] = f"Bearer {request.token}"
        req = urllib.request.Request(request.url, data, headers, method=request.method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise ApiError(f"{request.method} {request.url}: {error.code} {detail}") from error

    def exchange(self, request: Request) -> Response:
        headers = dict(request.headers or {})
        if request.token:
            headers["Authorization"] = f"Bearer {request.token}"
        req = urllib.request.Request(request.url, request.data, headers, method=request.method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                status, got, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, got, body = error.code, error.headers, error.read()
        return Response(status, {k.lower(): v for k, v in got.items()}, body)


def exchange_token(transport: Transport, target: Target, oidc_token: str) -> str:
    """The CI service account's access token for a Bitbucket step's OIDC token: STS exchange
    (https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token), then
    generateAccessToken (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken).
    Only the release branch's token may impersonate it (the federation's push_source binding)."""
    federated = transport.send(
        Request(
            "POST",
            STS,
            form={
                "audience": f"//iam.googleapis.com/{target.federation_provider}",
                "grantType": "urn:ietf:params:oauth:grant-type:token-exchange",
                "requestedTokenType": "urn:ietf:params:oauth:token-type:access_token",
                "scope": CLOUD_PLATFORM,
                "subjectTokenType": "urn:ietf:params:oauth:token-type:jwt",
                "subjectToken": oidc_token,
            },
        )
    )
    answer = transport.send(
        Request(
            "POST",
            f"{IAM_CREDENTIALS}/projects/-/serviceAccounts/{target.ci_service_account}"
            ":generateAccessToken",
            body={"scope": [CLOUD_PLATFORM], "lifetime": "3600s"},
            token=federated["access_token"],
        )
    )
    return answer["accessToken"]


class Google:
    """The Google calls of the delivery loop, each with the reference page of its answer."""

    def __init__(self, transport: Transport, token: str) -> None:
        self.transport, self.token = transport, token

    def _send(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.transport.send(Request(method, url, body, self.token))

    def tag_digest(self, target: Target, image: str, tag: str) -> str:
        """The digest a tag points at: projects.locations.repositories.packages.tags.get,
        whose `version` ends in `versions/sha256:...`."""
        name = f"{target.repository}/packages/{image}/tags/{tag}"
        return self._send("GET", f"{ARTIFACT_REGISTRY}/{name}")["version"].rsplit("/", 1)[1]

    def occurrences(self, project_id: str, filter_: str) -> Iterator[dict[str, Any]]:
        """projects.occurrences.list, every page."""
        page = ""
        while True:
            query = {"filter": filter_, "pageSize": "1000", **({"pageToken": page} if page else {})}
            url = f"{CONTAINER_ANALYSIS}/projects/{project_id}/occurrences?"
            answer = self._send("GET", url + urllib.parse.urlencode(query))
            yield from answer.get("occurrences", [])
            page = answer.get("nextPageToken", "")
            if not page:
                return

    def attachments(self, target: Target, image: str, digest: str) -> list[dict[str, Any]]:
        """projects.locations.repositories.attachments.list, filtered on the image version
        (`target` is one of the filter's fields); every page."""
        found, page = [], ""
        while True:
            query = {
                "filter": f'target="{target.version(image, digest)}"',
                **({"pageToken": page} if page else {}),
            }
            url = f"{ARTIFACT_REGISTRY}/{target.repository}/attachments?"
            answer = self._send("GET", url + urllib.parse.urlencode(query))
            found += answer.get("attachments", [])
            page = answer.get("nextPageToken", "")
            if not page:
                return found

    def attestor(self, name: str) -> dict[str, Any]:
        """projects.attestors.get (Binary Authorization)."""
        return self._send("GET", f"{BINARY_AUTHORIZATION}/{name}")

    def asymmetric_sign(self, key_version: str, sha256: bytes) -> bytes:
        """cryptoKeyVersions.asymmetricSign over a SHA-256 digest (EC_SIGN_P256_SHA256)."""
        body = {"digest": {"sha256": base64.b64encode(sha256).decode()}}
        answer = self._send("POST", f"{KMS}/{key_version}:asymmetricSign", body)
        return base64.b64decode(answer["signature"])

    def create_occurrence(self, project_id: str, occurrence: dict[str, Any]) -> dict[str, Any]:
        """projects.occurrences.create: an attestation is an occurrence of the attestor's note."""
        url = f"{CONTAINER_ANALYSIS}/projects/{project_id}/occurrences"
        return self._send("POST", url, occurrence)


def ci_google(target: Target, transport: Transport | None = None) -> Google:
    """Google as the environment's CI identity, from the step's OIDC token (`oidc: true`)."""
    oidc = os.environ.get("BITBUCKET_STEP_OIDC_TOKEN")
    if not oidc:
        raise Refusal("BITBUCKET_STEP_OIDC_TOKEN is not set: the step needs `oidc: true`")
    transport = transport or HttpTransport()
    return Google(transport, exchange_token(transport, target, oidc))


class Bitbucket:
    """Bitbucket Cloud's REST API, as a repository access token of the GitOps repository."""

    def __init__(self, transport: Transport, token: str) -> None:
        self.transport, self.token = transport, token

    def create_pull_request(
        self, repository: str, *, title: str, description: str, source: str, destination: str
    ) -> str:
        """POST /repositories/{workspace}/{repo_slug}/pullrequests; the PR's web address."""
        body = {
            "title": title,
            "description": description,
            "source": {"branch": {"name": source}},
            "destination": {"branch": {"name": destination}},
            "close_source_branch": True,
        }
        url = f"{BITBUCKET}/repositories/{repository}/pullrequests"
        answer = self.transport.send(Request("POST", url, body, self.token))
        return answer["links"]["html"]["href"]
