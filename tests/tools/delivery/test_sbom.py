"""sbom: Artifact Analysis exports the SBOM of each released image, recorded per environment."""

from __future__ import annotations

import json
import urllib.parse

from pace_infra.tools.delivery import sbom
from tests.tools.delivery.fixtures import Recorded, answer, ci_routes, digest, release_record


def test_each_image_has_its_sbom_exported_and_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record = release_record(
        tmp_path, "pace-ai", **{"pace-ai-backend": digest("b"), "pace-mcp-servers": digest("m")}
    )
    exported = [answer("export_sbom", project="pace-crm-dev", occurrence=n) for n in ("s1", "s2")]
    transport = Recorded(*ci_routes(), ("POST", ":exportSBOM", exported))
    assert sbom.main(["--env", "dev", "--record", str(record)], transport) == 0
    calls = [r for r in transport.requests if r.url.endswith(":exportSBOM")]
    registry = "https://europe-west2-docker.pkg.dev/pace-crm-dev/pace-images"
    uris = [
        f"{registry}/pace-ai-backend@{digest('b')}",
        f"{registry}/pace-mcp-servers@{digest('m')}",
    ]
    assert [r.url for r in calls] == [
        "https://containeranalysis.googleapis.com/v1/projects/pace-crm-dev/resources/"
        f"{urllib.parse.quote(uri, safe='')}:exportSBOM"
        for uri in uris
    ]
    assert all(r.token == "ci-access-token" for r in calls)
    written = json.loads((tmp_path / "sbom-dev.json").read_text())
    assert written == {
        uris[0]: "projects/pace-crm-dev/occurrences/s1",
        uris[1]: "projects/pace-crm-dev/occurrences/s2",
    }


def test_a_missing_release_record_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    assert sbom.main(["--env", "dev", "--record", str(tmp_path / "none.json")], Recorded()) == 2
    assert "build step records it" in capsys.readouterr().err
