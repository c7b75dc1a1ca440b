"""Delivery value types (config/values_delivery.py): their rules hold however they are built.
The same rules read from environment files are in test_values.py's file table."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from pace_infra.config.checks import FieldError
from pace_infra.config.values_delivery import (
    PROXY_SIZE,
    EgressEndpoint,
    GoogleSignIn,
    Quota,
    SignatureKey,
    WorkloadSize,
)

ARMORED = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n"
# (id, build, key, problem in the message)
INVALID = [
    ("quota", lambda: Quota("1", "1Gi", "2", "lots", 1), "limits_memory", "quantity"),
    (
        "sign-in",
        lambda: GoogleSignIn("1-a.apps.googleusercontent.com", ("x",)),
        "admins[0]",
        "email",
    ),
    (
        "egress",
        lambda: EgressEndpoint("api", (IPv4Network("0.0.0.0/0"),)),
        "cidrs[0]",
        "wider than /8",
    ),
    ("replicas", lambda: WorkloadSize(min_replicas=3, max_replicas=2), "max_replicas", "at least"),
    ("size-quantity", lambda: WorkloadSize(limits_cpu="lots"), "limits_cpu", "quantity"),
    ("key-id", lambda: SignatureKey("4aee18f83afdeb23", ARMORED), "key_id", "upper-case hex"),
]


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_a_value_built_in_code_keeps_its_rules(case):
    _, make, key, problem = case
    with pytest.raises(FieldError) as caught:
        make()
    assert (caught.value.key, problem in caught.value.problem) == (key, True)


def test_good_values_build_and_the_proxy_is_small():
    assert SignatureKey("4AEE18F83AFDEB23", ARMORED).key_id == "4AEE18F83AFDEB23"
    assert EgressEndpoint("api", (IPv4Network("203.0.113.0/24"),)).name == "api"
    assert Quota("1", "1Gi", "2", "2Gi", 10).pods == 10
    assert GoogleSignIn("1-a.apps.googleusercontent.com", ("a@pace.example",)).admins
    assert (PROXY_SIZE.limits_cpu, PROXY_SIZE.limits_memory) == ("500m", "256Mi")
