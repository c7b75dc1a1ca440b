"""`make gitops-sync GITOPS_DIR=<checkout>`: bring the platform-owned skeleton into a checkout of
the GitOps repository, keeping what the pipelines own.

Every file `make synth` wrote to cdktf.out/gitops/ replaces its copy in the checkout, and a
platform-owned file the skeleton no longer has is removed; an overlay's images file (the
digests, written by the application pipelines and `make promote`) is only created where the
checkout has none. Nothing is committed: the change is reviewed and committed like any other.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
from pathlib import Path

from pace_infra.names import WORKLOADS, gitops_base, namespace
from pace_infra.tools import REPO

IMAGES_FILE = "images/kustomization.yaml"


def _owned_by_pipelines(relative: Path) -> bool:
    return relative.as_posix().endswith(f"/{IMAGES_FILE}")


def _platform_files(root: Path) -> set[Path]:
    """The files under the platform's directories (bases and overlays), images files aside."""
    found: set[Path] = set()
    for workload in WORKLOADS:
        for directory in (gitops_base(workload), f"{namespace(workload)}/overlays"):
            found |= {
                p.relative_to(root)
                for p in (root / directory).rglob("*")
                if p.is_file() and not _owned_by_pipelines(p.relative_to(root))
            }
    return found


def sync(skeleton: Path, checkout: Path) -> list[str]:
    """Apply the skeleton to the checkout; return one line per file added, changed or removed."""
    changes: list[str] = []
    wanted = {p.relative_to(skeleton) for p in skeleton.rglob("*") if p.is_file()}
    for relative in sorted(wanted):
        source, target = skeleton / relative, checkout / relative
        if _owned_by_pipelines(relative) and target.exists():
            continue  # the digests that run are the pipelines' and promotion's
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            continue
        changes.append(f"{'changed' if target.exists() else 'added'} {relative.as_posix()}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for relative in sorted(_platform_files(checkout) - wanted):
        (checkout / relative).unlink()
        changes.append(f"removed {relative.as_posix()}")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make gitops-sync", description=__doc__)
    parser.add_argument("checkout", type=Path, help="a checkout of the GitOps repository")
    parser.add_argument("--skeleton", type=Path, default=REPO / "cdktf.out" / "gitops")
    args = parser.parse_args(argv)
    if not args.skeleton.is_dir():
        print(f"gitops-sync: {args.skeleton} not found: run make synth", file=sys.stderr)
        return 2
    if not (args.checkout / ".git").exists():
        print(f"gitops-sync: {args.checkout} is not a git checkout", file=sys.stderr)
        return 2
    changes = sync(args.skeleton, args.checkout)
    print("\n".join(changes) if changes else "gitops-sync: the checkout already matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
