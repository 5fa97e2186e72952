"""What the report tests share: a git repository of the example records with a fixed history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from client_helpers import xycharts
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


_NUMBER = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def xychart_problems(*charts: str) -> list[str]:
    """What of `charts` mermaid's own parser refuses, or what it reads but a renderer could
    not draw as eta means it: a series with more or fewer values than the x-axis has bands
    (mermaid drops the values beyond them), or a value outside the y-axis."""
    return [problem for chart, parsed in zip(charts, xycharts(list(charts)), strict=True)
            for problem in _problems(chart, parsed)]


def _problems(chart: str, parsed: dict[str, Any]) -> list[str]:
    if "error" in parsed:
        return [f"mermaid refuses it: {parsed['error']}"]
    bands = len(parsed["xAxis"].get("categories", []))
    # Mermaid keeps as many values of a series as there are bands: count those written.
    written = [len(re.findall(_NUMBER, line[line.index("["):]))
               for line in (raw.strip() for raw in chart.splitlines())
               if line.split(" ", 1)[0] in ("bar", "line") and "[" in line]
    problems = [f"{count} values for {bands} bands" for count in written if count != bands]
    low, high = parsed["yAxis"]["min"], parsed["yAxis"]["max"]
    for plot in parsed["plots"]:
        problems.extend(f"{value} lies outside the y-axis {low} --> {high}"
                        for value in plot["values"] if value is not None
                        and not low <= value <= high)
    return problems
