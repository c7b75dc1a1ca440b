"""`terraform plan` of a stack against an empty state, with no network and no credentials.

Which stacks can be planned like this: those with no data source. A data source is read at plan
time, from the network: `terraform_remote_state` reads the upstream stack's state from its GCS
bucket, `google_client_config` asks Google for a token, `pagerduty_user` asks PagerDuty. What
remains are the stacks that only create: bootstrap, network and edge in every environment. For
them the real provider runs its whole plan (schema, validators, CustomizeDiff, planned values)
as it will on the first apply; resources to create need no API call, and the provider is given
a placeholder access token, which nothing uses.

Used by the tests (a first apply of these stacks creates everything and nothing else), and as
real plan JSON for the review renderer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pace_infra.tools.toolchain.setup import Toolchain
from pace_infra.tools.toolchain.validate import cli_env, run_cli

# Never a credential: the google provider takes a static token without checking it, and an
# empty state gives it nothing to read.
PLACEHOLDER_TOKEN = "offline-plan-placeholder-token"
_CREDENTIAL_VARIABLES = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CREDENTIALS",
    "GOOGLE_CLOUD_KEYFILE_JSON",
    "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
)


class OfflinePlanError(RuntimeError):
    """The stack cannot be planned offline, or the CLI refused it; the message says which."""


def offline_plannable(document: Mapping[str, Any]) -> bool:
    """A stack with no data source needs no network to plan against an empty state."""
    return not document.get("data")


def plan_offline(document: Mapping[str, Any], workdir: Path, toolchain: Toolchain) -> dict:
    """The plan (`terraform show -json`) of `document` against an empty local state."""
    if not offline_plannable(document):
        kinds = ", ".join(sorted(document.get("data", {})))
        raise OfflinePlanError(f"reads data sources ({kinds}) at plan time: needs the network")
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in ("terraform.tfstate", "plan.bin", *(p.name for p in workdir.glob("*.tf.json"))):
        (workdir / stale).unlink(missing_ok=True)
    staged = dict(document)
    staged["terraform"] = {**document.get("terraform", {}), "backend": {"local": {}}}
    (workdir / "cdk.tf.json").write_text(json.dumps(staged, indent=1), encoding="utf-8")
    env = {k: v for k, v in cli_env(toolchain).items() if k not in _CREDENTIAL_VARIABLES}
    env["GOOGLE_OAUTH_ACCESS_TOKEN"] = PLACEHOLDER_TOKEN

    def run(*args: str) -> str:
        result = run_cli(toolchain, workdir, *args, env=env)
        if result.returncode != 0:
            raise OfflinePlanError(f"{args[0]} failed: {(result.stderr or result.stdout)[-800:]}")
        return result.stdout

    run("init", "-input=false", "-reconfigure")
    run("plan", "-input=false", "-lock=false", "-out=plan.bin")
    return json.loads(run("show", "-json", "plan.bin"))
