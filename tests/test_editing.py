"""Edits load only the parts of a record they use, and give what a whole round trip gives."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from ruamel.yaml.comments import CommentedMap

from conftest import PROJECT, run_eta
from eta.editing import Changeset, Outline, _round_trip, add_item, child, dump, put
from eta.models.incident import Facts, Incident, Times
from eta.records.kinds import KIND_BY_NAME

Edit = Callable[[CommentedMap], object]

INCIDENT_EDITS: dict[str, Edit] = {
    "a timeline entry": lambda data: add_item(
        data, "timeline", {"at": "2026-12-01T10:00:00+01:00", "by": "Femke Hoekstra",
                           "text": "Nieuw bericht."}, Incident),
    "a classification": lambda data: add_item(
        data, "classifications", {"class": "incident", "criteria": [],
                                  "at": "2026-12-01T10:00:00+01:00", "by": "Femke"}, Incident),
    "a status": lambda data: put(data, "status", "in_progress", Incident),
    "a resolution": lambda data: put(data, "resolution", "Opgelost.", Incident),
    "a time": lambda data: put(child(data, "times", Incident), "phoned",
                               "2026-12-01T10:00:00+01:00", Times),
    "a fact": lambda data: put(child(data, "facts", Incident), "major_image_impact", True,
                               Facts),
    "a removed list": lambda data: data.pop("affected", None),
}


def example_records() -> list[Path]:
    return sorted(path for folder in ("afspraken", "releases", "incidents")
                  for path in PROJECT.glob(f"{folder}/**/*.yaml"))


def each_key_read(data: CommentedMap) -> None:
    for key in list(data):
        assert data[key] is not None or key in data


@pytest.mark.parametrize("path", example_records(), ids=lambda path: path.name)
def test_an_edit_of_some_parts_gives_what_a_whole_round_trip_gives(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    kind = "incident" if path.parent.name == "incidents" else "other"
    edits: dict[str, Edit] = {**(INCIDENT_EDITS if kind == "incident" else {}),
                              "every part read": each_key_read,
                              "nothing read": lambda data: None}
    appended = frozenset(name for name, _ in KIND_BY_NAME["incident"].append_only)
    for name, edit in edits.items():
        outline = Outline.of(text, appended if kind == "incident" else frozenset())
        assert outline is not None, path
        data = outline.data()
        edit(data)
        whole = _round_trip(text, path.name)
        edit(whole)
        assert outline.text(data) == dump(whole), name


def test_a_large_incident_keeps_every_line_it_does_not_change(repo: Path) -> None:
    path = repo / "incidents/2026-11-16-q738dq.yaml"
    entry = ("  - at: 2026-11-18T11:00:00+01:00\n    by: Sanne Verbeek\n"
             "    text: Voortgang   {number}, met   extra spaties.  # zoals getypt\n")
    text = path.read_text() + "".join(entry.format(number=n) for n in range(2000))
    path.write_text(text)
    outcome = run_eta("incident", "log", "2026-11-16-q738dq", "Laatste.", "--at",
                      "2026-11-19T10:00", cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    new = path.read_text()
    assert new.startswith(text)
    at, recorded, by, said = new[len(text):].splitlines(keepends=True)
    assert (at, by, said) == ("  - at: 2026-11-19T10:00:00+01:00\n",
                              "    by: Femke Hoekstra <f.hoekstra@beheer.example.nl>\n",
                              "    text: Laatste.\n")
    assert re.fullmatch(r"    recorded_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\n", recorded)


LAYOUTS: dict[str, Callable[[str], str]] = {
    "a document end marker": lambda text: text + "...\n",
    # PyYAML reads times as datetimes: they go back as RFC 3339 text, as records write them.
    "a flow mapping": lambda text: text.split("\n", 1)[0] + "\n" + json.dumps(
        yaml.safe_load(text), default=lambda value: value.isoformat()) + "\n",
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_record_in_another_layout_is_edited_whole(repo: Path, layout: str) -> None:
    path = repo / "incidents/2026-11-16-q738dq.yaml"
    path.write_text(LAYOUTS[layout](path.read_text()))
    assert Outline.of(path.read_text(), frozenset()) is None
    record = Changeset(repo).edit(
        path, lambda data: put(data, "status", "in_progress", Incident))
    assert isinstance(record, Incident)
    assert record.status == "in_progress"
