"""`make promote FROM=dev TO=staging GITOPS_DIR=<checkout>`: a pull request on the GitOps
repository that gives the next environment exactly the digests the lower one runs.

The lower environment's digests are read from its overlay at the branch its Argo CD follows
(gitops.revision), and by default only promoted when its Argo CD agrees that they run: every
Application Synced and Healthy, and its pods running exactly those digests
(argocd_status.py; read with kubectl from the lower environment's cluster, or from a file
given with --argocd-status). `--skip-sync-check REASON` is for emergencies: the reason goes
into the description. The branch `promote/<from>-to-<to>-<commit>` starts from the
target's branch and changes only the target's images files, each `newName` the target's own
registry (the digest is the same there: the release pipeline pushed it to every registry).
The description lists, per image, the old and the new digest. `--open-pr` pushes the branch
and opens the pull request through Bitbucket's API (BITBUCKET_TOKEN: a repository access token
of the GitOps repository with pull-request write).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pace_infra.config.schema_delivery import BITBUCKET_REPO
from pace_infra.tools.delivery import argocd_status, overlay
from pace_infra.tools.delivery.api import Bitbucket, HttpTransport, Transport
from pace_infra.tools.delivery.build_push import Runner, run
from pace_infra.tools.delivery.contract import (
    APPS,
    Refusal,
    Target,
    check_env,
    images_file,
    next_env,
    target,
)
from pace_infra.tools.delivery.gitrepo import (
    commit,
    config_value,
    git,
    require_clean,
    resolve,
    show,
)

Changes = dict[str, dict[str, tuple[str | None, str]]]  # app -> image -> (old, new digest)


def lower_pins(checkout: Path, source: Target, app: str, commit_: str) -> dict[str, overlay.Pin]:
    """The lower environment's pins of an app, refusing an image without a digest."""
    path = str(images_file(app, source.env))
    text = show(checkout, commit_, path)
    pins = overlay.parse(text, path) if text is not None else {}
    for image in APPS[app]:
        if image.name not in pins:
            raise Refusal(f"{path} has no digest for {image.name}: nothing to promote")
    return pins


def description(
    source: str, dest: str, changes: Changes, source_commit: str, skip_reason: str | None
) -> str:
    if skip_reason is None:
        checked = (
            f"Checked first: {source}'s Argo CD Applications are Synced and Healthy and their "
            "pods run exactly these digests."
        )
    else:
        checked = (
            f"**The check that {source} runs these digests was skipped** "
            f"(--skip-sync-check): {skip_reason}"
        )
    lines = [
        f"Promotes to **{dest}** exactly the digests **{source}** runs "
        f"(its overlays at {source_commit[:12]}).",
        "",
        checked,
        "",
        "| app | image | from | to |",
        "|---|---|---|---|",
    ]
    for app, images in changes.items():
        for image, (old, new) in images.items():
            lines.append(f"| {app} | {image} | `{old or '(none)'}` | `{new}` |")
    return "\n".join(lines) + "\n"


def check_order(source: Target, dest: Target) -> None:
    if next_env(source.env) != dest.env:
        raise Refusal(
            f"{source.env} promotes to {next_env(source.env)}, not {dest.env} "
            "(no environment is skipped)"
        )


def promote(
    checkout: Path,
    source: Target,
    dest: Target,
    *,
    applications: Mapping[str, Mapping[str, Any]] | None = None,
    skip_reason: str | None = None,
) -> tuple[str, str] | None:
    """Make the promotion branch; (branch, description), or None when there is nothing to do.
    The lower environment's Argo CD `applications` must show the digests running, unless a
    `skip_reason` is given. The checkout is left on the branch it was on."""
    if (applications is None) == (skip_reason is None):
        raise ValueError("either the lower environment's Applications or a reason to skip")
    check_order(source, dest)
    require_clean(checkout)
    if dest.signature_key_ids and config_value(checkout, "commit.gpgsign") != "true":
        # Argo CD syncs only signed commits there: an unsigned promotion would never deploy.
        raise Refusal(
            f"{dest.env} requires signed GitOps commits (gitops.signature_keys): "
            "set git config commit.gpgsign true with one of its keys"
        )
    source_commit = resolve(checkout, source.gitops_revision)
    base = resolve(checkout, dest.gitops_revision)
    lower = {app: lower_pins(checkout, source, app, source_commit) for app in APPS}
    if applications is not None:
        argocd_status.check(source, lower, applications)
    changes: Changes = {}
    updates: dict[str, dict[str, overlay.Pin]] = {}
    for app in APPS:
        new = lower[app]
        path = str(images_file(app, dest.env))
        old_text = show(checkout, base, path)
        old = overlay.parse(old_text, path) if old_text is not None else {}
        pins = {
            image.name: overlay.Pin(image.name, dest.image(image.name), new[image.name].digest)
            for image in APPS[app]
        }
        moved = {
            name: (old[name].digest if name in old else None, pin.digest)
            for name, pin in pins.items()
            if name not in old or old[name] != pin
        }
        if moved:
            changes[app], updates[app] = moved, pins
    if not changes:
        return None
    branch = f"promote/{source.env}-to-{dest.env}-{source_commit[:12]}"
    # Back to where the person was afterwards (a detached HEAD by its commit).
    previous = git(checkout, "rev-parse", "--abbrev-ref", "HEAD")
    previous = git(checkout, "rev-parse", "HEAD") if previous == "HEAD" else previous
    git(checkout, "checkout", "--quiet", "-B", branch, base)
    try:
        for app, pins in updates.items():
            overlay.write(checkout / images_file(app, dest.env), pins)
        text = description(source.env, dest.env, changes, source_commit, skip_reason)
        paths = [str(images_file(app, dest.env)) for app in updates]
        commit(checkout, paths, f"Promote {source.env} -> {dest.env}\n\n{text}")
    finally:
        git(checkout, "checkout", "--quiet", previous)
    return branch, text


def open_pull_request(
    checkout: Path, branch: str, text: str, source: Target, dest: Target, transport: Transport
) -> str:
    token = os.environ.get("BITBUCKET_TOKEN")
    if not token:
        raise Refusal("--open-pr needs BITBUCKET_TOKEN (GitOps repository access token)")
    match = BITBUCKET_REPO.match(dest.gitops_repo_url)
    if not match:
        raise Refusal(f"{dest.gitops_repo_url} is not a Bitbucket repository")
    repository = dest.gitops_repo_url.removeprefix("https://bitbucket.org/").removesuffix(".git")
    git(checkout, "push", "--quiet", "origin", f"refs/heads/{branch}:refs/heads/{branch}")
    return Bitbucket(transport, token).create_pull_request(
        repository,
        title=f"Promote {source.env} -> {dest.env}",
        description=text,
        source=branch,
        destination=dest.gitops_revision,
    )


def main(
    argv: list[str] | None = None, transport: Transport | None = None, runner: Runner = run
) -> int:
    parser = argparse.ArgumentParser(prog="promote", description=__doc__)
    parser.add_argument("--from", dest="source", required=True)
    parser.add_argument("--to", dest="dest", required=True)
    parser.add_argument("--gitops-dir", type=Path, required=True)
    parser.add_argument("--open-pr", action="store_true")
    parser.add_argument(
        "--argocd-status",
        type=Path,
        help="the lower environment's `kubectl get applications.argoproj.io -n argocd -o json`, "
        "saved (default: read it from its cluster)",
    )
    parser.add_argument(
        "--kube-context",
        help="kubectl context of the lower environment's cluster "
        "(default: the one `gcloud container clusters get-credentials` names)",
    )
    parser.add_argument(
        "--skip-sync-check",
        metavar="REASON",
        help="emergencies only: promote without checking the lower environment's Argo CD; the "
        "reason is written into the pull request",
    )
    args = parser.parse_args(argv)
    try:
        check_env(args.source)
        check_env(args.dest)
        source, dest = target(args.source), target(args.dest)
        check_order(source, dest)  # before reading a cluster
        applications, skip = None, args.skip_sync_check
        if skip is not None:
            if not skip.strip():
                raise Refusal("--skip-sync-check needs a reason (it goes into the description)")
            print(f"promote: NOT checking {source.env}'s Argo CD: {skip}", file=sys.stderr)
        else:
            applications = argocd_status.read(source, args.argocd_status, runner, args.kube_context)
        made = promote(args.gitops_dir, source, dest, applications=applications, skip_reason=skip)
        if made is None:
            print(f"promote: {dest.env} already runs every digest {source.env} runs")
            return 0
        branch, text = made
        print(f"promote: branch {branch}\n\n{text}")
        if args.open_pr:
            url = open_pull_request(
                args.gitops_dir, branch, text, source, dest, transport or HttpTransport()
            )
            print(f"promote: pull request {url}")
    except Refusal as refusal:
        print(f"promote: {refusal}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
