"""What docs/ states as fact stays true, and every relative link resolves."""

from __future__ import annotations

import re
from pathlib import Path

from pace_infra.tools.config_reference import anchor
from tests.conftest import REPO

STACKS = (REPO / "docs" / "reference" / "stacks.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def _anchors(page: Path) -> set[str]:
    text = _without_code_blocks(page.read_text(encoding="utf-8"))
    return {anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def broken_links(pages: list[Path]) -> list[str]:
    """Every relative link of `pages` whose file, or heading anchor, does not exist."""
    broken = []
    for page in pages:
        # A `[x](y)` inside code is not a link.
        prose = re.sub(r"`[^`\n]*`", "", _without_code_blocks(page.read_text(encoding="utf-8")))
        for target in LINK.findall(prose):
            if re.match(r"[a-z]+:", target):  # https:, mailto:: not ours to check
                continue
            path, _, fragment = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists():
                broken.append(f"{page}: {target} (no such file)")
            elif fragment and resolved.suffix == ".md" and f"#{fragment}" not in _anchors(resolved):
                broken.append(f"{page}: {target} (no such heading)")
    return broken


def test_every_relative_link_in_readme_and_docs_resolves():
    assert broken_links(_pages()) == []


def test_the_link_check_catches_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A heading: `code`\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md) [ok](other.md#a-heading-code) [ok](#here) [web](https://example.com)\n"
        "[gone](missing.md) [gone](other.md#nowhere) `[in code](missing.md)`\n\n# Here\n"
    )
    found = broken_links([page])
    assert len(found) == 2
    assert "missing.md (no such file)" in found[0]
    assert "other.md#nowhere (no such heading)" in found[1]


def test_the_resource_and_data_source_counts_are_the_synthesized_ones(stacks):
    match = re.search(r"\*\*(\d+) resources\*\* and \*\*(\d+) data\s+sources\*\*", STACKS)
    assert match, "docs/reference/stacks.md: the resource count sentence is gone"
    resources = sum(len(v) for doc in stacks.values() for v in doc.get("resource", {}).values())
    data = sum(len(v) for doc in stacks.values() for v in doc.get("data", {}).values())
    assert (int(match[1]), int(match[2])) == (resources, data)


def test_the_stack_table_is_one_table():
    # A blank line inside a markdown table ends it: the rows after it render as plain text.
    start = STACKS.index("| stack | owns | depends on |")
    rows = STACKS[start:].split("\n\n", 1)[0].splitlines()
    assert [r.split("|")[1].strip() for r in rows[2:]] == [
        f"`<env>-{unit}`"
        for unit in (
            "bootstrap",
            "network",
            "gke",
            "databases",
            "cicd",
            "edge",
            "oncall",
            "monitoring",
            "platform",
        )
    ]


def test_no_page_holds_a_merge_conflict_marker():
    marker = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
    conflicted = [str(p.relative_to(REPO)) for p in _pages() if marker.search(p.read_text())]
    assert not conflicted
