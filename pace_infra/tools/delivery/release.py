"""The release record: what the build step pushed, read by the steps after it.

`.delivery/release.json` (a Bitbucket artifact of the same run, which no other run can write):
{"app": "pace-web", "commit": "<app commit>", "images": {"pace-web": "sha256:..."}}.
The same digest in every environment's registry (build_push checks it), so one map.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from pace_infra.tools.delivery.contract import RELEASE_RECORD, Refusal, Target, app_images, target
from pace_infra.tools.delivery.overlay import check_digest


@dataclass(frozen=True)
class Release:
    app: str
    commit: str
    images: dict[str, str]  # image name -> digest

    def save(self, path: Path = Path(RELEASE_RECORD)) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"app": self.app, "commit": self.commit, "images": self.images}
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def load(path: Path = Path(RELEASE_RECORD)) -> Release:
    """The record, checked: every image of the app has a digest, and nothing else is there."""
    if not path.exists():
        raise Refusal(f"{path} not found: the build step records it (is it an artifact?)")
    record = json.loads(path.read_text())
    app = record.get("app", "")
    expected = {image.name for image in app_images(app)}
    images = record.get("images") or {}
    if set(images) != expected:
        raise Refusal(f"{path}: {app} images must be {sorted(expected)}, not {sorted(images)}")
    for name, digest in images.items():
        check_digest(digest, f"{path}: {name}")
    return Release(app, record.get("commit", ""), dict(images))


def step_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    """The arguments of every per-environment step after the build: `--env` and the record."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--env", required=True)
    parser.add_argument("--record", type=Path, default=Path(RELEASE_RECORD))
    return parser


def step_inputs(args: argparse.Namespace) -> tuple[Target, Release]:
    """The step's environment and the build's record (Refusal when either is not usable)."""
    return target(args.env), load(args.record)
