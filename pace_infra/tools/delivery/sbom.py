"""The SBOM of each released image: generated in the pipeline by a pinned syft, attached to the
image in every environment's `pace-images` as an Artifact Registry attachment.

`python -m pace_infra.tools.delivery.sbom generate` (the build step, after the push): syft, the
version pinned below and built from its Go module by the step, scans each image in dev's
registry by digest (as dev's CI identity) and writes `.delivery/sbom/<image>.spdx.json` (SPDX
2.3 JSON), an artifact of the run. The SBOM must describe that digest (its root package).

`python -m pace_infra.tools.delivery.sbom attach --env <env>` (each environment's step): pushes
the SBOM as an OCI artifact whose subject is the image (oci.py), reads the attachment back
from Artifact Registry's API, and records its name in `.delivery/sbom-<env>.json`.

Why not Artifact Analysis' `projects.resources.exportSBOM` (what this step used to call): the
CI identity holds no permission for it, and none could be granted narrowly. The method's
reference page names no IAM permission, the IAM dataset maps it to none
(iann0036/iam-dataset gcp/map.json: an empty entry), no predefined Container Analysis role
lists one, and Google's "Generate and store SBOMs" asks for Storage Admin on the project,
because the export writes to a bucket Artifact Analysis makes in the project: CI could then read
and write every bucket of the project, Terraform's state included. An attachment needs Artifact
Registry Writer on the one repository, which CI already holds to push (cicd stack,
ImageRepository.grant_push): no grant is added. The same digest is in every environment's
registry (build_push checks it), so one SBOM, generated once, describes the image everywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pace_infra.tools.delivery.api import Google, Transport, ci_google
from pace_infra.tools.delivery.contract import FIRST_ENV, RELEASE_RECORD, Refusal, Target, target
from pace_infra.tools.delivery.oci import Registry, RegistryError
from pace_infra.tools.delivery.release import load

# syft, built from its Go module by the pipeline step (templates/app-pipeline/
# bitbucket-pipelines.yml installs exactly this; the go command checks the module against the
# Go checksum database). v1.57.1's go.mod asks for go 1.26.8, hence the toolchain.
SYFT_MODULE = "github.com/anchore/syft"
SYFT_VERSION = "v1.57.1"
GO_TOOLCHAIN = "go1.26.8"
# SPDX JSON's registered media type (IANA): the attachment's artifact type.
SPDX_JSON = "application/spdx+json"
SBOM_DIR = "sbom"

# Runs a command with extra environment variables; its stdout, raising on failure.
Command = Callable[[list[str], dict[str, str]], str]


def run(argv: list[str], extra_env: dict[str, str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **extra_env})
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, argv[:2], done.stdout, done.stderr)
    return done.stdout


def sbom_path(record: Path, image: str) -> Path:
    return record.parent / SBOM_DIR / f"{image}.spdx.json"


def check_syft(command: Command, syft: str) -> str:
    """The path of `syft` (on PATH), refused unless it is the pinned module at the pinned
    version (its Go build info: `go version -m` reads a file, not a command name)."""
    path = shutil.which(syft)
    if path is None:
        raise Refusal(f"no {syft} on PATH: the step installs {SYFT_MODULE} {SYFT_VERSION}")
    try:
        info = command(["go", "version", "-m", path], {})
    except (OSError, subprocess.CalledProcessError) as error:
        raise Refusal(f"cannot read {syft}'s build info with `go version -m`: {error}") from error
    if not re.search(rf"^\s*mod\s+{re.escape(SYFT_MODULE)}\s+{SYFT_VERSION}\s", info, re.M):
        raise Refusal(f"{path} is not {SYFT_MODULE} {SYFT_VERSION} (go version -m)")
    return path


def describes(sbom: dict[str, Any], digest: str) -> bool:
    """Whether the SPDX document describes the image `digest`: the package SPDXRef-DOCUMENT
    DESCRIBES (syft's root, `SPDXRef-DocumentRoot-Image-...`) carries it as its version."""
    roots = {
        r["relatedSpdxElement"]
        for r in sbom.get("relationships", [])
        if r.get("spdxElementId") == "SPDXRef-DOCUMENT" and r.get("relationshipType") == "DESCRIBES"
    }
    return any(
        p.get("SPDXID") in roots and p.get("versionInfo") == digest
        for p in sbom.get("packages", [])
    )


def read_sbom(path: Path, digest: str) -> bytes:
    """The SBOM file's bytes, refused unless it is SPDX JSON describing `digest`."""
    if not path.exists():
        raise Refusal(f"{path} not found: the build step generates it (is it an artifact?)")
    data = path.read_bytes()
    try:
        sbom = json.loads(data)
    except json.JSONDecodeError as error:
        raise Refusal(f"{path}: not JSON ({error.msg})") from error
    if not str(sbom.get("spdxVersion", "")).startswith("SPDX-2."):
        raise Refusal(f"{path}: not an SPDX 2 document")
    if not describes(sbom, digest):
        raise Refusal(f"{path} does not describe {digest}")
    return data


def generate(
    google: Google,
    env: Target,
    images: dict[str, str],
    record: Path,
    command: Command,
    syft: str = "syft",
) -> list[Path]:
    """Scan each image in `env`'s registry by digest, as that environment's CI identity."""
    syft = check_syft(command, syft)
    auth = {
        "SYFT_REGISTRY_AUTH_AUTHORITY": env.registry_host,
        # Artifact Registry takes an access token as the password of "oauth2accesstoken".
        "SYFT_REGISTRY_AUTH_USERNAME": "oauth2accesstoken",
        "SYFT_REGISTRY_AUTH_PASSWORD": google.token,
        "SYFT_CHECK_FOR_APP_UPDATE": "false",
    }
    written = []
    for name, digest in sorted(images.items()):
        path = sbom_path(record, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = f"registry:{env.image(name)}@{digest}"
        command([syft, "scan", source, "--output", f"spdx-json={path}", "--quiet"], auth)
        read_sbom(path, digest)
        written.append(path)
    return written


def attach(google: Google, env: Target, images: dict[str, str], record: Path) -> dict[str, str]:
    """Attach each image's SBOM in `env`'s registry; image reference -> attachment name."""
    registry = Registry(google.transport, env.registry_host, google.token)
    attached = {}
    for name, digest in sorted(images.items()):
        data = read_sbom(sbom_path(record, name), digest)
        repository = env.image(name).removeprefix(f"{env.registry_host}/")
        artifact = registry.attach(repository, digest, SPDX_JSON, data, f"{name}.spdx.json")
        # Artifact Registry's own word that the image now has it (`ociVersionName` names the
        # artifact's version: `.../versions/<its manifest digest>`).
        found = [
            a["name"]
            for a in google.attachments(env, name, digest)
            if a.get("ociVersionName", "").endswith(f"/versions/{artifact}")
        ]
        if not found:
            raise RegistryError(f"{env.image(name)}@{digest}: no attachment {artifact} listed")
        attached[f"{env.image(name)}@{digest}"] = found[0]
    return attached


def main(
    argv: list[str] | None = None, transport: Transport | None = None, command: Command = run
) -> int:
    parser = argparse.ArgumentParser(prog="sbom", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    generating = verbs.add_parser("generate")
    generating.add_argument("--record", type=Path, default=Path(RELEASE_RECORD))
    generating.add_argument("--syft", default="syft", help="the syft to run (default: on PATH)")
    attaching = verbs.add_parser("attach")
    attaching.add_argument("--env", required=True)
    attaching.add_argument("--record", type=Path, default=Path(RELEASE_RECORD))
    args = parser.parse_args(argv)
    try:
        release = load(args.record)
        if args.verb == "generate":
            env = target(FIRST_ENV)
            google = ci_google(env, transport)
            paths = generate(google, env, release.images, args.record, command, args.syft)
            for path in paths:
                print(f"sbom: {path}")
            return 0
        env = target(args.env)
        attached = attach(ci_google(env, transport), env, release.images, args.record)
    except Refusal as refusal:
        print(f"sbom: {refusal}", file=sys.stderr)
        return 2
    except (RegistryError, subprocess.CalledProcessError) as error:
        print(f"sbom: {error}", file=sys.stderr)
        return 1
    out = args.record.parent / f"sbom-{env.env}.json"
    out.write_text(json.dumps(attached, indent=2, sort_keys=True) + "\n")
    for reference, attachment in attached.items():
        print(f"sbom: {reference} -> {attachment}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
