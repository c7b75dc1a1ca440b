"""`python -m pace_infra.tools.delivery.build_push --app <app> [--push]`: build an application's
images (their Dockerfile's `test` stage first: the tests), and with --push, on the release
branch only, push each image to every environment's `pace-images` as that environment's CI
identity, and record the digest.

Why every registry: each environment admits only its own registry, and promotion moves a digest,
not an image. The same local image pushed to each gives the same manifest; Artifact Registry's
own answer for the tag is the digest recorded, and a registry that answers otherwise fails the
step (promotion would otherwise promote a digest staging does not have).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pace_infra.tools.delivery.api import Google, Transport, ci_google
from pace_infra.tools.delivery.contract import (
    PROMOTION_ORDER,
    RELEASE_RECORD,
    TEST_TARGET,
    Image,
    Refusal,
    app_images,
    target,
)
from pace_infra.tools.delivery.release import Release

# Runs a command (docker) with optional stdin, returns its stdout; raises on failure.
Runner = Callable[[list[str], str | None], str]
# `docker push` ends with "<tag>: digest: sha256:<hex> size: <n>".
PUSHED = re.compile(r"digest: (sha256:[0-9a-f]{64}) size:")


def run(argv: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, argv[:2], done.stdout, done.stderr)
    return done.stdout


def local_tag(image: Image, commit: str) -> str:
    return f"{image.name}:{commit}"


def build(images: tuple[Image, ...], commit: str, runner: Runner) -> None:
    """Test stage, then the image, for each; a failing test fails `docker build`."""
    for image in images:
        dockerfile = ["-f", image.dockerfile, image.context]
        runner(["docker", "build", "--target", TEST_TARGET, *dockerfile], None)
        runner(["docker", "build", "-t", local_tag(image, commit), *dockerfile], None)


def push(
    images: tuple[Image, ...],
    commit: str,
    runner: Runner,
    google_for: Callable[[str], Google],
) -> dict[str, str]:
    """Push to every environment's registry; the digest of each image, equal everywhere."""
    digests: dict[str, str] = {}
    for env_name in PROMOTION_ORDER:
        env = target(env_name)
        google = google_for(env_name)
        # Artifact Registry takes an OAuth access token as the password of "oauth2accesstoken".
        login = ["docker", "login", "-u", "oauth2accesstoken", "--password-stdin"]
        runner([*login, f"https://{env.registry_host}"], google.token)
        for image in images:
            remote = f"{env.image(image.name)}:{commit}"
            runner(["docker", "tag", local_tag(image, commit), remote], None)
            output = runner(["docker", "push", remote], None)
            pushed = PUSHED.findall(output)
            registry = google.tag_digest(env, image.name, commit)
            if pushed[-1:] != [registry]:
                raise RuntimeError(
                    f"{remote}: docker pushed {pushed[-1:]}, registry has {registry}"
                )
            if digests.setdefault(image.name, registry) != registry:
                raise RuntimeError(
                    f"{remote} is {registry} but {digests[image.name]} in the registries before"
                )
    return digests


def main(
    argv: list[str] | None = None, runner: Runner = run, transport: Transport | None = None
) -> int:
    parser = argparse.ArgumentParser(prog="build_push", description=__doc__)
    parser.add_argument("--app", required=True)
    parser.add_argument("--push", action="store_true")
    parser.add_argument("--record", type=Path, default=Path(RELEASE_RECORD))
    args = parser.parse_args(argv)
    commit = os.environ.get("BITBUCKET_COMMIT", "")
    branch = os.environ.get("BITBUCKET_BRANCH", "")
    try:
        images = app_images(args.app)
        if not re.fullmatch(r"[0-9a-f]{7,40}", commit):
            raise Refusal("BITBUCKET_COMMIT must be the commit being built (the image tag)")
        release_branch = target(PROMOTION_ORDER[0]).release_branch
        # The federation already refuses other branches; saying so here is clearer than a 403.
        if args.push and branch != release_branch:
            raise Refusal(f"images are pushed from {release_branch} only, not {branch!r}")
    except Refusal as refusal:
        print(f"build-push: {refusal}", file=sys.stderr)
        return 2
    build(images, commit, runner)
    if not args.push:
        return 0
    digests = push(images, commit, runner, lambda env: ci_google(target(env), transport))
    Release(args.app, commit, digests).save(args.record)
    for name, digest in digests.items():
        print(f"build-push: {name}@{digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
