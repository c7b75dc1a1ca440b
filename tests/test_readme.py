"""The README is the way in: short, set-up first, every verb, the layout, a link to every page.

Facts about the stacks live in docs/ and are checked there (tests/test_docs.py).
"""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _help_targets() -> list[str]:
    """The targets `make help` names: the verbs a person is told about."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    help_recipe = makefile.split("\nhelp:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r'@echo "make ([a-z][a-z-]*)', help_recipe)


def test_the_readme_is_short_and_in_its_order():
    assert len(README.splitlines()) <= 200, "move detail into docs/"
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert headings == [
        "Set-up",
        "The stacks",
        "Data protection",
        "Verbs",
        "Documentation",
        "Layout",
    ]


def test_the_two_set_up_commands_are_the_first_code_block():
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block and README.index("```sh") < README.index("```mermaid")
    commands = [line.split("#")[0].strip() for line in block[1].splitlines()]
    assert [c for c in commands if c] == ["make synth", "make test"]


def test_the_diagram_shows_every_deploy_unit():
    from pace_infra.units import UNITS

    diagram = _section("The stacks").split("```mermaid", 1)[1].split("```", 1)[0]
    for unit in UNITS:
        assert f"&lt;env&gt;-{unit}" in diagram, unit


def test_every_verb_make_help_names_has_one_line_in_the_readme():
    verbs = re.findall(r"^\| `make ([a-z][a-z-]*)[^`]*` \|", _section("Verbs"), re.MULTILINE)
    targets = _help_targets()
    assert {"synth", "test", "config-reference"} <= set(targets)
    assert sorted(verbs) == sorted(set(verbs)), "one line per verb"
    assert set(targets) <= set(verbs), f"not in the README: {set(targets) - set(verbs)}"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for verb in verbs:
        assert re.search(rf"^{verb}:", makefile, re.MULTILINE), f"make {verb} does not exist"


def test_the_layout_has_a_line_for_every_directory_and_module():
    layout = _section("Layout").split("```", 2)[1]
    entries = {line.split()[0] for line in layout.splitlines() if line.strip()}
    ignored = {
        line.strip().strip("/")
        for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip().endswith("/")
    }
    top = {
        f"{p.name}/"
        for p in REPO.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in ignored
    }
    package = {
        f"{p.name}/" if p.is_dir() else p.name
        for p in (REPO / "pace_infra").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.name != "__init__.py")
    }
    assert top - entries == set(), "top-level directories missing from the layout"
    assert package - entries == set(), "pace_infra modules missing from the layout"


def test_every_page_of_docs_is_linked_from_the_readme():
    # Runbook pages are reached from their alerts and from the runbooks index.
    pages = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "docs").rglob("*.md")
        if p.parent.name != "runbooks" or p.name == "README.md"
    }
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", README))
    assert pages - linked == set()


def test_the_data_protection_table_is_true_to_the_config(environments):
    from pace_infra.constructs.postgres_settings import TRANSACTION_LOG_DAYS

    by_name = {env.name: env for env in environments}
    prod = by_name["prod"].databases
    section = _section("Data protection")
    rows = {
        cells[0]: cells[1:]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| failure")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert list(rows) == [
        "a zone",
        "a bad migration, deleted rows",
        "the instance deleted",
        f"the region ({by_name['prod'].region})",
        "all of the above",
    ]
    assert prod.availability == "REGIONAL" and rows["a zone"][0].startswith("REGIONAL")
    pitr = rows["a bad migration, deleted rows"][0]
    assert pitr == f"point-in-time recovery, {TRANSACTION_LOG_DAYS} days of logs"
    deleted = rows["the instance deleted"][0]
    assert deleted.startswith(f"{prod.backups.retained} daily backups")
    assert prod.backups.retain_on_delete == ("kept after the instance is deleted" in deleted)
    region = rows[f"the region ({by_name['prod'].region})"][0]
    assert region == f"a read replica in {prod.dr_replica_region}, backups stored there"
    drill = rows["a bad migration, deleted rows"][2]
    assert prod.restore_drill.enabled
    assert f"drilled weekly, alert above {prod.restore_drill.rto_minutes} min" in drill
    exports = rows["all of the above"][0]
    assert prod.exports.enabled and prod.exports.lock_retention
    assert exports == (
        f"a daily SQL dump of each database, kept {prod.exports.retention_days} days "
        f"in a locked bucket in {prod.exports_region}"
    )
    staging, dev = by_name["staging"].databases, by_name["dev"].databases
    assert staging.dr_replica_region is None and staging.backups.retain_on_delete
    assert f"same backups ({staging.backups.retained} kept), exports and drills" in section
    assert staging.exports.enabled and staging.restore_drill.enabled
    assert f"dev keeps {dev.backups.retained}\nbackups, drops them" in section
    assert not dev.backups.retain_on_delete
    assert not dev.exports.enabled and not dev.restore_drill.enabled
