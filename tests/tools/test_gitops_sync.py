"""make gitops-sync: the skeleton replaces what the platform owns, and never the digests."""

from __future__ import annotations

from pace_infra.tools.gitops_sync import main, sync

IMAGES = "pace-web/overlays/dev/images/kustomization.yaml"


def _write(root, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def test_platform_files_are_replaced_and_the_digests_are_kept(tmp_path):
    skeleton, checkout = tmp_path / "skeleton", tmp_path / "checkout"
    _write(
        skeleton,
        {
            "pace-web/base/pace-web.yaml": "new\n",
            "pace-web/overlays/dev/patches.yaml": "same\n",
            IMAGES: "digest: placeholder\n",
            "pace-ai/overlays/dev/images/kustomization.yaml": "digest: placeholder\n",
        },
    )
    _write(
        checkout,
        {
            "pace-web/base/pace-web.yaml": "old\n",
            "pace-web/base/retired.yaml": "gone\n",
            "pace-web/overlays/dev/patches.yaml": "same\n",
            IMAGES: "digest: sha256:running\n",
            "README.md": "the repository's own\n",
        },
    )
    changes = sync(skeleton, checkout)
    assert changes == [
        "added pace-ai/overlays/dev/images/kustomization.yaml",
        "changed pace-web/base/pace-web.yaml",
        "removed pace-web/base/retired.yaml",
    ]
    assert (checkout / "pace-web/base/pace-web.yaml").read_text() == "new\n"
    assert (checkout / IMAGES).read_text() == "digest: sha256:running\n"  # not the placeholder
    assert (checkout / "README.md").exists()  # outside what the platform owns
    assert sync(skeleton, checkout) == []


def test_refuses_without_a_skeleton_or_a_checkout(tmp_path, capsys):
    assert main([str(tmp_path), "--skeleton", str(tmp_path / "none")]) == 2
    assert "run make synth" in capsys.readouterr().err
    (tmp_path / "skeleton").mkdir()
    assert main([str(tmp_path / "plain"), "--skeleton", str(tmp_path / "skeleton")]) == 2
    assert "not a git checkout" in capsys.readouterr().err
