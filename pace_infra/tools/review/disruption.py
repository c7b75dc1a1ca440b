"""Updates Terraform applies in place that still interrupt service.

A replacement is visible in the provider's schema (forcenew.py); these are not: the provider
updates the resource, and the service restarts or recreates what runs on it. Each rule names
the attribute (a schema path, indexes dropped) and what happens, from the source given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Cloud SQL: "the instance restarts" when its machine changes (tier, edition), when high
# availability is turned on or off, and on a major version upgrade (Cloud SQL "Edit instances"
# docs: settings that restart the instance).
_SQL = "restarts Cloud SQL instance"
# GKE: node pool changes applied by recreating every node, surge by surge ("Manage cluster
# lifecycle changes to minimize disruption": changes that recreate nodes).
_NODES = "recreates every node of node pool"

RULES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "google_sql_database_instance": (
        ("settings.tier", _SQL),
        ("settings.edition", _SQL),
        ("settings.availability_type", _SQL),
        ("database_version", "upgrades, with downtime, Cloud SQL instance"),
    ),
    "google_container_node_pool": tuple(
        (path, _NODES)
        for path in (
            "node_config.machine_type",
            "node_config.disk_size_gb",
            "node_config.disk_type",
            "node_config.image_type",
            "node_config.workload_metadata_config",
            "node_config.kubelet_config",
            "node_config.linux_node_config",
            "node_config.gcfs_config",
            "node_locations",
            "version",
        )
    ),
}

# PostgreSQL parameters read only at server start ("context: postmaster" in the PostgreSQL
# docs), and Cloud SQL's pgaudit switch: changing one restarts the instance (and its replicas).
# Other flags apply without a restart.
RESTART_FLAGS: frozenset[str] = frozenset(
    {
        "max_connections",
        "shared_buffers",
        "max_worker_processes",
        "max_locks_per_transaction",
        "max_prepared_transactions",
        "max_pred_locks_per_transaction",
        "max_wal_senders",
        "max_replication_slots",
        "track_activity_query_size",
        "cloudsql.enable_pgaudit",
        "cloudsql.logical_decoding",
        "cloudsql.enable_pg_cron",
    }
)

# Argo CD: a new chart version or new values roll its pods; the Applications release changes
# what Argo CD syncs, and with automated prune, what it deletes.
HELM_CHART_EFFECTS: Mapping[str, str] = {
    "argo-cd": "re-rolls Argo CD (its pods restart: no syncs or self-heal meanwhile)",
    "argocd-apps": "changes the Argo CD Applications: Argo CD syncs and prunes the workloads",
}
HELM_ROLLING_FIELDS = ("chart", "version", "values", "repository")


def _flags(attributes: Mapping[str, Any]) -> dict[str, str]:
    settings = attributes.get("settings") or {}
    if isinstance(settings, list):
        settings = settings[0] if settings else {}
    return {f["name"]: f.get("value") for f in settings.get("database_flags") or []}


def restart_flags_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Restart-requiring flags that are added, removed or given another value."""
    before, after = _flags(old), _flags(new)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    return sorted(changed & RESTART_FLAGS)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(f"{prefix}.")


def disruptions(
    kind: str,
    address: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    paths: Iterable[str],
) -> list[str]:
    """What this in-place update interrupts, one sentence each (changed `paths` are plain)."""
    paths = list(paths)
    found = [
        f"{effect} {address} ({prefix} changes)"
        for prefix, effect in RULES.get(kind, ())
        if any(_under(path, prefix) for path in paths)
    ]
    if kind == "google_sql_database_instance":
        found += [
            f"{_SQL} {address} (flag {flag} changes; it is read at server start)"
            for flag in restart_flags_changed(old, new)
        ]
    if kind == "helm_release":
        effect = HELM_CHART_EFFECTS.get(str(new.get("chart")))
        fields = [f for f in HELM_ROLLING_FIELDS if any(_under(p, f) for p in paths)]
        if effect and fields:
            found.append(f"{effect}: {address} ({', '.join(fields)} changes)")
    return list(dict.fromkeys(found))
