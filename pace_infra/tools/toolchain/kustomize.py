"""The pinned kustomize, built once per machine from its Go module (like the providers)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pace_infra.tools.toolchain import cache
from pace_infra.tools.toolchain.gobuild import build
from pace_infra.tools.toolchain.pins import KUSTOMIZE, KUSTOMIZE_VERSION


def kustomize(root: Path | None = None) -> Path:
    """The kustomize binary in the tool cache, built from its module the first time."""
    root = root or cache.cache_root()
    binary = cache.tool_binary(root, "kustomize", KUSTOMIZE_VERSION)
    return build(
        KUSTOMIZE,
        binary,
        label=f"kustomize {KUSTOMIZE_VERSION}",
        workdir=root / "gomod" / f"kustomize@{KUSTOMIZE.version}",
        expect="about a minute, once per machine",
    )


def kustomize_build(directory: Path, binary: Path | None = None) -> str:
    """`kustomize build <directory>`: the YAML Argo CD would apply. Raises on a broken overlay."""
    result = subprocess.run(
        [str(binary or kustomize()), "build", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ValueError(f"kustomize build {directory}: {result.stderr.strip()}")
    return result.stdout
