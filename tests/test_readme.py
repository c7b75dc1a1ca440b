"""What the README states as fact about the synthesized stacks stays true."""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_resource_and_data_source_counts_are_the_synthesized_ones(stacks):
    match = re.search(r"\*\*(\d+) resources\*\* and \*\*(\d+) data\s+sources\*\*", README)
    assert match, "README: the resource count sentence is gone"
    resources = sum(len(v) for doc in stacks.values() for v in doc.get("resource", {}).values())
    data = sum(len(v) for doc in stacks.values() for v in doc.get("data", {}).values())
    assert (int(match[1]), int(match[2])) == (resources, data)


def test_the_stack_table_is_one_table():
    # A blank line inside a markdown table ends it: the rows after it render as plain text.
    start = README.index("| stack | owns | depends on |")
    rows = README[start:].split("\n\n", 1)[0].splitlines()
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
