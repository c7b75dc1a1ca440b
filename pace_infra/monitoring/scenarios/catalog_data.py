"""Scenarios of each Cloud SQL instance: CPU, memory, disk and its autoresize, connections, up,
error logs; and of its DR replica: up and replication lag. Disk sizes, autoresize limits and
max_connections come from the environment's synthesized databases stack."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import Unsupported
from pace_infra.monitoring.scenarios import cloudsql
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Context, Run, Scenario


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


# --- disk (bytes used against the autoresize limit) -------------------------------------------


def _bytes_used(ctx: Context, samples: list[tuple[int, float, float]], end: int) -> list:
    used = {t: u for t, u, _ in samples}
    value = cloudsql.bytes_used(lambda t: used[t])
    return [
        cloudsql.metric(
            _database_id(ctx), "disk/bytes_used", lambda t: value(t) if t in used else None, end
        )
    ]


def _limit(settings: Mapping) -> float:
    limit = float(settings.get("disk_autoresize_limit") or 0)
    if not limit:
        raise Unsupported("the instance has no autoresize limit")
    return limit


def _autoresize_cycle(ctx: Context) -> Run:
    """Ten days of steady growth (3 GB a day) with autoresize on, from a disk 80 % full: the disk
    grows by its own rule, far below its autoresize limit."""
    settings, end = _settings(ctx), 10 * DAY
    size = float(settings["disk_size"])
    samples = cloudsql.disk(lambda t: 0.8 * size + 3 * t / DAY, size, _limit(settings), end)
    return Run(Observations(end, _bytes_used(ctx, samples, end)))


def _towards_the_limit(rate_gb_per_day: float, days: float) -> Callable[[Context], Run]:
    """Growth of `rate_gb_per_day` towards disk_autoresize_limit: the failure starts when
    autoresize can add no more (free space below its threshold at the limit), `days` after the
    scenario starts, and lasts until the disk is full."""

    def build(ctx: Context) -> Run:
        limit = _limit(_settings(ctx))
        exhausted = limit - cloudsql.autoresize_step(limit)
        start = int(days * DAY)
        start_used = exhausted - rate_gb_per_day * days
        full = start + int((limit - exhausted) / rate_gb_per_day * DAY)
        end = min(full, start + 2 * DAY)

        def used(t: int) -> float:
            return min(start_used + rate_gb_per_day * t / DAY, limit)

        samples = cloudsql.disk(used, limit, limit, end)
        return Run(Observations(end, _bytes_used(ctx, samples, end)), (start, end))

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


def _down_between(start: int, stop: int) -> Callable[[int], float]:
    return lambda t: 0.0 if start <= t < stop else 1.0


def _lag(
    wal: Callable[[int], float], end: int, failure: tuple[int, int] | None
) -> Callable[[Context], Run]:
    """The DR replica's replication lag while the primary writes `wal(t)` MB/s of WAL and the
    replica replays 8 MB/s."""

    def build(ctx: Context) -> Run:
        lag = cloudsql.replica_lag(wal, 8.0, end)
        series = cloudsql.metric(_database_id(ctx), "replication/replica_lag", lag, end)
        return Run(Observations(end, [series]), failure)

    return build


def _daily_writes(t: int) -> float:
    """The primary's WAL (MB/s): 0.5 at night, 5 at the day's peak, a 20-minute batch of 9 at
    02:00."""
    hour = (t / HOUR) % 24
    if 2 <= hour < 2 + 1 / 3:
        return 9.0
    return 0.5 + 4.5 * max(0.0, 1 - abs(hour - 13) / 6)


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
        "autoresize cycle: 3 GB a day for 10 days",
        "normal",
        "data-*-disk-limit",
        _autoresize_cycle,
    ),
    Scenario(
        "autoresize cycle: 3 GB a day for 10 days",
        "normal",
        "data-*-disk-forecast",
        _autoresize_cycle,
    ),
    Scenario(
        "growing 4 GB a day until autoresize reaches its limit",
        "failure",
        "data-*-disk-limit",
        _towards_the_limit(4.0, 3),
        0,
        "the limit is noticed while autoresize can still grow the disk",
    ),
    Scenario(
        "near the limit, a runaway job writes 200 GB a day",
        "failure",
        "data-*-disk-forecast",
        _towards_the_limit(200.0, 0.25),
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
    *(
        s
        for kind, selector in (("primary", "data-*-db-down"), ("replica", "data-*-dr-down"))
        for s in (
            Scenario(
                f"the {kind} is unreachable for 20 min (up = 0)",
                "failure",
                selector,
                _up(_down_between(HOUR, HOUR + 20 * MIN), 2 * HOUR, (HOUR, HOUR + 20 * MIN)),
                10 * MIN,
            ),
            Scenario(
                f"the {kind} stops reporting for 20 min",
                "failure",
                selector,
                _up(
                    lambda t: None if HOUR <= t < HOUR + 20 * MIN else 1.0,
                    2 * HOUR,
                    (HOUR, HOUR + 20 * MIN),
                ),
                10 * MIN,
                "silence is an outage",
            ),
            Scenario(
                "HA failover or maintenance: one minute down",
                "normal",
                selector,
                _up(_down_between(HOUR, HOUR + MIN), 2 * HOUR),
            ),
        )
    ),
    Scenario(
        "a backfill writes 12 MB/s of WAL for 3 h; the replica replays 8 MB/s",
        "failure",
        "data-*-dr-lag",
        _lag(lambda t: 12.0 if HOUR <= t < 4 * HOUR else 0.5, 6 * HOUR, (HOUR, 4 * HOUR)),
        30 * MIN,
        "a replica falling behind is noticed while it falls",
    ),
    Scenario(
        "a day's writes and the nightly batch (lag up to about 150 s)",
        "normal",
        "data-*-dr-lag",
        _lag(_daily_writes, DAY, None),
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
