"""Records and edits that the tests of git history and of `eta check --base` share."""

from __future__ import annotations

from pathlib import Path

INCIDENT = "2026-03-01-k7q2mx"
INCIDENT_PATH = f"incidents/{INCIDENT}.yaml"
INCIDENT_HEAD = f"""\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: {INCIDENT}
title: Storing bij inloggen via eIDAS
type: verstoring
reporter: grensweg
priority: P3
status: in_progress
times:
  detected: 2026-03-01T09:00:00+01:00
"""
FIRST_TIMELINE = """\
timeline:
  - at: 2026-03-01T09:05:00+01:00
    by: Femke Hoekstra
    text: Melding ontvangen van Grensweg.
"""


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new`; `old` must be there."""
    path = root / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))
