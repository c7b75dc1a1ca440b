"""`make ci-credentials`: Google credentials for a Bitbucket Pipelines step, without any key.

Writes the step's OIDC token to a file and an "external_account" credential configuration that
points Google's client libraries (and so Terraform's google provider) at it: they exchange the
token at Google's STS for a federated token, then impersonate the deploy service account.
Inputs come from the environment: BITBUCKET_STEP_OIDC_TOKEN (the step has `oidc: true`),
WIF_PROVIDER and DEPLOY_SERVICE_ACCOUNT (deployment variables, from the cicd stack's outputs).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REQUIRED = ("BITBUCKET_STEP_OIDC_TOKEN", "WIF_PROVIDER", "DEPLOY_SERVICE_ACCOUNT")


def external_account_config(provider: str, service_account: str, token_file: str) -> dict[str, Any]:
    """The credential file `gcloud iam workload-identity-pools create-cred-config` writes."""
    return {
        "type": "external_account",
        "audience": f"//iam.googleapis.com/{provider}",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "service_account_impersonation_url": (
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
            f"{service_account}:generateAccessToken"
        ),
        "credential_source": {"file": token_file},
    }


def _planner(env_name: str) -> tuple[str, str] | str:
    """(provider, planner email) of an environment, from its file; or what is wrong."""
    from pace_infra.config import ConfigError, load_environments
    from pace_infra.names import (
        EnvNames,
        service_account_email,
    )

    try:
        environments = {env.name: env for env in load_environments()}
    except ConfigError as error:
        return str(error)
    env = environments.get(env_name)
    if env is None:
        return f"unknown environment {env_name!r}"
    names = EnvNames(env.name)
    return (
        names.federation_provider(env.project_number),
        service_account_email(names.planner_service_account, env.project_id),
    )


def main(argv: list[str] | None = None) -> int:
    """Deploy credentials from WIF_PROVIDER and DEPLOY_SERVICE_ACCOUNT; with `--planner <env>`,
    the read-only planner's, derived from the environment file (no variable to set)."""
    argv = sys.argv[1:] if argv is None else argv
    planner = argv[1] if len(argv) == 2 and argv[0] == "--planner" else None
    if argv and planner is None:
        print("usage: python -m pace_infra.tools.ci_credentials [--planner <env>]", file=sys.stderr)
        return 2
    required = ("BITBUCKET_STEP_OIDC_TOKEN",) if planner else REQUIRED
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        print(
            f"ci-credentials: missing environment variables: {', '.join(missing)}", file=sys.stderr
        )
        return 2
    if planner:
        found = _planner(planner)
        if isinstance(found, str):
            print(f"ci-credentials: {found}", file=sys.stderr)
            return 2
        provider, service_account = found
    else:
        provider, service_account = os.environ["WIF_PROVIDER"], os.environ["DEPLOY_SERVICE_ACCOUNT"]
    directory = Path(os.environ.get("CI_CREDENTIALS_DIR", ".ci-credentials"))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    token_file = directory / "oidc-token"
    token_file.write_text(os.environ["BITBUCKET_STEP_OIDC_TOKEN"])
    token_file.chmod(0o600)
    config = external_account_config(provider, service_account, str(token_file.resolve()))
    config_file = directory / "google-credentials.json"
    config_file.write_text(json.dumps(config, indent=2))
    config_file.chmod(0o600)
    print(f"export GOOGLE_APPLICATION_CREDENTIALS={config_file.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
