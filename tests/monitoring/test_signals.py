"""Signals: one behaviour per test."""

from __future__ import annotations

import pytest

from pace_infra.config.values import UptimeTarget
from pace_infra.monitoring.signals import Signals, SignalsProps
from tests.helpers import resources, synth_construct

CRM = UptimeTarget(name="crm", system="web", host="crm.pace.example")
METRICS = {"pace-errors-b": "severity>=ERROR b", "pace-errors-a": "severity>=ERROR a"}


def _synth(metrics=METRICS, checks=(CRM,)) -> tuple[dict, Signals]:
    built: list[Signals] = []

    def build(stack) -> None:
        props = SignalsProps("pace-t", metrics, checks, labels={"system": "platform"})
        built.append(Signals(stack, "signals", props=props))

    return synth_construct(build), built[0]


@pytest.fixture(scope="module")
def synthesized():
    return _synth()


def test_one_log_metric_per_name_with_its_filter(synthesized):
    doc, signals = synthesized
    metrics = resources(doc, "google_logging_metric").values()
    assert {m["name"]: m["filter"] for m in metrics} == METRICS
    assert signals.log_metric_types == {
        name: f"logging.googleapis.com/user/{name}" for name in METRICS
    }


def test_readers_wait_ten_minutes_for_monitoring_to_see_new_metrics(synthesized):
    doc, signals = synthesized
    (wait,) = resources(doc, "terraform_data").values()
    assert "sleep 600" in wait["provisioner"][0]["local-exec"]["command"]
    # The set of metrics, sorted: a new metric waits again, a reordering does not.
    assert wait["triggers_replace"] == ["pace-errors-a", "pace-errors-b"]
    metrics = {f"google_logging_metric.{k}" for k in resources(doc, "google_logging_metric")}
    assert set(wait["depends_on"]) == metrics
    assert len(signals.dependables) == len(METRICS) + 1


def test_no_wait_without_log_metrics():
    doc, signals = _synth(metrics={})
    assert not resources(doc, "terraform_data")
    assert signals.dependables == []


def test_uptime_checks_are_https_validated_every_minute_from_three_regions(synthesized):
    doc, signals = synthesized
    (check,) = resources(doc, "google_monitoring_uptime_check_config").values()
    assert (check["period"], check["timeout"]) == ("60s", "10s")
    # One checker location a region (USA would be three): two failing locations, the alert's
    # threshold, are two regions.
    assert check["selected_regions"] == ["EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC"]
    http = check["http_check"]
    assert (http["port"], http["use_ssl"], http["validate_ssl"]) == (443, True, True)
    assert http["path"] == CRM.path
    assert check["monitored_resource"] == {
        "type": "uptime_url",
        "labels": {"project_id": "pace-t", "host": "crm.pace.example"},
    }
    assert check["user_labels"] == {"system": "platform"}
    assert list(signals.uptime_check_ids) == ["crm"]
