"""`make validate`: the pinned Terraform providers validate every synthesized stack.

All stacks are validated in one run of the CLI: a scratch root module calls each stack twice as
a child module, once as synthesized (which catches broken references) and once with every
reference resolved to a placeholder (which runs the validators a reference would switch off;
see `resolve`). One `init` and one `validate` load each provider's schema once instead of 52
times. The scratch directory is never `cdktf.out`: an `init` there would write a lock file with
our build's hashes, which a registry `init` at deploy time refuses.

One line per stack, then a total. Exit codes: 0 no error and no warning; 1 an error or a warning
(or, with --require-all, a stack that could not be validated); 2 the toolchain or the synth
could not be set up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pace_infra.tools import REPO
from pace_infra.tools.toolchain.resolve import resolve
from pace_infra.tools.toolchain.setup import Toolchain

WORKDIR = REPO / ".terraform-validate"
AS_SYNTHESIZED, RESOLVED = "stacks", "resolved"  # the scratch module's two copies of each stack
# What a synth reads: a newer file than the manifest means cdktf.out is stale.
SYNTH_INPUTS = ("main.py", "cdktf.json", "Pipfile.lock", "pace_infra", "environments")
# Variables that would change what the CLI reads or where it writes.
_CLI_VARIABLES = ("TF_CLI_ARGS", "TF_DATA_DIR", "TF_WORKSPACE", "TF_PLUGIN_CACHE_DIR", "TF_LOG")


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # error | warning
    summary: str
    detail: str
    address: str  # where: e.g. resource.google_sql_database_instance.pace_db
    resolved: bool = (
        False  # found in the copy with references resolved (pace_infra.tools.toolchain.resolve)
    )

    def line(self) -> str:
        detail = " ".join(self.detail.split())
        where = f" [{self.address}]" if self.address else ""
        copy = " (references resolved)" if self.resolved else ""
        return f"{self.severity}: {self.summary}{': ' + detail if detail else ''}{where}{copy}"


@dataclass(frozen=True)
class StackResult:
    name: str
    diagnostics: tuple[Diagnostic, ...] = ()
    missing: tuple[str, ...] = ()  # providers this stack needs that are unavailable here

    @property
    def validated(self) -> bool:
        return not self.missing

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


def cli_env(toolchain: Toolchain) -> dict[str, str]:
    """The CLI's environment: our configuration only, no prompts, no version check."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not any(key.startswith(prefix) for prefix in _CLI_VARIABLES)
    }
    env.update(
        TF_CLI_CONFIG_FILE=str(toolchain.config_file),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    return env


def run_cli(
    toolchain: Toolchain, cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess:
    """One command of the pinned CLI in `cwd`, without colour, its output captured."""
    return subprocess.run(
        [toolchain.cli, *args, "-no-color"],
        cwd=cwd,
        env=dict(env) if env is not None else cli_env(toolchain),
        capture_output=True,
        text=True,
        check=False,
    )


def required_providers(document: Mapping) -> tuple[str, ...]:
    """The provider types a stack requires (its `terraform.required_providers` keys)."""
    return tuple(sorted(document.get("terraform", {}).get("required_providers", {})))


def parse_diagnostics(output: str) -> list[tuple[str, Diagnostic]]:
    """`validate -json` output -> (file the finding is in, diagnostic); "" for no file."""
    try:
        report = json.loads(output)
    except ValueError:
        text = output.strip()[-800:]
        return [("", Diagnostic("error", "validate did not answer JSON", text, ""))]
    found = []
    for item in report.get("diagnostics", []):
        filename = (item.get("range") or {}).get("filename", "")
        diagnostic = Diagnostic(
            severity=item.get("severity", "error"),
            summary=item.get("summary", ""),
            detail=item.get("detail", ""),
            address=(item.get("snippet") or {}).get("context") or "",
            resolved=filename.startswith(f"{RESOLVED}/"),
        )
        found.append((filename, diagnostic))
    return found


def _child_module(document: Mapping) -> dict:
    """A stack as a child module, with what only a root module may say taken out: the backend
    (which `init -backend=false` would not read anyway) and empty provider blocks (in a child
    module Terraform warns that they are deprecated proxy declarations; an empty configuration
    is what the provider gets without one)."""
    child = dict(document)
    child["terraform"] = {k: v for k, v in child.get("terraform", {}).items() if k != "backend"}
    providers = {
        name: configs
        for name, configs in child.get("provider", {}).items()
        if any(config for config in configs)
    }
    if providers:
        child["provider"] = providers
    else:
        child.pop("provider", None)
    return child


def _write(path: Path, document: Mapping) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def validate_all(
    stack_files: Mapping[str, Path], workdir: Path, toolchain: Toolchain
) -> list[StackResult]:
    """Validate every stack whose providers are available; one result per stack, by name."""
    documents = {n: json.loads(p.read_text(encoding="utf-8")) for n, p in stack_files.items()}
    missing = {
        name: tuple(p for p in required_providers(doc) if p in toolchain.unavailable)
        for name, doc in documents.items()
    }
    present = sorted(name for name in documents if not missing[name])
    for generated in (AS_SYNTHESIZED, RESOLVED):
        shutil.rmtree(workdir / generated, ignore_errors=True)
    modules = {}
    for name in present:
        child = _child_module(documents[name])
        _write(workdir / AS_SYNTHESIZED / name / "cdk.tf.json", child)
        _write(workdir / RESOLVED / name / "cdk.tf.json", resolve(child))
        modules[name] = {"source": f"./{AS_SYNTHESIZED}/{name}"}
        modules[f"{RESOLVED}_{name}"] = {"source": f"./{RESOLVED}/{name}"}
    _write(workdir / "main.tf.json", {"module": modules})

    findings: dict[str, list[Diagnostic]] = {name: [] for name in present}
    if present:
        init = run_cli(toolchain, workdir, "init", "-backend=false", "-input=false")
        if init.returncode != 0:
            failure = Diagnostic("error", "init failed", (init.stderr or init.stdout)[-800:], "")
            return [StackResult(name, (failure,), missing[name]) for name in sorted(documents)]
        for filename, diagnostic in parse_diagnostics(
            run_cli(toolchain, workdir, "validate", "-json").stdout
        ):
            parts = Path(filename).parts
            owner = parts[1] if len(parts) > 2 and parts[1] in findings else None
            for name in [owner] if owner else present:  # no file: it concerns every stack
                findings[name].append(diagnostic)
    return [
        StackResult(name, tuple(_once(findings.get(name, []))), missing[name])
        for name in sorted(documents)
    ]


def _once(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """A finding of both passes is reported once, from the synthesized document."""
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    for diagnostic in sorted(diagnostics, key=lambda d: d.resolved):
        key = (diagnostic.severity, diagnostic.summary, diagnostic.detail, diagnostic.address)
        if key not in seen:
            seen.add(key)
            kept.append(diagnostic)
    return kept


def stack_files(outdir: Path) -> dict[str, Path]:
    return {path.parent.name: path for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(results: Sequence[StackResult], toolchain: Toolchain) -> list[str]:
    """One line per stack (and one per diagnostic under it), then the total."""
    width = max((len(r.name) for r in results), default=0)
    lines = [f"validating with {toolchain.describe()}"]
    for provider, reason in sorted(toolchain.unavailable.items()):
        lines.append(f"  {provider} is unavailable here: {reason}")
    for result in results:
        if not result.validated:
            lines.append(
                f"  --    {result.name:<{width}}  not validated: needs {', '.join(result.missing)}"
            )
            continue
        errors, warnings = result.count("error"), result.count("warning")
        verdict = "ok  " if not result.diagnostics else "FAIL"
        lines.append(
            f"  {verdict}  {result.name:<{width}}  "
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        )
        lines += [f"          {diagnostic.line()}" for diagnostic in result.diagnostics]
    done = [r for r in results if r.validated]
    total = (
        f"{len(done)} of {_plural(len(results), 'stack')} validated: "
        f"{_plural(sum(r.count('error') for r in done), 'error')}, "
        f"{_plural(sum(r.count('warning') for r in done), 'warning')}"
    )
    skipped = [r.name for r in results if not r.validated]
    if skipped:
        total += f"; NOT validated (providers unavailable here): {', '.join(skipped)}"
    return [*lines, total]


def _newest_input(repo: Path) -> float:
    newest = 0.0
    for name in SYNTH_INPUTS:
        path = repo / name
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


def synth_is_fresh(outdir: Path, repo: Path = REPO) -> bool:
    """Is `outdir` a synth output newer than every file a synth reads?"""
    manifest = outdir / "manifest.json"
    return manifest.exists() and manifest.stat().st_mtime >= _newest_input(repo)


def ensure_synth(outdir: Path, who: str) -> bool:
    """Synthesize into `outdir` when it is older than the code (make test's one synth, shared
    by validate and the alert scenarios); False when the synth failed."""
    if synth_is_fresh(outdir):
        return True
    print(f"{who}: synthesizing into {outdir.name}/ (older than the code)")
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir)}
    return subprocess.run([sys.executable, "main.py"], cwd=REPO, env=env).returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pace_infra.tools.toolchain.validate")
    parser.add_argument("--outdir", type=Path, default=REPO / "cdktf.out")
    parser.add_argument(
        "--require-all", action="store_true", help="exit 1 if any stack could not be validated"
    )
    args = parser.parse_args(argv)

    from pace_infra.tools.toolchain.gobuild import BuildUnavailable
    from pace_infra.tools.toolchain.setup import prepare

    try:
        toolchain = prepare()
    except (ValueError, BuildUnavailable) as error:
        print(f"validate: {error}", file=sys.stderr)
        return 2
    if not ensure_synth(args.outdir, "validate"):
        return 2
    started = time.monotonic()
    results = validate_all(stack_files(args.outdir), WORKDIR, toolchain)
    print("\n".join(report(results, toolchain)))
    print(f"({time.monotonic() - started:.1f} s)")
    failed = any(r.diagnostics for r in results)
    incomplete = args.require_all and any(not r.validated for r in results)
    return 1 if failed or incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
