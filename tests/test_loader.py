"""The YAML 1.2 loader: values, positions, and that nothing but YamlError escapes it."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from eta.records.yaml import Document, Position, YamlError, libyaml_in_use, load_text, resolve_plain


def test_the_c_parser_is_in_use() -> None:
    assert libyaml_in_use()


@pytest.mark.parametrize(("text", "value"), [
    ("no", "no"), ("yes", "yes"), ("off", "off"), ("NO", "NO"), ("y", "y"),
    ("true", True), ("False", False), ("TRUE", True),
    ("010", 10), ("0755", 755), ("0o17", 15), ("0x1F", 31), ("-3", -3), ("+4", 4),
    ("1.10", 1.1), ("1e3", 1000.0), (".5", 0.5), ("-.inf", -math.inf),
    ("12:30:00", "12:30:00"), ("2026-01-01", "2026-01-01"), ("1_000", "1_000"),
    ("~", None), ("null", None), ("", None), ("Null", None), ("nul", "nul"),
])
def test_plain_scalars_resolve_by_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_nan_resolves_to_nan() -> None:
    assert math.isnan(resolve_plain(".NaN"))


def test_quoted_scalars_stay_text() -> None:
    data = load_text('a: "true"\nb: \'010\'\nc: |\n  5\n', "f.yaml").data
    assert data == {"a": "true", "b": "010", "c": "5\n"}


def test_positions_are_one_based_and_follow_the_path() -> None:
    document = load_text("# comment\nouter:\n  list:\n    - a\n    - key: value\n", "f.yaml")
    assert document.position(("outer", "list", 1, "key")) == Position(5, 12)
    assert document.position(("outer", "list", 1, "key"), key=True) == Position(5, 7)
    assert document.position(("outer", "missing")) == Position(3, 3)
    assert document.first_line == "# comment"


def test_a_byte_order_mark_is_skipped() -> None:
    assert load_text("\ufeffa: 1\n", "f.yaml").data == {"a": 1}


def test_a_nul_character_is_refused_with_its_position() -> None:
    with pytest.raises(YamlError) as raised:
        load_text("a: 1\nb: x\x00y\n", "f.yaml")
    d = raised.value.diagnostic
    assert (d.line, d.column, d.code) == (2, 5, "file.encoding")


def _round_trip_text(data: Any) -> str:
    yaml = YAML(typ="rt")
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


KEYS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
               max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20))
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=6))
def test_what_ruamel_writes_reads_back_the_same(data: dict[str, Any]) -> None:
    assert load_text(_round_trip_text(data), "f.yaml").data == data


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_gives_a_located_diagnostic(text: str) -> None:
    try:
        document = load_text(text, "f.yaml")
    except YamlError as exc:
        assert exc.diagnostic.line >= 1
        assert exc.diagnostic.column >= 1
        assert exc.diagnostic.code.startswith(("yaml.", "file."))
    else:
        assert isinstance(document, Document)
