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


#: The tokens of Mermaid's xychart grammar (xychart.jison) that eta's charts use: a quoted
#: string holds no `"` and no line break; a number is `[+-]?(\d+(\.\d+)?|\.\d+)`.
_XY_STRING = r'"[^"\n]*"'
_XY_NUMBER = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"
_XY_TEXT = rf"(?:{_XY_STRING}|[A-Za-z0-9_]+)"
_XY_NUMBERS = rf"\[\s*{_XY_NUMBER}(?:\s*,\s*{_XY_NUMBER})*\s*\]"
_XY_STATEMENTS = {
    "title": re.compile(rf"title\s+{_XY_TEXT}"),
    "x-axis": re.compile(rf"x-axis(?:\s+{_XY_TEXT})?\s*\[\s*{_XY_TEXT}(?:\s*,\s*{_XY_TEXT})*\s*\]"),
    "y-axis": re.compile(rf"y-axis(?:\s+{_XY_TEXT})?(?:\s+{_XY_NUMBER}\s*-->\s*{_XY_NUMBER})?"),
    "bar": re.compile(rf"bar(?:\s+{_XY_TEXT})?\s*{_XY_NUMBERS}"),
    "line": re.compile(rf"line(?:\s+{_XY_TEXT})?\s*{_XY_NUMBERS}"),
}


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def xychart_problems(chart: str) -> list[str]:
    """What in `chart` Mermaid's xychart-beta grammar refuses, or a renderer could not draw:
    each line one statement of the grammar, as many values in each series as the x-axis
    has bands, and every value within the y-axis."""
    lines = [line.strip() for line in chart.splitlines() if line.strip()]
    if not lines or lines[0] not in ("xychart-beta", "xychart-beta vertical",
                                     "xychart-beta horizontal"):
        return ["the chart does not start with xychart-beta"]
    problems = []
    bands = 0
    low, high = float("-inf"), float("inf")
    series: list[list[float]] = []
    for line in lines[1:]:
        keyword = line.split(maxsplit=1)[0]
        pattern = _XY_STATEMENTS.get(keyword)
        if pattern is None or not pattern.fullmatch(line):
            problems.append(f"not a statement of the grammar: {line}")
            continue
        if keyword == "x-axis":
            bands = len(re.findall(_XY_TEXT, line[line.index("["):]))
        elif keyword == "y-axis" and "-->" in line:
            low, high = (float(n) for n in re.findall(_XY_NUMBER + r"(?=\s*-->)|(?<=-->)\s*"
                                                       + _XY_NUMBER, line))
        elif keyword in ("bar", "line"):
            series.append([float(n) for n in re.findall(_XY_NUMBER, line[line.index("["):])])
    for values in series:
        if len(values) != bands:
            problems.append(f"{len(values)} values for {bands} bands")
        problems.extend(f"{v} lies outside the y-axis {low} --> {high}" for v in values
                        if not low <= v <= high)
    return problems
