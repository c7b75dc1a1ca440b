"""What PACE alerts on for what users reach: each uptime check (failing from two or more
regions; its certificate expiring) and each SLO's error budget (multi-window burn rates)."""

from __future__ import annotations

from pace_infra.monitoring.filters import monitoring_filter, slo_burn_rate
from pace_infra.monitoring.model import Aggregation, AlertSpec, Threshold


def uptime_alerts(name: str, system: str, check_id: str) -> list[AlertSpec]:
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
            summary=f"The TLS certificate served for {name} expires in less than 14 days: "
            "Google-managed renewal is stuck.",
            first_steps="- `kubectl -n pace-web describe managedcertificate`\n"
            "- Check the DNS record still points at the static IP",
            runbook="certificate-expiry",
            page=False,
            conditions=[
                Threshold(
                    name="Days until the certificate expires",
                    filter=expires,
                    threshold=14,
                    comparison="COMPARISON_LT",
                    duration="600s",
                    aggregation=Aggregation("1200s", "ALIGN_NEXT_OLDER", "REDUCE_MIN"),
                )
            ],
        ),
    ]


def burn_rate_alerts(slo_key: str, system: str, slo_name: str) -> list[AlertSpec]:
    def burn(window: str, threshold: float) -> Threshold:
        return Threshold(
            name=f"Burn rate over {window}",
            filter=slo_burn_rate(slo_name, window),
            threshold=threshold,
            duration="0s",
            aggregation=None,
        )

    # Multi-window burn rates (Google SRE workbook): the long window proves it is real, the
    # short one that it is still happening.
    return [
        AlertSpec(
            key=f"{slo_key}-fast-burn",
            title=f"{slo_key}: error budget burning fast",
            system=system,
            family="slo",
            severity="CRITICAL",
            summary="At this rate the 28-day error budget is gone in about two days.",
            first_steps="- SLO dashboard: when did the burn start\n"
            "- Match it to deploys and alerts",
            runbook="slo-burn",
            combiner="AND",
            conditions=[burn("3600s", 14.4), burn("300s", 14.4)],
        ),
        AlertSpec(
            key=f"{slo_key}-slow-burn",
            title=f"{slo_key}: error budget burning",
            system=system,
            family="slo",
            severity="WARNING",
            summary="At this rate the error budget is gone in about five days.",
            first_steps="- SLO dashboard: which requests fail or are slow",
            runbook="slo-burn",
            combiner="AND",
            conditions=[burn("21600s", 6), burn("1800s", 6)],
        ),
    ]
