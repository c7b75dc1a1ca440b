"""The few git operations the GitOps commit and promotion need, on a real checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pace_infra.tools.delivery.contract import Refusal


class GitError(Exception):
    """git failed for a reason other than bad input (network, conflict)."""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def require_clean(repo: Path) -> None:
    """Refuse a checkout that is not a git repository or has uncommitted changes: a commit made
    on top of them would carry someone's unreviewed edit to the cluster."""
    if not (repo / ".git").exists():
        raise Refusal(f"{repo} is not a git checkout")
    if git(repo, "status", "--porcelain"):
        raise Refusal(f"{repo} has uncommitted changes: commit or stash them first")


def resolve(repo: Path, branch: str) -> str:
    """The commit of a branch: the remote's when the checkout has one (what the cluster reads),
    else the local branch."""
    for ref in (f"refs/remotes/origin/{branch}", f"refs/heads/{branch}"):
        if (
            subprocess.run(
                ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", ref],
                capture_output=True,
            ).returncode
            == 0
        ):
            return git(repo, "rev-parse", ref)
    raise Refusal(f"{repo} has no branch {branch!r}")


def show(repo: Path, commit: str, path: str) -> str | None:
    """A file's text at a commit; None where it does not exist."""
    done = subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{path}"], capture_output=True, text=True
    )
    return done.stdout if done.returncode == 0 else None


def config_value(repo: Path, key: str) -> str:
    """A git configuration value as the checkout sees it; "" where it is unset."""
    done = subprocess.run(
        ["git", "-C", str(repo), "config", "--get", key], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def has_remote(repo: Path) -> bool:
    return "origin" in git(repo, "remote").split()


def commit(repo: Path, paths: list[str], message: str) -> bool:
    """Commit exactly these paths; False when they did not change."""
    git(repo, "add", "--", *paths)
    if not git(repo, "diff", "--cached", "--name-only"):
        return False
    git(repo, "commit", "--quiet", "-m", message, "--", *paths)
    return True
