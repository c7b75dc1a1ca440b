"""Where a real plan runs: one scratch directory per stack, the pinned CLI, the caller's
credentials, and the stack's real backend.

Never in `cdktf.out`: an `init` there would write a lock file with this machine's provider
hashes into the synth output (see toolchain/validate.py). The synthesized stack is copied as it
is, except bootstrap's local backend path, which is relative to `cdktf.out/stacks/<stack>/`
(`../../../terraform.<env>-bootstrap.tfstate`) and is made to point at the same file.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pace_infra.tools import REPO
from pace_infra.tools.toolchain.setup import Toolchain
from pace_infra.tools.toolchain.validate import required_providers, run_cli

WORKDIR = REPO / ".terraform-plan"
PLANS = REPO / "plans"
# Where Google's client libraries (and so the google provider) find credentials, besides the
# metadata server of a Google Cloud machine, which we do not assume.
CREDENTIAL_VARIABLES = ("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CREDENTIALS")
TOKEN_VARIABLE = "GOOGLE_OAUTH_ACCESS_TOKEN"


class PlanError(RuntimeError):
    """A command of the CLI failed; the message is its last meaningful line."""


def adc_file(environ: Mapping[str, str]) -> Path:
    """Where `gcloud auth application-default login` writes Application Default Credentials."""
    config = environ.get("CLOUDSDK_CONFIG") or str(
        Path(environ.get("HOME", "~")) / ".config/gcloud"
    )
    return Path(config).expanduser() / "application_default_credentials.json"


def credentials_problem(environ: Mapping[str, str]) -> str | None:
    """Why no Google credentials can be found, or None when some can."""
    for name in CREDENTIAL_VARIABLES:
        value = environ.get(name)
        if value:
            if name == "GOOGLE_APPLICATION_CREDENTIALS" and not Path(value).is_file():
                return f"{name} names {value}, which does not exist"
            return None
    if environ.get(TOKEN_VARIABLE) or adc_file(environ).is_file():
        return None
    return (
        "no Google credentials: run `gcloud auth application-default login`, or set "
        'GOOGLE_APPLICATION_CREDENTIALS (a pipeline: eval "$(make -s ci-credentials ...)")'
    )


@dataclass(frozen=True)
class StackDir:
    name: str
    path: Path
    document: Mapping[str, Any]

    @property
    def providers(self) -> tuple[str, ...]:
        return required_providers(self.document)

    def local_state(self) -> Path | None:
        """The state file of a stack with a local backend (bootstrap), else None."""
        local = self.document.get("terraform", {}).get("backend", {}).get("local")
        return Path(local["path"]) if local and "path" in local else None


def stage(outdir: Path, name: str, workdir: Path = WORKDIR) -> StackDir:
    """A scratch copy of a synthesized stack, ready for `init` against its real backend."""
    source = outdir / "stacks" / name
    document = json.loads((source / "cdk.tf.json").read_text(encoding="utf-8"))
    backend = document.get("terraform", {}).get("backend", {})
    if "local" in backend and "path" in backend["local"]:
        state = (source / backend["local"]["path"]).resolve()
        document = {
            **document,
            "terraform": {**document["terraform"], "backend": {"local": {"path": str(state)}}},
        }
    path = workdir / name
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.tf.json"):
        stale.unlink()
    (path / "cdk.tf.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    return StackDir(name, path, document)


def run(toolchain: Toolchain, stack: StackDir, *args: str) -> str:
    """One CLI command in the stack's scratch directory; PlanError with its error if it fails."""
    result = run_cli(toolchain, stack.path, *args)
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stderr or result.stdout).splitlines()]
        errors = [line for line in lines if line.startswith("Error:")] or [x for x in lines if x]
        raise PlanError(f"{args[0]} failed: {errors[0] if errors else 'no output'}")
    return result.stdout


def init(toolchain: Toolchain, stack: StackDir) -> None:
    run(toolchain, stack, "init", "-input=false", "-reconfigure")


def git_commit() -> str:
    """The commit the plans are made from (with '+dirty' when the tree has changes)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "HEAD") or "unknown"
    return f"{commit}+dirty" if git("status", "--porcelain", "--untracked-files=no") else commit
