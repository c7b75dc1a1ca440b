"""What `python main.py` (and so `cdktf synth`) runs.

Bad input loses nothing: the environments are validated before the provider bindings load, and
the App is synthesized into a staging directory that is copied over the output directory only
when synthesis succeeded with no error annotation. A failed run leaves an earlier `cdktf.out`
exactly as it was; a good one keeps Terraform's working files (`.terraform/`, lock files) in
the stack directories, as cdktf's own synth does.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pace_infra.config import ConfigError, load_environments
from pace_infra.tools import REPO

EXIT_CONFIG = 2  # bad input: one line naming file, key and problem
EXIT_SYNTH = 1  # a house rule or cdktf itself refused the app


def _error_annotations(manifest_path: Path) -> list[str]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return [
        f"[{note['constructPath']}] {note['message']}"
        for stack in manifest["stacks"].values()
        for note in stack.get("annotations", [])
        if note.get("level") == "@cdktf/error"
    ]


def _publish(staging: Path, outdir: Path) -> None:
    """Copy a good synth over `outdir`, dropping stack directories that no longer exist."""
    outdir.mkdir(parents=True, exist_ok=True)
    new_stacks = (
        {p.name for p in (staging / "stacks").iterdir()} if (staging / "stacks").exists() else set()
    )
    old_stacks = outdir / "stacks"
    if old_stacks.exists():
        for orphan in old_stacks.iterdir():
            if orphan.is_dir() and orphan.name not in new_stacks:
                shutil.rmtree(orphan)
    # The skeleton is written whole each time: files it no longer has must not linger.
    shutil.rmtree(outdir / "gitops", ignore_errors=True)
    shutil.copytree(staging, outdir, dirs_exist_ok=True)


def use_pinned_node() -> None:
    """Put the repo's Node.js 22 (from package.json) first on PATH before jsii starts.

    The jsii runtime under the provider bindings runs whichever `node` PATH finds first; the
    machine's Node 20 is past jsii's support and prints an end-of-life banner on every run.
    """
    bin_dir = REPO / "node_modules" / ".bin"
    path = os.environ.get("PATH", "")
    if (bin_dir / "node").exists() and str(bin_dir) not in path.split(os.pathsep):
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{path}"


def synth(outdir: Path) -> int:
    """Validate the environments and synthesize every stack into `outdir`; return an exit code."""
    try:
        environments = load_environments()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG

    # Deferred: the bindings take seconds to load, and bad config never needs them.
    use_pinned_node()
    from pace_infra.app import build_app
    from pace_infra.gitops.skeleton import skeleton
    from pace_infra.gitops.write import write_skeleton

    outdir.parent.mkdir(parents=True, exist_ok=True)
    # Absolute: the jsii kernel (a node process) resolves relative paths against its own cwd.
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.staging-", dir=outdir.parent.resolve()))
    try:
        try:
            build_app(environments, outdir=str(staging)).synth()
        except Exception as error:  # jsii re-raises the JavaScript error; its text says what broke
            print(f"synth failed: {error}", file=sys.stderr)
            return EXIT_SYNTH
        # Under `cdktf synth` error annotations do not raise (the CLI sets
        # CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS); refuse to publish them all the same.
        errors = _error_annotations(staging / "manifest.json")
        if errors:
            print("synth failed: " + "; ".join(errors), file=sys.stderr)
            return EXIT_SYNTH
        # The GitOps skeleton comes from the same config: published with the stacks or not at all.
        write_skeleton(skeleton(environments), staging / "gitops")
        _publish(staging, outdir)
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main() -> int:
    """Entry point: output goes where cdktf asks (`CDKTF_OUTDIR`), else `cdktf.out`."""
    return synth(Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out")))


def exit_now(code: int) -> None:
    """Exit without jsii's graceful shutdown, once everything is written and flushed.

    jsii's atexit hook sends the node kernel an exit message and waits up to 5 s for it; with
    the google bindings loaded the kernel takes all 5 (measured: 4.7 s of every run). Closing
    its stdin, which os._exit does, ends it at once (measured: no node process left 0.5 s later).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
