"""Recorded API answers and a real GitOps repository for the delivery tests.

Every answer is a JSON file in fixtures/, {"reference": <the API reference page that documents
its shape>, "answer": <the answer>}. `Recorded` is the transport: it answers only the requests
a test routes, and fails on any other, so nothing reaches the network.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from pace_infra.tools.delivery.api import Request, Response
from pace_infra.tools.delivery.contract import APPS, PROMOTION_ORDER, images_file
from pace_infra.tools.delivery.overlay import Pin, render

FIXTURES = Path(__file__).parent / "fixtures"


def answer(name: str, **replace: Any) -> dict[str, Any]:
    """A recorded answer, with `{placeholders}` in its strings filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in replace.items():
        text = text.replace("{" + key + "}", str(value))
    data = json.loads(text)
    assert data["reference"].startswith("https://"), name
    return data["answer"]


class Recorded:
    """A transport of recorded answers: routes of (method, url part, answers in order; the last
    one repeats), JSON answers for `send`, `Response`s for `exchange` (the registry API).
    Every request is kept for the test to read."""

    def __init__(self, *routes: tuple[str, str, list[Any]]) -> None:
        self.routes = [(method, part, list(answers)) for method, part, answers in routes]
        self.requests: list[Request] = []

    def _answer(self, request: Request) -> Any:
        self.requests.append(request)
        for method, part, answers in self.routes:
            if method == request.method and part in request.url:
                return answers.pop(0) if len(answers) > 1 else answers[0]
        raise AssertionError(f"unrouted request: {request.method} {request.url}")

    def send(self, request: Request) -> dict[str, Any]:
        answer = self._answer(request)
        assert isinstance(answer, dict), f"{request.url}: a raw answer routed to send"
        return answer

    def exchange(self, request: Request) -> Response:
        answer = self._answer(request)
        assert isinstance(answer, Response), f"{request.url}: a JSON answer routed to exchange"
        return answer


def digest(seed: object) -> str:
    return "sha256:" + hashlib.sha256(str(seed).encode()).hexdigest()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _identity(repo: Path) -> None:
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")


def pins_of(env: str, seed: str) -> dict[str, dict[str, Pin]]:
    """Every app's pins in an environment, digests derived from `seed`."""
    registry = f"europe-west2-docker.pkg.dev/pace-crm-{env}/pace-images"
    return {
        app: {
            i.name: Pin(i.name, f"{registry}/{i.name}", digest(f"{seed}-{i.name}")) for i in images
        }
        for app, images in APPS.items()
    }


def gitops_repo(tmp_path: Path) -> Path:
    """A clone of a bare GitOps repository laid out as the platform generates it: base,
    overlays listing the images Component, each environment's images file with its own digests;
    branches main (dev, staging) and production (prod). Returns the clone (origin: the bare)."""
    remote, seed = tmp_path / "gitops.git", tmp_path / "seed"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(seed))
    _identity(seed)
    for app in APPS:
        base = seed / app / "base" / "kustomization.yaml"
        base.parent.mkdir(parents=True)
        base.write_text(yaml.safe_dump({"resources": ["deployment.yaml"]}))
        (base.parent / "deployment.yaml").write_text("kind: Deployment\n")
        for env in PROMOTION_ORDER:
            overlay = seed / app / "overlays" / env / "kustomization.yaml"
            overlay.parent.mkdir(parents=True)
            overlay.write_text(
                yaml.safe_dump({"resources": ["../../base"], "components": ["images"]})
            )
            path = seed / images_file(app, env)
            path.parent.mkdir(parents=True)
            path.write_text(render(pins_of(env, f"{env}-old")[app]))
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "skeleton")
    git(seed, "push", "--quiet", "origin", "main", "main:production")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", str(remote), str(checkout))
    _identity(checkout)
    git(checkout, "branch", "--quiet", "production", "origin/production")
    return checkout


def ci_routes() -> list[tuple[str, str, list[dict[str, Any]]]]:
    """The two answers that make a step's OIDC token the CI identity's access token."""
    return [
        ("POST", "sts.googleapis.com", [answer("sts_token")]),
        ("POST", ":generateAccessToken", [answer("generate_access_token")]),
    ]


def release_record(tmp_path: Path, app: str = "pace-web", **images: str) -> Path:
    """A release record as the build step writes it."""
    from pace_infra.tools.delivery.release import Release

    path = tmp_path / "release.json"
    Release(app, "0123abc", images or {"pace-web": digest("web")}).save(path)
    return path


PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.18.2@" + digest("proxy")


def argocd_applications(
    env: str, seed: str, *, extra: tuple[str, ...] = (), drop: str = "", **status: str
) -> dict[str, Any]:
    """The recorded `kubectl get applications.argoproj.io -n argocd -o json` of an environment
    whose pods run the digests `pins_of(env, seed)` makes (the proxy sidecar's image too):
    every Application Synced and Healthy unless `web_sync=`, `ai_health=`... say otherwise;
    `extra` images run beside them; `drop` names an Application that is not there."""
    images: dict[str, list[str]] = {}
    for app, pins in pins_of(env, seed).items():
        images[app] = sorted(
            [f"{pin.new_name}@{pin.digest}" for pin in pins.values()] + [PROXY_IMAGE]
        )
    images["pace-web"] += [i for i in extra if "/pace-web@" in i]
    images["pace-ai"] += [i for i in extra if "/pace-web@" not in i]
    fields = {"web_sync": "Synced", "web_health": "Healthy", "ai_sync": "Synced"}
    fields |= {"ai_health": "Healthy", **status}
    document = answer(
        "argocd_applications",
        env=env,
        web_images=json.dumps(images["pace-web"]),
        ai_images=json.dumps(images["pace-ai"]),
        **fields,
    )
    document["items"] = [i for i in document["items"] if i["metadata"]["name"] != drop]
    return document
