"""`make alert-scenarios`: every scenario over every environment's synthesized alert policies.

Usage: python -m pace_infra.monitoring.scenarios [--synth-if-stale] [--markdown [PATH]] [CDKTF_OUT]
(default cdktf.out). Exit 0 when every scenario is as expected, 1 when one is not (or a policy
lacks a scenario kind), 2 when there is nothing synthesized to read (or the synth failed).
`--markdown` writes docs/reference/alert-scenarios.md (or PATH) instead of running them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pace_infra.monitoring.scenarios.catalog import SCENARIOS
from pace_infra.monitoring.scenarios.reference import DOCUMENT, markdown
from pace_infra.monitoring.scenarios.runner import read_stacks, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pace_infra.monitoring.scenarios")
    parser.add_argument("outdir", nargs="?", type=Path, default=Path("cdktf.out"))
    parser.add_argument(
        "--synth-if-stale",
        action="store_true",
        help="synthesize first when the output is older than the code (as make validate does)",
    )
    parser.add_argument(
        "--markdown",
        nargs="?",
        type=Path,
        const=DOCUMENT,
        metavar="PATH",
        help=f"write what each policy measures and its scenarios (default {DOCUMENT})",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.synth_if_stale:
        from pace_infra.tools.toolchain.validate import ensure_synth

        if not ensure_synth(args.outdir, "alert-scenarios"):
            return 2
    stacks = read_stacks(args.outdir)
    if not any(name.endswith("-monitoring") for name in stacks):
        print(
            f"{args.outdir}/stacks: no monitoring stack synthesized (run make synth)",
            file=sys.stderr,
        )
        return 2
    if args.markdown is not None:
        args.markdown.write_text(markdown(stacks, SCENARIOS), encoding="utf-8")
        print(f"wrote {args.markdown}")
        return 0
    report = run_all(stacks, SCENARIOS)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
