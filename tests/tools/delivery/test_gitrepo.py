"""gitrepo: what it refuses, on real directories."""

from __future__ import annotations

import pytest

from pace_infra.tools.delivery import gitrepo
from pace_infra.tools.delivery.contract import Refusal
from tests.tools.delivery.fixtures import gitops_repo


def test_a_directory_that_is_not_a_checkout_is_refused(tmp_path):
    with pytest.raises(Refusal, match="is not a git checkout"):
        gitrepo.require_clean(tmp_path)


def test_an_untracked_file_makes_a_checkout_dirty(tmp_path):
    checkout = gitops_repo(tmp_path)
    gitrepo.require_clean(checkout)
    (checkout / "stray.yaml").write_text("x\n")
    with pytest.raises(Refusal, match="uncommitted changes"):
        gitrepo.require_clean(checkout)


def test_a_branch_resolves_to_the_remotes_commit(tmp_path):
    checkout = gitops_repo(tmp_path)
    pushed = gitrepo.git(checkout, "rev-parse", "origin/main")
    gitrepo.git(checkout, "commit", "--quiet", "--allow-empty", "-m", "local only")
    assert gitrepo.resolve(checkout, "main") == pushed
    with pytest.raises(Refusal, match="no branch 'nowhere'"):
        gitrepo.resolve(checkout, "nowhere")
