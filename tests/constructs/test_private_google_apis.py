"""PrivateGoogleApis: one behaviour per test."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.constructs.private_google_apis import (
    PRIVATE_GOOGLE_APIS_RANGE,
    PrivateGoogleApis,
    PrivateGoogleApisProps,
)
from tests.helpers import PlainNetwork, resources, synth_construct

PROPS = PrivateGoogleApisProps(
    name_prefix="pace-t", network_id=PlainNetwork().network_id, labels={"system": "platform"}
)


@pytest.fixture(scope="module")
def doc():
    return synth_construct(lambda stack: PrivateGoogleApis(stack, "apis", props=PROPS))


def test_a_private_googleapis_zone_visible_to_the_vpc_only(doc):
    zone = resources(doc, "google_dns_managed_zone")["googleapis_zone"]
    assert (zone["name"], zone["dns_name"], zone["visibility"]) == (
        "pace-t-googleapis",
        "googleapis.com.",
        "private",
    )
    assert zone["private_visibility_config"] == {
        "networks": [{"network_url": PlainNetwork().network_id}]
    }
    assert zone["labels"] == {"system": "platform"}


def test_the_private_vip_has_its_four_documented_addresses(doc):
    vip = resources(doc, "google_dns_record_set")["googleapis_vip_record"]
    assert IPv4Network("199.36.153.8/30") == PRIVATE_GOOGLE_APIS_RANGE
    assert (vip["name"], vip["type"], vip["ttl"]) == ("private.googleapis.com.", "A", 300)
    assert vip["rrdatas"] == ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"]
    assert vip["managed_zone"] == "${google_dns_managed_zone.googleapis_zone.name}"


def test_every_google_api_name_resolves_to_the_vip(doc):
    wildcard = resources(doc, "google_dns_record_set")["googleapis_wildcard_record"]
    assert (wildcard["name"], wildcard["type"]) == ("*.googleapis.com.", "CNAME")
    assert wildcard["rrdatas"] == ["private.googleapis.com."]
    assert wildcard["managed_zone"] == "${google_dns_managed_zone.googleapis_zone.name}"


def test_logical_ids_are_pinned(doc):
    # Name, type and zone are ForceNew: a refactor must never replace them.
    assert list(resources(doc, "google_dns_managed_zone")) == ["googleapis_zone"]
    assert sorted(resources(doc, "google_dns_record_set")) == [
        "googleapis_vip_record",
        "googleapis_wildcard_record",
    ]
