"""Tests mirror the source: every module under pace_infra/ has its test module at the same path
under tests/ (`pace_infra/a/b.py` -> `tests/a/test_b.py`; `__main__.py` -> `test_main.py`)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO

SOURCE = REPO / "pace_infra"
TESTS = REPO / "tests"

# Not checked: package markers, and pace_infra/tools/, whose tests live under tests/tools/ but
# do not yet mirror it module by module (ci_credentials, plan/apply, plan/report,
# plan/workspace, review/model, review/render, toolchain/cache, gobuild, resolve, setup have
# no test module of their own; review/plan_json's is tests/tools/plan/test_plan_json.py).
NOT_CHECKED = ("__init__.py",)
NOT_CHECKED_UNDER = (SOURCE / "tools",)

# Modules that genuinely cannot have a test module of their own, each with its reason. Empty:
# keep it so, or say here why a module cannot be tested.
ALLOWLIST: dict[str, str] = {}


def mirrored(module: Path) -> Path:
    """The test module of a source module."""
    relative = module.relative_to(SOURCE)
    stem = "main" if module.stem == "__main__" else module.stem
    return TESTS / relative.parent / f"test_{stem}.py"


def _modules() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if path.name not in NOT_CHECKED
        and not any(path.is_relative_to(root) for root in NOT_CHECKED_UNDER)
    )


def test_the_mirror_rule():
    assert mirrored(SOURCE / "names.py") == TESTS / "test_names.py"
    assert mirrored(SOURCE / "config" / "loader.py") == TESTS / "config" / "test_loader.py"
    assert mirrored(SOURCE / "config" / "__main__.py") == TESTS / "config" / "test_main.py"


def test_every_module_has_its_test_module_at_the_mirrored_path():
    missing = [
        str(module.relative_to(REPO))
        for module in _modules()
        if not mirrored(module).is_file() and str(module.relative_to(REPO)) not in ALLOWLIST
    ]
    assert missing == [], "write tests/<same dirs>/test_<module>.py for each"


def test_the_allowlist_names_only_modules_that_still_lack_a_test():
    stale = [
        name for name in ALLOWLIST if not (REPO / name).is_file() or mirrored(REPO / name).is_file()
    ]
    assert stale == []


def test_every_test_package_is_a_package():
    # A test directory without __init__.py would import its modules by bare name, and two
    # test_<module>.py of the same name in different directories would collide.
    for directory in {mirrored(module).parent for module in _modules()}:
        assert (directory / "__init__.py").is_file(), directory.relative_to(REPO)
