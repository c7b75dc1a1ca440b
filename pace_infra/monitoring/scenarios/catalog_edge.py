"""Scenarios of what users reach: the load balancer's 5xx ratio, uptime checks, certificates, and
the SLO burn rates. One world for all of them: the CRM's pages and API (40 req/s at the day's
peak, 3 % of requests over 1 s) and the AI path /api/ai/* behind the same URL map (4 req/s at the
peak; streamed responses: 85 % take over 1 s)."""

from __future__ import annotations

from collections.abc import Callable

from pace_infra.monitoring.evaluation.policy import Observations
from pace_infra.monitoring.scenarios.model import Context, Run, Scenario
from pace_infra.monitoring.scenarios.traffic import (
    daily_rate,
    load_balancer,
    managed_certificate,
    uptime_checks,
)

MIN, HOUR, DAY = 60, 3600, 86400
CRM_PEAK, AI_PEAK = 40.0, 4.0
CRM_SLOW, AI_SLOW = 0.03, 0.85
CRM_ERRORS, AI_ERRORS = 0.001, 0.003
AI_RULE = "/api/ai/*"


def _world(
    start_hour: float,
    end: int,
    *,
    crm_errors: Callable[[int], float] | None = None,
    ai_errors: Callable[[int], float] | None = None,
    crm_slow: Callable[[int], float] | None = None,
    ai_slow: Callable[[int], float] | None = None,
) -> list:
    """Both paths' load-balancer series over [0, end), the day starting at `start_hour`."""
    offset = int(start_hour * HOUR)
    crm, ai = daily_rate(CRM_PEAK), daily_rate(AI_PEAK)
    return [
        *load_balancer(
            lambda t: crm(t + offset),
            crm_errors or (lambda t: CRM_ERRORS),
            crm_slow or (lambda t: CRM_SLOW),
            end,
            seed=1,
        ),
        *load_balancer(
            lambda t: ai(t + offset),
            ai_errors or (lambda t: AI_ERRORS),
            ai_slow or (lambda t: AI_SLOW),
            end,
            path_rule=AI_RULE,
            seed=2,
        ),
    ]


def _between(start: int, stop: int, value: float, otherwise: float) -> Callable[[int], float]:
    return lambda t: value if start <= t < stop else otherwise


# --- 5xx ratio ------------------------------------------------------------------------------


def _backend_errors(ctx: Context) -> Run:
    end, start, stop = 2 * HOUR, 30 * MIN, 60 * MIN
    return Run(
        Observations(end, _world(10, end, crm_errors=_between(start, stop, 0.2, CRM_ERRORS))),
        (start, stop),
    )


def _rollout_502s(ctx: Context) -> Run:
    """Pods leaving the NEG during a roll-out: a few 502s for three minutes."""
    end = 2 * HOUR
    return Run(
        Observations(
            end, _world(11, end, crm_errors=_between(30 * MIN, 33 * MIN, 0.005, CRM_ERRORS))
        )
    )


def _night(ctx: Context) -> Run:
    end = 6 * HOUR
    return Run(Observations(end, _world(0, end)))


# --- uptime and certificates ----------------------------------------------------------------


def _uptime(passing: Callable[[str, int], bool], failure: tuple[int, int] | None) -> Callable:
    def build(ctx: Context) -> Run:
        end = 2 * HOUR
        series = uptime_checks(
            ctx.filter_value("metric.label.check_id"),
            "crm.pace.example",
            ("EUROPE", "USA", "ASIA_PACIFIC"),
            passing,
            end,
        )
        return Run(Observations(end, series), failure)

    return build


def _certificate(renews: bool) -> Callable:
    def build(ctx: Context) -> Run:
        end = 3 * DAY
        days = managed_certificate(31 if renews else 15, renews)
        series = uptime_checks(
            ctx.filter_value("metric.label.check_id"),
            "crm.pace.example",
            ("EUROPE", "USA", "ASIA_PACIFIC"),
            lambda loc, t: True,
            end,
            days,
        )
        return Run(Observations(end, series), None if renews else (DAY, end))

    return build


# --- SLO burn rates -------------------------------------------------------------------------


def _is_ai(ctx: Context) -> bool:
    return "/services/pace-ai/" in ctx.slo_name()


def _errors(rate: float, start: int, stop: int, end: int, hour: float) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        if _is_ai(ctx):
            series = _world(hour, end, ai_errors=_between(start, stop, rate, AI_ERRORS))
        else:
            series = _world(hour, end, crm_errors=_between(start, stop, rate, CRM_ERRORS))
        return Run(Observations(end, series), (start, stop))

    return build


def _slow(share: float, start: int, stop: int, end: int, hour: float) -> Callable[[Context], Run]:
    def build(ctx: Context) -> Run:
        if _is_ai(ctx):
            series = _world(hour, end, ai_slow=_between(start, stop, max(share, AI_SLOW), AI_SLOW))
        else:
            series = _world(hour, end, crm_slow=_between(start, stop, share, CRM_SLOW))
        return Run(Observations(end, series), (start, stop))

    return build


def _business_day(ctx: Context) -> Run:
    end = 12 * HOUR
    return Run(Observations(end, _world(7, end)))


def _deploy_blip(ctx: Context) -> Run:
    run = _errors(0.05, 4 * HOUR, 4 * HOUR + 10 * MIN, 10 * HOUR, 8)(ctx)
    return Run(run.observations)


EDGE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "backend errors: 20% of the CRM's requests fail for 30 min",
        "failure",
        "web-http-5xx-ratio",
        _backend_errors,
        10 * MIN,
        "an outage at peak pages",
    ),
    Scenario(
        "deploy roll-out: 502s while pods leave the NEG",
        "normal",
        "web-http-5xx-ratio",
        _rollout_502s,
    ),
    Scenario("low-traffic night", "normal", "web-http-5xx-ratio", _night),
    Scenario(
        "the site is down from every checker for 30 min",
        "failure",
        "*-uptime-*",
        _uptime(lambda loc, t: not 30 * MIN <= t < 60 * MIN, (30 * MIN, 60 * MIN)),
        5 * MIN,
        "an outage users see pages",
    ),
    Scenario(
        "one checker region (USA: three locations) cannot reach us for 1 h",
        "normal",
        "*-uptime-*",
        _uptime(lambda loc, t: not (loc.startswith("usa") and 30 * MIN <= t < 90 * MIN), None),
    ),
    Scenario(
        "one checker location (Europe) fails for 1 h",
        "normal",
        "*-uptime-*",
        _uptime(lambda loc, t: not (loc.startswith("eur") and 30 * MIN <= t < 90 * MIN), None),
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
    Scenario(
        "outage: 30% of the application's requests fail for 1 h",
        "failure",
        "pace-*-availability-fast-burn",
        _errors(0.3, HOUR, 2 * HOUR, 3 * HOUR, 10),
        20 * MIN,
        "a fast burn pages within minutes",
    ),
    Scenario(
        "low-traffic night with the usual background errors",
        "normal",
        "pace-*-availability-*-burn",
        _night,
    ),
    Scenario(
        "a 10-minute deploy blip of 5% errors", "normal", "pace-*-availability-*-burn", _deploy_blip
    ),
    Scenario(
        "degradation: 4% of the application's requests fail for 8 h",
        "failure",
        "pace-*-availability-slow-burn",
        _errors(0.04, HOUR, 9 * HOUR, 10 * HOUR, 8),
        6 * HOUR,
        "a slow burn is noticed within hours",
    ),
    Scenario(
        "database saturated: 90% of requests over 1 s for 1 h",
        "failure",
        "pace-*-latency-fast-burn",
        _slow(0.9, HOUR, 2 * HOUR, 3 * HOUR, 10),
        20 * MIN,
        "a fast latency burn pages",
    ),
    Scenario(
        "a business day (the AI path streams: 85% of its responses take over 1 s)",
        "normal",
        "pace-*-latency-*-burn",
        _business_day,
    ),
    Scenario(
        "slow dependency: 40% of requests over 1 s for 8 h",
        "failure",
        "pace-*-latency-slow-burn",
        _slow(0.4, HOUR, 9 * HOUR, 10 * HOUR, 8),
        6 * HOUR,
        "a slow latency burn is noticed within hours",
    ),
)
