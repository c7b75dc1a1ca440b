"""signing: where Argo CD requires signed GitOps commits, the step's commits are signed by a key
it trusts, or the step refuses; elsewhere nothing changes."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest

from pace_infra.tools.delivery.contract import Refusal, target
from pace_infra.tools.delivery.gitrepo import commit
from pace_infra.tools.delivery.signing import configure


def _run(*args: str, cwd=None) -> str:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """A keyring and a global git config of this test only."""
    monkeypatch.setenv("GNUPGHOME", str(tmp_path / "gnupg"))
    (tmp_path / "gnupg").mkdir(mode=0o700)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    yield tmp_path
    # gpg starts an agent per keyring, which outlives the test unless told to stop.
    for keyring in {p.parent for p in tmp_path.rglob("pubring.kbx")}:
        subprocess.run(["gpgconf", "--homedir", str(keyring), "--kill", "all"], check=False)


def _new_key(home) -> tuple[str, str]:
    """A fresh signing key in a keyring of its own: (fingerprint, armored private key)."""
    env = {"GNUPGHOME": str(home)}
    home.mkdir(mode=0o700)
    run = dict(capture_output=True, text=True, check=True, env=env)
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "ci <ci@pace.invalid>",
            "ed25519",
            "sign",
            "never",
        ],
        **run,
    )
    listing = subprocess.run(["gpg", "--with-colons", "--list-secret-keys"], **run).stdout
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")
    )
    armored = subprocess.run(["gpg", "--armor", "--export-secret-keys", fingerprint], **run)
    return fingerprint, armored.stdout


def test_a_required_signature_signs_every_commit(isolated):
    fingerprint, armored = _new_key(isolated / "ci-keyring")
    env = replace(target("dev"), signature_key_ids=(fingerprint[-16:],))
    assert configure(env, armored) == fingerprint
    repo = isolated / "gitops"
    _run("git", "init", "--quiet", str(repo))
    _run("git", "-C", str(repo), "config", "user.email", "delivery@pace.invalid")
    _run("git", "-C", str(repo), "config", "user.name", "PACE delivery")
    (repo / "images.yaml").write_text("digest: sha256:1\n")
    assert commit(repo, ["images.yaml"], "Release")
    verified = subprocess.run(
        ["git", "-C", str(repo), "verify-commit", "HEAD"], capture_output=True
    )
    assert verified.returncode == 0, verified.stderr


def test_no_required_signature_changes_nothing(isolated):
    assert configure(replace(target("dev"), signature_key_ids=()), None) is None
    assert not (isolated / "gitconfig").exists()


def test_a_missing_or_untrusted_key_is_refused(isolated):
    _, armored = _new_key(isolated / "other-keyring")
    env = replace(target("prod"), signature_key_ids=("4AEE18F83AFDEB23",))
    with pytest.raises(Refusal, match="set GITOPS_SIGNING_KEY"):
        configure(env, None)
    with pytest.raises(Refusal, match="is not one of prod's signature_keys"):
        configure(env, armored)
