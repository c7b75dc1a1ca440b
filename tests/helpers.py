"""Small readers over synthesized Terraform JSON, and a construct synth for unit tests."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import cdktf


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
