"""Names of the identities a pipeline uses, known before anything is deployed.

Light on purpose (no provider bindings): `make ci-credentials` derives a planner's credential
configuration from the environment file with these, and the cicd stack creates what they name.
"""

from __future__ import annotations

FEDERATION_PROVIDER_ID = "bitbucket-pipelines"


def federation_pool_id(env_name: str) -> str:
    return f"pace-{env_name}-bitbucket"


def federation_provider_name(project_number: str, env_name: str) -> str:
    """The provider's resource name, as STS's audience and `WIF_PROVIDER` use it."""
    return (
        f"projects/{project_number}/locations/global/workloadIdentityPools/"
        f"{federation_pool_id(env_name)}/providers/{FEDERATION_PROVIDER_ID}"
    )


def planner_account_id(env_name: str) -> str:
    return f"pace-{env_name}-planner"


def service_account_email(account_id: str, project_id: str) -> str:
    return f"{account_id}@{project_id}.iam.gserviceaccount.com"
