"""Value types of what runs in the cluster and how it is delivered: quotas, sign-in, egress,
workload sizes, Argo CD sync windows and signature keys. Shared by the environment schema and
the construct props, like config/values.py; each rule on a value sits in its `__post_init__`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Literal

from pace_infra.config.checks import (
    CRON,
    EMAIL,
    SLUG,
    is_time_zone,
    require,
    valid_ports,
)

_QUANTITY = re.compile(r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$")


@dataclass(frozen=True)
class Quota:
    """ResourceQuota of one application namespace (Kubernetes quantities)."""

    requests_cpu: str
    requests_memory: str
    limits_cpu: str
    limits_memory: str
    pods: int

    def __post_init__(self) -> None:
        for key in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
            require(
                bool(_QUANTITY.match(getattr(self, key))),
                key,
                "is not a Kubernetes quantity (e.g. 4, 500m, 8Gi)",
            )
        require(self.pods >= 1, "pods", "must be at least 1")


_GOOGLE_CLIENT_ID = re.compile(r"^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$")
_HTTPS_URL = re.compile(r"^https://[a-z0-9.-]+(:\d{1,5})?$")


@dataclass(frozen=True)
class GoogleSignIn:
    """Sign-in to Argo CD with Google accounts through its own OIDC client (no Dex to run);
    README, "Argo CD sign-in"."""

    client_id: str  # OAuth 2.0 client ("Web application"), <id>.apps.googleusercontent.com
    # Emails of the platform team, given role:admin. Google's ID tokens carry no groups claim, so
    # admins are named one by one; everyone else who signs in reads only.
    admins: tuple[str, ...]
    # Argo CD's external URL; `<url>/auth/callback` is a redirect URI of the OAuth client.
    # The default is the `kubectl port-forward` address of the README.
    url: str = "https://localhost:8080"

    def __post_init__(self) -> None:
        require(
            bool(_GOOGLE_CLIENT_ID.match(self.client_id)),
            "client_id",
            f"{self.client_id!r} is not a Google OAuth client id "
            "(<number>-<id>.apps.googleusercontent.com)",
        )
        require(bool(self.admins), "admins", "needs at least one admin")
        for i, email in enumerate(self.admins):
            require(bool(EMAIL.match(email)), f"admins[{i}]", f"{email!r} is not an email address")
        require(
            bool(_HTTPS_URL.match(self.url)), "url", f"{self.url!r} must be https://<host>[:port]"
        )


# Wider than this is "the internet", which an allowlist must not be.
MIN_EGRESS_PREFIX = 8


@dataclass(frozen=True)
class EgressEndpoint:
    """An external endpoint pods of one namespace may call (TCP), by its published ranges."""

    name: str  # what it is, e.g. model-api: names the NetworkPolicy rule
    cidrs: tuple[IPv4Network, ...]
    ports: tuple[int, ...] = (443,)

    def __post_init__(self) -> None:
        require(bool(SLUG.match(self.name)), "name", f"{self.name!r} must be a short slug")
        require(bool(self.cidrs), "cidrs", "needs at least one range")
        for j, cidr in enumerate(self.cidrs):
            require(
                cidr.prefixlen >= MIN_EGRESS_PREFIX,
                f"cidrs[{j}]",
                f"{cidr} is wider than /{MIN_EGRESS_PREFIX}: name the endpoint's own ranges",
            )
        require(valid_ports(self.ports), "ports", "needs ports from 1 to 65535")


@dataclass(frozen=True)
class WorkloadSize:
    """One Deployment of the GitOps skeleton: replicas (the HPA's range) and per-pod resources
    of its main container. Quantities as Kubernetes writes them."""

    min_replicas: int = 2  # two: a PodDisruptionBudget of one can then always drain a node
    max_replicas: int = 4
    requests_cpu: str = "250m"
    requests_memory: str = "512Mi"
    limits_cpu: str = "1"
    limits_memory: str = "1Gi"

    def __post_init__(self) -> None:
        require(self.min_replicas >= 1, "min_replicas", "must be at least 1")
        require(
            self.max_replicas >= self.min_replicas,
            "max_replicas",
            f"must be at least min_replicas ({self.min_replicas})",
        )
        for key in ("requests_cpu", "requests_memory", "limits_cpu", "limits_memory"):
            require(bool(_QUANTITY.match(getattr(self, key))), key, "is not a Kubernetes quantity")


# The Cloud SQL Auth Proxy sidecar's own size (a connection pump: small and steady), in every
# database client of the GitOps skeleton; config validation counts it against the quotas.
PROXY_SIZE = WorkloadSize(
    requests_cpu="100m", requests_memory="128Mi", limits_cpu="500m", limits_memory="256Mi"
)


# Argo CD parses a window's schedule as a 5-field cron and its duration with Go's
# time.ParseDuration (SyncWindow.Validate, pkg/apis/application/v1alpha1/types.go at v3.1.8).
_GO_DURATION = re.compile(r"^(?=\d)(\d+h)?(\d+m)?(\d+s)?$")
_GPG_KEY_ID = re.compile(r"^([0-9A-F]{16}|[0-9A-F]{40})$")


@dataclass(frozen=True)
class SyncWindow:
    """When Argo CD may (allow) or may not (deny) sync PACE's Applications automatically, e.g.
    a deny window over a release freeze. Outside every allow window, syncs wait."""

    kind: Literal["allow", "deny"]
    schedule: str  # cron, 5 fields: when the window opens
    duration: str  # how long it stays open: 1h, 90m, 48h
    # IANA zone of the schedule. Argo CD falls back to UTC on an unknown one: refused here.
    time_zone: str = "UTC"
    # A person may still sync by hand inside a deny window (break-glass for a hotfix).
    manual_sync: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        require(bool(CRON.match(self.schedule)), "schedule", "must be a 5-field cron schedule")
        require(
            bool(_GO_DURATION.match(self.duration)),
            "duration",
            f"{self.duration!r} must be hours, minutes and/or seconds (1h, 90m, 48h)",
        )
        require(is_time_zone(self.time_zone), "time_zone", f"{self.time_zone!r} is unknown")
        require(len(self.description) <= 255, "description", "is longer than 255 characters")


@dataclass(frozen=True)
class SignatureKey:
    """A GnuPG key whose signature Argo CD requires on every GitOps commit it syncs."""

    # Long key id or fingerprint, upper-case hex (`gpg --list-keys --keyid-format long`).
    key_id: str
    public_key: str  # `gpg --export --armor <key id>`: public, safe in the repository

    def __post_init__(self) -> None:
        require(bool(_GPG_KEY_ID.match(self.key_id)), "key_id", "must be 16 or 40 upper-case hex")
        require(
            self.public_key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"),
            "public_key",
            "must be an ASCII-armored public key block",
        )
