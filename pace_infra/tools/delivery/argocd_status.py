"""What the lower environment's Argo CD says it runs: the check `make promote` makes before it
copies digests, so that a promotion carries what ran, not only what a branch says.

The Application status fields read here, from argo-cd v3.1.8
(pkg/apis/application/v1alpha1/types.go):
- `status.sync.status` (SyncStatus.Status, a SyncStatusCode: `Synced`, `OutOfSync`, `Unknown`):
  whether the live objects equal what the overlay renders;
- `status.health.status` (AppHealthStatus.Status, gitops-engine's HealthStatusCode: `Healthy`,
  `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`);
- `status.summary.images` (ApplicationSummary.Images): ApplicationTree.GetSummary collects the
  images of the Application's resource tree, which controller/cache/info.go (populatePodInfo)
  fills from each pod's spec, init containers included. So an image there is one a pod of the
  Application runs now; during a roll-out the old and the new digest are both there.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pace_infra.names import ARGOCD_NAMESPACE
from pace_infra.tools.delivery.build_push import Runner
from pace_infra.tools.delivery.contract import APPS, Refusal, Target
from pace_infra.tools.delivery.overlay import Pin

SYNCED = "Synced"
HEALTHY = "Healthy"


def kubectl_argv(source: Target, context: str | None = None) -> list[str]:
    """The Applications of the environment's cluster, by its own context (never the current
    one: a promotion must not read another environment's Argo CD by accident)."""
    return [
        "kubectl",
        "--context",
        context or source.kube_context,
        "get",
        "applications.argoproj.io",
        "--namespace",
        ARGOCD_NAMESPACE,
        "--output",
        "json",
    ]


def parse(text: str, where: str) -> dict[str, dict[str, Any]]:
    """Application name -> the Application, from `kubectl get ... -o json` (a List)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Refusal(f"{where}: not JSON ({error.msg})") from error
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise Refusal(f"{where}: not a list of Applications (`kubectl get -o json`)")
    return {item["metadata"]["name"]: item for item in items}


def read(
    source: Target, status_file: Path | None, runner: Runner, context: str | None = None
) -> dict[str, dict[str, Any]]:
    """The environment's Applications: from the file given, or from its cluster."""
    if status_file is not None:
        if not status_file.exists():
            raise Refusal(f"{status_file} not found (--argocd-status)")
        return parse(status_file.read_text(), str(status_file))
    argv = kubectl_argv(source, context)
    try:
        return parse(runner(argv, None), " ".join(argv))
    except (OSError, subprocess.CalledProcessError) as error:  # no kubectl, or it failed
        raise Refusal(
            f"cannot read {source.env}'s Argo CD Applications ({' '.join(argv[:3])}): {error}"
        ) from error


def _digests_of(images: list[str], repository: str) -> set[str]:
    """The digests of `repository` among image references (`repo[:tag]@sha256:...`)."""
    found = set()
    for image in images:
        reference, _, digest = image.partition("@")
        name = reference.rsplit(":", 1)[0] if ":" in reference.rsplit("/", 1)[-1] else reference
        if name == repository and digest:
            found.add(digest)
    return found


def check(
    source: Target,
    pins: Mapping[str, Mapping[str, Pin]],
    applications: Mapping[str, Mapping[str, Any]],
) -> None:
    """Refuse unless every app's Application is Synced and Healthy and its pods run exactly the
    digests about to be promoted (app -> image -> pin, as read from the lower overlay)."""
    env = source.env
    for app in APPS:
        if app not in applications:
            raise Refusal(f"{env}'s Argo CD has no Application {app}: nothing shows what it runs")
        status = applications[app].get("status") or {}
        sync = (status.get("sync") or {}).get("status", "Unknown")
        if sync != SYNCED:
            raise Refusal(f"{env}: Application {app} is {sync}, not {SYNCED}")
        health = (status.get("health") or {}).get("status", "Unknown")
        if health != HEALTHY:
            raise Refusal(f"{env}: Application {app} is {health}, not {HEALTHY}")
        running = list((status.get("summary") or {}).get("images") or [])
        for name, pin in sorted(pins[app].items()):
            digests = _digests_of(running, source.image(name))
            if pin.digest not in digests:
                raise Refusal(f"{env}: no pod of {app} runs {name}@{pin.digest}")
            if digests != {pin.digest}:
                others = ", ".join(sorted(digests - {pin.digest}))
                raise Refusal(
                    f"{env}: pods of {app} still run {name}@{others} beside the digest "
                    "promoted (a roll-out is not finished)"
                )
