"""Read one YAML record file fast, as YAML 1.2, keeping where every value stands.

libyaml (through PyYAML's C parser) composes the node tree; the conversion to Python values
is our own so that it follows YAML 1.2's core schema (``no`` is text, ``010`` is ten, dates
stay text until a model parses them) and so that duplicate keys, anchors, aliases and tags
are refused with their position. The node tree is kept beside the data: a model error is
located by walking it, and only then.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from eta.diagnostics import Diagnostic, error
from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, read_real

_UNTAGGED = "!eta-untagged"
_STR_TAG = "tag:yaml.org,2002:str"

_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_NUMBER_START = frozenset("0123456789-+.")
_NUMBER = re.compile(
    r"(?P<dec>[-+]?[0-9]+)"
    r"|(?P<oct>0o[0-7]+)"
    r"|(?P<hex>0x[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<inf>[-+]?\.(?:inf|Inf|INF))"
    r"|(?P<nan>\.(?:nan|NaN|NAN))"
)


class _Resolver(BaseResolver):
    """Leaves every untagged scalar for `_scalar` to resolve by the YAML 1.2 core schema.

    libyaml calls back into Python for every node; these callbacks do the least they can.
    """

    DEFAULT_SCALAR_TAG = _UNTAGGED  # type: ignore[misc]

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _UNTAGGED
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


class _NodeParser(CParser, _Resolver):
    def __init__(self, stream: bytes) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


def libyaml_in_use() -> bool:
    """Whether PyYAML was built with libyaml, the C parser this module relies on."""
    return bool(getattr(yaml, "__with_libyaml__", False))


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class Document:
    """A parsed record file: its data, its node tree and its first line."""

    data: Any
    root: Node
    first_line: str

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Position:
        """The 1-based position of the value at `path`, or of its key with `key`.

        A path that leads nowhere (a missing key, say) stops at the deepest node found.
        """
        node = self.root
        key_node: Node | None = None
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
        target = key_node if key and key_node is not None else node
        mark = target.start_mark
        return Position(mark.line + 1, mark.column + 1)


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return key_node, value_node
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


class YamlError(Exception):
    """A file that is not a usable YAML record; carries its diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def read_file(root: Path, name: str, display: str) -> bytes:
    """The bytes of the file `name` below `root`, read only when it is a real file inside
    the repository and never through a link (see `eta.records.files`). Raises YamlError."""
    try:
        return read_real(root, name, MAX_FILE_BYTES)
    except NotReal as refused:
        raise YamlError(refusal_diagnostic(refused)) from None
    except TooLarge as large:
        raise YamlError(_too_large(display, large.size)) from None
    except OSError as exc:
        raise YamlError(error(display, 1, 1, "file.unreadable",
                              f"cannot read file: {exc.strerror or exc}")) from None
    except ValueError:
        raise YamlError(error(display, 1, 1, "file.unreadable",
                              "the file lies outside the repository")) from None


def refusal_diagnostic(refused: NotReal) -> Diagnostic:
    """The finding of a link or special file where a record or template may stand."""
    return error(refused.name, 1, 1, refused.code, refused.message, refused.hint)


def _too_large(display: str, size: int) -> Diagnostic:
    return error(display, 1, 1, "file.too-large",
                 f"file is {size:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes")


def load_bytes(raw: bytes, display: str) -> Document:
    """Parse the bytes of one record file. Raises YamlError."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlError(_too_large(display, len(raw)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(error(
            display, line, column, "file.encoding",
            f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            "save the file as UTF-8",
        )) from None
    return _parse(raw, text, display)


def load_text(text: str, display: str) -> Document:
    """Parse YAML text of one record. Raises YamlError."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise YamlError(error(display, *_line_col(text, exc.start), "file.encoding",
                              "text holds a character that UTF-8 cannot encode")) from None
    return _parse(raw, text, display)


def _parse(raw: bytes, text: str, display: str) -> Document:
    # libyaml reads UTF-8 bytes directly; handed text, it would encode it again.
    if text.startswith("\ufeff"):
        text, raw = text[1:], raw[3:]
    if b"\x00" in raw:
        offset = text.index("\x00")
        raise YamlError(error(display, *_line_col(text, offset), "file.encoding",
                              "file holds a NUL character; a record is text"))
    if (b"&" in raw or b"*" in raw) and (found := _first_anchor(raw, display)):
        raise found
    try:
        root = _compose(raw)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(_syntax_diagnostic(exc, text, display)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always marks its errors
        raise YamlError(error(display, 1, 1, "yaml.syntax", str(exc))) from None
    if root is None:
        raise YamlError(error(display, 1, 1, "file.empty", "file holds no record",
                              "an empty file is not a record; remove it or fill it in"))
    first_line = text.split("\n", 1)[0]
    return Document(_value(root, display), root, first_line)


#: The bytes composed last and their node tree: an edit reads its record's tree to cut the
#: text at its top-level keys just after the record was read to know what to change.
_last_composed: tuple[bytes, Node | None] | None = None


def _compose(raw: bytes) -> Node | None:
    global _last_composed
    if _last_composed is not None and _last_composed[0] == raw:
        return _last_composed[1]
    root = _NodeParser(raw).get_single_node()
    _last_composed = (raw, root)
    return root


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _first_anchor(raw: bytes, display: str) -> YamlError | None:
    """Find an anchor or alias by their events, before any alias could be expanded."""
    parser = _NodeParser(raw)
    try:
        while (event := parser.get_event()) is not None:
            anchor = getattr(event, "anchor", None)
            mark = event.start_mark
            if anchor is not None and mark is not None:
                what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
                return YamlError(error(
                    display, mark.line + 1, mark.column + 1, "yaml.anchor",
                    f"YAML {what} `{anchor}` is not allowed in a record",
                    "write the value out in full",
                ))
            if isinstance(event, yaml.StreamEndEvent):
                break
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it with its position
    return None


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, display: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    line_text = text.split("\n", line)[line - 1] if line <= text.count("\n") + 1 else ""
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if "\t" in indent:
        return error(display, line, indent.index("\t") + 1, "yaml.tab",
                     "a tab character in the indentation; YAML indents with spaces only",
                     "replace the tab with spaces")
    if "single document" in f"{exc.context} {problem}":
        return error(display, line, column, "yaml.multiple-documents",
                     "file holds more than one YAML document; a record is one document")
    return error(display, line, column, "yaml.syntax", f"invalid YAML: {problem}")


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


#: Deeper than any record goes; deeper still would exhaust Python's stack.
MAX_DEPTH = 64


def _value(node: Node, display: str, depth: int = 0) -> Any:
    # The hot loop of every check: scalars are handled in place, not through calls.
    if depth > MAX_DEPTH:
        raise _located(node, display, "yaml.too-deep",
                       f"values nest more than {MAX_DEPTH} levels deep; no record does")
    if isinstance(node, ScalarNode):
        return _scalar(node, display)
    if isinstance(node, MappingNode):
        if node.tag != _MAP_TAG:
            _refuse_tag(node, _MAP_TAG, display)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _located(key_node, display, "yaml.key", "a mapping key must be plain text")
            if key_node.tag != _UNTAGGED:
                _refuse_tag(key_node, _UNTAGGED, display, also=_STR_TAG)
            key = key_node.value
            if key in result:
                raise _located(key_node, display, "yaml.duplicate-key",
                               f"duplicate key `{key}`", "each key may appear once per mapping")
            if isinstance(value_node, ScalarNode) and value_node.tag == _UNTAGGED:
                text = value_node.value
                result[key] = resolve_plain(text) if not value_node.style else text
            else:
                result[key] = _value(value_node, display, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ_TAG:
            _refuse_tag(node, _SEQ_TAG, display)
        return [_value(item, display, depth + 1) for item in node.value]
    raise _located(node, display, "yaml.syntax", "unsupported YAML node")  # pragma: no cover


def _refuse_tag(node: Node, default: str, display: str, *, also: str | None = None) -> None:
    if node.tag not in (default, also):
        raise _located(node, display, "yaml.tag", f"YAML tag `{node.tag}` is not allowed",
                       "remove the tag; a record uses plain YAML values")


def _located(node: Node, display: str, code: str, message: str, hint: str | None = None
             ) -> YamlError:
    mark = node.start_mark
    return YamlError(error(display, mark.line + 1, mark.column + 1, code, message, hint))


def _scalar(node: ScalarNode, display: str) -> Any:
    value: str = node.value
    if node.tag == _STR_TAG or (node.tag == _UNTAGGED and node.style):
        return value
    if node.tag != _UNTAGGED:
        _refuse_tag(node, _UNTAGGED, display, also=_STR_TAG)
    return resolve_plain(value)


def resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if not value:
        return None
    first = value[0]
    if first in _NUMBER_START:
        number = _NUMBER.fullmatch(value)
        if number is None:
            return value
        kind = number.lastgroup
        if kind == "dec":
            return int(value)
        if kind == "oct":
            return int(value[2:], 8)
        if kind == "hex":
            return int(value[2:], 16)
        if kind == "float":
            return float(value)
        if kind == "inf":
            return -math.inf if first == "-" else math.inf
        return math.nan
    if first in "~nN" and _NULL.fullmatch(value):
        return None
    if first in "tT" and _TRUE.fullmatch(value):
        return True
    if first in "fF" and _FALSE.fullmatch(value):
        return False
    return value



@dataclass(frozen=True, slots=True)
class TopLevelKey:
    """A top-level key of a record in block style, where its lines start (0-based)."""

    name: str
    line: int
    #: Where each item starts, for a block list laid out as eta writes one (`  - ` at
    #: column 3, its content at column 5, each item starting on the dash's line); else None.
    items: tuple[int, ...] | None


def top_level_keys(text: str) -> list[TopLevelKey] | None:
    """The top-level keys of a record, in order; None unless the text is a block mapping of
    plain keys, each at the start of a line of its own."""
    try:
        root = _compose(text.encode("utf-8"))
    except (UnicodeEncodeError, yaml.YAMLError):
        return None
    if not isinstance(root, MappingNode) or root.flow_style:
        return None
    found: list[TopLevelKey] = []
    for key_node, value_node in root.value:
        mark = key_node.start_mark
        if (not isinstance(key_node, ScalarNode) or key_node.style or mark.column != 0
                or (found and found[-1].line >= mark.line)
                or not _PLAIN_KEY.fullmatch(key_node.value)):
            return None
        found.append(TopLevelKey(key_node.value, mark.line, _item_lines(value_node, mark.line)))
    return found or None


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _item_lines(node: Node, key_line: int) -> tuple[int, ...] | None:
    if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
        return None
    lines: list[int] = []
    for item in node.value:
        mark = item.start_mark
        if mark.column != 4 or mark.line <= key_line or (lines and lines[-1] >= mark.line):
            return None
        lines.append(mark.line)
    if node.start_mark.column != 2:
        return None
    return tuple(lines)
