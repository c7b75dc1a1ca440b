"""overlay: the images Component, read and written."""

from __future__ import annotations

import pytest
import yaml

from pace_infra.tools.delivery import overlay
from pace_infra.tools.delivery.contract import Refusal
from tests.tools.delivery.fixtures import digest

PINS = {
    "pace-mcp-servers": overlay.Pin("pace-mcp-servers", "r/pace-mcp-servers", digest(2)),
    "pace-ai-backend": overlay.Pin("pace-ai-backend", "r/pace-ai-backend", digest(1)),
}


def test_a_written_file_is_a_kustomize_component_with_only_images(tmp_path):
    path = tmp_path / "images" / "kustomization.yaml"
    overlay.write(path, PINS)
    document = yaml.safe_load(path.read_text())
    assert document == {
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "images": [
            {"name": "pace-ai-backend", "newName": "r/pace-ai-backend", "digest": digest(1)},
            {"name": "pace-mcp-servers", "newName": "r/pace-mcp-servers", "digest": digest(2)},
        ],
    }
    assert overlay.read(path) == PINS
    assert overlay.read(tmp_path / "absent.yaml") == {}


def test_anything_but_a_component_or_a_digest_is_refused():
    with pytest.raises(Refusal, match="not a kustomize Component"):
        overlay.parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n", "f")
    tagged = overlay.render(PINS).replace(digest(1), "latest")
    with pytest.raises(Refusal, match="'latest' is not a digest"):
        overlay.parse(tagged, "f")
