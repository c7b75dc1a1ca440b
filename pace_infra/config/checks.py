"""How a value type refuses a bad field, and the formats more than one type checks.

A type's `__post_init__` raises `FieldError(<its field>, <problem>)`; the loader, which knows the
file and where the type sits in it, turns that into the one-line `<file>: <key>: <problem>`.
Nothing here imports cdktf or a provider binding: constructs build these types too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from ipaddress import IPv4Network


class FieldError(ValueError):
    """A field of a value type is invalid. `key` is relative to the type: `cidr`, `admins[0]`."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def require(ok: bool, key: str, problem: str) -> None:
    """Raise FieldError(key, problem) unless ok."""
    if not ok:
        raise FieldError(key, problem)


EMAIL = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$")
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
HH_MM_SS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
# A 5-field cron schedule (minute hour day-of-month month day-of-week), digits and `* , / -`
# only: Argo CD sync windows and Cloud Scheduler (unix-cron) both read it.
_CRON_FIELD = r"[0-9*,/-]+"
CRON = re.compile(rf"^{_CRON_FIELD}( {_CRON_FIELD}){{4}}$")
_WEEK_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _cron_values(field: str, low: int, high: int) -> set[int]:
    """The values one cron field takes: `*`, `a`, `a-b`, with an optional `/step`, comma-listed."""
    values: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = low, high
        else:
            first_text, _, last_text = span.partition("-")
            first = int(first_text)
            last = int(last_text) if last_text else (high if step else first)
        values.update(range(first, last + 1, int(step) if step else 1))
    return values


def cron_week_minutes(schedule: str) -> set[int] | None:
    """When a 5-field cron fires, as minutes of the week from Monday 00:00; None when it names
    days of the month or months (then it does not repeat weekly)."""
    minute, hour, dom, month, dow = schedule.split()
    if dom != "*" or month != "*":
        return None
    # Day of week 0 and 7 are both Sunday in cron; here Monday is day 0.
    days = {(d - 1) % 7 for d in _cron_values(dow, 0, 7)}
    return {
        day * 1440 + h * 60 + m
        for day in days
        for h in _cron_values(hour, 0, 23)
        for m in _cron_values(minute, 0, 59)
    }


def week_minute_text(minute: int) -> str:
    """`Sun 01:00`: a minute of the week, for a message."""
    day, rest = divmod(minute, 1440)
    return f"{_WEEK_DAYS[day]} {rest // 60:02d}:{rest % 60:02d}"


# A short lowercase name that can be part of a resource or policy name.
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,30}$")

# Address space a private GKE cluster and PSA may use: RFC 1918 plus the shared 100.64/10 range.
_PRIVATE_SPACE = tuple(
    IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


def is_private(cidr: IPv4Network) -> bool:
    """True when the range lies inside private address space (RFC 1918 or 100.64/10)."""
    return any(cidr.subnet_of(space) for space in _PRIVATE_SPACE)


def valid_ports(ports: Iterable[int]) -> bool:
    """At least one port, each a TCP port number."""
    ports = tuple(ports)
    return bool(ports) and all(1 <= port <= 65535 for port in ports)


def is_time_zone(name: str) -> bool:
    """An IANA time zone the machine's zone database knows (Europe/London, UTC, ...)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_MEMORY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def cpu_cores(quantity: str) -> float:
    """A Kubernetes CPU quantity in cores: "250m" -> 0.25, "2" -> 2.0."""
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def memory_bytes(quantity: str) -> int:
    """A Kubernetes memory quantity in bytes (binary suffixes): "512Mi" -> 536870912."""
    for suffix, factor in _MEMORY_SUFFIXES.items():
        if quantity.endswith(suffix):
            return int(float(quantity[: -len(suffix)]) * factor)
    return int(float(quantity))
