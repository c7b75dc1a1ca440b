"""Sign the GitOps commits of a step where Argo CD requires signatures.

Where an environment sets gitops.signature_keys, Argo CD syncs only commits signed by one of
those keys: an unsigned commit would sit in the repository and never reach the cluster. So the
commit step imports the signing key (the secured deployment variable GITOPS_SIGNING_KEY, an
ASCII-armored private key), checks it is one Argo CD trusts, and makes git sign every commit
(user.signingkey, commit.gpgsign). Where no key is required it does nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from pace_infra.tools.delivery.contract import Refusal, Target, target

KEY_VARIABLE = "GITOPS_SIGNING_KEY"


def _run(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise Refusal(f"{args[0]} {args[1]}: {done.stderr.strip()}")
    return done.stdout


def import_key(armored: str) -> str:
    """Import a private key into the step's keyring; its fingerprint (upper-case hex)."""
    _run("gpg", "--batch", "--quiet", "--import", stdin=armored)
    listing = _run("gpg", "--batch", "--with-colons", "--list-secret-keys")
    fingerprints = [line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")]
    if not fingerprints:
        raise Refusal(f"{KEY_VARIABLE} holds no private key")
    return fingerprints[0]


def configure(env: Target, armored: str | None) -> str | None:
    """Make git sign commits with the key where `env` requires signatures; the fingerprint used,
    or None where none is required."""
    if not env.signature_key_ids:
        return None
    if not armored:
        raise Refusal(
            f"{env.env} requires signed GitOps commits (gitops.signature_keys): set {KEY_VARIABLE}"
        )
    fingerprint = import_key(armored)
    # A long key id is the fingerprint's last 16 hex digits.
    if not any(fingerprint.endswith(key_id) for key_id in env.signature_key_ids):
        raise Refusal(f"{KEY_VARIABLE} ({fingerprint}) is not one of {env.env}'s signature_keys")
    _run("git", "config", "--global", "user.signingkey", fingerprint)
    _run("git", "config", "--global", "commit.gpgsign", "true")
    return fingerprint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="signing", description=__doc__)
    parser.add_argument("--env", required=True)
    args = parser.parse_args(argv)
    try:
        fingerprint = configure(target(args.env), os.environ.get(KEY_VARIABLE))
    except Refusal as refusal:
        print(f"signing: {refusal}", file=sys.stderr)
        return 2
    print(f"signing: commits signed by {fingerprint}" if fingerprint else "signing: not required")
    return 0


if __name__ == "__main__":
    sys.exit(main())
