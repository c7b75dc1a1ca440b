"""pace_infra/workflows/sources.py: the workflow sources, read from the package."""

from __future__ import annotations

import yaml

from pace_infra.workflows.sources import DATABASE_EXPORT, RESTORE_DRILL, WORKFLOWS, source


def test_each_workflow_is_the_yaml_file_beside_the_loader():
    for name in (DATABASE_EXPORT, RESTORE_DRILL):
        assert source(name) == (WORKFLOWS / f"{name}.yaml").read_text()


def test_each_source_is_a_workflow_with_a_main():
    for name in (DATABASE_EXPORT, RESTORE_DRILL):
        workflows = yaml.safe_load(source(name))
        assert "steps" in workflows["main"]
        assert all("steps" in body for body in workflows.values())


def test_the_sources_hold_no_project_or_machine_specific_value():
    # Project, bucket, instances and range come from the environment the construct sets.
    for name in (DATABASE_EXPORT, RESTORE_DRILL):
        text = source(name)
        assert "pace-crm" not in text and "/work/" not in text and "europe-" not in text
