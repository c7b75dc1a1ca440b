"""Rules for how PACE is delivered: Bitbucket federation, images, GitOps, what runs in-cluster."""

from __future__ import annotations

import re

from pace_infra.config.loader import ConfigError
from pace_infra.config.patterns import EMAIL
from pace_infra.config.schema import (
    ArgoCdSso,
    CicdConfig,
    EgressEndpoint,
    Environment,
    GitopsConfig,
    PlatformConfig,
)

_UUID = re.compile(r"^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$")
_WORKSPACE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,61}$")
_BITBUCKET_REPO = re.compile(r"^https://bitbucket\.org/([a-z0-9][a-z0-9_-]*)/[a-z0-9._-]+\.git$")
_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$")


# Part of `deploy_target` = <repo>:<environment>:<branch> (127 characters at most) and of a
# principalSet URL path: no '/', no ':'.
_RELEASE_BRANCH = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
# A Binary Authorization allowlist pattern (registry/path, optional trailing * or **), with at
# least one literal path segment: `docker.io/**` would admit every image of a public registry.
_IMAGE_PATTERN = re.compile(
    r"^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(/[A-Za-z0-9._-]+)+(/?[A-Za-z0-9._:@-]*\*{0,2})?$"
)


def validate_cicd(cicd: CicdConfig, file: str) -> None:
    if not _WORKSPACE.match(cicd.bitbucket_workspace):
        raise ConfigError(file, "cicd.bitbucket_workspace", "must be the workspace slug")
    uuids = {
        "cicd.bitbucket_workspace_uuid": cicd.bitbucket_workspace_uuid,
        "cicd.infra_repository_uuid": cicd.infra_repository_uuid,
        "cicd.deployment_environment_uuid": cicd.deployment_environment_uuid,
        **{
            f"cicd.image_repository_uuids[{i}]": u
            for i, u in enumerate(cicd.image_repository_uuids)
        },
    }
    for key, uuid in uuids.items():
        if not _UUID.match(uuid):
            raise ConfigError(file, key, f"{uuid!r} is not a Bitbucket UUID ({{lowercase uuid}})")
    if not cicd.image_repository_uuids:
        raise ConfigError(file, "cicd.image_repository_uuids", "needs at least one repository")
    if not 1 <= cicd.keep_recent_images <= 1000:
        raise ConfigError(file, "cicd.keep_recent_images", "must be from 1 to 1000")
    if not _RELEASE_BRANCH.match(cicd.release_branch):
        raise ConfigError(
            file,
            "cicd.release_branch",
            "must be a branch name of letters, digits, '.', '_' or '-' (at most 40): it is "
            "part of a federation attribute, where '/' and ':' cannot appear",
        )
    for i, pattern in enumerate(cicd.admitted_images):
        if not _IMAGE_PATTERN.match(pattern):
            raise ConfigError(
                file,
                f"cicd.admitted_images[{i}]",
                f"{pattern!r} must be <registry>/<path> naming at least one path segment before "
                "any trailing * or ** (a whole registry is not an allowlist)",
            )


def validate_gitops(gitops: GitopsConfig, cicd: CicdConfig, file: str) -> None:
    match = _BITBUCKET_REPO.match(gitops.repo_url)
    if not match:
        raise ConfigError(
            file,
            "gitops.repo_url",
            f"{gitops.repo_url!r} is not a Bitbucket HTTPS repository URL "
            "(https://bitbucket.org/<workspace>/<repo>.git)",
        )
    if match.group(1) != cicd.bitbucket_workspace:
        raise ConfigError(
            file, "gitops.repo_url", f"is not in workspace {cicd.bitbucket_workspace!r}"
        )
    for key in ("revision", "web_path", "ai_path"):
        value = getattr(gitops, key)
        if not value or value.startswith("/") or ".." in value.split("/"):
            raise ConfigError(file, f"gitops.{key}", f"{value!r} must be a relative path or ref")


def validate_platform(env: Environment, file: str) -> None:
    platform: PlatformConfig = env.platform
    for name in ("web_quota", "ai_quota"):
        quota = getattr(platform, name)
        for key in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
            if not _QUANTITY.match(getattr(quota, key)):
                raise ConfigError(
                    file,
                    f"platform.{name}.{key}",
                    "is not a Kubernetes quantity (e.g. 4, 500m, 8Gi)",
                )
        if quota.pods < 1:
            raise ConfigError(file, f"platform.{name}.pods", "must be at least 1")
    if platform.argocd_sso is not None:
        _validate_sso(platform.argocd_sso, file)
        if platform.argocd_local_admin:
            raise ConfigError(
                file,
                "platform.argocd_local_admin",
                "must be false when argocd_sso is set (SSO replaces the shared admin password)",
            )
    for name in ("web_egress", "ai_egress"):
        _validate_egress(getattr(platform, name), file, f"platform.{name}")


_GOOGLE_CLIENT_ID = re.compile(r"^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$")
_HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+(:\d{1,5})?$")


def _validate_sso(sso: ArgoCdSso, file: str) -> None:
    if not _GOOGLE_CLIENT_ID.match(sso.client_id):
        raise ConfigError(
            file,
            "platform.argocd_sso.client_id",
            f"{sso.client_id!r} is not a Google OAuth client id "
            "(<number>-<id>.apps.googleusercontent.com)",
        )
    if not sso.admins:
        raise ConfigError(file, "platform.argocd_sso.admins", "needs at least one admin")
    for i, email in enumerate(sso.admins):
        if not EMAIL.match(email):
            raise ConfigError(
                file, f"platform.argocd_sso.admins[{i}]", f"{email!r} is not an email address"
            )
    if not _HTTPS_URL.match(sso.url):
        raise ConfigError(
            file, "platform.argocd_sso.url", f"{sso.url!r} must be https://<host>[:port]"
        )


_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
# Wider than this is "the internet", which an allowlist must not be.
MIN_EGRESS_PREFIX = 8


def _validate_egress(endpoints: tuple[EgressEndpoint, ...], file: str, key: str) -> None:
    names = [endpoint.name for endpoint in endpoints]
    if len(set(names)) != len(names):
        raise ConfigError(file, key, "endpoint names must be unique")
    for i, endpoint in enumerate(endpoints):
        where = f"{key}[{i}]"
        if not _SLUG.match(endpoint.name):
            raise ConfigError(file, f"{where}.name", f"{endpoint.name!r} must be a short slug")
        if not endpoint.cidrs:
            raise ConfigError(file, f"{where}.cidrs", "needs at least one range")
        for j, cidr in enumerate(endpoint.cidrs):
            if cidr.prefixlen < MIN_EGRESS_PREFIX:
                raise ConfigError(
                    file,
                    f"{where}.cidrs[{j}]",
                    f"{cidr} is wider than /{MIN_EGRESS_PREFIX}: name the endpoint's own ranges",
                )
        if not endpoint.ports or not all(1 <= port <= 65535 for port in endpoint.ports):
            raise ConfigError(file, f"{where}.ports", "needs ports from 1 to 65535")
