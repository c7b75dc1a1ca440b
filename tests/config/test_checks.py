"""How a value type refuses a field, and the formats more than one type checks."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.config.checks import (
    EMAIL,
    HH_MM,
    HH_MM_SS,
    RFC3339_UTC,
    SLUG,
    FieldError,
    cron_week_minutes,
    is_private,
    require,
    valid_ports,
    week_minute_text,
)


def test_require_raises_a_field_error_naming_key_and_problem():
    require(True, "cidr", "never raised")
    with pytest.raises(FieldError) as caught:
        require(False, "admins[0]", "is not an email")
    assert (caught.value.key, caught.value.problem) == ("admins[0]", "is not an email")
    assert str(caught.value) == "admins[0]: is not an email"
    # A plain ValueError too: code that builds a value type needs to know nothing of config.
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (EMAIL, ["a@pace.example", "first.last@sub.pace.example"], ["bob", "a@b", "a b@c.io"]),
        (RFC3339_UTC, ["2026-01-05T09:00:00Z"], ["2026-01-05 09:00", "2026-01-05T09:00:00+01"]),
        (HH_MM, ["00:00", "23:59", "09:30"], ["24:00", "9:30", "12:60"]),
        (HH_MM_SS, ["09:00:00", "23:59:59"], ["9am", "09:00", "24:00:00"]),
        (SLUG, ["model-api", "smtp", "a1"], ["Model API", "1api", "a" * 32, "api_1"]),
    ],
    ids=["email", "rfc3339", "hh-mm", "hh-mm-ss", "slug"],
)
def test_formats_accept_and_refuse(pattern, good, bad):
    assert [value for value in good if not pattern.match(value)] == []
    assert [value for value in bad if pattern.match(value)] == []


@pytest.mark.parametrize(
    ("cidr", "private"),
    [
        ("10.10.0.0/20", True),
        ("172.16.0.0/28", True),
        ("192.168.1.0/24", True),
        ("100.64.0.0/16", True),  # the shared address space
        ("10.0.0.0/7", False),  # wider than the private block
        ("172.32.0.0/16", False),
        ("8.8.0.0/20", False),
        ("0.0.0.0/0", False),
    ],
)
def test_private_means_inside_rfc1918_or_the_shared_range(cidr, private):
    assert is_private(IPv4Network(cidr)) is private


def test_ports_are_at_least_one_tcp_port():
    assert valid_ports([443]) and valid_ports((1, 65535))
    assert not valid_ports([])
    assert not valid_ports([0])
    assert not valid_ports([443, 65536])
    assert valid_ports(iter([3000]))  # read once, however it is given


@pytest.mark.parametrize(
    ("schedule", "fires"),
    [
        ("0 22 * * *", {day * 1440 + 22 * 60 for day in range(7)}),
        ("30 1 * * 0", {6 * 1440 + 90}),  # 0 is Sunday
        ("30 1 * * 7", {6 * 1440 + 90}),  # and so is 7
        ("*/20 1 * * 1-2", {60, 80, 100, 1440 + 60, 1440 + 80, 1440 + 100}),
        ("0 5,17 * * 1", {300, 1020}),
        ("0 0 1 * *", None),  # monthly: not a weekly schedule
    ],
)
def test_a_cron_schedule_as_minutes_of_the_week(schedule, fires):
    assert cron_week_minutes(schedule) == fires


def test_a_minute_of_the_week_reads_as_day_and_time():
    assert week_minute_text(6 * 1440 + 90) == "Sun 01:30"
    assert week_minute_text(0) == "Mon 00:00"
