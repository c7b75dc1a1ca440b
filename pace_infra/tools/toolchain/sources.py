"""Which Terraform CLI runs, and where each provider comes from: decisions, no side effects.

CLI (`PACE_TF_CLI`): `terraform` (the machine's), `tofu` (the machine's or built from OpenTofu's
module), or a path to either. Unset: the machine's `terraform` if there is one, else OpenTofu
built from its module, since both read the same JSON and run the same provider binaries.

Providers (`PACE_PROVIDERS`):
- `auto` (default): a provider already built into the cache comes from there; one that is not
  comes from the registry when the registry answers, and is built from its Go module when not.
  A machine that reaches the registry and has built nothing never runs Go.
- `build`: every provider from its Go module (built if missing), never the registry.
- `registry`: every provider from the registry, as a plain `terraform init` would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pace_infra.tools.toolchain.cache import OPENTOFU_REGISTRY, TERRAFORM_REGISTRY
from pace_infra.tools.toolchain.pins import PinnedProvider

Mode = Literal["auto", "build", "registry"]
Source = Literal["mirror", "registry", "build"]
MODES: tuple[str, ...] = ("auto", "build", "registry")


class ChoiceError(ValueError):
    """A setting that cannot be honoured; the message is one line naming the variable."""


def parse_mode(value: str | None) -> Mode:
    """`PACE_PROVIDERS` as a mode (unset or empty: auto)."""
    mode = (value or "auto").strip()
    if mode not in MODES:
        raise ChoiceError(f"PACE_PROVIDERS: {mode!r} is not one of {', '.join(MODES)}")
    return mode  # type: ignore[return-value]


def provider_sources(
    mode: Mode,
    providers: Iterable[PinnedProvider],
    built: Callable[[PinnedProvider], bool],
    registry_reachable: Callable[[], bool],
) -> dict[str, Source]:
    """Provider name -> where `init` gets it. The registry is probed at most once, and only when
    `auto` has something unbuilt to place."""
    sources: dict[str, Source] = {}
    reachable: bool | None = None
    for provider in providers:
        if mode == "registry":
            sources[provider.name] = "registry"
        elif built(provider):
            sources[provider.name] = "mirror"
        elif mode == "build":
            sources[provider.name] = "build"
        else:
            if reachable is None:
                reachable = registry_reachable()
            sources[provider.name] = "registry" if reachable else "build"
    return sources


@dataclass(frozen=True)
class CliChoice:
    """The CLI to run: `kind` is terraform or tofu; `path` None means build OpenTofu."""

    kind: Literal["terraform", "tofu"]
    path: str | None

    @property
    def registry_host(self) -> str:
        """The host a bare `hashicorp/google` source resolves to for this CLI."""
        return OPENTOFU_REGISTRY if self.kind == "tofu" else TERRAFORM_REGISTRY


def choose_cli(override: str | None, which: Callable[[str], str | None]) -> CliChoice:
    """`PACE_TF_CLI` if set, else the machine's terraform, else OpenTofu built from its module."""
    if override:
        name = Path(override).name
        kind: Literal["terraform", "tofu"]
        if name.startswith("terraform"):
            kind = "terraform"
        elif name.startswith("tofu"):
            kind = "tofu"
        else:
            raise ChoiceError(f"PACE_TF_CLI: {override!r} is neither terraform nor tofu")
        if "/" in override:
            if not Path(override).is_file():
                raise ChoiceError(f"PACE_TF_CLI: {override} does not exist")
            return CliChoice(kind, override)
        found = which(override)
        if found is None and kind == "terraform":
            raise ChoiceError("PACE_TF_CLI: terraform is not on PATH")
        return CliChoice(kind, found)  # tofu not on PATH: built from its module
    found = which("terraform")
    return CliChoice("terraform", found) if found else CliChoice("tofu", None)


def _hcl_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def cli_config(
    mirrored: Mapping[str, Path],
    registry: Iterable[str],
    *,
    host: str,
    plugin_cache: Path,
) -> str:
    """The CLI configuration file for `init`.

    `mirrored` maps a provider address (`hashicorp/google`) to the mirror directory holding it;
    `registry` lists the addresses installed from the registry. A provider in neither cannot be
    installed at all: nothing is fetched from anywhere unplanned.
    """
    by_mirror: dict[Path, list[str]] = {}
    for address, mirror in sorted(mirrored.items()):
        by_mirror.setdefault(mirror, []).append(f"{host}/{address}")
    blocks = [
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        f"    include = {_hcl_list(names)}\n  }}\n"
        for mirror, names in by_mirror.items()
    ]
    remote = sorted(f"{host}/{address}" for address in registry)
    if remote:
        blocks.append(f"  direct {{\n    include = {_hcl_list(remote)}\n  }}\n")
    return (
        "# Written by pace_infra.tools.toolchain for `make validate`; ~/.terraformrc is not read.\n"
        f'plugin_cache_dir   = "{plugin_cache}"\n'
        "disable_checkpoint = true\n"
        f"provider_installation {{\n{''.join(blocks)}}}\n"
    )
