"""Cloud Workflows sources: the YAML the database jobs deploy (`source(name)`).

The files are read relative to this package, so no machine path enters the synthesized JSON.
"""

from __future__ import annotations

from pathlib import Path

WORKFLOWS = Path(__file__).parent
DATABASE_EXPORT = "database_export"
RESTORE_DRILL = "restore_drill"


def source(name: str) -> str:
    """The YAML of workflow `name` (`database_export`, `restore_drill`), as deployed."""
    return (WORKFLOWS / f"{name}.yaml").read_text(encoding="utf-8")
