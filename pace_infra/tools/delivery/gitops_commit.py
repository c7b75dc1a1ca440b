"""`python -m pace_infra.tools.delivery.gitops_commit`: commit a release's digests to the first
environment's overlay of the GitOps repository, and push.

Only `<app>/overlays/dev/images/kustomization.yaml` changes. A push that loses a race (pace-web
and pace-ai release at once; they write different files) is rebased and retried a few times.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pace_infra.tools.delivery import overlay
from pace_infra.tools.delivery.contract import (
    FIRST_ENV,
    RELEASE_RECORD,
    Refusal,
    Target,
    images_file,
    overlay_dir,
    target,
)
from pace_infra.tools.delivery.gitrepo import GitError, commit, git, has_remote, require_clean
from pace_infra.tools.delivery.release import Release, load

PUSH_ATTEMPTS = 3


def pins(release: Release, env: Target) -> dict[str, overlay.Pin]:
    return {
        name: overlay.Pin(name, env.image(name), digest) for name, digest in release.images.items()
    }


def message(release: Release, env: str) -> str:
    images = ", ".join(f"{name}@{digest[:19]}" for name, digest in sorted(release.images.items()))
    built = f"Built from {release.app} commit {release.commit}."
    return f"{release.app}: {env} runs {images}\n\n{built}"


def commit_release(checkout: Path, release: Release, env: Target) -> bool:
    """Write the release's pins into the overlay's images file and commit; False if unchanged."""
    require_clean(checkout)
    if not (checkout / overlay_dir(release.app, env.env)).is_dir():
        raise Refusal(f"{checkout} has no {overlay_dir(release.app, env.env)}/ (platform-owned)")
    path = images_file(release.app, env.env)
    overlay.write(checkout / path, pins(release, env))
    return commit(checkout, [str(path)], message(release, env.env))


def push(checkout: Path, branch: str, attempts: int = PUSH_ATTEMPTS) -> None:
    """Push, rebasing onto what another pipeline pushed meanwhile."""
    for attempt in range(1, attempts + 1):
        try:
            git(checkout, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}")
            return
        except GitError:
            if attempt == attempts:
                raise
            git(checkout, "pull", "--quiet", "--rebase", "origin", branch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gitops_commit", description=__doc__)
    parser.add_argument("--gitops-dir", type=Path, required=True)
    parser.add_argument("--record", type=Path, default=Path(RELEASE_RECORD))
    parser.add_argument("--no-push", action="store_true", help="commit only")
    args = parser.parse_args(argv)
    try:
        release = load(args.record)
        env = target(FIRST_ENV)
        changed = commit_release(args.gitops_dir, release, env)
    except Refusal as refusal:
        print(f"gitops-commit: {refusal}", file=sys.stderr)
        return 2
    if not changed:
        print(f"gitops-commit: {FIRST_ENV} already runs these digests")
        return 0
    if not args.no_push and has_remote(args.gitops_dir):
        push(args.gitops_dir, env.gitops_revision)
    print(f"gitops-commit: {message(release, FIRST_ENV).splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
