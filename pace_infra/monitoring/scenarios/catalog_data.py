"""Scenarios of each Cloud SQL instance: CPU, memory, disk and its autoresize, connections, up
and state, error logs. Disk sizes, autoresize limits and max_connections come from the
environment's synthesized databases stack."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.monitoring.scenarios import cloudsql
from pace_infra.monitoring.scenarios.model import Context, Run, Scenario

MIN, HOUR, DAY = 60, 3600, 86400


def _database_id(ctx: Context) -> str:
    return ctx.filter_value("resource.label.database_id")


def _settings(ctx: Context) -> Mapping:
    instance = _database_id(ctx).split(":", 1)[1]
    for resource in ctx.resource("databases", "google_sql_database_instance").values():
        if resource.get("name") == instance:
            settings = resource["settings"]
            return settings[0] if isinstance(settings, list) else settings
    raise Unsupported(f"no instance {instance} in the databases stack")


def _flag(settings: Mapping, name: str) -> str | None:
    for flag in settings.get("database_flags") or ():
        if flag.get("name") == name:
            return flag.get("value")
    return None


def _max_connections(ctx: Context) -> int:
    value = _flag(_settings(ctx), "max_connections")
    if value is None:
        raise Unsupported("the instance sets no max_connections flag")
    return int(value)


def _gauge(
    name: str,
    value: Callable[[int], float | None],
    end: int,
    failure: tuple[int, int] | None = None,
) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        return Run(
            Observations(end, [cloudsql.metric(_database_id(ctx), name, value, end)]), failure
        )

    return build


def _daily(low: float, high: float) -> Callable[[int], float]:
    """A business-day curve between `low` (night) and `high` (10:00-16:00)."""

    def value(t: int) -> float:
        hour = (t / HOUR) % 24
        return high if 10 <= hour < 16 else low + (high - low) * max(0, 1 - abs(hour - 13) / 9)

    return value


# --- disk -----------------------------------------------------------------------------------


def _autoresize_cycle(ctx: Context) -> Run:
    """Ten days of steady growth (3 GB a day) with autoresize on, from a disk 80 % full."""
    settings, end = _settings(ctx), 10 * DAY
    size = float(settings["disk_size"])
    limit = float(settings.get("disk_autoresize_limit") or 0) or 30_000.0
    samples = cloudsql.disk(lambda t: 0.8 * size + 3 * t / DAY, size, limit, end)
    value = {t: used / capacity for t, used, capacity in samples}
    return Run(
        Observations(end, [cloudsql.metric(_database_id(ctx), "disk/utilization", value.get, end)])
    )


def _at_the_limit(rate_gb_per_day: float) -> Callable[[Context], Run]:
    """The disk has reached disk_autoresize_limit (autoresize can add nothing) and keeps growing:
    the failure starts when free space falls below the autoresize threshold at the limit."""

    def build(ctx: Context) -> Run:
        settings, end = _settings(ctx), 2 * DAY
        limit = float(settings.get("disk_autoresize_limit") or 0)
        if not limit:
            raise Unsupported("the instance has no autoresize limit")
        threshold = cloudsql.autoresize_step(limit)
        start_used = limit - threshold - rate_gb_per_day / 4  # six hours before the threshold

        def used(t: int) -> float:
            return min(start_used + rate_gb_per_day * t / DAY, limit)

        samples = cloudsql.disk(used, limit, limit, end)
        value = {t: u / c for t, u, c in samples}
        start = int(DAY / 4)
        full = int((limit - start_used) / rate_gb_per_day * DAY)
        series = [cloudsql.metric(_database_id(ctx), "disk/utilization", value.get, end)]
        return Run(Observations(end, series), (start, min(full, end)))

    return build


# --- connections, up, state ---------------------------------------------------------------


def _connections(
    shape: Callable[[int, int], float], end: int, failure: tuple[int, int] | None
) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        max_connections = _max_connections(ctx)
        series = cloudsql.metric(
            _database_id(ctx),
            "postgresql/num_backends",
            lambda t: float(round(shape(t, max_connections))),
            end,
            {"database": "pace"},
        )
        return Run(Observations(end, [series]), failure)

    return build


def _leak(t: int, maximum: int) -> float:
    """A connection leak from 40 % of max_connections, +2 % a minute from 00:30, capped at the
    limit (the failure from 90 %, where new connections are about to be refused)."""
    return min(0.4 + 0.02 * max(0, t - 30 * MIN) / MIN, 1.0) * maximum


def _rollout_pools(t: int, maximum: int) -> float:
    """New pods open their pools before old pods close theirs: +15 % for three minutes."""
    return (0.65 if 30 * MIN <= t < 33 * MIN else 0.5) * maximum


def _up(
    value: Callable[[int], float | None], end: int, failure: tuple[int, int] | None = None
) -> Callable[[Context], Run]:
    return _gauge("up", value, end, failure)


def _states(
    state: Callable[[int], str],
    up: Callable[[int], float],
    end: int,
    failure: tuple[int, int] | None,
) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        database_id = _database_id(ctx)
        series = [
            *cloudsql.instance_state(database_id, state, end),
            cloudsql.metric(database_id, "up", up, end),
        ]
        return Run(Observations(end, series), failure)

    return build


def _down_between(start: int, stop: int) -> Callable[[int], float]:
    return lambda t: 0.0 if start <= t < stop else 1.0


# --- error logs -----------------------------------------------------------------------------


def _postgres_errors(
    per_minute: int, start: int, stop: int, end: int, message: str, failure: bool
) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        database_id = _database_id(ctx)
        logs = [
            cloudsql.postgres_log(database_id, t + i * MIN // per_minute, "ERROR", message)
            for t in range(start, stop, MIN)
            for i in range(per_minute)
        ]
        return Run(Observations(end, logs=logs), (start, stop) if failure else None)

    return build


DATA_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "a runaway query holds CPU at 100% for 1 h",
        "failure",
        "data-*-cpu",
        _gauge(
            "cpu/utilization",
            lambda t: 1.0 if HOUR <= t < 2 * HOUR else 0.4,
            3 * HOUR,
            (HOUR, 2 * HOUR),
        ),
        15 * MIN,
    ),
    Scenario(
        "a business day, peak CPU 60%",
        "normal",
        "data-*-cpu",
        _gauge("cpu/utilization", _daily(0.1, 0.6), DAY),
    ),
    Scenario(
        "memory at 97% for 40 min (a connection storm's work_mem)",
        "failure",
        "data-*-memory",
        _gauge(
            "memory/utilization",
            lambda t: 0.97 if HOUR <= t < HOUR + 40 * MIN else 0.7,
            2 * HOUR,
            (HOUR, HOUR + 40 * MIN),
        ),
        10 * MIN,
    ),
    Scenario(
        "a business day, memory 70-80%",
        "normal",
        "data-*-memory",
        _gauge("memory/utilization", _daily(0.7, 0.8), DAY),
    ),
    Scenario(
        "autoresize cycle: 3 GB a day for 10 days", "normal", "data-*-disk", _autoresize_cycle
    ),
    Scenario(
        "autoresize cycle: 3 GB a day for 10 days",
        "normal",
        "data-*-disk-forecast",
        _autoresize_cycle,
    ),
    Scenario(
        "at disk_autoresize_limit, growing 4 GB a day",
        "failure",
        "data-*-disk",
        _at_the_limit(4.0),
        HOUR,
        "the real limit is watched",
    ),
    Scenario(
        "at disk_autoresize_limit, a runaway job writes 200 GB a day",
        "failure",
        "data-*-disk-forecast",
        _at_the_limit(200.0),
        HOUR,
        "a disk filling within hours pages",
    ),
    Scenario(
        "connection leak to max_connections",
        "failure",
        "data-*-connections",
        _connections(_leak, 3 * HOUR, (30 * MIN + 25 * MIN, 3 * HOUR)),
        10 * MIN,
    ),
    Scenario(
        "deploy roll-out: two pools for three minutes",
        "normal",
        "data-*-connections",
        _connections(_rollout_pools, 2 * HOUR, None),
    ),
    Scenario(
        "instance unreachable for 20 min (up = 0)",
        "failure",
        "data-*-down",
        _up(_down_between(HOUR, HOUR + 20 * MIN), 2 * HOUR, (HOUR, HOUR + 20 * MIN)),
        10 * MIN,
    ),
    Scenario(
        "instance stops reporting for 20 min",
        "failure",
        "data-*-down",
        _up(
            lambda t: None if HOUR <= t < HOUR + 20 * MIN else 1.0,
            2 * HOUR,
            (HOUR, HOUR + 20 * MIN),
        ),
        10 * MIN,
        "silence is an outage",
    ),
    Scenario(
        "HA failover: one minute down",
        "normal",
        "data-*-down",
        _up(_down_between(HOUR, HOUR + MIN), 2 * HOUR),
    ),
    Scenario(
        "a running instance crashes (UNKNOWN_STATE, up 0) for 30 min",
        "failure",
        "data-*-failed",
        _states(
            lambda t: "UNKNOWN_STATE" if HOUR <= t < HOUR + 30 * MIN else "RUNNING",
            _down_between(HOUR, HOUR + 30 * MIN),
            2 * HOUR,
            (HOUR, HOUR + 30 * MIN),
        ),
        10 * MIN,
        "a failed instance pages",
    ),
    Scenario(
        "maintenance: MAINTENANCE for 3 min",
        "normal",
        "data-*-failed",
        _states(
            lambda t: "MAINTENANCE" if HOUR <= t < HOUR + 3 * MIN else "RUNNING",
            _down_between(HOUR, HOUR + MIN),
            2 * HOUR,
            None,
        ),
    ),
    Scenario(
        "connection slots exhausted: 60 FATAL errors a minute for 30 min",
        "failure",
        "data-*-error-logs",
        _postgres_errors(
            60,
            HOUR,
            HOUR + 30 * MIN,
            2 * HOUR,
            "FATAL:  remaining connection slots are reserved",
            True,
        ),
        10 * MIN,
    ),
    Scenario(
        "unique violations from retried requests, 2 a minute",
        "normal",
        "data-*-error-logs",
        _postgres_errors(
            2,
            0,
            4 * HOUR,
            4 * HOUR,
            'ERROR:  duplicate key value violates unique constraint "x"',
            False,
        ),
    ),
)
