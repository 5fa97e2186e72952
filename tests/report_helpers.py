"""What the report tests share: a git repository of the example records with a fixed history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import PROJECT, commit, git

GOLDEN = PROJECT / "tests" / "golden"
#: The day every golden report judges deadlines by.
GOLDEN_TODAY = "2026-12-01"

#: The example records, committed in three steps with fixed dates, so that the audit trail
#: of every report is the same on every machine.
HISTORY = (
    ("afspraken", "Afspraken: deelnemers, serviceniveaus en criteria", "2026-01-05T09:00:00+01:00"),
    ("releases", "Releases en hun implementatieplannen", "2026-04-23T14:00:00+02:00"),
    ("incidents", "Incidenten van 2026", "2026-11-20T16:30:00+01:00"),
)


def example_history(root: Path) -> list[str]:
    """The example records in `root` (a new folder), committed as HISTORY says."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    shas = []
    for folder, message, date in HISTORY:
        shutil.copytree(PROJECT / folder, root / folder)
        shas.append(commit(root, message, date))
    return shas


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_shapes(text: str) -> list[list[int]]:
    """For each Markdown table in `text`, the number of cell separators on each of its rows.

    A pipe escaped as `\\|` separates no cells; inside a row nothing else may.
    """
    tables: list[list[int]] = []
    current: list[int] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            current.append(len(_UNESCAPED_PIPE.findall(line.replace("\\\\", ""))))
        else:
            current = None
    return tables
