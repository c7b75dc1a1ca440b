"""Rules across sections: what a tier allows, and what one section must agree with in another.

A rule on one type's own fields sits in that type's `__post_init__` (schema.py, values.py) and
holds wherever the value is built; the rules here need the whole environment.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pace_infra.config.checks import cpu_cores, cron_week_minutes, memory_bytes, week_minute_text
from pace_infra.config.loader import ConfigError
from pace_infra.config.schema import Environment
from pace_infra.config.schema_delivery import BITBUCKET_REPO
from pace_infra.config.values_delivery import PROXY_SIZE
from pace_infra.names import APP_PORT, IMAGE_DATABASE, IMAGES, WORKLOADS

MIN_PROD_RETAINED_BACKUPS = 14


def validate(env: Environment, now: datetime | None = None) -> None:
    """Raise ConfigError on the first rule across sections that the environment breaks; `now`
    (default: the clock) is when a freeze must not yet have ended."""
    file = env.source
    if env.protected and not env.deletion_protection:
        raise ConfigError(
            file,
            "deletion_protection",
            f"must be true in a {env.tier} environment (only dev may be torn down by Terraform)",
        )
    _validate_gke(env, file)
    _validate_databases(env, file)
    _validate_budget(env, file)
    # The repository Argo CD reads must be in the workspace the federation trusts.
    match = BITBUCKET_REPO.match(env.gitops.repo_url)
    if match and match.group(1) != env.cicd.bitbucket_workspace:
        raise ConfigError(
            file, "gitops.repo_url", f"is not in workspace {env.cicd.bitbucket_workspace!r}"
        )
    _validate_applications(env, file)
    if env.tier == "prod" and env.oncall.mode != "full":
        raise ConfigError(file, "oncall.mode", "prod must page people (full)")
    _validate_freezes(env, file, now or datetime.now(UTC))


def _validate_freezes(env: Environment, file: str, now: datetime) -> None:
    """A freeze that has ended is refused: cron has no year, so its Argo CD deny window would
    come back on the same dates next year, and it no longer holds anything GKE or Cloud SQL
    needs. Remove it (an ongoing freeze, already started, is valid)."""
    calendar = env.calendar
    for i, freeze in enumerate(calendar.freezes):
        if calendar.instant(freeze.end) <= now:
            raise ConfigError(
                file,
                f"calendar.freezes[{i}].end",
                f"{freeze.end} ({calendar.time_zone}) has passed: remove the ended freeze",
            )


def _validate_gke(env: Environment, file: str) -> None:
    zone = env.gke.zone
    if zone is not None and not re.fullmatch(rf"{re.escape(env.region)}-[a-z]", zone):
        raise ConfigError(file, "gke.zone", f"{zone!r} is not a zone of {env.region}")
    if env.protected and zone is not None:
        raise ConfigError(
            file, "gke.zone", f"a {env.tier} cluster must be regional (remove gke.zone)"
        )


def _validate_databases(env: Environment, file: str) -> None:
    db = env.databases
    if env.protected and db.availability != "REGIONAL":
        raise ConfigError(
            file,
            "databases.availability",
            f"must be REGIONAL in a {env.tier} environment (high availability)",
        )
    retained = db.backups.retained
    if env.tier == "prod" and retained < MIN_PROD_RETAINED_BACKUPS:
        raise ConfigError(
            file,
            "databases.retained_backups",
            f"{retained}: prod keeps at least {MIN_PROD_RETAINED_BACKUPS} backups",
        )
    if env.protected and not db.backups.retain_on_delete:
        raise ConfigError(
            file,
            "databases.retain_backups_on_delete",
            f"must be true in a {env.tier} environment (backups outlive a deleted instance)",
        )
    if db.dr_replica_region is not None and db.dr_replica_region == env.region:
        raise ConfigError(
            file, "databases.dr_replica_region", "must differ from the primary region"
        )
    _validate_data_protection(env, file)


def _validate_data_protection(env: Environment, file: str) -> None:
    db = env.databases
    for key, policy, what in (
        ("exports", db.exports, "the only copy that outlives the project's backups"),
        ("restore_drill", db.restore_drill, "the only proof that a restore works"),
    ):
        if env.protected and not policy.enabled and not policy.off_reason:
            raise ConfigError(
                file,
                f"databases.{key}.enabled",
                f"false needs databases.{key}.off_reason in a {env.tier} environment ({what})",
            )
    _validate_jobs_miss_maintenance(env, file)
    exports = db.exports
    if not exports.enabled:
        return
    region = db.exports_region
    if region is None:
        raise ConfigError(
            file,
            "databases.exports.bucket_region",
            "required without databases.dr_replica_region (exports go to another region)",
        )
    if region == env.region:
        raise ConfigError(
            file, "databases.exports.bucket_region", "must differ from the primary region"
        )
    if env.tier == "prod" and not exports.lock_retention:
        raise ConfigError(
            file,
            "databases.exports.lock_retention",
            "must be true in prod (nobody may shorten the exports' retention)",
        )


def _validate_jobs_miss_maintenance(env: Environment, file: str) -> None:
    """An export or drill started in the databases' maintenance hour meets a restarting instance
    (the calendar's `sql_window`): Cloud SQL refuses operations on an instance under maintenance."""
    window = env.calendar.sql_window()
    start = (window.day - 1) * 1440 + window.hour * 60
    for key, job in (
        ("exports", env.databases.exports),
        ("restore_drill", env.databases.restore_drill),
    ):
        fires = cron_week_minutes(job.schedule) if job.enabled else None
        inside = sorted(m for m in fires or () if start <= m < start + 60)
        if inside:
            raise ConfigError(
                file,
                f"databases.{key}.schedule",
                f"fires {week_minute_text(inside[0])} UTC, in the databases' maintenance hour "
                "(calendar.maintenance): move it",
            )


def _validate_applications(env: Environment, file: str) -> None:
    if APP_PORT not in env.network.load_balancer_ports:
        raise ConfigError(
            file,
            "network.load_balancer_ports",
            f"must include {APP_PORT}, the port the CRM listens on (applications' contract)",
        )
    for workload in WORKLOADS:
        _validate_quota_fit(env, file, workload)


def _validate_quota_fit(env: Environment, file: str, workload: str) -> None:
    """What the Deployments may grow to (every replica the HPA allows, plus the one a roll-out
    surges, each with its proxy sidecar) must fit the namespace's quota, or pods are refused
    exactly when they are needed."""
    quota = getattr(env.platform, f"{workload}_quota")
    pods, cpu, memory = 0, 0.0, 0
    for image in IMAGES[workload]:
        size = env.applications.size_of(image)
        replicas = size.max_replicas + 1
        sidecar = image in IMAGE_DATABASE
        pods += replicas
        cpu += replicas * (
            cpu_cores(size.limits_cpu) + (cpu_cores(PROXY_SIZE.limits_cpu) if sidecar else 0)
        )
        memory += replicas * (
            memory_bytes(size.limits_memory)
            + (memory_bytes(PROXY_SIZE.limits_memory) if sidecar else 0)
        )
    key = f"platform.{workload}_quota"
    for what, need, have in (
        ("pods", pods, quota.pods),
        ("limits_cpu", cpu, cpu_cores(quota.limits_cpu)),
        ("limits_memory", memory, memory_bytes(quota.limits_memory)),
    ):
        if need > have:
            raise ConfigError(
                file,
                f"{key}.{what}",
                f"the applications may need {need:g} at their maximum replicas (plus one surge "
                f"pod each, with sidecars): raise it or lower applications' max_replicas",
            )


def _validate_budget(env: Environment, file: str) -> None:
    """A budget reaches PagerDuty only through an email integration (budgets notify email
    channels only), whose address is on the account's subdomain."""
    if (
        env.monitoring.budget is not None
        and env.oncall.mode != "none"
        and env.oncall.pagerduty_subdomain is None
    ):
        raise ConfigError(
            file,
            "oncall.pagerduty_subdomain",
            "is needed where monitoring.budget is set: the budget pages pace-platform-warnings "
            "through an email integration at <subdomain>.pagerduty.com",
        )
