"""Scenarios of the SLOs' error budgets: each application's availability and latency SLO burned
fast, slowly, and for days, against normal days, quiet nights and deploy blips.

Every scenario runs in catalog_edge's world and starts with three days of it behind: the ticket
tier's long window is three days, and in production it is always full. The burn-rate alerts are
evaluated from then on (Observations.begin); spells below are times after that history.
"""

from __future__ import annotations

from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.scenarios.catalog_edge import (
    Spell,
    is_ai,
    world,
)
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Build, Context, Run, Scenario

HISTORY = 3 * DAY
# How soon the latency fast tier can open, by the SLO's arithmetic: the burn rate is the slow
# share over the budget (1 - goal); with the 95 % goal at most 1 / 0.05 = 20x. The hour's burn
# passes 14.4x after 60 * 14.4 / burn minutes of it: 48 minutes at 90 % slow (18x). A page
# sooner on severe slowness needs a tighter latency goal, not another burn-rate tier.
LATENCY_FAST_WITHIN = HOUR


def _run(
    start_hour: float,
    hours: float,
    failure: tuple[int, int] | None = None,
    **spells: Spell,
) -> Run:
    """`hours` of the world from `start_hour`, after three days of it; spell times are from
    the end of the history."""
    end = HISTORY + int(hours * HOUR)
    shifted = {k: Spell(HISTORY + v.start, HISTORY + v.stop, v.value) for k, v in spells.items()}
    window = (HISTORY + failure[0], HISTORY + failure[1]) if failure else None
    return Run(Observations(end, list(world(start_hour, end, **shifted)), begin=HISTORY), window)


def _spell(
    crm: str, ai: str, start: int, stop: int, crm_value: float, ai_value: float
) -> Callable[[Context], dict[str, Spell]]:
    """The application's own spell: the CRM's `crm` field, or the AI path's `ai` field."""
    return lambda ctx: (
        {ai: Spell(start, stop, ai_value)} if is_ai(ctx) else {crm: Spell(start, stop, crm_value)}
    )


def _failure(start_hour: float, hours: float, start: int, stop: int, spells: Callable) -> Build:
    return lambda ctx: _run(start_hour, hours, (start, stop), **spells(ctx))


def _errors(share: float, start: int, stop: int, hours: float, start_hour: float) -> Build:
    """`share` of the application's requests fail (5xx) between `start` and `stop`."""
    spells = _spell("crm_errors", "ai_errors", start, stop, share, share)
    return _failure(start_hour, hours, start, stop, spells)


def _slow(
    crm_share: float, ai_first_token_ms: float, start: int, stop: int, hours: float, hour: float
) -> Build:
    """The CRM: `crm_share` of its requests over 1 s (a saturated database, a slow dependency);
    the AI path: its model provider queues requests, the first token after `ai_first_token_ms`."""
    spells = _spell("crm_slow", "ai_first_token_ms", start, stop, crm_share, ai_first_token_ms)
    return _failure(hour, hours, start, stop, spells)


def _business_day(ctx: Context) -> Run:
    """07:00 to 19:00: the CRM's 3 % over 1 s, the AI path's streamed answers (nearly all over
    1 s, nearly none over 20 s)."""
    return _run(7, 12)


def _night(ctx: Context) -> Run:
    return _run(0, 6)


def _deploy_blip(ctx: Context) -> Run:
    """A roll-out at noon fails 5 % of the application's requests for 10 minutes."""
    spells = _spell("crm_errors", "ai_errors", 4 * HOUR, 4 * HOUR + 10 * MIN, 0.05, 0.05)(ctx)
    return _run(8, 10, **spells)


def _quiet_night(what: str) -> Build:
    """dev at 03:00: 0.02 requests/s reach the application; one user's export fails (or takes
    over the threshold) every time for ten minutes, about a dozen requests. A burn rate is a
    ratio: over the hour and the five minutes it is far past 14.4x, on a handful of requests."""

    def build(ctx: Context) -> Run:
        rate = {("ai_rate" if is_ai(ctx) else "crm_rate"): Spell(0, 6 * HOUR, 0.02)}
        bad = Spell(3 * HOUR, 3 * HOUR + 10 * MIN, 1.0)
        if what == "errors":
            field = "ai_errors" if is_ai(ctx) else "crm_errors"
            spell = bad
        else:
            field = "ai_first_token_ms" if is_ai(ctx) else "crm_slow"
            spell = Spell(bad.start, bad.stop, 25_000.0) if is_ai(ctx) else bad
        return _run(0, 6, **rate, **{field: spell})

    return build


SLO_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "outage: 30% of the application's requests fail for 1 h",
        "failure",
        "pace-*-availability-fast-burn",
        _errors(0.3, HOUR, 2 * HOUR, 3, 9),
        20 * MIN,
        "a fast burn pages within minutes",
    ),
    Scenario(
        "degradation: 4% of the application's requests fail for 8 h",
        "failure",
        "pace-*-availability-slow-burn",
        _errors(0.04, HOUR, 9 * HOUR, 10, 7),
        6 * HOUR,
        "a slow burn is noticed within hours",
    ),
    Scenario(
        "a slow leak: 2% of the application's requests fail for 3 days (4x the budget)",
        "failure",
        "pace-*-availability-ticket-burn",
        _errors(0.02, 0, 3 * DAY, 72, 0),
        DAY,
        "a burn that would spend the budget in a week is a ticket within a day",
    ),
    Scenario("low-traffic night, the usual errors", "normal", "pace-*-availability-*-burn", _night),
    Scenario(
        "a 10-minute deploy blip of 5% errors", "normal", "pace-*-availability-*-burn", _deploy_blip
    ),
    Scenario(
        "a quiet night: 0.02 req/s, one user's export fails for 10 minutes",
        "normal",
        "pace-*-availability-*-burn",
        _quiet_night("errors"),
    ),
    Scenario(
        "saturated: 90% of CRM requests over 1 s / AI first tokens after 17 s, for 1 h",
        "failure",
        "pace-*-latency-fast-burn",
        _slow(0.9, 17_000, HOUR, 2 * HOUR, 3, 9),
        # Not 20 minutes as for errors: a 95 % latency goal caps the burn rate at 20x, so the
        # fast tier (2 % of the budget in an hour: 14.4x over the hour) is reached only after
        # 43 minutes even with every request slow (LATENCY_FAST_WITHIN's docstring).
        LATENCY_FAST_WITHIN,
        "a severe slowdown pages within the hour",
    ),
    Scenario(
        "slow dependency: 40% of CRM requests over 1 s / AI first tokens after 14 s, for 8 h",
        "failure",
        "pace-*-latency-slow-burn",
        _slow(0.4, 14_000, HOUR, 9 * HOUR, 10, 7),
        6 * HOUR,
        "a slow latency burn is noticed within hours",
    ),
    Scenario(
        "for 3 days: 15% of CRM requests over 1 s / AI first tokens after 12 s",
        "failure",
        "pace-*-latency-ticket-burn",
        _slow(0.15, 12_000, 0, 3 * DAY, 72, 0),
        DAY,
        "a latency burn for days is a ticket within a day",
    ),
    Scenario(
        "a business day (AI answers stream for seconds, under 20 s)",
        "normal",
        "pace-*-latency-*-burn",
        _business_day,
    ),
    Scenario("low-traffic night", "normal", "pace-*-latency-*-burn", _night),
    Scenario(
        "a quiet night: 0.02 req/s, one user's report is slow for 10 minutes",
        "normal",
        "pace-*-latency-*-burn",
        _quiet_night("latency"),
    ),
)
