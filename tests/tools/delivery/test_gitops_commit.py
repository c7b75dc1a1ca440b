"""gitops_commit: a release's digests land in the dev overlay's images file, and only there."""

from __future__ import annotations

import json

from pace_infra.tools.delivery import gitops_commit, overlay
from pace_infra.tools.delivery.contract import images_file
from pace_infra.tools.delivery.release import Release
from tests.tools.delivery.fixtures import digest, git, gitops_repo, pins_of

REGISTRY = "europe-west2-docker.pkg.dev/pace-crm-dev/pace-images"


def _record(tmp_path, app="pace-web", images=None):
    images = images or {"pace-web": digest("new-web")}
    path = tmp_path / "release.json"
    Release(app, "abc123", images).save(path)
    return path


def _run(tmp_path, checkout, record):
    return gitops_commit.main(["--gitops-dir", str(checkout), "--record", str(record)])


def test_the_dev_images_file_gets_exactly_the_new_digest_and_is_pushed(tmp_path):
    checkout = gitops_repo(tmp_path)
    before = git(checkout, "rev-parse", "HEAD")
    assert _run(tmp_path, checkout, _record(tmp_path)) == 0
    path = images_file("pace-web", "dev")
    pins = overlay.read(checkout / path)
    assert pins == {"pace-web": overlay.Pin("pace-web", f"{REGISTRY}/pace-web", digest("new-web"))}
    # One commit, one file; the remote's main has it.
    assert git(checkout, "diff", "--name-only", before, "HEAD").splitlines() == [str(path)]
    assert git(checkout, "rev-parse", "origin/main") == git(checkout, "rev-parse", "HEAD")
    subject = git(checkout, "log", "-1", "--format=%s")
    assert subject == f"pace-web: dev runs pace-web@{digest('new-web')[:19]}"


def test_pace_ai_writes_both_images_and_leaves_pace_web_alone(tmp_path):
    checkout = gitops_repo(tmp_path)
    images = {"pace-ai-backend": digest("b"), "pace-mcp-servers": digest("m")}
    assert _run(tmp_path, checkout, _record(tmp_path, "pace-ai", images)) == 0
    written = overlay.read(checkout / images_file("pace-ai", "dev"))
    assert {name: pin.digest for name, pin in written.items()} == images
    assert (
        overlay.read(checkout / images_file("pace-web", "dev"))
        == pins_of("dev", "dev-old")["pace-web"]
    )


def test_the_same_digests_again_make_no_commit(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    record = _record(tmp_path)
    assert _run(tmp_path, checkout, record) == 0
    head = git(checkout, "rev-parse", "HEAD")
    assert _run(tmp_path, checkout, record) == 0
    assert git(checkout, "rev-parse", "HEAD") == head
    assert "already runs" in capsys.readouterr().out


def test_a_push_that_lost_a_race_is_rebased_and_keeps_both_releases(tmp_path):
    checkout = gitops_repo(tmp_path)
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "gitops.git"), str(other))
    git(other, "config", "user.name", "Other")
    git(other, "config", "user.email", "other@example.com")
    ai = {"pace-ai-backend": digest("b2"), "pace-mcp-servers": digest("m2")}
    Release("pace-ai", "def456", ai).save(tmp_path / "ai.json")
    assert (
        gitops_commit.main(["--gitops-dir", str(other), "--record", str(tmp_path / "ai.json")]) == 0
    )
    assert _run(tmp_path, checkout, _record(tmp_path)) == 0
    git(checkout, "fetch", "--quiet")
    web = git(checkout, "show", f"origin/main:{images_file('pace-web', 'dev')}")
    ai_file = git(checkout, "show", f"origin/main:{images_file('pace-ai', 'dev')}")
    assert digest("new-web") in web and digest("b2") in ai_file


def test_refusals_exit_2_with_one_line(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    (checkout / "pace-web" / "base" / "deployment.yaml").write_text("edited\n")
    assert _run(tmp_path, checkout, _record(tmp_path)) == 2
    assert "uncommitted changes" in capsys.readouterr().err
    git(checkout, "checkout", "--", ".")
    assert _run(tmp_path, checkout, tmp_path / "missing.json") == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"app": "pace-ai", "images": {"pace-ai-backend": digest(1)}}))
    assert _run(tmp_path, checkout, bad) == 2
    short = _record(tmp_path, images={"pace-web": "sha256:abc"})
    assert _run(tmp_path, checkout, short) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and "not found" in err[0] and "pace-mcp-servers" in err[1]
    assert "is not a digest" in err[2]
