"""The ProjectServices construct."""

from __future__ import annotations

import pytest

from pace_infra.constructs.project_services import ProjectServices, ProjectServicesProps
from tests.helpers import resources, synth_construct


@pytest.fixture(scope="module")
def services():
    props = ProjectServicesProps(services=("compute.googleapis.com", "sqladmin.googleapis.com"))
    doc = synth_construct(lambda stack: ProjectServices(stack, "apis", props=props))
    return resources(doc, "google_project_service")


def test_one_resource_per_api_with_a_readable_logical_id(services):
    assert {k: v["service"] for k, v in services.items()} == {
        "compute": "compute.googleapis.com",
        "sqladmin": "sqladmin.googleapis.com",
    }


def test_apis_stay_enabled_on_destroy(services):
    for service in services.values():
        assert service["disable_on_destroy"] is False
        assert service["disable_dependent_services"] is False
