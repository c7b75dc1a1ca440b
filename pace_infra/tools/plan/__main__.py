"""`make plan ENV=<env>`: plan every stack of an environment against its real state, in deploy
order, save the plans, and review them like the offline review.

Saved under `plans/<env>/`: `<stack>.tfplan` (what `make apply-plan` applies), `<stack>.json`
(`terraform show -json`), `plans.json` (commit, per stack: changes, risks, drift, why a stack
has no plan, which upstream changes make a plan incomplete) and `review.md`.
Exit codes: 0 planned; 1 a stack could not be planned, or --fail-on-risk and a risk, or
--fail-on-change and a change or drift; 2 bad input (environment, credentials, no synth).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from pace_infra.tools.plan import report, workspace
from pace_infra.tools.plan.planner import mark_incomplete, plan_stack, write_manifest


def _fail(message: str) -> int:
    print(f"make plan: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pace_infra.tools.plan", description=__doc__)
    parser.add_argument("env", help="environment name (environments/<env>.yaml)")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--fail-on-risk", action="store_true", help="exit 1 if a risk is flagged")
    parser.add_argument(
        "--fail-on-change", action="store_true", help="exit 1 on any change or drift (drift check)"
    )
    parser.add_argument("--outdir", type=Path, default=workspace.REPO / "cdktf.out")
    args = parser.parse_args(argv)

    from pace_infra.config import ConfigError, load_environments
    from pace_infra.tools.deploy_order import environment_order
    from pace_infra.tools.toolchain.validate import synth_is_fresh

    try:
        names = {env.name for env in load_environments()}
    except ConfigError as error:
        return _fail(str(error))
    if args.env not in names:
        return _fail(f"unknown environment {args.env!r} (known: {', '.join(sorted(names))})")
    problem = workspace.credentials_problem(os.environ)
    if problem:
        return _fail(problem)
    manifest_path = args.outdir / "manifest.json"
    if not manifest_path.exists() or not synth_is_fresh(args.outdir):
        return _fail(f"{args.outdir} is missing or older than the code: run make synth")

    from pace_infra.tools.toolchain.setup import prepare

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    try:
        order = environment_order(manifest, args.env)
    except ValueError as error:
        return _fail(str(error))
    dependencies = {name: manifest["stacks"][name].get("dependencies", []) for name in order}
    toolchain = prepare()
    plans_dir = workspace.PLANS / args.env
    shutil.rmtree(plans_dir, ignore_errors=True)  # plans of another commit must not survive
    plans_dir.mkdir(parents=True)
    plans = []
    for name in order:
        print(f"planning {name}", file=sys.stderr, flush=True)
        plans.append(plan_stack(args.outdir, name, toolchain, plans_dir, os.environ))
    mark_incomplete(plans, dependencies)
    commit = workspace.git_commit()
    write_manifest(plans_dir, args.env, commit, plans)
    (plans_dir / "review.md").write_text(report.markdown(args.env, commit, plans), "utf-8")
    render = report.markdown if args.format == "markdown" else report.text
    print(render(args.env, commit, plans), end="")

    failed = any(plan.error for plan in plans)
    risky = args.fail_on_risk and any(plan.review and plan.review.risks for plan in plans)
    drifted = args.fail_on_change and any(
        plan.review and (plan.review.changes or plan.review.drift) for plan in plans
    )
    return 1 if failed or risky or drifted else 0


if __name__ == "__main__":
    sys.exit(main())
