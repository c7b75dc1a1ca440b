"""Small readers over synthesized Terraform JSON, and a construct synth for unit tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path

import cdktf

from pace_infra.config.schedules import MaintenanceWindow
from pace_infra.constructs.gke import GkeCluster, GkeClusterProps
from pace_infra.constructs.node_pool import NodePoolProps


def synth_construct(build: Callable[[cdktf.TerraformStack], object]) -> dict:
    """Build constructs in a throwaway stack and return its Terraform JSON."""
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "t")
    build(stack)
    return json.loads(cdktf.Testing.synth(stack))


def resources(doc: dict, kind: str) -> dict[str, dict]:
    """Logical id -> attributes for every resource of one type."""
    return doc.get("resource", {}).get(kind, {})


def only(doc: dict, kind: str) -> dict:
    """The single resource of a type (fails if there are none or several)."""
    found = resources(doc, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.values()))


def by_name(doc: dict, kind: str, name: str) -> dict:
    """The resource of a type whose `name` attribute is `name`."""
    matches = [r for r in resources(doc, kind).values() if r.get("name") == name]
    assert len(matches) == 1, f"expected one {kind} named {name}, found {len(matches)}"
    return matches[0]


def network_policies(doc: dict) -> dict[str, dict]:
    """Kubernetes network policy name -> spec."""
    return {
        p["metadata"]["name"]: p["spec"]
        for p in resources(doc, "kubernetes_network_policy_v1").values()
    }


# --- handles of other constructs, as plain values -----------------------------------------------


@dataclass(frozen=True)
class PlainNetwork:
    """What a cluster or a database takes from its network (constructs.network.NetworkHandle)."""

    network_id: str = "projects/pace-t/global/networks/pace-t-vpc"
    subnet_id: str = "projects/pace-t/regions/europe-west2/subnetworks/pace-t-gke"
    pods_range_name: str = "pods"
    services_range_name: str = "services"
    psa_range_name: str = "pace-t-psa"
    node_tag: str = "pace-t-gke-node"


@dataclass(frozen=True)
class PlainServiceAccount:
    email: str


# --- a GKE cluster, alone or with a node pool (test_gke, test_node_pool) ------------------------

GKE_SECRETS_KEY = "projects/pace-t/locations/europe-west2/keyRings/pace-t/cryptoKeys/gke-secrets"
GKE_CLUSTER = GkeClusterProps(
    name="pace-t-gke",
    project_id="pace-t",
    location="europe-west2",
    network=PlainNetwork(),
    control_plane_cidr=IPv4Network("172.16.0.0/28"),
    master_authorized_networks={"gke-nodes": "10.0.0.0/20"},
    node_service_account_id="pace-t-gke-nodes",
    secrets_encryption_key=GKE_SECRETS_KEY,
    release_channel="REGULAR",
    maintenance=MaintenanceWindow(
        "2025-01-04T02:00:00Z", "2025-01-04T08:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU"
    ),
    labels={"system": "platform"},
)


def synth_gke(props: GkeClusterProps = GKE_CLUSTER, pool: NodePoolProps | None = None) -> dict:
    """A cluster and, when given, one node pool that joins it."""

    def build(stack: cdktf.TerraformStack) -> None:
        cluster = GkeCluster(stack, "cluster", props=props)
        if pool:
            cluster.add_node_pool("pool", pool)

    return synth_construct(build)


# --- hygiene of synthesized files --------------------------------------------------------------

# Literals that look like credentials. A reference (`${...}`) is fine: only its value in state is
# sensitive, and state lives in a private, versioned bucket.
SECRET_PATTERNS: dict[str, re.Pattern[str]] = {
    "private key block": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "service account key file": re.compile(r'"type"\s*:\s*"service_account"'),
    "Google API key": re.compile(r"AIza[0-9A-Za-z_\-]{35}"),
    "Google OAuth token": re.compile(r"ya29\.[0-9A-Za-z_\-]{20,}"),
    "credential literal": re.compile(
        r'"(?:[a-z_]*_)?(?:password|passwd|secret|token|api_key|service_key|integration_key|'
        r'private_key|credentials)"\s*:\s*"(?!\$\{)[^"]+"',
        re.IGNORECASE,
    ),
}

# Roots that only exist on some machine: none may appear in a synthesized file.
MACHINE_PATH = re.compile(r'"(?:/home/|/root/|/tmp/|/work/|/Users/|/var/folders/|[A-Za-z]:\\)')


def secret_findings(text: str) -> list[str]:
    """Names of the secret patterns found in `text`."""
    return [name for name, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def machine_paths(text: str, *roots: str) -> list[str]:
    """Absolute machine paths in `text`: the given roots, and well-known machine prefixes."""
    found = [root for root in roots if root and root in text]
    found += MACHINE_PATH.findall(text)
    return found


# --- filters written as one format() call (pace_infra/monitoring/filters.py) ----------------

_FORMAT = re.compile(r'^\$\{format\("([^"]*)", (.*)\)\}$')


def filter_text(value: str) -> str:
    """A filter as Monitoring will read it: `${format("k=%q", "v", ref)}` -> `k="v" k2="${ref}"`."""
    match = _FORMAT.match(value)
    if not match:
        return value
    template, args = match.groups()
    values = [
        arg[1:-1] if arg.startswith('"') else f"${{{arg}}}"
        for arg in re.findall(r'"[^"]*"|[^, ]+', args)
    ]
    for item in values:
        template = template.replace("%q", f'"{item}"', 1)
    return template


def hcl_unsafe_strings(node: object, path: str = "") -> list[str]:
    """Paths of strings cdktf's HCL renderer breaks: a reference beside a literal double quote."""
    if isinstance(node, dict):
        return [
            p for key, value in node.items() for p in hcl_unsafe_strings(value, f"{path}.{key}")
        ]
    if isinstance(node, list):
        return [
            p for i, value in enumerate(node) for p in hcl_unsafe_strings(value, f"{path}[{i}]")
        ]
    # `$${` is Terraform's escape of a literal `${` (a Workflows source): no reference.
    if isinstance(node, str) and "${" in node.replace("$${", ""):
        depth, outside = 0, []
        i = 0
        while i < len(node):
            if node.startswith("${", i):
                depth += 1
                i += 2
                continue
            if node[i] == "{" and depth:
                depth += 1
            elif node[i] == "}" and depth:
                depth -= 1
            elif node[i] == '"' and not depth:
                outside.append(i)
            i += 1
        return [path] if outside else []
    return []


def run_cdktf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`npx cdktf <args>` on the repository's pinned Node, offline and non-interactive."""
    env = {
        **os.environ,
        "PATH": f"{cwd / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
        "CHECKPOINT_DISABLE": "1",
        "CI": "true",
    }
    return subprocess.run(
        ["npx", "--no-install", "cdktf", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
