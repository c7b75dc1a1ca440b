"""sbom: a pinned syft generates each image's SBOM once; each environment's registry gets it as
an attachment of the image, through the CI identity's push grant only."""

from __future__ import annotations

import json
import stat
import urllib.parse

from pace_infra.tools.delivery import sbom
from pace_infra.tools.delivery.api import Response
from pace_infra.tools.delivery.oci import digest_of
from tests.tools.delivery.fixtures import Recorded, answer, ci_routes, digest, release_record

IMAGES = {"pace-ai-backend": digest("b"), "pace-mcp-servers": digest("m")}
BUILD_INFO = (
    "{path}: go1.26.8\n\tpath\tgithub.com/anchore/syft/cmd/syft\n"
    "\tmod\tgithub.com/anchore/syft\t{version}\th1:lrbWhc8hbZJSKekMdB3PKetO0upE+lv9ihUfv9CXgfU=\n"
)


def _spdx(image: str, digest_: str) -> str:
    recorded = answer("syft_spdx", image=image, digest=digest_, digest_hex=digest_[7:])
    return json.dumps(recorded, indent=1)


def _syft(tmp_path):
    path = tmp_path / "bin" / "syft"
    path.parent.mkdir()
    path.write_text("")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Syft:
    """Runs `go version -m` and `syft scan` as recorded: the scan writes syft's recorded SPDX
    output of the image it was asked for (or `describe`, a digest to lie about)."""

    def __init__(self, version=sbom.SYFT_VERSION, describe=None):
        self.version, self.describe, self.calls = version, describe, []

    def __call__(self, argv, extra_env):
        self.calls.append((argv, extra_env))
        if argv[:3] == ["go", "version", "-m"]:
            return BUILD_INFO.format(path=argv[3], version=self.version)
        reference = argv[2].removeprefix("registry:")
        image, digest_ = reference.rsplit("/", 1)[1].split("@")
        out = argv[argv.index("--output") + 1].removeprefix("spdx-json=")
        with open(out, "w") as file:
            file.write(_spdx(image, self.describe or digest_))
        return ""


def test_generate_scans_each_image_in_devs_registry_by_digest_with_the_pinned_syft(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record, syft, command = release_record(tmp_path, "pace-ai", **IMAGES), _syft(tmp_path), Syft()
    argv = ["generate", "--record", str(record), "--syft", str(syft)]
    assert sbom.main(argv, Recorded(*ci_routes()), command) == 0
    (version, *scans) = command.calls
    assert version == (["go", "version", "-m", str(syft)], {})
    registry = "europe-west2-docker.pkg.dev/pace-crm-dev/pace-images"
    assert [argv for argv, _ in scans] == [
        [
            str(syft),
            "scan",
            f"registry:{registry}/{name}@{IMAGES[name]}",
            "--output",
            f"spdx-json={tmp_path / 'sbom' / name}.spdx.json",
            "--quiet",
        ]
        for name in sorted(IMAGES)
    ]
    # The registry credential is dev's CI identity's token, for dev's registry host only.
    for _, env in scans:
        assert env["SYFT_REGISTRY_AUTH_AUTHORITY"] == "europe-west2-docker.pkg.dev"
        assert env["SYFT_REGISTRY_AUTH_USERNAME"] == "oauth2accesstoken"
        assert env["SYFT_REGISTRY_AUTH_PASSWORD"] == "ci-access-token"
    for name, image_digest in IMAGES.items():
        written = json.loads((tmp_path / "sbom" / f"{name}.spdx.json").read_text())
        assert sbom.describes(written, image_digest)
    assert "ci-access-token" not in capsys.readouterr().out


def test_generate_refuses_another_syft_version(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record, syft = release_record(tmp_path, "pace-ai", **IMAGES), _syft(tmp_path)
    argv = ["generate", "--record", str(record), "--syft", str(syft)]
    command = Syft(version="v1.18.1")
    assert sbom.main(argv, Recorded(*ci_routes()), command) == 2
    assert f"is not github.com/anchore/syft {sbom.SYFT_VERSION}" in capsys.readouterr().err
    assert len(command.calls) == 1  # nothing scanned


def test_generate_refuses_an_sbom_of_another_digest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record, syft = release_record(tmp_path, "pace-ai", **IMAGES), _syft(tmp_path)
    argv = ["generate", "--record", str(record), "--syft", str(syft)]
    assert sbom.main(argv, Recorded(*ci_routes()), Syft(describe=digest("other"))) == 2
    assert f"does not describe {IMAGES['pace-ai-backend']}" in capsys.readouterr().err


UPLOAD = "/v2/pace-crm-staging/pace-images/pace-ai-backend/blobs/uploads/session-1?_state=s1"


def _registry_routes(manifest_type="application/vnd.docker.distribution.manifest.v2+json"):
    """The registry's answers, as the OCI distribution spec (v1.1) defines them: the subject's
    manifest is there (HEAD 200 with its type, size and digest), no blob is yet (HEAD 404),
    an upload session opens (202, Location relative to the host), bytes and manifest land
    (201)."""
    subject = Response(
        200,
        {
            "content-type": manifest_type,
            "content-length": "1574",
            "docker-content-digest": "{digest}",
        },
    )
    return [
        ("HEAD", "/manifests/", [subject]),
        ("HEAD", "/blobs/", [Response(404)]),
        ("POST", "/blobs/uploads/", [Response(202, {"location": UPLOAD})]),
        ("PUT", "/blobs/uploads/session-1", [Response(201)]),
        ("PUT", "/manifests/", [Response(201, {"oci-subject": "{digest}"})]),
    ]


class AttachRoutes(Recorded):
    """The registry routes with each HEAD's digest answered for the image asked about."""

    def exchange(self, request):
        answer = super().exchange(request)
        subject = request.url.rsplit("/manifests/", 1)[-1]
        headers = {k: v.replace("{digest}", subject) for k, v in answer.headers.items()}
        return Response(answer.status, headers, answer.body)


def _sboms(tmp_path):
    (tmp_path / "sbom").mkdir(exist_ok=True)
    for name, image_digest in IMAGES.items():
        (tmp_path / "sbom" / f"{name}.spdx.json").write_text(_spdx(name, image_digest))


def _listed(project, name, image_digest, artifact):
    return answer(
        "artifact_registry_attachments",
        project=project,
        image=name,
        digest=image_digest,
        artifact=artifact,
        artifact_hex=artifact[7:],
        attachment=f"sbom-{name}",
    )


def test_attach_pushes_each_sbom_as_an_artifact_of_the_image_and_records_it(tmp_path, monkeypatch):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record = release_record(tmp_path, "pace-ai", **IMAGES)
    _sboms(tmp_path)
    # The artifact manifests the step will push (deterministic: computed the same way).
    pushed = {}
    transport = AttachRoutes(*ci_routes(), *_registry_routes())
    original = transport.exchange

    def exchange(request):
        if request.method == "PUT" and "/manifests/" in request.url:
            manifest = json.loads(request.data)
            pushed[manifest["subject"]["digest"]] = (request, manifest)
        return original(request)

    transport.exchange = exchange
    lists = []

    def send(request):
        if "/attachments?" in request.url:
            lists.append(request)
            (name,) = [n for n in IMAGES if f"/packages/{n}/" in urllib.parse.unquote(request.url)]
            (put, _) = pushed[IMAGES[name]]
            artifact = put.url.rsplit("/", 1)[1]
            return _listed("pace-crm-staging", name, IMAGES[name], artifact)
        return Recorded.send(transport, request)

    transport.send = send
    assert sbom.main(["attach", "--env", "staging", "--record", str(record)], transport) == 0

    registry = "https://europe-west2-docker.pkg.dev/v2/pace-crm-staging/pace-images"
    for name, image_digest in IMAGES.items():
        put, manifest = pushed[image_digest]
        data = (tmp_path / "sbom" / f"{name}.spdx.json").read_bytes()
        assert put.url.startswith(f"{registry}/{name}/manifests/sha256:")
        assert put.url.rsplit("/", 1)[1] == digest_of(put.data)  # pushed by its own digest
        assert put.headers["Content-Type"] == "application/vnd.oci.image.manifest.v1+json"
        assert manifest["artifactType"] == "application/spdx+json"
        assert manifest["subject"] == {
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "digest": image_digest,
            "size": 1574,
        }
        assert manifest["config"] == {
            "mediaType": "application/vnd.oci.empty.v1+json",
            "digest": digest_of(b"{}"),
            "size": 2,
        }
        (layer,) = manifest["layers"]
        assert layer["digest"] == digest_of(data) and layer["size"] == len(data)
        assert layer["annotations"] == {"org.opencontainers.image.title": f"{name}.spdx.json"}
    # Every registry call as staging's CI identity, against staging's registry only.
    raw = [r for r in transport.requests if "docker.pkg.dev" in r.url]
    assert raw and all(r.token == "ci-access-token" for r in raw)
    assert all(r.url.startswith(registry) for r in raw)
    # The SBOM bytes themselves were uploaded, to the session's Location, with their digest.
    uploads = [r for r in raw if r.method == "PUT" and "/blobs/uploads/" in r.url]
    assert {r.data for r in uploads} >= {
        (tmp_path / "sbom" / f"{n}.spdx.json").read_bytes() for n in IMAGES
    }
    assert all(
        r.url.startswith(f"https://europe-west2-docker.pkg.dev{UPLOAD}&digest=")
        and r.url.endswith(urllib.parse.quote(digest_of(r.data)))
        and r.headers["Content-Type"] == "application/octet-stream"
        for r in uploads
    )
    # Artifact Registry's list is filtered on each image version.
    assert [urllib.parse.parse_qs(urllib.parse.urlsplit(r.url).query)["filter"] for r in lists] == [
        [
            'target="projects/pace-crm-staging/locations/europe-west2/repositories/pace-images/'
            f'packages/{name}/versions/{IMAGES[name]}"'
        ]
        for name in sorted(IMAGES)
    ]
    written = json.loads((tmp_path / "sbom-staging.json").read_text())
    assert written == {
        f"europe-west2-docker.pkg.dev/pace-crm-staging/pace-images/{name}@{d}": (
            "projects/pace-crm-staging/locations/europe-west2/repositories/pace-images/"
            f"attachments/sbom-{name}"
        )
        for name, d in IMAGES.items()
    }


def test_attach_fails_when_the_registry_lists_no_such_attachment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record = release_record(tmp_path, "pace-ai", **IMAGES)
    _sboms(tmp_path)
    other = _listed("pace-crm-dev", "pace-ai-backend", IMAGES["pace-ai-backend"], digest("x"))
    transport = AttachRoutes(*ci_routes(), *_registry_routes(), ("GET", "/attachments?", [other]))
    assert sbom.main(["attach", "--env", "dev", "--record", str(record)], transport) == 1
    assert "no attachment sha256:" in capsys.readouterr().err
    assert not (tmp_path / "sbom-dev.json").exists()


def test_attach_refuses_a_missing_sbom(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    record = release_record(tmp_path, "pace-ai", **IMAGES)
    assert (
        sbom.main(["attach", "--env", "dev", "--record", str(record)], Recorded(*ci_routes())) == 2
    )
    assert "the build step generates it" in capsys.readouterr().err


def test_a_missing_release_record_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    argv = ["attach", "--env", "dev", "--record", str(tmp_path / "none.json")]
    assert sbom.main(argv, Recorded()) == 2
    assert "build step records it" in capsys.readouterr().err
