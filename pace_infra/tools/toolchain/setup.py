"""Make the toolchain ready: the CLI, every pinned provider, and the CLI configuration for init.

`python -m pace_infra.tools.toolchain` (`make providers`) does only this and prints what it has.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pace_infra.tools.toolchain import cache
from pace_infra.tools.toolchain.gobuild import BuildUnavailable, build
from pace_infra.tools.toolchain.pins import OPENTOFU, OPENTOFU_VERSION, PROVIDERS, PinnedProvider
from pace_infra.tools.toolchain.sources import (
    CliChoice,
    choose_cli,
    cli_config,
    parse_mode,
    provider_sources,
)

# Measured on this project's 2-core machine from an empty Go cache (README, "Validating").
EXPECT_PROVIDER = "a first build takes minutes: google about 3 min on 2 cores"
EXPECT_TOFU = "a first build takes about 2 min on 2 cores"
REGISTRY_PROBE_TIMEOUT_S = 3.0

Origin = Literal["built", "external", "registry"]
ORIGIN_TEXT: Mapping[str, str] = {
    "built": "built from its Go module",
    "external": "from PACE_PROVIDER_MIRROR",
    "registry": "from the registry",
}


@dataclass(frozen=True)
class Toolchain:
    """A CLI and a CLI configuration under which `init` finds every available provider."""

    cli: str  # path of the terraform or tofu binary
    cli_label: str  # e.g. "terraform 1.11.4"
    config_file: Path  # TF_CLI_CONFIG_FILE for every command
    origins: Mapping[str, Origin]  # provider name -> where init gets it (available ones only)
    unavailable: Mapping[str, str] = field(default_factory=dict)  # provider name -> why

    def describe(self) -> str:
        """One line: which CLI, and where each provider comes from."""
        parts = [f"{n} {ORIGIN_TEXT[o]}" for n, o in sorted(self.origins.items())]
        parts += [f"{n} unavailable" for n in sorted(self.unavailable)]
        return f"{self.cli_label}; providers: {', '.join(parts)}"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def registry_reachable(host: str) -> bool:
    """Does the provider registry answer its service discovery document?"""
    try:
        with urllib.request.urlopen(
            f"https://{host}/.well-known/terraform.json", timeout=REGISTRY_PROBE_TIMEOUT_S
        ) as response:
            return response.status == 200
    except OSError:
        return False


def _external_mirror() -> Path | None:
    value = os.environ.get("PACE_PROVIDER_MIRROR")
    return Path(value).resolve() if value else None


def _in_mirror(mirror: Path, host: str, provider: PinnedProvider) -> bool:
    """Unpacked (`<v>/<os_arch>/`) or packed (`..._<v>_<os_arch>.zip`) layout."""
    base = mirror / host / provider.namespace / provider.name
    packed = base / f"terraform-provider-{provider.name}_{provider.version}_{cache.os_arch()}.zip"
    return (base / provider.version / cache.os_arch()).is_dir() or packed.is_file()


def _cli_version(path: str) -> str:
    out = subprocess.run([path, "version", "-json"], capture_output=True, text=True, check=False)
    try:
        return json.loads(out.stdout)["terraform_version"]
    except (ValueError, KeyError):
        return "(version unknown)"


def resolve_cli(root: Path) -> CliChoice:
    """The CLI, built from OpenTofu's module when the choice says so."""
    choice = choose_cli(os.environ.get("PACE_TF_CLI"), shutil.which)
    if choice.path is not None:
        return choice
    binary = cache.tool_binary(root, "tofu", OPENTOFU_VERSION)
    build(
        OPENTOFU,
        binary,
        label=f"OpenTofu {OPENTOFU_VERSION}",
        workdir=root / "gomod" / f"opentofu@{OPENTOFU.version}",
        expect=EXPECT_TOFU,
    )
    return CliChoice("tofu", str(binary))


def _link_for_host(root: Path, provider: PinnedProvider, host: str) -> None:
    """OpenTofu resolves `hashicorp/google` to its own registry host: mirror it there too."""
    built = cache.provider_binary(root, provider)
    linked = cache.provider_binary(root, provider, host)
    if host != cache.TERRAFORM_REGISTRY and built.exists() and not linked.exists():
        linked.parent.mkdir(parents=True, exist_ok=True)
        os.link(built, linked)


def prepare(root: Path | None = None) -> Toolchain:
    """Resolve the CLI and every provider (building what must be built) and write the config."""
    root = root or cache.cache_root()
    mode = parse_mode(os.environ.get("PACE_PROVIDERS"))
    cli = resolve_cli(root)
    host = cli.registry_host
    external = _external_mirror()

    def built(provider: PinnedProvider) -> bool:
        if external and _in_mirror(external, host, provider):
            return True
        return cache.provider_binary(root, provider).exists()

    wanted = provider_sources(mode, PROVIDERS, built, lambda: registry_reachable(host))
    origins: dict[str, Origin] = {}
    mirrored: dict[str, Path] = {}
    unavailable: dict[str, str] = {}
    for provider in PROVIDERS:
        source = wanted[provider.name]
        if source == "registry":
            origins[provider.name] = "registry"
            continue
        if external and _in_mirror(external, host, provider):
            mirrored[provider.address] = external
            origins[provider.name] = "external"
        else:
            try:
                build(
                    provider.build,
                    cache.provider_binary(root, provider),
                    label=f"provider {provider.address} {provider.version}",
                    workdir=root / "gomod" / f"{provider.name}@{provider.build.version}",
                    expect=EXPECT_PROVIDER,
                )
            except BuildUnavailable as error:
                unavailable[provider.name] = str(error)
                continue
            _link_for_host(root, provider, host)
            mirrored[provider.address] = cache.mirror_dir(root)
            origins[provider.name] = "built"
    config = cli_config(
        mirrored,
        [p.address for p in PROVIDERS if origins.get(p.name) == "registry"],
        host=host,
        plugin_cache=root / "plugin-cache",
    )
    config_file = root / "cli" / f"{cli.kind}-{mode}.tfrc"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    (root / "plugin-cache").mkdir(parents=True, exist_ok=True)
    config_file.write_text(config, encoding="utf-8")
    assert cli.path is not None
    label = f"{cli.kind} {_cli_version(cli.path)}"
    return Toolchain(cli.path, label, config_file, origins, unavailable)


def main(argv: list[str] | None = None) -> int:
    """`make providers`: build or find everything, then say what there is.

    `--cli-path` prints only the CLI's path (for TERRAFORM_BINARY_NAME, which `cdktf deploy`
    runs instead of `terraform`: the pipeline's image has no terraform).
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        toolchain = prepare()
    except (ValueError, BuildUnavailable) as error:
        print(f"providers: {error}", file=sys.stderr)
        return 2
    if args == ["--cli-path"]:
        print(toolchain.cli)
        return 0
    print(toolchain.describe())
    for name, reason in sorted(toolchain.unavailable.items()):
        print(f"  {name}: {reason}")
    return 0
