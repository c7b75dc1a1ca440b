"""`make alert-scenarios`: every scenario over every environment's synthesized alert policies.

Usage: python -m pace_infra.monitoring.scenarios [CDKTF_OUT]   (default: cdktf.out)
Exit 0 when every scenario is as expected, 1 when one is not (or a policy lacks a scenario
kind), 2 when there is nothing synthesized to read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pace_infra.monitoring.scenarios.catalog import SCENARIOS
from pace_infra.monitoring.scenarios.runner import read_stacks, run_all


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0] if args else "cdktf.out")
    stacks = read_stacks(outdir)
    if not any(name.endswith("-monitoring") for name in stacks):
        print(f"{outdir}/stacks: no monitoring stack synthesized (run make synth)", file=sys.stderr)
        return 2
    report = run_all(stacks, SCENARIOS)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
