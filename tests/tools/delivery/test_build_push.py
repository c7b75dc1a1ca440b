"""build_push: tests then build; on the release branch, push to every registry and record the
one digest Artifact Registry reports. docker is the recorded boundary here (`Docker`), as the
APIs are: it answers what `docker push` prints."""

from __future__ import annotations

import json

from pace_infra.tools.delivery import build_push
from pace_infra.tools.delivery.contract import PROMOTION_ORDER
from tests.tools.delivery.fixtures import Recorded, answer, ci_routes, digest

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Docker:
    """Records each docker command; `docker push` prints the digest of `pushed`."""

    def __init__(self, pushed):
        self.pushed, self.commands = pushed, []

    def __call__(self, argv, stdin):
        self.commands.append((argv, stdin))
        if argv[:2] == ["docker", "push"]:
            name = argv[2].rsplit("/", 1)[1].split(":")[0]
            return f"{COMMIT}: digest: {self.pushed(argv[2], name)} size: 2204\n"
        return ""


def _registry(reports):
    """Artifact Registry's tag answers: reports(project, image) -> digest."""

    class Tags(Recorded):
        def send(self, request):
            if "artifactregistry" not in request.url:
                return super().send(request)
            self.requests.append(request)
            project = request.url.split("/projects/")[1].split("/")[0]
            image = request.url.split("/packages/")[1].split("/")[0]
            return answer(
                "artifact_registry_tag",
                project=project,
                image=image,
                tag=COMMIT,
                digest=reports(project, image),
            )

    return Tags(*ci_routes())


def _env(monkeypatch, branch="main"):
    monkeypatch.setenv("BITBUCKET_STEP_OIDC_TOKEN", "oidc")
    monkeypatch.setenv("BITBUCKET_COMMIT", COMMIT)
    monkeypatch.setenv("BITBUCKET_BRANCH", branch)


def test_a_pull_request_runs_the_tests_and_builds_without_pushing(monkeypatch, tmp_path):
    _env(monkeypatch, branch="feature/x")
    docker = Docker(lambda ref, name: digest(name))
    record = tmp_path / "release.json"
    argv = ["--app", "pace-ai", "--record", str(record)]
    assert build_push.main(argv, docker, Recorded()) == 0
    assert [argv for argv, _ in docker.commands] == [
        ["docker", "build", "--target", "test", "-f", "backend/Dockerfile", "backend"],
        [
            "docker",
            "build",
            "-t",
            f"pace-ai-backend:{COMMIT}",
            "-f",
            "backend/Dockerfile",
            "backend",
        ],
        ["docker", "build", "--target", "test", "-f", "mcp-servers/Dockerfile", "mcp-servers"],
        [
            "docker",
            "build",
            "-t",
            f"pace-mcp-servers:{COMMIT}",
            "-f",
            "mcp-servers/Dockerfile",
            "mcp-servers",
        ],
    ]
    assert not record.exists()


def test_main_pushes_to_every_registry_as_each_ci_identity_and_records_the_digest(
    monkeypatch, tmp_path
):
    _env(monkeypatch)
    docker = Docker(lambda ref, name: digest(name))
    transport = _registry(lambda project, image: digest(image))
    record = tmp_path / "release.json"
    assert (
        build_push.main(["--app", "pace-web", "--push", "--record", str(record)], docker, transport)
        == 0
    )
    pushes = [argv[2] for argv, _ in docker.commands if argv[1] == "push"]
    assert pushes == [
        f"europe-west2-docker.pkg.dev/pace-crm-{env}/pace-images/pace-web:{COMMIT}"
        for env in PROMOTION_ORDER
    ]
    logins = [(argv[-1], stdin) for argv, stdin in docker.commands if argv[1] == "login"]
    assert logins == [("https://europe-west2-docker.pkg.dev", "ci-access-token")] * 3
    impersonated = [r.url for r in transport.requests if "generateAccessToken" in r.url]
    assert [url.split("serviceAccounts/")[1].split(":")[0] for url in impersonated] == [
        f"pace-{env}-ci@pace-crm-{env}.iam.gserviceaccount.com" for env in PROMOTION_ORDER
    ]
    assert json.loads(record.read_text()) == {
        "app": "pace-web",
        "commit": COMMIT,
        "images": {"pace-web": digest("pace-web")},
    }


def test_a_registry_that_reports_another_digest_fails_the_step(monkeypatch, tmp_path):
    _env(monkeypatch)
    docker = Docker(lambda ref, name: digest("prod" if "prod" in ref else name))
    transport = _registry(lambda project, image: digest("prod" if "prod" in project else image))
    record = tmp_path / "release.json"
    try:
        build_push.main(["--app", "pace-web", "--push", "--record", str(record)], docker, transport)
    except RuntimeError as error:
        assert "in the registries before" in str(error)
    else:
        raise AssertionError("different digests per registry were recorded")
    assert not record.exists()


def test_push_is_refused_off_the_release_branch(monkeypatch, capsys):
    _env(monkeypatch, branch="feature/x")
    docker = Docker(lambda ref, name: digest(name))
    assert build_push.main(["--app", "pace-web", "--push"], docker, Recorded()) == 2
    assert "pushed from main only, not 'feature/x'" in capsys.readouterr().err
    assert docker.commands == []


def test_an_unknown_app_is_refused(monkeypatch, capsys):
    _env(monkeypatch)
    assert build_push.main(["--app", "pace-crm"], Docker(None), Recorded()) == 2
    assert "unknown application 'pace-crm'" in capsys.readouterr().err
