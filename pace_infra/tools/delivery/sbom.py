"""`python -m pace_infra.tools.delivery.sbom --env <env>`: have Artifact Analysis generate the
SBOM of each image of the release (projects.resources.exportSBOM: it is written to Google's
SBOM bucket of the project and linked to the image), and record the discovery occurrence that
tracks each export in `.delivery/sbom-<env>.json`, an artifact of the run.

Why Google's and not a scanner in the step: the SBOM then describes the image in the registry
(by digest), is kept beside it, and the step needs no further tool.
"""

from __future__ import annotations

import json
import sys

from pace_infra.tools.delivery.api import Google, Transport, ci_google
from pace_infra.tools.delivery.contract import Refusal, Target
from pace_infra.tools.delivery.release import step_inputs, step_parser


def export(google: Google, env: Target, images: dict[str, str]) -> dict[str, str]:
    """Image reference -> the discovery occurrence of its SBOM export."""
    exported = {}
    for name, digest in sorted(images.items()):
        uri = env.resource_uri(name, digest)
        exported[uri] = google.export_sbom(env.project_id, uri)
    return exported


def main(argv: list[str] | None = None, transport: Transport | None = None) -> int:
    parser = step_parser("sbom", __doc__)
    args = parser.parse_args(argv)
    try:
        env, release = step_inputs(args)
        exported = export(ci_google(env, transport), env, release.images)
    except Refusal as refusal:
        print(f"sbom: {refusal}", file=sys.stderr)
        return 2
    out = args.record.parent / f"sbom-{env.env}.json"
    out.write_text(json.dumps(exported, indent=2, sort_keys=True) + "\n")
    for uri, occurrence in exported.items():
        print(f"sbom: {uri} -> {occurrence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
