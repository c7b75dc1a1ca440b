"""Where built tools live: one cache per machine, outside every clone, keyed by name and version.

A second clone, `make test` and CI reuse what is there, the way TF_PLUGIN_CACHE_DIR works for
Terraform. `PACE_CACHE_DIR` moves it; otherwise `$XDG_CACHE_HOME/pace-infra` (`~/.cache/...`).

    <root>/mirror/<host>/<namespace>/<name>/<version>/<os>_<arch>/terraform-provider-<name>_v<v>
        a Terraform provider mirror ("unpacked" layout), read through our CLI configuration
    <root>/bin/<tool>_v<version>           CLIs built from Go modules (OpenTofu)
    <root>/gomod/<module>@<version>/       the two-line Go module that pins what a build fetches
    <root>/plugin-cache/                   Terraform's plugin cache for `init` (links, not copies)
    <root>/cli/<name>.tfrc                 the CLI configurations `make validate` writes
"""

from __future__ import annotations

import fcntl
import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pace_infra.tools.toolchain.pins import PinnedProvider

TERRAFORM_REGISTRY = "registry.terraform.io"
OPENTOFU_REGISTRY = "registry.opentofu.org"

_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def cache_root() -> Path:
    """The machine's tool cache (created on first use)."""
    explicit = os.environ.get("PACE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pace-infra"


def os_arch() -> str:
    """Terraform's platform name for this machine, e.g. `linux_amd64`."""
    machine = platform.machine().lower()
    return f"{platform.system().lower()}_{_ARCH.get(machine, machine)}"


def mirror_dir(root: Path) -> Path:
    return root / "mirror"


def provider_binary(root: Path, provider: PinnedProvider, host: str = TERRAFORM_REGISTRY) -> Path:
    """Where the mirror holds a provider's binary for `host`."""
    return (
        mirror_dir(root)
        / host
        / provider.namespace
        / provider.name
        / provider.version
        / os_arch()
        / provider.binary_name
    )


def tool_binary(root: Path, name: str, version: str) -> Path:
    return root / "bin" / f"{name}_v{version}"


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing): one builder per binary at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
