"""A snapshot of every stack's Terraform JSON: a change's snapshot diff is its first review.

Update after a deliberate change with `make snapshots`, and review the diff like a plan.
"""

from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from pace_infra.config import load_environments
from pace_infra.units import units_of
from tests.conftest import REPO

STACK_NAMES = sorted(
    f"{env.name}-{unit}"
    for env in load_environments(REPO / "environments")
    for unit in units_of(env)
)


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_synth_writes_exactly_the_expected_stacks(stacks):
    assert sorted(stacks) == STACK_NAMES


@pytest.mark.parametrize("name", STACK_NAMES)
def test_stack_matches_snapshot(stacks, snapshot_json, name):
    assert stacks[name] == snapshot_json
