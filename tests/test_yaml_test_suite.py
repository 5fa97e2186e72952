"""Every case of the official YAML test suite through eta's loader.

An invalid case must be refused with a located YAML error, never a crash. A valid case must
load to the value the suite gives, or be refused by one of the refusals the README
documents, under that refusal's own code and only where the suite's own events show the
refused thing (an anchor, a tag, a second document, a key that is not text, no document).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from eta.records.yaml import YamlError, load_bytes

SUITE = Path(__file__).parent / "yaml-test-suite" / "cases.jsonl"


@dataclass(frozen=True)
class Case:
    id: str
    yaml: str
    events: tuple[str, ...]
    #: The documents' values as the suite gives them, or None where it gives none.
    values: tuple[Any, ...] | None
    invalid: bool


def decode(text: str) -> str:
    """A suite text with its visible-whitespace markers turned into what they stand for."""
    text = text.replace("␣", " ")
    text = re.sub("—*»", "\t", text)
    text = text.replace("←", "\r").replace("⇔", "\ufeff").replace("↵", "")
    return text.removesuffix("∎\n")


def json_values(text: str) -> tuple[Any, ...]:
    """The JSON values written one after another, as the suite gives a stream's documents."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        if index == len(text):
            return tuple(values)
        value, index = decoder.raw_decode(text, index)
        values.append(value)


@cache
def cases() -> tuple[Case, ...]:
    found = []
    for line in SUITE.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        found.append(Case(
            raw["id"], decode(raw["yaml"]),
            tuple(event.strip() for event in decode(raw["tree"]).splitlines() if event.strip()),
            json_values(decode(raw["json"])) if "json" in raw else None,
            bool(raw.get("fail")),
        ))
    return tuple(found)


def has_anchor(case: Case) -> bool:
    return any(re.search(r"(^| )[&*]\S", event) for event in case.events)


def has_tag(case: Case) -> bool:
    return any(re.search(r"(^| )<\S*>", event) for event in case.events) or "%TAG" in case.yaml


def documents(case: Case) -> int:
    return sum(event.startswith("+DOC") for event in case.events)


def has_key_that_is_not_text(case: Case) -> bool:
    """Whether a mapping has a list, a mapping or an empty plain scalar as a key."""
    # For each open collection: whether it is a mapping whose key comes next.
    open_collections: list[list[bool]] = []

    def at_key() -> bool:
        return bool(open_collections) and all(open_collections[-1])

    def node_done() -> None:
        if open_collections and open_collections[-1][0]:
            open_collections[-1][1] = not open_collections[-1][1]

    for event in case.events:
        if event.startswith(("+MAP", "+SEQ")):
            if at_key():
                return True
            open_collections.append([event.startswith("+MAP"), True])
        elif event.startswith(("-MAP", "-SEQ")):
            open_collections.pop()
            node_done()
        elif event.startswith(("=VAL", "=ALI")):
            if at_key() and re.fullmatch(r"=VAL( &\S+)?( <\S*>)? :", event):
                return True
            node_done()
    return False


#: The documented refusals, and what in the suite's events shows each refused thing.
DOCUMENTED: dict[str, Callable[[Case], bool]] = {
    "yaml.anchor": has_anchor,
    "yaml.tag": has_tag,
    "yaml.multiple-documents": lambda case: documents(case) > 1,
    "yaml.key": has_key_that_is_not_text,
    "file.empty": lambda case: documents(case) == 0,
}


def same(value: Any, expected: Any) -> bool:
    if isinstance(value, dict):
        return (isinstance(expected, dict) and value.keys() == expected.keys()
                and all(same(value[key], expected[key]) for key in value))
    if isinstance(value, list):
        return (isinstance(expected, list) and len(value) == len(expected)
                and all(same(a, b) for a, b in zip(value, expected, strict=True)))
    if isinstance(value, float) and isinstance(expected, int | float):
        return value == expected or (math.isnan(value) and math.isnan(expected))
    return type(value) is type(expected) and value == expected


@dataclass
class Figures:
    cases: int = 0
    crashes: int = 0
    invalid_accepted: int = 0
    valid_refused_outside_documented: int = 0
    values_that_differ: int = 0
    invalid_refused: int = 0
    valid_loaded: int = 0


def judge(case: Case, outcomes: Counter[str]) -> str:
    """What became of one case: the name of its figure."""
    try:
        document = load_bytes(case.yaml.encode("utf-8"), "case.yaml")
    except YamlError as refused:
        found = refused.diagnostic
        located = found.line >= 1 and found.column >= 1
        if case.invalid:
            outcomes[f"invalid refused as {found.code}"] += 1
            return ("invalid_refused" if located and found.code.startswith(("yaml.", "file."))
                    else "crashes")
        outcomes[f"valid refused as {found.code}"] += 1
        shows = DOCUMENTED.get(found.code)
        return ("valid_loaded" if located and shows is not None and shows(case)
                else "valid_refused_outside_documented")
    except Exception:
        return "crashes"
    if case.invalid:
        return "invalid_accepted"
    outcomes["valid loaded"] += 1
    if case.values is None:
        return "valid_loaded"  # the suite gives no value to compare with
    if len(case.values) != 1 or not same(document.data, case.values[0]):
        return "values_that_differ"
    return "valid_loaded"


def test_every_case_of_the_yaml_test_suite(capsys: pytest.CaptureFixture[str]) -> None:
    figures = Figures()
    outcomes: Counter[str] = Counter()
    wrong: list[str] = []
    for case in cases():
        figures.cases += 1
        verdict = judge(case, outcomes)
        setattr(figures, verdict, getattr(figures, verdict) + 1)
        if verdict not in ("invalid_refused", "valid_loaded"):
            wrong.append(f"{case.id}: {verdict}")
    with capsys.disabled():
        print(f"\nyaml-test-suite: {figures}")
        print("  " + ", ".join(f"{what}: {count}" for what, count in sorted(outcomes.items())))
    assert wrong == []
    assert (figures.cases, figures.crashes, figures.invalid_accepted,
            figures.valid_refused_outside_documented, figures.values_that_differ) == (
        402, 0, 0, 0, 0)
    assert (figures.invalid_refused, sum(not case.invalid for case in cases())) == (94, 308)


def test_the_markers_decode_as_the_suite_defines() -> None:
    assert decode("a:␣\n\tb\n") == "a: \n\tb\n"
    assert decode("-»x\n——»y\n———»z\n") == "-\tx\n\ty\n\tz\n"
    assert decode("⇔a←\n↵\nb∎\n") == "\ufeffa\r\n\nb"
