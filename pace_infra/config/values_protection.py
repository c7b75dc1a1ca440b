"""What protects the databases beyond Cloud SQL's own backups: logical exports and restore drills.

Value types that environment config (`databases.exports`, `databases.restore_drill`) and the
database jobs construct share, each default and rule once. A protected tier may turn either off
only with its reason written down (config/validate.py); dev may without one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pace_infra.config.checks import CRON, require
from pace_infra.regions import GCP_REGIONS


def _job_rules(enabled: bool, off_reason: str | None, schedule: str) -> None:
    """What a scheduled database job's common fields must hold."""
    # A reason beside `enabled: true` would say something that is not so.
    require(
        enabled or off_reason is None or bool(off_reason.strip()),
        "off_reason",
        "must not be empty",
    )
    require(not (enabled and off_reason), "off_reason", "is only for enabled: false")
    require(
        bool(CRON.match(schedule)), "schedule", "must be a 5-field cron schedule (unix-cron, UTC)"
    )


@dataclass(frozen=True)
class LogicalExports:
    """A scheduled SQL dump (pg_dump through the Cloud SQL Admin API) of each database into a
    dedicated bucket in another region whose retention policy no one can shorten: a copy that
    survives the instance, its backups, the region and a mistaken or malicious delete."""

    # Off: dev freely; staging and prod only with off_reason (validate.py).
    enabled: bool = True
    # Why this environment has none; required to turn them off in staging and prod.
    off_reason: str | None = None
    # unix-cron, UTC: daily at 22:00, clear of the databases' maintenance hour (the calendar; a
    # schedule inside it is refused) and of the 02:00 backup.
    schedule: str = "0 22 * * *"
    # How long each export can be neither deleted nor replaced (the bucket's retention policy);
    # a lifecycle rule deletes it the day after.
    retention_days: int = 35
    # The bucket's region. Unset: databases.dr_replica_region (validate.py refuses the primary
    # region: a regional outage must not take the exports with the instances).
    bucket_region: str | None = None
    # Lock the retention policy: irreversible, it can then never be shortened or removed, and
    # the bucket cannot be deleted while it holds an export younger than retention_days. prod
    # refuses false (validate.py).
    lock_retention: bool = True

    def __post_init__(self) -> None:
        _job_rules(self.enabled, self.off_reason, self.schedule)
        require(7 <= self.retention_days <= 3650, "retention_days", "must be from 7 to 3650")
        region = self.bucket_region
        require(
            region is None or region in GCP_REGIONS,
            "bucket_region",
            f"{region!r} is not a Google Cloud region",
        )


@dataclass(frozen=True)
class RestoreDrill:
    """A scheduled point-in-time clone of each database to a scratch instance, timed, checked
    RUNNABLE and deleted: proof that the restore path works, and how long it takes."""

    # Off: dev freely; staging and prod only with off_reason (validate.py).
    enabled: bool = True
    # Why this environment has none; required to turn them off in staging and prod.
    off_reason: str | None = None
    schedule: str = "0 5 * * 1"  # unix-cron, UTC: Mondays at 05:00, after the night's backup
    # The recovery time objective of a point-in-time restore: a drill whose clone takes longer
    # than this raises the drill alert.
    rto_minutes: int = 60
    # The drill alert also fires when no drill of a database has succeeded for this long: one
    # missed weekly run, and a day to notice.
    stale_after_days: int = 8

    def __post_init__(self) -> None:
        _job_rules(self.enabled, self.off_reason, self.schedule)
        require(10 <= self.rto_minutes <= 1440, "rto_minutes", "must be from 10 to 1440")
        require(2 <= self.stale_after_days <= 35, "stale_after_days", "must be from 2 to 35")
