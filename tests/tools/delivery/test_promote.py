"""promote: a branch giving the next environment exactly the lower one's digests."""

from __future__ import annotations

import json

import pytest

from pace_infra.tools.delivery import overlay, promote
from pace_infra.tools.delivery.contract import APPS, images_file
from tests.tools.delivery.fixtures import (
    Recorded,
    answer,
    argocd_applications,
    git,
    gitops_repo,
    pins_of,
)


def _run(checkout, source, dest, *extra, transport=None, status=None):
    """Promote, the lower environment's Argo CD (recorded) running what its overlay says."""
    path = checkout.parent / "argocd-status.json"
    path.write_text(json.dumps(status or argocd_applications(source, f"{source}-old")))
    argv = ["--from", source, "--to", dest, "--gitops-dir", str(checkout), *extra]
    return promote.main([*argv, "--argocd-status", str(path)], transport)


def _branch(checkout):
    return git(checkout, "branch", "--list", "promote/*", "--format=%(refname:short)")


def _pins(checkout, ref, app, env):
    path = str(images_file(app, env))
    return overlay.parse(git(checkout, "show", f"{ref}:{path}"), path)


def test_dev_to_staging_copies_exactly_dev_digests_and_nothing_else(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    assert _run(checkout, "dev", "staging") == 0
    branch = _branch(checkout)
    assert branch.startswith("promote/dev-to-staging-")
    dev, staging = pins_of("dev", "dev-old"), pins_of("staging", "staging-old")
    for app, images in APPS.items():
        promoted = _pins(checkout, branch, app, "staging")
        for image in images:
            assert promoted[image.name].digest == dev[app][image.name].digest
            # The same digest, from staging's own registry (admission admits only that one).
            assert promoted[image.name].new_name == staging[app][image.name].new_name
    changed = git(checkout, "diff", "--name-only", "main", branch).splitlines()
    assert sorted(changed) == sorted(str(images_file(app, "staging")) for app in APPS)
    # The description: every image, old -> new; the person's checkout is as it was.
    out = capsys.readouterr().out
    for app in APPS:
        for image in APPS[app]:
            old, new = staging[app][image.name].digest, dev[app][image.name].digest
            assert f"| {app} | {image.name} | `{old}` | `{new}` |" in out
    assert git(checkout, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(checkout, "status", "--porcelain") == ""


def test_staging_to_prod_starts_from_the_branch_prod_follows(tmp_path):
    checkout = gitops_repo(tmp_path)
    assert _run(checkout, "staging", "prod") == 0
    branch = _branch(checkout)
    assert git(checkout, "merge-base", branch, "production") == git(
        checkout, "rev-parse", "production"
    )
    promoted = _pins(checkout, branch, "pace-web", "prod")
    assert (
        promoted["pace-web"].digest
        == pins_of("staging", "staging-old")["pace-web"]["pace-web"].digest
    )


def test_nothing_to_promote_makes_no_branch(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    assert _run(checkout, "dev", "staging") == 0
    branch = _branch(checkout)
    git(checkout, "merge", "--quiet", "--ff-only", branch)
    git(checkout, "push", "--quiet", "origin", "main")  # the promotion PR merged
    git(checkout, "branch", "-D", branch)
    assert _run(checkout, "dev", "staging") == 0
    assert _branch(checkout) == ""
    assert "already runs every digest" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("source", "dest", "message"),
    [
        ("dev", "prod", "dev promotes to staging, not prod"),
        ("staging", "dev", "staging promotes to prod, not dev"),
        ("qa", "staging", "unknown environment 'qa'"),
        ("prod", "staging", "prod is the last environment"),
    ],
)
def test_bad_promotions_are_refused(tmp_path, capsys, source, dest, message):
    checkout = gitops_repo(tmp_path)
    assert _run(checkout, source, dest) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert _branch(checkout) == ""


def test_a_dirty_checkout_or_a_missing_digest_is_refused(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    path = checkout / images_file("pace-ai", "dev")
    path.write_text(overlay.render({}))
    assert _run(checkout, "dev", "staging") == 2
    assert "uncommitted changes" in capsys.readouterr().err
    git(checkout, "commit", "--quiet", "-am", "drop pace-ai's digests")
    git(checkout, "push", "--quiet", "origin", "main")
    assert _run(checkout, "dev", "staging") == 2
    assert "no digest for pace-ai-backend" in capsys.readouterr().err
    assert _branch(checkout) == ""


def test_open_pr_pushes_the_branch_and_opens_it_against_prods_branch(tmp_path, monkeypatch):
    checkout = gitops_repo(tmp_path)
    monkeypatch.setenv("BITBUCKET_TOKEN", "token")
    recorded = answer("bitbucket_pullrequest", title="t", source="s", destination="production")
    transport = Recorded(("POST", "/pullrequests", [recorded]))
    assert _run(checkout, "staging", "prod", "--open-pr", transport=transport) == 0
    (request,) = transport.requests
    branch = _branch(checkout)
    assert request.url == (
        "https://api.bitbucket.org/2.0/repositories/pace-crm/pace-gitops/pullrequests"
    )
    assert request.body["source"] == {"branch": {"name": branch}}
    assert request.body["destination"] == {"branch": {"name": "production"}}
    assert "| pace-web | pace-web |" in request.body["description"]
    assert request.token == "token"
    assert git(checkout, "ls-remote", "origin", branch)


def test_open_pr_without_a_token_is_refused(tmp_path, monkeypatch, capsys):
    checkout = gitops_repo(tmp_path)
    monkeypatch.delenv("BITBUCKET_TOKEN", raising=False)
    assert _run(checkout, "dev", "staging", "--open-pr", transport=Recorded()) == 2
    assert "BITBUCKET_TOKEN" in capsys.readouterr().err


def test_a_target_that_requires_signatures_refuses_an_unsigned_promotion(tmp_path):
    from dataclasses import replace

    from pace_infra.tools.delivery.contract import Refusal, target

    checkout = gitops_repo(tmp_path)
    prod = replace(target("prod"), signature_key_ids=("4AEE18F83AFDEB23",))
    with pytest.raises(Refusal, match="prod requires signed GitOps commits"):
        promote.promote(checkout, target("staging"), prod, applications={})
    assert _branch(checkout) == ""


# The lower environment's Argo CD must show the digests running (argo-cd v3.1.8's Application
# status: sync.status, health.status, summary.images); each refusal is one line, and no branch.
REFUSED_STATUS = {
    "OutOfSync": (
        {"web_sync": "OutOfSync"},
        "dev: Application pace-web is OutOfSync, not Synced",
    ),
    "Degraded": (
        {"ai_health": "Degraded"},
        "dev: Application pace-ai is Degraded, not Healthy",
    ),
    "Progressing": (
        {"web_health": "Progressing"},
        "dev: Application pace-web is Progressing, not Healthy",
    ),
    "a digest not running": (
        {"seed": "dev-other"},
        "dev: no pod of pace-web runs pace-web@",
    ),
    "a missing Application": (
        {"drop": "pace-ai"},
        "dev's Argo CD has no Application pace-ai",
    ),
    "an unfinished roll-out": (
        {"extra": (f"europe-west2-docker.pkg.dev/pace-crm-dev/pace-images/pace-web@{'0' * 71}",)},
        "dev: pods of pace-web still run pace-web@",
    ),
}


@pytest.mark.parametrize(("change", "message"), REFUSED_STATUS.values(), ids=REFUSED_STATUS)
def test_promotion_is_refused_unless_the_lower_argocd_runs_the_digests(
    tmp_path, capsys, change, message
):
    checkout = gitops_repo(tmp_path)
    change = dict(change)
    status = argocd_applications("dev", change.pop("seed", "dev-old"), **change)
    assert _run(checkout, "dev", "staging", status=status) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1, err
    assert _branch(checkout) == ""


def test_the_description_says_the_sync_check_passed(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    assert _run(checkout, "dev", "staging") == 0
    assert "Argo CD Applications are Synced and Healthy" in capsys.readouterr().out


def test_skipping_the_check_needs_a_reason_and_writes_it_into_the_description(tmp_path, capsys):
    checkout = gitops_repo(tmp_path)
    argv = ["--from", "dev", "--to", "staging", "--gitops-dir", str(checkout)]
    assert promote.main([*argv, "--skip-sync-check", " "], runner=_no_kubectl) == 2
    assert "--skip-sync-check needs a reason" in capsys.readouterr().err
    reason = "dev cluster down (INC-42); hotfix verified in staging by hand"
    assert promote.main([*argv, "--skip-sync-check", reason], runner=_no_kubectl) == 0
    out = capsys.readouterr()
    assert f"(--skip-sync-check): {reason}" in out.out
    assert "NOT checking dev's Argo CD" in out.err
    message = git(checkout, "log", "-1", "--format=%B", _branch(checkout))
    assert reason in message


def _no_kubectl(argv, stdin):
    raise AssertionError(f"ran {argv}")


def test_by_default_the_status_is_read_from_the_lower_cluster_by_its_own_context(tmp_path):
    checkout = gitops_repo(tmp_path)
    ran = []

    def kubectl(argv, stdin):
        ran.append(argv)
        return json.dumps(argocd_applications("staging", "staging-old"))

    argv = ["--from", "staging", "--to", "prod", "--gitops-dir", str(checkout)]
    assert promote.main(argv, runner=kubectl) == 0
    assert ran == [
        [
            "kubectl",
            "--context",
            "gke_pace-crm-staging_europe-west2_pace-staging-gke",
            "get",
            "applications.argoproj.io",
            "--namespace",
            "argocd",
            "--output",
            "json",
        ]
    ]
    assert _branch(checkout).startswith("promote/staging-to-prod-")


def test_dev_context_names_its_zone_and_a_failing_kubectl_is_one_line(tmp_path, capsys):
    import subprocess

    checkout = gitops_repo(tmp_path)

    def kubectl(argv, stdin):
        assert argv[1:3] == ["--context", "gke_pace-crm-dev_europe-west2-a_pace-dev-gke"]
        raise subprocess.CalledProcessError(1, argv[:2], "", "Unable to connect to the server")

    argv = ["--from", "dev", "--to", "staging", "--gitops-dir", str(checkout)]
    assert promote.main(argv, runner=kubectl) == 2
    err = capsys.readouterr().err
    assert "cannot read dev's Argo CD Applications" in err and len(err.splitlines()) == 1
    assert _branch(checkout) == ""
