"""Google Cloud regions: what a region name must look like, and the ones PACE uses."""

from __future__ import annotations

import re

from pace_infra.regions import GCP_REGIONS

REGION = re.compile(r"^[a-z]+-[a-z]+\d{1,2}$")


def test_every_region_is_spelled_like_a_region():
    assert [region for region in sorted(GCP_REGIONS) if not REGION.match(region)] == []


def test_zones_and_multi_regions_are_not_regions():
    assert not {"europe-west2-a", "europe", "EU", "global", "us"} & GCP_REGIONS


def test_the_regions_the_environments_use_are_known(environments):
    used = {env.region for env in environments}
    used |= {env.databases.dr_replica_region for env in environments} - {None}
    assert {"europe-west2", "europe-west1"} <= used <= GCP_REGIONS
