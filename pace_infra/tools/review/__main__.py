"""`make review` / `python -m pace_infra.tools.review`: review the working tree against a base.

The base defaults to the merge base with main; `--base REF` picks another commit, `--base-dir`
an existing synth output. The working tree and the base (in a temporary git worktree, with this
repository's pinned environment) are synthesized in parallel, so a review takes about one synth.
Exit codes: 0 reviewed, 1 a risk was flagged and --fail-on-risk was given, 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pace_infra.tools import REPO
from pace_infra.tools.review import diff, render


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()


def _merge_base() -> str:
    # A CI clone may have main only as origin/main.
    for main in ("main", "origin/main"):
        try:
            return _git("merge-base", "HEAD", main)
        except subprocess.CalledProcessError:
            continue
    raise SystemExit("review: no main or origin/main to compare with; pass --base or --base-dir")


def _synth(source: Path, outdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CDKTF_OUTDIR": str(outdir),
        "PATH": f"{REPO / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.Popen(
        [sys.executable, str(source / "main.py")],
        cwd=source,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(process: subprocess.Popen, what: str) -> None:
    _, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"review: synth of {what} failed: {stderr.strip().splitlines()[-1:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pace_infra.tools.review", description=__doc__)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--base", help="git ref to compare with (default: merge base with main)")
    source.add_argument("--base-dir", type=Path, help="an existing synth output to compare with")
    parser.add_argument("--head-dir", type=Path, help="review this synth output, not the tree")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--fail-on-risk", action="store_true", help="exit 1 if a risk is flagged")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pace-review-") as scratch:
        scratch_dir = Path(scratch)
        head = args.head_dir or scratch_dir / "head"
        head_process = None if args.head_dir else _synth(REPO, head)
        worktree = None
        try:
            if args.base_dir:
                base, base_label = args.base_dir, str(args.base_dir)
                if not (base / "manifest.json").exists():
                    print(
                        f"review: {base} is not a synth output (no manifest.json)", file=sys.stderr
                    )
                    return 2
            else:
                ref = args.base or _merge_base()
                base_label = (
                    f"{args.base or 'merge base with main'} ({_git('rev-parse', '--short', ref)})"
                )
                worktree = scratch_dir / "base-tree"
                _git("worktree", "add", "--detach", "--quiet", str(worktree), ref)
                base = scratch_dir / "base"
                if (worktree / "main.py").exists():
                    _wait(_synth(worktree, base), f"base {ref}")
            if head_process:
                _wait(head_process, "the working tree")
        finally:
            if worktree:
                _git("worktree", "remove", "--force", str(worktree))
        reviews = diff.review(base, head)
    output = render.markdown if args.format == "markdown" else render.text
    print(output(reviews, base_label), end="")
    return 1 if args.fail_on_risk and any(stack.risks for stack in reviews) else 0


if __name__ == "__main__":
    sys.exit(main())
