"""The YAML 1.2 loader: values, positions, and that nothing but YamlError escapes it."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eta.editing import dump
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


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x7f", "\x80", "\x9b", "\ufffe",
                                       "\uffff"])
def test_a_character_yaml_does_not_allow_is_refused_where_it_stands(character: str) -> None:
    with pytest.raises(YamlError) as raised:
        load_text(f"a: 1\nb: 'x{character}[2Ky'\n", "f.yaml")
    d = raised.value.diagnostic
    assert (d.line, d.column, d.code, d.message) == (
        2, 6, "yaml.control-character",
        f"the character U+{ord(character):04X} is not allowed in YAML text")


@pytest.mark.parametrize("character", ["\t", "\x85", "\xa0", "\ud7ff", "\ue000", "\ufffd",
                                       "\U0001f600"])
def test_the_printable_characters_yaml_allows_are_read(character: str) -> None:
    assert load_text(f"b: 'x{character}y'\n", "f.yaml").data == {"b": f"x{character}y"}


def test_an_escaped_control_character_is_text() -> None:
    assert load_text('b: "x\\e[2Ky\\u0007"\n', "f.yaml").data == {"b": "x\x1b[2Ky\x07"}


def _round_trip_text(data: Any) -> str:
    """`data` as eta's edits write it."""
    return dump(data)


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


@pytest.mark.parametrize("text", ["\x85", "\u2028", "\u2029", "a\u2028b\x85c", " \u2029 "])
def test_what_yaml_1_1_takes_for_line_breaks_is_written_escaped_and_reads_back(text: str
                                                                            ) -> None:
    written = dump({"title": text, text: "key"})
    assert not any(character in written for character in "\x85\u2028\u2029")
    assert load_text(written, "f.yaml").data == {"title": text, text: "key"}


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=6))
def test_what_eta_writes_reads_back_the_same(data: dict[str, Any]) -> None:
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


def _refusal(text: str) -> tuple[int, int, str, str]:
    with pytest.raises(YamlError) as raised:
        load_text(text, "f.yaml")
    d = raised.value.diagnostic
    return d.line, d.column, d.code, d.message


CORE = "tag:yaml.org,2002:"


@pytest.mark.parametrize(("text", "line", "column", "tag"), [
    ("a: 1\nb: ! 12\n", 2, 4, "!"),
    ("a: !!str 12\n", 1, 4, f"{CORE}str"),
    ("a: 1\nb: !!seq\n  - x\n", 2, 4, f"{CORE}seq"),
    ("a:\n  !!map {x: 1}\n", 2, 3, f"{CORE}map"),
    ("!!str a: 1\n", 1, 1, f"{CORE}str"),
    ("priority: !local P1\n", 1, 11, "!local"),
    ("%TAG !e! tag:example.com,2000:\n---\na: 1\n", 1, 1, "%TAG"),
])
def test_every_tag_and_tag_directive_is_refused_where_it_stands(
        text: str, line: int, column: int, tag: str) -> None:
    assert _refusal(text) == (line, column, "yaml.tag", f"YAML tag `{tag}` is not allowed")


@pytest.mark.parametrize("name", ["x", "😁", ":@*!$\"<foo>:"])
def test_every_anchor_is_refused_where_it_stands(name: str) -> None:
    assert _refusal(f"a: &{name} 1\n") == (
        1, 4, "yaml.anchor", f"YAML anchor `{name}` is not allowed in a record")


@pytest.mark.parametrize(("text", "value"), [
    ("a: ! 12\n", None), ("a: '!'\nb: x!\n", {"a": "!", "b": "x!"}),
    ("a: R&D\nb: '*'\nc: 2 * 3\n", {"a": "R&D", "b": "*", "c": "2 * 3"}),
])
def test_property_characters_inside_values_are_text(text: str, value: Any) -> None:
    if value is None:
        assert _refusal(text)[2] == "yaml.tag"
    else:
        assert load_text(text, "f.yaml").data == value


@pytest.mark.parametrize(("text", "value"), [
    # YAML 1.2 reads these as the suite says; libyaml refused or misread each.
    ("key:\tvalue\nnext: 1\n", None),
    ("a: b\t# comment\n", {"a": "b"}),
    ("a:\n \tb\n", {"a": "b"}),
    ("a: 1\n\t\nb: 2\n", {"a": 1, "b": 2}),
    ("text: |\n  x\n   ", {"text": "x\n \n"}),
    ("a: {x\n : y}\n", {"a": {"x": "y"}}),
    ("a: { ?b: c }\n", {"a": {"?b": "c"}}),
    ("a: [?x, :y]\n", {"a": ["?x", ":y"]}),
    ("a: {\"b\":c}\n", {"a": {"b": "c"}}),
    ("a: |-\n \tbar\n", {"a": "\tbar"}),
])
def test_yaml_1_2_texts_libyaml_cannot_read_load_as_the_spec_says(text: str, value: Any) -> None:
    if value is None:  # a tab after `:` alone: the judge's reading decides
        try:
            load_text(text, "f.yaml")
        except YamlError as exc:
            assert exc.diagnostic.code == "yaml.syntax"
        return
    assert load_text(text, "f.yaml").data == value


@pytest.mark.parametrize("text", [
    "key: \"value\"# invalid comment\n", "block: ># comment\n  x\n", "a: [ a, b, c, ]#invalid\n",
    "a: \"x\ny\"\n", "a: [-]\n", "a: - b\n",
])
def test_what_libyaml_wrongly_accepts_is_refused(text: str) -> None:
    assert _refusal(text)[2] == "yaml.syntax"


def test_a_tab_is_named_only_where_it_indents() -> None:
    assert _refusal("a:\n\t- b\n") == (
        2, 1, "yaml.tab", "a tab character in the indentation; YAML indents with spaces only")
    # A tab in a block scalar's text is content: the error lies elsewhere.
    line, _, code, _ = _refusal("a: |\n  \tx\nb: [\n")
    assert (line, code) == (4, "yaml.syntax")


@pytest.mark.parametrize(("shape", "depth"), [
    *((shape, depth) for shape in ("flow", "block") for depth in (65, 100, 1_000, 100_000)),
    ("mapping", 65), ("mapping", 1_000),  # deeper still is more than a record's 1 MiB
])
def test_too_deep_nesting_is_too_deep_at_any_depth(shape: str, depth: int) -> None:
    if shape == "flow":
        text = "a: " + "[" * depth + "]" * depth + "\n"
    elif shape == "block":
        text = "a:\n" + "- " * depth + "x\n"
    else:
        text = "a:\n" + "".join(" " * level + "b:\n" for level in range(1, depth + 1)) + (
            " " * (depth + 1) + "c\n")
    assert _refusal(text)[2:] == (
        "yaml.too-deep", "values nest more than 64 levels deep; no record does")


def test_sixty_four_levels_load() -> None:
    text = "a: " + "[" * 64 + "]" * 64 + "\n"
    data: Any = load_text(text, "f.yaml").data["a"]
    for _ in range(63):
        data = data[0]
    assert data == []


def test_a_key_that_is_not_text_is_refused() -> None:
    assert _refusal("a: 1\n: b\n")[:3] == (2, 1, "yaml.key")
    assert _refusal("[a]: b\n")[2] == "yaml.key"


def test_two_documents_are_refused_at_the_second() -> None:
    assert _refusal("a: 1\n---\nb: 2\n")[:3] == (2, 1, "yaml.multiple-documents")


def test_positions_hold_where_the_yaml_1_2_parser_composes() -> None:
    document = load_text("a: x\t# note\nb:\n  - c\n  - d: e\t\n", "f.yaml")
    assert document.data == {"a": "x", "b": ["c", {"d": "e"}]}
    assert document.position(("b", 1, "d")) == Position(4, 8)
    assert document.position(("b", 1, "d"), key=True) == Position(4, 5)
