"""Build a binary from a Go module on the Go module proxy, into the machine's cache.

The proxy answers 403 to `go install <module>@<commit>` for the pinned providers: it refuses the
version's `.info` metadata, which a query by commit (and `go mod download`) needs. It serves the
module's `.mod` and `.zip`, which is all a build needs once the version is written in a go.mod.
So each build gets a two-line module of its own (`require <module> <version>`, and the pinned
go.sum hashes); `go list` there fetches and verifies the module, and `go build` runs inside it
as the main module, with its own go.mod, replaces and go.sum: what its release build compiles.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pace_infra.tools.toolchain.cache import exclusive
from pace_infra.tools.toolchain.pins import GoBuild

HEARTBEAT_S = 30.0


class BuildUnavailable(Exception):
    """The module cannot be fetched or built here; the message says why, in one line."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def go_env() -> dict[str, str]:
    """The environment of every go command: no user GOFLAGS, no toolchain download, no workspace."""
    env = {**os.environ, "GOFLAGS": "", "GOTOOLCHAIN": "local", "GOWORK": "off"}
    env.pop("GOOS", None)
    env.pop("GOARCH", None)
    return env


def _go_version(go: str) -> str:
    out = subprocess.run(
        [go, "env", "GOVERSION"], capture_output=True, text=True, check=True, env=go_env()
    )
    return out.stdout.strip().removeprefix("go")


def pin_module(spec: GoBuild, directory: Path, go: str) -> None:
    """Write the module that requires exactly `spec`'s version, with its pinned hashes."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "go.mod").write_text(
        f"module pace-infra.local/build\n\ngo {_go_version(go)}\n\n"
        f"require {spec.module} {spec.version}\n",
        encoding="utf-8",
    )
    sums = [
        f"{spec.module} {spec.version} {spec.zip_hash}" if spec.zip_hash else "",
        f"{spec.module} {spec.version}/go.mod {spec.mod_hash}" if spec.mod_hash else "",
    ]
    (directory / "go.sum").write_text("".join(f"{line}\n" for line in sums if line))


def _first_error(listing: dict, spec: GoBuild) -> str:
    """The go command's reason, on one line, without the `module@version: ` it repeats."""
    for error in (listing.get("Error"), (listing.get("Module") or {}).get("Error")):
        if error:
            raw = error.get("Err", "") if isinstance(error, dict) else str(error)
            text = " ".join(raw.split())
            prefix = f"{spec.module}@{spec.version}: "
            while text.startswith(prefix):
                text = text.removeprefix(prefix)
            return text
    return "the go command found no module directory"


def fetch_module(spec: GoBuild, workdir: Path, go: str) -> Path:
    """Download and verify the module; return its directory in the Go module cache."""
    pin_module(spec, workdir, go)
    env = go_env()
    if not spec.zip_hash:
        # No recorded hash (the proxy has never served this version here): accept what the
        # proxy serves and say so; the hash to record is in <workdir>/go.sum afterwards.
        env["GONOSUMDB"] = spec.module
        env["GOFLAGS"] = "-mod=mod"
    package = spec.module if spec.package == "." else f"{spec.module}/{spec.package[2:]}"
    result = subprocess.run(
        [go, "list", "-e", "-json", package],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    try:
        listing = json.loads(result.stdout) if result.stdout.strip() else {}
    except ValueError:
        listing = {}
    module_dir = (listing.get("Module") or {}).get("Dir")
    if not module_dir or not (Path(module_dir) / "go.mod").exists():
        reason = (
            _first_error(listing, spec) if listing else result.stderr.strip() or "go list failed"
        )
        raise BuildUnavailable(f"{spec.module}@{spec.version}: {reason}")
    if not spec.zip_hash:
        _log(f"warning: {spec.module}@{spec.version} has no pinned hash; go.sum in {workdir}")
    return Path(module_dir)


def _heartbeat(label: str, started: float, done: threading.Event) -> None:
    while not done.wait(HEARTBEAT_S):
        _log(f"  ... still building {label} ({_elapsed(time.monotonic() - started)})")


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def build(spec: GoBuild, output: Path, *, label: str, workdir: Path, expect: str) -> Path:
    """Build `spec` into `output` unless it is there; progress and failures go to stderr.

    `expect` is said before a build starts (how long it takes), so a first run is never silent.
    Raises BuildUnavailable when Go is missing or the module cannot be fetched or compiled.
    """
    if output.exists():
        return output
    go = shutil.which("go")
    if go is None:
        raise BuildUnavailable(f"{label}: Go is not installed (needed to build it from its module)")
    with exclusive(output.with_name(output.name + ".lock")):
        if output.exists():  # another process built it while we waited
            return output
        module_dir = fetch_module(spec, workdir, go)
        _log(f"building {label} from {spec.module}@{spec.version} ({expect})")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)[1])
        flags = ["-s", "-w", *(f"-X {assignment}" for assignment in spec.set_vars)]
        command = [go, "build", "-C", str(module_dir), "-mod=readonly", "-trimpath"]
        command += ["-tags", ",".join(spec.tags)] if spec.tags else []
        command += ["-ldflags", " ".join(flags), "-o", str(partial), spec.package]
        started, done = time.monotonic(), threading.Event()
        threading.Thread(target=_heartbeat, args=(label, started, done), daemon=True).start()
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, env=go_env(), check=False
            )
        finally:
            done.set()
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            tail = " | ".join(result.stderr.strip().splitlines()[-3:])
            raise BuildUnavailable(f"{label}: go build failed: {tail}")
        partial.chmod(0o755)
        os.replace(partial, output)
        _log(f"built {label} in {_elapsed(time.monotonic() - started)}: {output}")
        return output
