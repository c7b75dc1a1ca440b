"""The settings a PostgresInstance is built from, without a synth."""

from __future__ import annotations

from dataclasses import replace

from pace_infra.constructs.postgres_settings import (
    CONNECTORS_NOT_REQUIRED,
    CONNECTORS_REQUIRED,
    DATABASE_FLAGS,
    DrReplica,
    common_settings,
)
from tests.constructs.test_postgres import PROPS


def _flags(settings: dict) -> dict[str, str]:
    return {flag.name: flag.value for flag in settings["database_flags"]}


def test_max_connections_is_a_flag_beside_the_house_flags():
    flags = _flags(common_settings(PROPS))
    assert flags == {**DATABASE_FLAGS, "max_connections": str(PROPS.size.max_connections)}
    # The AI DB's transcripts must not be copied into the logs.
    assert flags["log_statement"] == "ddl"


def test_a_perf_optimized_tier_names_enterprise_plus_and_a_custom_tier_enterprise():
    assert common_settings(PROPS)["edition"] == "ENTERPRISE"
    perf = replace(PROPS, size=replace(PROPS.size, tier="db-perf-optimized-N-4"))
    assert common_settings(perf)["edition"] == "ENTERPRISE_PLUS"


def test_connectors_are_enforced_only_without_a_replica():
    assert common_settings(PROPS)["connector_enforcement"] == CONNECTORS_REQUIRED
    replicated = replace(PROPS, dr_replica=DrReplica("pace-t-db-dr", "europe-west1"))
    assert common_settings(replicated)["connector_enforcement"] == CONNECTORS_NOT_REQUIRED
