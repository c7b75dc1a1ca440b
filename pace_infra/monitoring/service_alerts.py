"""What PACE alerts on for what users reach: each uptime check (failing from two or more
regions; its certificate expiring), each application's 5xx ratio at the load balancer, and each
SLO's error budget (multi-window, multi-burn-rate, with a traffic guard)."""

from __future__ import annotations

from pace_infra.monitoring.filters import monitoring_filter, slo_burn_rate
from pace_infra.monitoring.model import (
    SLO_ROLLING_DAYS,
    Aggregation,
    AlertSpec,
    ApplicationSli,
    Severity,
    Threshold,
)
from pace_infra.names import System, namespace


def uptime_alerts(name: str, system: System, check_id: str, days_left: int) -> list[AlertSpec]:
    def uptime_filter(metric: str) -> str:
        return monitoring_filter(
            ("metric.type", f"monitoring.googleapis.com/uptime_check/{metric}"),
            ("resource.type", "uptime_url"),
            ("metric.label.check_id", check_id),  # computed by Google: a reference
        )

    passed = uptime_filter("check_passed")
    expires = uptime_filter("time_until_ssl_cert_expires")
    return [
        AlertSpec(
            key=f"{system}-uptime-{name}",
            title=f"Uptime check {name} failing",
            system=system,
            family="health",
            severity="CRITICAL",
            summary=f"The {name} endpoint fails its HTTPS check from two or more regions: "
            "users cannot reach it.",
            first_steps="- Open the URL yourself\n- Uptime check details: which regions, what error"
            "\n- Load balancer and Ingress status (`kubectl -n pace-web describe ingress`)",
            runbook="uptime-check",
            conditions=[
                Threshold(
                    name="Regions failing",
                    filter=passed,
                    threshold=1,
                    duration="60s",
                    aggregation=Aggregation(
                        "1200s",
                        "ALIGN_NEXT_OLDER",
                        "REDUCE_COUNT_FALSE",
                        ("resource.label.host",),
                    ),
                )
            ],
        ),
        AlertSpec(
            key=f"{system}-certificate-{name}",
            title=f"Certificate of {name} expires soon",
            system="platform",
            family="certificate",
            severity="WARNING",
            summary=f"The TLS certificate served for {name} expires in less than {days_left} days: "
            "Google-managed renewal is stuck.",
            first_steps="- `kubectl -n pace-web describe managedcertificate`\n"
            "- Check the DNS record still points at the static IP",
            runbook="certificate-expiry",
            page=False,
            conditions=[
                Threshold(
                    name="Days until the certificate expires",
                    filter=expires,
                    threshold=days_left,
                    comparison="COMPARISON_LT",
                    duration="600s",
                    aggregation=Aggregation("1200s", "ALIGN_NEXT_OLDER", "REDUCE_MIN"),
                )
            ],
        ),
    ]


# The SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on SLOs"): two
# tiers page (2 % of the budget gone in 1 h, 5 % in 6 h), one is a ticket (10 % in 3 days),
# each with a short window at 1/12 of the long one, so that it also resolves soon after the burn
# stops. (tier, severity, burn rate, long window, short window)
BURN_TIERS: tuple[tuple[str, Severity, float, int, int], ...] = (
    ("fast", "CRITICAL", 14.4, 3600, 300),
    ("slow", "ERROR", 6, 21600, 1800),
    # The ticket: low urgency (WARNING goes to the support-hours service, model.paging_route).
    ("ticket", "WARNING", 1, 259200, 21600),
)
# The traffic guard: a burn rate is a ratio, and on a quiet night one failed request among a
# handful is "14.4x". Each tier fires only when its threshold takes at least this many bad
# requests in its short window (workbook, "Low-traffic services": a minimum count of failures).
MIN_BAD_REQUESTS = 5


def burn_traffic_floor(rate: float, goal: float, short_seconds: int) -> float:
    """Requests per second over the short window below which fewer than MIN_BAD_REQUESTS bad
    requests would reach the burn-rate threshold (rate x error budget = bad share); three
    significant digits, as readable in the policy as in the summary."""
    return float(f"{MIN_BAD_REQUESTS / (rate * (1 - goal) * short_seconds):.3g}")


def burn_rate_alerts(
    slo_key: str, system: System, slo_name: str, goal: float, requests_filter: str
) -> list[AlertSpec]:
    """An SLO's burn-rate alerts, one per tier: the long and the short window both burning, with
    enough requests in the short window for the burn rate to mean something."""

    def burn(window: int, rate: float) -> Threshold:
        return Threshold(
            name=f"Burn rate over {window}s",
            filter=slo_burn_rate(slo_name, f"{window}s"),
            threshold=rate,
            duration="0s",
            aggregation=None,
        )

    specs = []
    for tier, severity, rate, long, short in BURN_TIERS:
        floor = burn_traffic_floor(rate, goal, short)
        specs.append(
            AlertSpec(
                key=f"{slo_key}-{tier}-burn",
                title=f"{slo_key}: error budget burning ({tier})",
                system=system,
                family="slo",
                severity=severity,
                summary=f"The error budget burns {rate:g}x as fast as the {SLO_ROLLING_DAYS}-day "
                f"SLO allows, over the last {long // 3600} h and the last {short // 60} minutes, "
                f"with at least {floor:g} requests/s: at this rate the whole budget lasts "
                f"{SLO_ROLLING_DAYS * 24 / rate:.0f} hours.",
                first_steps="- SLO dashboard: when did the burn start, which requests fail or "
                "are slow\n- Match it to deploys (Argo CD history) and other open alerts",
                runbook="slo-burn",
                combiner="AND",
                conditions=[
                    burn(long, rate),
                    burn(short, rate),
                    Threshold(
                        name=f"Requests per second over {short}s",
                        filter=requests_filter,
                        threshold=floor,
                        duration="0s",
                        aggregation=Aggregation(f"{short}s", "ALIGN_RATE", "REDUCE_SUM"),
                    ),
                ],
            )
        )
    return specs


def http_5xx_alert(
    system: System, subject: str, sli: ApplicationSli, ratio: float, min_rps: float
) -> AlertSpec:
    """The share of an application's load-balancer requests failing with 5xx, with real traffic
    flowing: a ratio, so that it means the same at a peak and at night."""
    per_second = Aggregation("60s", "ALIGN_RATE", "REDUCE_SUM")
    return AlertSpec(
        key=f"{system}-http-5xx-ratio",
        title=f"{subject}: 5xx responses spike",
        system=system,
        family="error",
        severity="CRITICAL",
        summary=f"More than {ratio:.0%} of {subject}'s requests fail with 5xx at the load "
        f"balancer for 5 minutes, with at least {min_rps:g} requests/s flowing.",
        first_steps="- Load balancer logs: which paths, which status codes, "
        "`statusDetails` (backend or load balancer)\n"
        f"- `kubectl -n {namespace(system)} get pods`; Argo CD: a deploy just before?",
        runbook="http-5xx-ratio",
        combiner="AND",
        conditions=[
            Threshold(
                name="5xx ratio",
                filter=sli.errors_filter,
                threshold=ratio,
                aggregation=per_second,
                denominator_filter=sli.requests_filter,
                denominator_aggregation=per_second,
            ),
            # The traffic floor: a handful of requests is no ratio worth a page.
            Threshold(
                name="Requests per second",
                filter=sli.requests_filter,
                threshold=min_rps,
                aggregation=per_second,
            ),
        ],
    )
