"""ruamel.yaml's round trip, which every edit goes through, and eta's loader agree on every
record: of the example data and of a generated repository, each record reads the same both
ways, and what the round trip writes back reads as the record it came from."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conftest import PROJECT
from eta.editing import _round_trip, dump
from eta.records.yaml import YamlError, load_text, resolve_plain

FOLDERS = ("afspraken", "releases", "incidents")


def records(root: Path) -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (root / folder).glob("**/*.yaml"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("generated") / "repo"
    subprocess.run([sys.executable, str(PROJECT / "bench" / "generate.py"), str(target),
                    "--parties", "6", "--releases", "6", "--incidents", "150",
                    "--commits", "2", "--broken-percent", "4"],
                   check=True, capture_output=True)
    return target


def agree(eta: Any, ruamel: Any) -> bool:
    """Whether eta's value is ruamel's: ruamel reads plain dates and times as values and
    keys by their type, where eta keeps them as text."""
    if isinstance(ruamel, CommentedMap):
        return (isinstance(eta, dict) and len(eta) == len(ruamel)
                and all((key == other or resolve_plain(key) == other) and agree(value, mine)
                        for (key, value), (other, mine)
                        in zip(eta.items(), ruamel.items(), strict=True)))
    if isinstance(ruamel, CommentedSeq):
        return (isinstance(eta, list) and len(eta) == len(ruamel)
                and all(agree(a, b) for a, b in zip(eta, ruamel, strict=True)))
    if isinstance(ruamel, dt.datetime):
        return isinstance(eta, str) and dt.datetime.fromisoformat(eta) == ruamel
    if isinstance(ruamel, dt.date):
        return isinstance(eta, str) and dt.date.fromisoformat(eta) == ruamel
    return (isinstance(ruamel, type(eta)) and isinstance(eta, bool) == isinstance(ruamel, bool)
            and eta == ruamel)


def check_agreement(root: Path) -> tuple[int, int]:
    """(records that agree, records the loader refuses, which no edit can start from)."""
    agreed = refused = 0
    for path in records(root):
        text = path.read_text(encoding="utf-8")
        display = str(path.relative_to(root))
        try:
            eta = load_text(text, display).data
        except YamlError:
            refused += 1
            continue
        ruamel = _round_trip(text, display)
        assert agree(eta, ruamel), display
        assert load_text(dump(ruamel), display).data == eta, display
        agreed += 1
    return agreed, refused


def test_the_example_records_read_alike_both_ways() -> None:
    agreed, refused = check_agreement(PROJECT)
    assert (agreed, refused) == (len(records(PROJECT)), 0)


def test_a_generated_repository_reads_alike_both_ways(generated: Path) -> None:
    agreed, refused = check_agreement(generated)
    assert agreed + refused == len(records(generated))
    assert agreed > 150 and refused < 10


def test_agreement_is_not_vacuous() -> None:
    assert not agree({"a": "2026-01-02"}, _round_trip("a: 2026-01-01\n", "f.yaml"))
    assert not agree({"a": 1}, _round_trip("a: '1'\n", "f.yaml"))
    assert agree({"a": "2026-01-01", "b": [1.5]}, _round_trip("a: 2026-01-01\nb: [1.5]\n",
                                                               "f.yaml"))
