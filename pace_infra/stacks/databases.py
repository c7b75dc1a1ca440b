"""`<env>-databases`: Pace DB and PACE AI DB on Cloud SQL for PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from pace_infra.config import Environment, SqlInstanceSize
from pace_infra.constructs.database_jobs import (
    DatabaseJobNames,
    DatabaseJobs,
    DatabaseJobsProps,
    JobTarget,
)
from pace_infra.constructs.network import Network
from pace_infra.constructs.postgres import PostgresInstance
from pace_infra.constructs.postgres_settings import DrReplica, PostgresInstanceProps
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.names import (
    DATABASE_EXPORT_METRIC,
    DATABASE_EXPORT_METRIC_LABEL,
    PACE_AI_DB,
    PACE_DB,
    RESTORE_DRILL_METRIC,
    RESTORE_DRILL_METRIC_LABEL,
    Database,
    database_exports_bucket,
)
from pace_infra.stacks.base import PaceStack, earlier, system_labels
from pace_infra.stacks.gke import GkeStack
from pace_infra.stacks.network import NetworkStack


class DatabasesStack(PaceStack):
    """Handles: `pace_db` and `pace_ai_db` (PostgresInstance), `instances` (both), `jobs`
    (DatabaseJobs: the logical export and the restore drill of both)."""

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        network: Network,
        web_identity: WorkloadServiceAccount,
        ai_identity: WorkloadServiceAccount,
    ) -> None:
        super().__init__(scope, env, "databases")
        db = env.databases
        identities = {"web": web_identity, "ai": ai_identity}

        def instance(database: Database, size: SqlInstanceSize) -> PostgresInstance:
            dr = (
                DrReplica(
                    name=self.names.database_dr_replica(database),
                    region=db.dr_replica_region,
                    promoted=db.dr_promoted,
                )
                if db.dr_replica_region
                else None
            )
            created = PostgresInstance(
                self,
                database.key,
                props=PostgresInstanceProps(
                    name=self.names.database_instance(database),
                    project_id=env.project_id,
                    region=env.region,
                    database_version=db.postgres_version,
                    availability=db.availability,
                    size=size,
                    network=network,
                    database_name=database.database,
                    backups=db.backups,
                    maintenance=env.calendar.sql_window(),
                    deny_maintenance_period=env.calendar.sql_deny_period(),
                    deletion_protection=env.deletion_protection,
                    labels=system_labels(database.workload),
                    dr_replica=dr,
                ),
            )
            # Only the database's own system may connect to it.
            created.grant_connect(identities[database.workload])
            return created

        self.pace_db = instance(PACE_DB, db.pace_db)
        self.pace_ai_db = instance(PACE_AI_DB, db.pace_ai_db)
        # What the monitoring stack watches: the instances the applications use.
        self.instances: tuple[PostgresInstance, ...] = (self.pace_db, self.pace_ai_db)
        self.jobs = DatabaseJobs(
            self,
            "jobs",
            props=DatabaseJobsProps(
                project_id=env.project_id,
                region=env.region,
                targets=tuple(
                    JobTarget(
                        instance=self.names.database_instance(database),
                        database=database.database,
                        scratch_stem=self.names.drill_scratch_stem(database),
                    )
                    for database in (PACE_DB, PACE_AI_DB)
                ),
                names=DatabaseJobNames(
                    export=self.names.database_export,
                    drill=self.names.restore_drill,
                    scheduler_account=self.names.database_jobs_scheduler,
                ),
                export_bucket=database_exports_bucket(env.project_id),
                allocated_ip_range=network.psa_range_name,
                metric_type=RESTORE_DRILL_METRIC,
                metric_label=RESTORE_DRILL_METRIC_LABEL,
                export_metric_type=DATABASE_EXPORT_METRIC,
                export_metric_label=DATABASE_EXPORT_METRIC_LABEL,
                exports=db.exports,
                restore_drill=db.restore_drill,
                deletion_protection=env.deletion_protection,
                labels=system_labels("data"),
            ),
        )

    @classmethod
    def from_units(
        cls, scope: Construct, env: Environment, built: Mapping[str, PaceStack]
    ) -> DatabasesStack:
        gke = earlier(built, "gke", GkeStack)
        network = earlier(built, "network", NetworkStack).network
        return cls(scope, env, network, gke.web_identity, gke.ai_identity)
