"""`<env>-databases`: Pace DB and PACE AI DB on Cloud SQL for PostgreSQL."""

from __future__ import annotations

from constructs import Construct

from pace_infra.config import Environment, SqlInstanceSize
from pace_infra.constructs.network import Network
from pace_infra.constructs.postgres import PostgresInstance, PostgresInstanceProps
from pace_infra.constructs.workload_identity import WorkloadServiceAccount
from pace_infra.stacks.base import PaceStack, system_labels


class DatabasesStack(PaceStack):
    """Handles: `pace_db` and `pace_ai_db` (PostgresInstance)."""

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

        def instance(
            id_: str,
            size: SqlInstanceSize,
            database: str,
            identity: WorkloadServiceAccount,
            system: str,
            dr_region: str | None,
        ) -> PostgresInstance:
            return PostgresInstance(
                self,
                id_,
                props=PostgresInstanceProps(
                    name=f"pace-{env.name}-{id_.removeprefix('pace-')}",
                    project_id=env.project_id,
                    region=env.region,
                    database_version=db.postgres_version,
                    availability=db.availability,
                    size=size,
                    network_id=network.network_id,
                    psa_range_name=network.psa_range_name,
                    database_name=database,
                    iam_service_account_emails=(identity.email,),
                    backups=db.backups,
                    maintenance=db.maintenance,
                    deletion_protection=env.deletion_protection,
                    labels=system_labels(system),
                    dr_replica_region=dr_region,
                ),
            )

        # Pace DB: the CRM's business data; reached by pace-web only.
        self.pace_db = instance(
            "pace-db", db.pace_db, "pace", web_identity, "web", db.dr_replica_region
        )
        # PACE AI DB: conversations, transcripts, agent state, embeddings; reached by pace-ai only.
        self.pace_ai_db = instance("pace-ai-db", db.pace_ai_db, "pace_ai", ai_identity, "ai", None)
