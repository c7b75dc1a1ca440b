"""`make bench`: how close a full synth comes to the floor set by loading the provider bindings.

Both are timed as fresh processes, alternately, `--runs` times each:
- synth: `python main.py` (config, bindings, every environment's stacks, publish) into a temp dir;
- floor: `python -c "import <the same binding modules the app loads>"`, nothing else.
The ratio synth/floor says what the app adds on top of what no cdktf app can avoid.
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

from pace_infra.cli import use_pinned_node

REPO = Path(__file__).resolve().parent.parent
BINDING_PREFIXES = ("cdktf", "constructs", "jsii")
TARGET_RATIO = 1.3


@dataclass(frozen=True)
class BenchResult:
    synth_median_s: float
    floor_median_s: float

    @property
    def ratio(self) -> float:
        return self.synth_median_s / self.floor_median_s

    def report(self) -> str:
        verdict = "within" if self.ratio <= TARGET_RATIO else "OVER"
        return (
            f"full synth (all environments): median {self.synth_median_s:.2f} s\n"
            f"bare import of the bindings:   median {self.floor_median_s:.2f} s\n"
            f"ratio: {self.ratio:.3f} ({verdict} the {TARGET_RATIO} target)"
        )


def summarize(synth_times: list[float], floor_times: list[float]) -> BenchResult:
    """Medians of the two series (the median ignores one slow run from a busy machine)."""
    return BenchResult(statistics.median(synth_times), statistics.median(floor_times))


def binding_modules() -> list[str]:
    """The jsii binding modules (cdktf, constructs, providers) that building the app imports."""
    probe = (
        "import json, sys\n"
        "import pace_infra.app\n"
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
# main.py it then exits without jsii's 5 s shutdown wait (pace_infra.cli.exit_now), so that both
# sides measure work, not that wait.
_IMPORT_FROM_STDIN = (
    "import importlib, sys\n"
    "from pace_infra.cli import exit_now\n"
    "for m in sys.stdin.read().split(): importlib.import_module(m)\n"
    "exit_now(0)"
)


def run(runs: int) -> BenchResult:
    use_pinned_node()
    modules = "\n".join(binding_modules())
    synth_times: list[float] = []
    floor_times: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "CDKTF_OUTDIR": str(Path(scratch) / "cdktf.out")}
        for _ in range(runs):
            synth_times.append(_timed([sys.executable, "main.py"], env))
            floor_times.append(_timed([sys.executable, "-c", _IMPORT_FROM_STDIN], env, modules))
    return summarize(synth_times, floor_times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    args = parser.parse_args()
    print(run(args.runs).report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
