"""`make apply-plan ENV=<env>`: apply the plans `make plan` saved, and nothing else.

Stack by stack in deploy order, only the stacks a pipeline deploys (or `--stacks`), each with
`apply <saved plan>`: Terraform refuses a plan whose state changed since it was made ("Saved
plan is stale"). Stops, applying nothing further, at the first stack whose plan failed, whose
apply failed, or whose plan was made before an upstream stack applied in this run changed the
outputs it reads (plan again). A stack that could not be planned (e.g. oncall without a
PagerDuty token) is skipped, loudly. Plans of another commit are refused.
Exit codes: 0 applied (or nothing to apply); 1 stopped; 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from pace_infra.tools.plan import workspace
from pace_infra.tools.plan.planner import MANIFEST, read_manifest


def decide(entry: Mapping[str, Any], applied: Sequence[str]) -> tuple[str, str]:
    """What to do with one saved stack: ("apply", plan file), ("skip", why) or ("stop", why)."""
    name = entry["name"]
    if entry["error"]:
        return "stop", f"stopped at {name}: its plan failed ({entry['error']})"
    if entry["not_planned"]:
        # Stacks after it were planned against its current outputs, which is what they read.
        return "skip", (
            f"{name}: NOT APPLIED, no reviewed plan ({entry['not_planned']}); apply it by hand "
            f"(make plan, then make apply-plan STACKS={name})"
        )
    stale_upstream = sorted(set(entry["incomplete_because"]) & set(applied))
    if stale_upstream:
        return "stop", (
            f"stopped at {name}: planned before {', '.join(stale_upstream)} changed; "
            "plan again and apply the rest"
        )
    if not entry["plan"]:
        return "skip", f"{name}: no changes"
    return "apply", entry["plan"]


def _say(message: str) -> None:
    print(f"apply-plan: {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pace_infra.tools.plan.apply", description=__doc__
    )
    parser.add_argument("env")
    parser.add_argument("--stacks", nargs="*", help="stacks to apply (default: the pipeline's)")
    args = parser.parse_args(argv)

    from pace_infra.config import ConfigError, load_environments
    from pace_infra.units import pipeline_stacks

    try:
        environments = {env.name: env for env in load_environments()}
    except ConfigError as error:
        _say(str(error))
        return 2
    if args.env not in environments:
        _say(f"unknown environment {args.env!r}")
        return 2
    plans_dir = workspace.PLANS / args.env
    if not (plans_dir / MANIFEST).exists():
        _say(f"no saved plans in plans/{args.env}: run make plan first")
        return 2
    saved = read_manifest(plans_dir)
    commit = workspace.git_commit()
    if saved["commit"] != commit or commit.endswith("+dirty"):
        _say(f"the plans are of {saved['commit'][:12]}, this tree is {commit[:12]}: plan again")
        return 2
    problem = workspace.credentials_problem(os.environ)
    if problem:
        _say(problem)
        return 2
    selected = set(args.stacks or pipeline_stacks(environments[args.env]))

    from pace_infra.tools.toolchain.setup import prepare

    toolchain = prepare()
    applied: list[str] = []
    for entry in saved["stacks"]:
        name = entry["name"]
        if name not in selected:
            continue
        action, detail = decide(entry, applied)
        if action == "stop":
            _say(detail)
            return 1
        if action == "skip":
            _say(detail)
            continue
        stack = workspace.stage(workspace.REPO / "cdktf.out", name)
        try:
            workspace.init(toolchain, stack)
            workspace.run(toolchain, stack, "apply", "-input=false", str(plans_dir / detail))
        except workspace.PlanError as error:
            _say(f"stopped at {name}: {error}")
            return 1
        _say(f"{name}: applied")
        applied.append(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
