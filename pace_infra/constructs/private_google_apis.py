"""PrivateGoogleApis: `*.googleapis.com` resolves, inside the VPC, to private.googleapis.com.

Without it, pods reach Google APIs at their public addresses, a large set that changes often
(Google publishes it as goog.json minus cloud.json): no egress NetworkPolicy could name it. With
it, every Google API call from the VPC goes to one small, documented range, which the
application namespaces' egress policies allow (Private Google Access, "private.googleapis.com":
199.36.153.8/30, HTTPS; https://cloud.google.com/vpc/docs/configure-private-google-access).

At v6.50.0 a managed zone's `name`, `dns_name` and `visibility` and a record's `name`, `type` and
`managed_zone` are ForceNew; the ids are pinned so a refactor never replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network

from cdktf_cdktf_provider_google.dns_managed_zone import (
    DnsManagedZone,
    DnsManagedZonePrivateVisibilityConfig,
    DnsManagedZonePrivateVisibilityConfigNetworks,
)
from cdktf_cdktf_provider_google.dns_record_set import DnsRecordSet
from constructs import Construct

GOOGLE_APIS_DOMAIN = "googleapis.com."
PRIVATE_GOOGLE_APIS_HOST = f"private.{GOOGLE_APIS_DOMAIN}"
PRIVATE_GOOGLE_APIS_RANGE = IPv4Network("199.36.153.8/30")
# "Some Google APIs and services offer direct connectivity ... bypassing Google Front Ends. To
# allow this traffic, ... allow egress traffic to reach 34.126.0.0/18" (same page).
GOOGLE_DIRECT_CONNECTIVITY_RANGE = IPv4Network("34.126.0.0/18")
RECORD_TTL_S = 300


@dataclass(frozen=True)
class PrivateGoogleApisProps:
    name_prefix: str
    network_id: str  # the VPC the zone is visible to
    labels: Mapping[str, str] = field(default_factory=dict)


class PrivateGoogleApis(Construct):
    """A private zone for googleapis.com: the private VIP's four addresses, and a wildcard."""

    def __init__(self, scope: Construct, id_: str, *, props: PrivateGoogleApisProps) -> None:
        super().__init__(scope, id_)
        zone = DnsManagedZone(
            self,
            "zone",
            name=f"{props.name_prefix}-googleapis",
            dns_name=GOOGLE_APIS_DOMAIN,
            description="Google APIs through the private.googleapis.com VIP (egress policies).",
            visibility="private",
            private_visibility_config=DnsManagedZonePrivateVisibilityConfig(
                networks=[
                    DnsManagedZonePrivateVisibilityConfigNetworks(network_url=props.network_id)
                ]
            ),
            labels=dict(props.labels),
        )
        zone.override_logical_id("googleapis_zone")
        vip = DnsRecordSet(
            self,
            "vip",
            managed_zone=zone.name,
            name=PRIVATE_GOOGLE_APIS_HOST,
            type="A",
            ttl=RECORD_TTL_S,
            rrdatas=[str(address) for address in PRIVATE_GOOGLE_APIS_RANGE],
        )
        vip.override_logical_id("googleapis_vip_record")
        wildcard = DnsRecordSet(
            self,
            "wildcard",
            managed_zone=zone.name,
            name=f"*.{GOOGLE_APIS_DOMAIN}",
            type="CNAME",
            ttl=RECORD_TTL_S,
            rrdatas=[PRIVATE_GOOGLE_APIS_HOST],
        )
        wildcard.override_logical_id("googleapis_wildcard_record")
