"""The images Component of an overlay (`<app>/overlays/<env>/images/kustomization.yaml`): the
one file of the GitOps repository the pipeline and promotion write, read and written here only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pace_infra.tools.delivery.contract import COMPONENT_API_VERSION, COMPONENT_KIND, Refusal

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
HEADER = (
    "# Written by pace-infra's delivery tools (the application pipeline and make promote):\n"
    "# the digest of each image this environment runs. Change it through them, not by hand.\n"
)


@dataclass(frozen=True)
class Pin:
    """One `images:` entry: kustomize replaces `name` with `newName@digest`."""

    name: str
    new_name: str
    digest: str


def check_digest(digest: str, what: str) -> str:
    if not DIGEST.match(digest):
        raise Refusal(f"{what}: {digest!r} is not a digest (sha256:<64 hex>)")
    return digest


def read(path: Path) -> dict[str, Pin]:
    """The pins of an images file, by image name; {} when the file does not exist yet."""
    if not path.exists():
        return {}
    return parse(path.read_text(), str(path))


def parse(text: str, source: str) -> dict[str, Pin]:
    document = yaml.safe_load(text) or {}
    kind = (document.get("apiVersion"), document.get("kind"))
    if kind != (COMPONENT_API_VERSION, COMPONENT_KIND):
        raise Refusal(f"{source}: not a kustomize Component ({COMPONENT_API_VERSION})")
    pins = {}
    for entry in document.get("images") or []:
        name = entry.get("name", "")
        digest = check_digest(str(entry.get("digest", "")), f"{source}: {name}")
        pins[name] = Pin(name, entry.get("newName", ""), digest)
    return pins


def render(pins: dict[str, Pin]) -> str:
    """The file's text: deterministic (sorted by image), so equal pins make an equal file."""
    document = {
        "apiVersion": COMPONENT_API_VERSION,
        "kind": COMPONENT_KIND,
        "images": [
            {"name": pin.name, "newName": pin.new_name, "digest": pin.digest}
            for pin in sorted(pins.values(), key=lambda pin: pin.name)
        ],
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False)


def write(path: Path, pins: dict[str, Pin]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(pins))
