"""Scenarios of what users reach: the load balancer's 5xx ratio, uptime checks, certificates.
One world for these and the SLO burn rates (catalog_slo): the CRM's pages and API (40 req/s at
the day's peak, 3 % of requests over 1 s, 0.1 % failing) and the AI path /api/ai/* behind the
same URL map (4 req/s at the peak, 0.3 % failing, streamed answers: traffic.streamed_answers)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.evaluation.series import TimeSeries
from pace_infra.monitoring.scenarios.model import DAY, HOUR, MIN, Context, Run, Scenario
from pace_infra.monitoring.scenarios.traffic import (
    CHECKER_LOCATIONS,
    daily_rate,
    load_balancer,
    managed_certificate,
    split_at,
    streamed_answers,
    uptime_checks,
)

CRM_PEAK, AI_PEAK = 40.0, 4.0
CRM_SLOW = 0.03
CRM_ERRORS, AI_ERRORS = 0.001, 0.003
AI_TOKENS_PER_SECOND, AI_FIRST_TOKEN_MS = 50.0, 1500.0
AI_RULE = "/api/ai/*"


@dataclass(frozen=True)
class Spell:
    """`value` between `start` and `stop` (s), else the world's usual value."""

    start: int
    stop: int
    value: float

    def over(self, usual: float) -> Callable[[int], float]:
        return lambda t: self.value if self.start <= t < self.stop else usual


def _usual(spell: Spell | None, usual: float) -> Callable[[int], float]:
    return spell.over(usual) if spell else (lambda t: usual)


@functools.cache
def world(
    start_hour: float,
    end: int,
    *,
    crm_errors: Spell | None = None,
    ai_errors: Spell | None = None,
    crm_slow: Spell | None = None,
    ai_first_token_ms: Spell | None = None,
    crm_rate: Spell | None = None,
    ai_rate: Spell | None = None,
) -> tuple[TimeSeries, ...]:
    """Both paths' load-balancer series over [0, end), the day starting at `start_hour`;
    `crm_rate` / `ai_rate` replace a path's daily curve (requests/s) while they last. Cached: a
    world is generated once per run, whichever policies read it."""
    offset = int(start_hour * HOUR)

    def rate(peak: float, spell: Spell | None) -> Callable[[int], float]:
        day = daily_rate(peak)

        def at(t: int) -> float:
            if spell is not None and spell.start <= t < spell.stop:
                return spell.value
            return day(t + offset)

        return at

    return (
        *load_balancer(
            rate(CRM_PEAK, crm_rate),
            _usual(crm_errors, CRM_ERRORS),
            split_at(1000, _usual(crm_slow, CRM_SLOW)),
            end,
            seed=1,
        ),
        *load_balancer(
            rate(AI_PEAK, ai_rate),
            _usual(ai_errors, AI_ERRORS),
            streamed_answers(
                lambda t: AI_TOKENS_PER_SECOND, _usual(ai_first_token_ms, AI_FIRST_TOKEN_MS)
            ),
            end,
            path_rule=AI_RULE,
            seed=2,
        ),
    )


def is_ai(ctx: Context) -> bool:
    return ctx.policy.key.startswith(("ai-", "pace-ai-"))


# --- 5xx ratio ------------------------------------------------------------------------------


def _backend_errors(ctx: Context) -> Run:
    """The application's backend fails 20 % of its requests for 30 minutes at 10:30."""
    end, spell = 2 * HOUR, Spell(30 * MIN, 60 * MIN, 0.2)
    errors = {"ai_errors": spell} if is_ai(ctx) else {"crm_errors": spell}
    return Run(Observations(end, list(world(10, end, **errors))), (spell.start, spell.stop))


def _rollout_502s(ctx: Context) -> Run:
    """Pods leaving the NEG during a roll-out: a few 502s for three minutes."""
    end, spell = 2 * HOUR, Spell(30 * MIN, 33 * MIN, 0.005)
    errors = {"ai_errors": spell} if is_ai(ctx) else {"crm_errors": spell}
    return Run(Observations(end, list(world(11, end, **errors))))


def night(ctx: Context) -> Run:
    """Midnight to 06:00: the night floor (3 % of the peak), the usual background errors."""
    end = 6 * HOUR
    return Run(Observations(end, list(world(0, end))))


# --- uptime and certificates ----------------------------------------------------------------


def _check(ctx: Context) -> tuple[str, tuple[str, ...]]:
    """The check the policy reads (its id, as the evaluator resolves it) and the checker regions
    the synthesized check runs from."""
    check_id = ctx.filter_value("metric.label.check_id")
    config = ctx.resource("monitoring", "google_monitoring_uptime_check_config")
    regions = config[check_id.removesuffix("-id")]["selected_regions"]
    return check_id, tuple(regions)


def _uptime(
    failing: Callable[[str, str, int], bool], failure: tuple[int, int] | None
) -> Callable[[Context], Run]:
    """Every checker location of the check's regions, passing unless `failing(region, location,
    t)`."""

    def build(ctx: Context) -> Run:
        end = 2 * HOUR
        check_id, regions = _check(ctx)
        region_of = {loc: r for r in regions for loc in CHECKER_LOCATIONS[r]}
        series = uptime_checks(
            check_id,
            "crm.pace.example",
            regions,
            lambda loc, t: not failing(region_of[loc], loc, t),
            end,
        )
        return Run(Observations(end, series), failure)

    return build


def _region_failure(index: int) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        _, regions = _check(ctx)
        region = regions[index]
        return _uptime(lambda r, loc, t: r == region and 30 * MIN <= t < 90 * MIN, None)(ctx)

    return build


def _certificate(renews: bool) -> Callable:
    def build(ctx: Context) -> Run:
        end = 3 * DAY
        check_id, regions = _check(ctx)
        days = managed_certificate(31 if renews else 15, renews)
        series = uptime_checks(
            check_id, "crm.pace.example", regions, lambda loc, t: True, end, days
        )
        return Run(Observations(end, series), None if renews else (DAY, end))

    return build


EDGE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "backend errors: 20% of the application's requests fail for 30 min",
        "failure",
        "*-http-5xx-ratio",
        _backend_errors,
        10 * MIN,
        "an outage at peak pages",
    ),
    Scenario(
        "deploy roll-out: 502s while pods leave the NEG",
        "normal",
        "*-http-5xx-ratio",
        _rollout_502s,
    ),
    Scenario("low-traffic night", "normal", "*-http-5xx-ratio", night),
    Scenario(
        "the site is down from every checker for 30 min",
        "failure",
        "*-uptime-*",
        _uptime(lambda region, loc, t: 30 * MIN <= t < 60 * MIN, (30 * MIN, 60 * MIN)),
        5 * MIN,
        "an outage users see pages",
    ),
    Scenario(
        "the site is unreachable from two regions for 30 min",
        "failure",
        "*-uptime-*",
        _uptime(
            lambda region, loc, t: region != "EUROPE" and 30 * MIN <= t < 60 * MIN,
            (30 * MIN, 60 * MIN),
        ),
        5 * MIN,
        "two regions failing is no checker's fault",
    ),
    *(
        Scenario(
            f"checker region {i + 1} of 3 (all its locations) cannot reach us for 1 h",
            "normal",
            "*-uptime-*",
            _region_failure(i),
        )
        for i in range(3)
    ),
    Scenario(
        "Google-managed renewal at 30 days left", "normal", "*-certificate-*", _certificate(True)
    ),
    Scenario(
        "renewal stuck: the certificate counts down past 14 days",
        "failure",
        "*-certificate-*",
        _certificate(False),
        30 * MIN,
        "a stuck renewal is noticed",
    ),
)
