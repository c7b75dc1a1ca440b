"""PropagationWait: one behaviour per test."""

from __future__ import annotations

import pytest
from cdktf import TerraformResource

from pace_infra.constructs.propagation_wait import PropagationWait, PropagationWaitProps
from tests.helpers import only, synth_construct


def _synth(**props) -> dict:
    def build(stack) -> None:
        metric = TerraformResource(stack, "metric", terraform_resource_type="terraform_data")
        wait = PropagationWait(
            stack,
            "wait",
            props=PropagationWaitProps(
                **{"seconds": 600, "triggers": ("m1", "m2"), "depends_on": (metric,), **props}
            ),
        )
        TerraformResource(
            stack, "reader", terraform_resource_type="null_resource", depends_on=[wait.dependable]
        )

    return synth_construct(build)


@pytest.fixture(scope="module")
def doc():
    return _synth(reason="waiting for log metrics")


def _wait(doc) -> tuple[str, dict]:
    waits = {k: v for k, v in doc["resource"]["terraform_data"].items() if k != "metric"}
    ((logical_id, wait),) = waits.items()
    return logical_id, wait


def test_the_wait_sleeps_the_given_seconds_telling_why(doc):
    _, wait = _wait(doc)
    (provisioner,) = wait["provisioner"]
    assert provisioner["local-exec"]["command"] == (
        "echo 'waiting for log metrics: 600 s' && sleep 600"
    )


def test_a_change_of_a_trigger_means_waiting_again(doc):
    assert _wait(doc)[1]["triggers_replace"] == ["m1", "m2"]


def test_the_clock_starts_after_what_it_depends_on(doc):
    assert _wait(doc)[1]["depends_on"] == ["terraform_data.metric"]


def test_what_depends_on_the_handle_waits(doc):
    logical_id, _ = _wait(doc)
    assert only(doc, "null_resource")["depends_on"] == [f"terraform_data.{logical_id}"]


def test_a_default_message_without_a_reason():
    command = _wait(_synth())[1]["provisioner"][0]["local-exec"]["command"]
    assert command.startswith("echo 'waiting for Google to propagate new resources: 600 s'")


@pytest.mark.parametrize("seconds", [0, -5])
def test_seconds_must_be_positive(seconds):
    with pytest.raises(ValueError, match="seconds must be positive"):
        PropagationWaitProps(seconds=seconds, triggers=())
