"""Writing the skeleton: whole each time, plain YAML, a header that says who owns each file."""

from __future__ import annotations

import yaml

from pace_infra.gitops.write import IMAGES_HEADER, PLATFORM_HEADER, render, write_skeleton


def test_stale_files_go_and_each_file_says_who_owns_it(tmp_path):
    stale = tmp_path / "gitops" / "pace-web" / "base" / "old.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("kind: Stale\n")
    write_skeleton(
        {
            "pace-web/base/kustomization.yaml": [{"kind": "Kustomization"}],
            "pace-web/overlays/dev/images/kustomization.yaml": [{"kind": "Component"}],
        },
        tmp_path / "gitops",
    )
    assert not stale.exists()
    base = (tmp_path / "gitops" / "pace-web" / "base" / "kustomization.yaml").read_text()
    images = (tmp_path / "gitops/pace-web/overlays/dev/images/kustomization.yaml").read_text()
    assert base.startswith(PLATFORM_HEADER)
    assert images.startswith(IMAGES_HEADER)


def test_a_value_used_twice_is_written_twice_not_as_an_alias():
    shared = {"service": {"name": "pace-web"}}
    text = render([{"a": shared, "b": shared}, {"kind": "Second"}])
    assert "&" not in text and "*" not in text
    assert [d for d in yaml.safe_load_all(text)] == [{"a": shared, "b": shared}, {"kind": "Second"}]
