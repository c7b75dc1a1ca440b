"""Add PyPI's SHA-256 of every file of each pinned release to a requirements file.

Usage: python tools/pin_hashes.py tools/checkov-requirements.txt

Each `name==version` line becomes `name==version --hash=sha256:... ...` with the hashes of all
the release's files (wheels for every platform and the sdist), as PyPI's simple index lists
them (PEP 691 JSON), so `pip install --require-hashes` accepts whichever file pip picks and
nothing else. Run it
after changing a pin; the Makefile installs with --require-hashes.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)")


def _file_version(filename: str) -> str:
    if filename.endswith(".whl"):
        return filename.split("-")[1]
    stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", filename)
    return stem.rsplit("-", 1)[-1]


def release_hashes(name: str, version: str) -> list[str]:
    request = urllib.request.Request(
        f"https://pypi.org/simple/{name}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        files = json.load(response)["files"]
    hashes = {f["hashes"]["sha256"] for f in files if _file_version(f["filename"]) == version}
    if not hashes:
        raise SystemExit(f"pin_hashes: no files of {name}=={version} on PyPI")
    return sorted(hashes)


def pin(path: Path) -> None:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" --hash=")[0].rstrip(" \\")
        match = _PIN.match(line)
        if not match:
            lines.append(raw)
            continue
        hashes = release_hashes(match["name"], match["version"])
        lines.append(" \\\n    ".join([line, *(f"--hash=sha256:{h}" for h in hashes)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        pin(Path(argument))
