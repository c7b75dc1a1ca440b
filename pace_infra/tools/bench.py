"""`make bench`: what a synth and a validation cost, against what they cannot avoid.

All are timed as fresh processes, in turn, `--runs` times each:
- synth: `python main.py` (config, bindings, every environment's stacks, publish) into a temp dir;
- floor: `python -c "import <the same binding modules the app loads>"`, nothing else;
- validate: `python -m pace_infra.tools.toolchain.validate` over that synth (providers built).
synth/floor says what the app adds on top of what no cdktf app can avoid (target 1.3);
validate/synth what `make validate` adds to a synth (target 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pace_infra.tools import REPO
from pace_infra.tools.cli import use_pinned_node

BINDING_PREFIXES = ("cdktf", "constructs", "jsii")
TARGET_RATIO = 1.3
VALIDATE_TARGET_RATIO = 1.5


def _verdict(ratio: float, target: float) -> str:
    return f"{ratio:.3f} ({'within' if ratio <= target else 'OVER'} the {target} target)"


@dataclass(frozen=True)
class BenchResult:
    synth_median_s: float
    floor_median_s: float
    validate_median_s: float

    @property
    def ratio(self) -> float:
        return self.synth_median_s / self.floor_median_s

    @property
    def validate_ratio(self) -> float:
        return self.validate_median_s / self.synth_median_s

    def report(self) -> str:
        return (
            f"full synth (all environments): median {self.synth_median_s:.2f} s\n"
            f"bare import of the bindings:   median {self.floor_median_s:.2f} s\n"
            f"ratio: {_verdict(self.ratio, TARGET_RATIO)}\n"
            f"make validate (providers built): median {self.validate_median_s:.2f} s\n"
            f"validate / synth: {_verdict(self.validate_ratio, VALIDATE_TARGET_RATIO)}"
        )


def summarize(
    synth_times: list[float], floor_times: list[float], validate_times: list[float]
) -> BenchResult:
    """Medians of each series (the median ignores one slow run from a busy machine)."""
    return BenchResult(*(statistics.median(t) for t in (synth_times, floor_times, validate_times)))


def binding_modules() -> list[str]:
    """The jsii binding modules (cdktf, constructs, providers) that building the app imports."""
    probe = (
        "import json, sys\n"
        # The registry names its stack classes and the app imports them when it builds: the
        # probe imports them all, as building every environment does.
        "from pace_infra.units import REGISTRY\n"
        "for unit in REGISTRY: unit.stack_class()\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({BINDING_PREFIXES!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _timed(argv: list[str], env: dict[str, str], stdin: str = "") -> float:
    start = time.perf_counter()
    subprocess.run(
        argv, cwd=REPO, env=env, input=stdin, text=True, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


# The floor process imports exactly the modules the app loaded (thousands: the provider package
# imports all of its submodules), read from stdin because they overflow a command line. Like
# main.py it then exits without jsii's 5 s shutdown wait (pace_infra.tools.cli.exit_now), so
# that both sides measure work, not that wait.
_IMPORT_FROM_STDIN = (
    "import importlib, sys\n"
    "from pace_infra.tools.cli import exit_now\n"
    "for m in sys.stdin.read().split(): importlib.import_module(m)\n"
    "exit_now(0)"
)


def run(runs: int) -> BenchResult:
    use_pinned_node()
    modules = "\n".join(binding_modules())
    synth_times: list[float] = []
    floor_times: list[float] = []
    validate_times: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        outdir = Path(scratch) / "cdktf.out"
        env = {**os.environ, "CDKTF_OUTDIR": str(outdir)}
        validate = [
            sys.executable,
            "-m",
            "pace_infra.tools.toolchain.validate",
            "--outdir",
            str(outdir),
        ]
        subprocess.run(validate, cwd=REPO, check=False, capture_output=True)  # builds if needed
        for _ in range(runs):
            synth_times.append(_timed([sys.executable, "main.py"], env))
            floor_times.append(_timed([sys.executable, "-c", _IMPORT_FROM_STDIN], env, modules))
            validate_times.append(_timed(validate, env))
    return summarize(synth_times, floor_times, validate_times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    args = parser.parse_args()
    print(run(args.runs).report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
