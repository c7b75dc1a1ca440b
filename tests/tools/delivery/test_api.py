"""api: the requests the Google and Bitbucket calls send, read back from recorded answers."""

from __future__ import annotations

import urllib.parse

import pytest

from pace_infra.tools.delivery.api import Google, ci_google
from pace_infra.tools.delivery.contract import Refusal, target
from tests.tools.delivery.fixtures import Recorded, answer, ci_routes, digest


def test_the_oidc_token_becomes_the_environments_ci_identity(monkeypatch):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "step-token")
    transport = Recorded(*ci_routes())
    google = ci_google(target("prod"), transport)
    sts, impersonate = transport.requests
    assert sts.form["subjectToken"] == "step-token"
    assert sts.form["audience"] == (
        "//iam.googleapis.com/projects/736185204479/locations/global/workloadIdentityPools/"
        "pace-prod-bitbucket/providers/bitbucket-pipelines"
    )
    assert impersonate.url == (
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
        "pace-prod-ci@pace-crm-prod.iam.gserviceaccount.com:generateAccessToken"
    )
    assert impersonate.token == "federated-token"
    assert google.token == "ci-access-token"


def test_no_oidc_token_is_refused(monkeypatch):
    monkeypatch.delenv("BITBUCKET_STEP_OIDC_TOKEN", raising=False)
    with pytest.raises(Refusal, match="oidc: true"):
        ci_google(target("dev"), Recorded())


def test_a_tags_digest_is_read_from_its_version():
    tag = answer("artifact_registry_tag", project="p", image="pace-web", tag="t", digest=digest(1))
    transport = Recorded(("GET", "artifactregistry", [tag]))
    assert Google(transport, "x").tag_digest(target("dev"), "pace-web", "t") == digest(1)
    assert transport.requests[0].url == (
        "https://artifactregistry.googleapis.com/v1/projects/pace-crm-dev/locations/"
        "europe-west2/repositories/pace-images/packages/pace-web/tags/t"
    )


def test_an_image_versions_attachments_are_listed_by_target_over_every_page():
    first = {"attachments": [{"name": "a1"}], "nextPageToken": "p2"}
    transport = Recorded(("GET", "/attachments?", [first, {"attachments": [{"name": "a2"}]}]))
    found = Google(transport, "x").attachments(target("prod"), "pace-web", digest(2))
    assert [a["name"] for a in found] == ["a1", "a2"]
    repository = "projects/pace-crm-prod/locations/europe-west2/repositories/pace-images"
    queries = [
        urllib.parse.parse_qs(urllib.parse.urlsplit(r.url).query) for r in transport.requests
    ]
    assert queries == [
        {"filter": [f'target="{repository}/packages/pace-web/versions/{digest(2)}"']},
        {
            "filter": [f'target="{repository}/packages/pace-web/versions/{digest(2)}"'],
            "pageToken": ["p2"],
        },
    ]
    assert transport.requests[0].url.startswith(
        f"https://artifactregistry.googleapis.com/v1/{repository}/attachments?"
    )
