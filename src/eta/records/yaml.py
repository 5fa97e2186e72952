"""Read one YAML record file fast, as YAML 1.2, keeping where every value stands.

Three parsers, one verdict. py-yaml12 (a Rust parser that passes the YAML test suite) judges
what is YAML and what each value is. libyaml (through PyYAML's C parser) composes the node
tree fast, and its tree is kept only when it reads exactly the judge's values: libyaml
follows YAML 1.1, and misreads or refuses a few YAML 1.2 texts. Those are composed by
PyYAML's Python parser, brought to YAML 1.2 here. The conversion to Python values is our
own, by YAML 1.2's core schema (``no`` is text, ``010`` is ten, dates stay text until a
model parses them); anchors, aliases, tags, duplicate keys and keys that are not text are
refused with their position. The node tree is kept beside the data: a model error is
located by walking it, and only then.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.events import MappingStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import (
    FlowEntryToken,
    ScalarToken,
    ValueToken,
)

from eta.catalogue import (
    FILE_EMPTY,
    FILE_ENCODING,
    FILE_TOO_LARGE,
    FILE_UNREADABLE,
    RECORD_VALUE,
    YAML_ANCHOR,
    YAML_CONTROL_CHARACTER,
    YAML_DUPLICATE_KEY,
    YAML_KEY,
    YAML_MULTIPLE_DOCUMENTS,
    YAML_SYNTAX,
    YAML_TAB,
    YAML_TAG,
    YAML_TOO_DEEP,
    YAML_UNSUPPORTED,
)
from eta.diagnostics import Diagnostic, error
from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, read_real

_UNTAGGED = "!eta-untagged"

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


#: What ends a token (PyYAML's whitespace), a line, and a plain scalar in a flow collection.
_BLANK = "\0 \t\r\n\x85\u2028\u2029"
_BREAKS = "\r\n\x85\u2028\u2029"
_FLOW_INDICATORS = ",[]{}"

#: PyYAML's Python scanner and parser, whose stubs know few of their parts, as mypy sees them.
_PyYamlScanner: Any = Scanner
_PyYamlParser: Any = Parser


class _Yaml12Scanner(_PyYamlScanner):  # type: ignore[misc]
    """PyYAML's scanner, brought to YAML 1.2 where it follows 1.1 or is stricter."""

    def __init__(self) -> None:
        super().__init__()
        # A JSON-like node (quoted scalar, flow collection) was just read: `:` right after it
        # is a value indicator even without a space (YAML 1.2 "adjacent value").
        self._after_json_node = False
        self._value_may_be_adjacent = False

    def fetch_more_tokens(self) -> None:
        self._value_may_be_adjacent = self._after_json_node
        self._after_json_node = False
        super().fetch_more_tokens()

    def fetch_flow_scalar(self, style: str) -> None:
        super().fetch_flow_scalar(style)
        self._after_json_node = True

    def fetch_flow_collection_end(self, TokenClass: Any) -> None:
        super().fetch_flow_collection_end(TokenClass)
        self._after_json_node = True

    def scan_to_next_token(self) -> None:
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        while True:
            while self.peek() in " \t":
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAKS:
                    self.forward()
            if self.scan_line_break():
                if not self.flow_level:
                    self.allow_simple_key = True
            else:
                return

    def stale_possible_simple_keys(self) -> None:
        # In a flow collection a key may stand on a line before its `:`.
        for level in list(self.possible_simple_keys):
            key = self.possible_simple_keys[level]
            if (key.line != self.line and not self.flow_level) or self.index - key.index > 1024:
                if key.required:
                    super().stale_possible_simple_keys()
                del self.possible_simple_keys[level]

    def check_key(self) -> bool:
        return self.peek(1) in _BLANK

    def check_value(self) -> bool:
        if self.flow_level:
            return self._value_may_be_adjacent or self.peek(1) in _BLANK + _FLOW_INDICATORS
        return self.peek(1) in _BLANK

    def check_plain(self) -> bool:
        ch = self.peek()
        if ch not in _BLANK + "-?:,[]{}#&*!|>'\"%@`":
            return True
        following = self.peek(1)
        return ch in "-?:" and following not in _BLANK and not (
            self.flow_level and following in _FLOW_INDICATORS)

    def scan_plain(self) -> ScalarToken:
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] = []
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                if ch in _BLANK or (ch == ":" and self.peek(length + 1) in _BLANK + (
                        _FLOW_INDICATORS if self.flow_level else "")) or (
                        self.flow_level and ch in _FLOW_INDICATORS):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or self.peek() == "#" or (
                    not self.flow_level and self.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)

    def scan_plain_spaces(self, indent: int, start_mark: Any) -> list[str]:
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        ch = self.peek()
        if ch in _BREAKS:
            line_break = self.scan_line_break()
            self.allow_simple_key = True
            if self._at_document_marker():
                return []
            breaks = []
            while self.peek() in " \t" + _BREAKS:
                if self.peek() in " \t":
                    self.forward()
                else:
                    breaks.append(self.scan_line_break())
                    if self._at_document_marker():
                        return []
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def _at_document_marker(self) -> bool:
        return self.column == 0 and self.prefix(3) in ("---", "...") and self.peek(3) in _BLANK

    def scan_anchor(self, token_class: Any) -> Any:
        # An anchor's name is any run of characters but blanks and flow indicators.
        start_mark = self.get_mark()
        self.forward()
        length = 0
        while self.peek(length) not in _BLANK + _FLOW_INDICATORS:
            length += 1
        if not length:
            raise ScannerError("while scanning an anchor or alias", start_mark,
                               "expected its name", self.get_mark())
        name = self.prefix(length)
        self.forward(length)
        return token_class(name, start_mark, self.get_mark())

    def scan_yaml_directive_value(self, start_mark: Any) -> Any:
        while self.peek() in " \t":
            self.forward()
        return super().scan_yaml_directive_value(start_mark)

    def scan_block_scalar_ignored_line(self, start_mark: Any) -> None:
        while self.peek() in " \t":
            self.forward()
        super().scan_block_scalar_ignored_line(start_mark)

    def scan_block_scalar(self, style: str) -> ScalarToken:
        folded = style == ">"
        chunks: list[str] = []
        start_mark = self.get_mark()
        self.forward()
        chomping, increment = self.scan_block_scalar_indicators(start_mark)
        self.scan_block_scalar_ignored_line(start_mark)
        # A block scalar at the top of a document may start at column 0.
        min_indent = max(self.indent + 1, 0 if self.indent < 0 else 1)
        if increment is None:
            breaks, max_indent, end_mark = self.scan_block_scalar_indentation()
            indent = max(min_indent, max_indent)
        else:
            indent = min_indent + increment - 1
            breaks, end_mark = self.scan_block_scalar_breaks(indent)
        line_break = ""
        while self.column == indent and self.peek() != "\0" and not self._at_document_marker():
            chunks.extend(breaks)
            leading_non_space = self.peek() not in " \t"
            length = 0
            while self.peek(length) not in "\0" + _BREAKS:
                length += 1
            chunks.append(self.prefix(length))
            self.forward(length)
            # The last line of the stream ends the scalar's line even without a line break.
            line_break = self.scan_line_break() or "\n"
            breaks, end_mark = self.scan_block_scalar_breaks(indent)
            if self.column == indent and self.peek() != "\0" and not self._at_document_marker():
                if folded and line_break == "\n" and leading_non_space and self.peek() not in " \t":
                    if not breaks:
                        chunks.append(" ")
                else:
                    chunks.append(line_break)
            else:
                break
        if chomping is not False:
            chunks.append(line_break)
        if chomping is True:
            chunks.extend(breaks)
        return ScalarToken("".join(chunks), False, start_mark, end_mark, style)

    def scan_block_scalar_indentation(self) -> tuple[list[str], int, Any]:
        chunks: list[str] = []
        max_indent = 0
        end_mark = self.get_mark()
        while self.peek() in " " + _BREAKS:
            if self.peek() != " ":
                chunks.append(self.scan_line_break())
                end_mark = self.get_mark()
            else:
                self.forward()
                if self.column > max_indent:
                    max_indent = self.column
        if self.peek() == "\0" and self.column > 0:
            chunks.append("\n")  # a last line of spaces without its line break
        return chunks, max_indent, end_mark

    def scan_block_scalar_breaks(self, indent: int) -> tuple[list[str], Any]:
        chunks: list[str] = []
        end_mark = self.get_mark()
        while self.column < indent and self.peek() == " ":
            self.forward()
        while self.peek() in _BREAKS:
            chunks.append(self.scan_line_break())
            end_mark = self.get_mark()
            while self.column < indent and self.peek() == " ":
                self.forward()
        if self.peek() == "\0" and 0 < self.column < indent:
            chunks.append("\n")
        return chunks, end_mark





class _Yaml12Parser(_PyYamlParser):  # type: ignore[misc]
    """PyYAML's parser with YAML 1.2's empty keys (`: value`), which eta then refuses."""

    def parse_block_mapping_key(self) -> Any:
        if self.check_token(ValueToken):
            self.state = self.parse_block_mapping_value
            return self.process_empty_scalar(self.peek_token().start_mark)
        return super().parse_block_mapping_key()

    def parse_flow_mapping_key(self, first: bool = False) -> Any:
        if not first and self.check_token(FlowEntryToken):
            self.get_token()
            first = True
        if first and self.check_token(ValueToken):
            self.state = self.parse_flow_mapping_value
            return self.process_empty_scalar(self.peek_token().start_mark)
        return super().parse_flow_mapping_key(first)

    def parse_flow_sequence_entry(self, first: bool = False) -> Any:
        if not first and self.check_token(FlowEntryToken):
            self.get_token()
            first = True
        if first and self.check_token(ValueToken):
            token = self.peek_token()
            self.state = self._empty_key_of_pair
            return MappingStartEvent(None, None, True, token.start_mark, token.end_mark,
                                     flow_style=True)
        return super().parse_flow_sequence_entry(first)

    def _empty_key_of_pair(self) -> Any:
        self.state = self.parse_flow_sequence_entry_mapping_value
        return self.process_empty_scalar(self.peek_token().start_mark)


class _Yaml12NodeParser(Reader, _Yaml12Scanner, _Yaml12Parser, Composer, _Resolver):
    """PyYAML's Python parser brought to YAML 1.2: slower than libyaml, read only where
    libyaml cannot read a record as YAML 1.2 does."""

    def __init__(self, stream: str) -> None:
        # YAML 1.1 breaks lines at NEL, LS and PS as well; YAML 1.2 reads them as text. They
        # are read as characters of a private use that the text does not hold, one for one,
        # so that every column stays, and put back into the values.
        self._restore: dict[int, str] = {}
        unused = (chr(code) for code in range(0xE000, 0xF900) if chr(code) not in stream)
        for line_break in _YAML_1_1_BREAKS:
            if line_break in stream:
                stand_in = next(unused)
                self._restore[ord(stand_in)] = line_break
                stream = stream.replace(line_break, stand_in)
        Reader.__init__(self, stream)
        _Yaml12Scanner.__init__(self)
        _Yaml12Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)

    def get_single_node(self) -> Node | None:
        root: Node | None = super().get_single_node()
        if self._restore and root is not None:
            pending = [root]
            while pending:
                node = pending.pop()
                if isinstance(node, ScalarNode):
                    node.value = node.value.translate(self._restore)
                elif isinstance(node, SequenceNode):
                    pending.extend(node.value)
                elif isinstance(node, MappingNode):
                    pending.extend(part for pair in node.value for part in pair)
        return root


#: Line breaks to YAML 1.1 that YAML 1.2 reads as text: NEL, LS, PS.
_YAML_1_1_BREAKS = "\x85\u2028\u2029"


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
        raise YamlError(error(display, 1, 1, FILE_UNREADABLE.code,
                              f"cannot read file: {exc.strerror or exc}")) from None
    except ValueError:
        raise YamlError(error(display, 1, 1, FILE_UNREADABLE.code,
                              "the file lies outside the repository")) from None


def refusal_diagnostic(refused: NotReal) -> Diagnostic:
    """The finding of a link or special file where a record or template may stand."""
    return error(refused.name, 1, 1, refused.code, refused.message, refused.hint)


def _too_large(display: str, size: int) -> Diagnostic:
    return error(display, 1, 1, FILE_TOO_LARGE.code,
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
            display, line, column, FILE_ENCODING.code,
            f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            "save the file as UTF-8",
        )) from None
    return _parse(raw, text, display)


#: A character outside YAML 1.2's printable set (c-printable): the C0 and C1 controls but
#: tab, line feed, carriage return and next line; DEL; surrogates; U+FFFE and U+FFFF. The
#: judge lets some of them through, while the parsers that place values refuse them.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                          "\U00010000-\U0010ffff]")


def _unprintable(display: str, text: str, offset: int) -> Diagnostic:
    character = text[offset]
    return error(display, *_line_col(text, offset), YAML_CONTROL_CHARACTER.code,
                 f"the character U+{ord(character):04X} is not allowed in YAML text",
                 "remove it: a record's text holds no control character but line breaks "
                 "and tabs")


def load_text(text: str, display: str) -> Document:
    """Parse YAML text of one record. Raises YamlError."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise YamlError(error(display, *_line_col(text, exc.start), FILE_ENCODING.code,
                              "text holds a character that UTF-8 cannot encode")) from None
    return _parse(raw, text, display)


def _parse(raw: bytes, text: str, display: str) -> Document:
    # libyaml reads UTF-8 bytes directly; handed text, it would encode it again.
    if text.startswith("\ufeff"):
        text, raw = text[1:], raw[3:]
    if b"\x00" in raw:
        offset = text.index("\x00")
        raise YamlError(error(display, *_line_col(text, offset), FILE_ENCODING.code,
                              "file holds a NUL character; a record is text"))
    unprintable = _UNPRINTABLE.search(text)
    if unprintable is not None:
        raise YamlError(_unprintable(display, text, unprintable.start()))
    # What the judge must not meet: nesting deep enough to exhaust its stack, and aliases,
    # which it expands (a file of a few lines can stand for billions of values).
    properties = any(character in text for character in "&*!")
    if properties or _nesting_bound(text) > _SAFE_NESTING:
        _scan_events(raw, text, display)
    documents = _judge(text, display)
    if not documents:
        raise YamlError(error(display, 1, 1, FILE_EMPTY.code, "file holds no record",
                              "an empty file is not a record; remove it or fill it in"))
    if len(documents) > 1:
        line = _second_document_line(text)
        raise YamlError(error(display, line, 1, YAML_MULTIPLE_DOCUMENTS.code,
                              "file holds more than one YAML document; a record is one document"))
    document = _read(raw, text, display, documents[0], properties=properties)
    global _last_read
    _last_read = (raw, document)
    return document


def _judge(text: str, display: str) -> list[Any]:
    """The documents of `text` as a parser that follows YAML 1.2 to the letter reads them;
    its verdict on what is YAML and what each value is decides. Raises YamlError."""
    import yaml12

    try:
        documents: list[Any] = yaml12.parse_yaml(text, multi=True)
    except ValueError as exc:
        raise YamlError(_syntax_diagnostic(str(exc), text, display)) from None
    return documents


_JUDGE_ERROR = re.compile(r"YAML parse error: (?P<problem>.*) at byte \d+ line (?P<line>\d+) "
                          r"column (?P<column>\d+)", re.DOTALL)


def _syntax_diagnostic(message: str, text: str, display: str) -> Diagnostic:
    found = _JUDGE_ERROR.fullmatch(message)
    if found is None:  # pragma: no cover - the parser always says where
        return error(display, 1, 1, YAML_SYNTAX.code, f"invalid YAML: {message}")
    problem = found["problem"]
    line, column = int(found["line"]), int(found["column"])
    if problem.startswith("recursion limit exceeded"):
        return _too_deep(display, line, column)
    tab = _indenting_tab(text, line) if "tab" in problem else None
    if tab is not None:
        return error(display, *tab, YAML_TAB.code,
                     "a tab character in the indentation; YAML indents with spaces only",
                     "replace the tab with spaces")
    return error(display, line, column, YAML_SYNTAX.code, f"invalid YAML: {problem}")


def _indenting_tab(text: str, line: int) -> tuple[int, int] | None:
    """Where a tab stands in the indentation of the line the judge found a tab on, or of
    the line after it (a scalar's end is found only there); None if neither line is
    indented with one, as when the tab is content or separation."""
    lines = text.split("\n", line + 1)
    for number in (line, line + 1):
        if number > len(lines):
            break
        line_text = lines[number - 1]
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent and indent != line_text:
            return number, indent.index("\t") + 1
    return None


def _read(raw: bytes, text: str, display: str, expected: Any, *, properties: bool
          ) -> Document:
    """The record's values with the node tree that locates them.

    libyaml composes the nodes fast but follows YAML 1.1, and misreads or refuses a few
    YAML 1.2 texts (tabs used as separation, keys over lines in a flow mapping, ...); its
    tree is used when it reads exactly the judge's values. Otherwise PyYAML's Python
    parser, brought to YAML 1.2 here, composes them, and is used when it agrees with the
    judge or, where the judge stands alone against both, with libyaml.
    """
    fast: Any = _UNREAD
    try:
        root = _single_node(_NodeParser(raw))
        fast = _value(root, display)
        if _agree(fast, expected):
            return Document(fast, root, text.split("\n", 1)[0])
    except (yaml.YAMLError, YamlError):
        pass  # libyaml misread it, or refused it for what it misread: the 1.2 reading decides
    try:
        if properties:
            _check_events(_Yaml12NodeParser(text), text, display, properties=True)
        root = _single_node(_Yaml12NodeParser(text))
    except yaml.YAMLError as exc:
        raise YamlError(_unplaced(display, exc)) from None
    data = _value(root, display)
    if not (_agree(data, expected) or (fast is not _UNREAD and _agree(data, fast))):
        raise YamlError(_unplaced(display, None))
    return Document(data, root, text.split("\n", 1)[0])


def _single_node(parser: _NodeParser | _Yaml12NodeParser) -> Node:
    root = parser.get_single_node()
    if root is None:  # pragma: no cover - the judge found a document
        raise yaml.YAMLError("no document")
    return root


#: What libyaml read when it could not read the file.
_UNREAD = object()


def _unplaced(display: str, exc: yaml.YAMLError | None) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return error(display, *_position(mark), YAML_UNSUPPORTED.code,
                 "eta cannot place the values of this YAML in the file",
                 "write the values in plain block style")


def _agree(data: Any, expected: Any) -> bool:
    """Whether eta's values are the judge's. A key is text to eta (`1: x` has the key
    "1") and a value to the judge, and NaN equals nothing, so the slow comparison allows
    for both."""
    return bool(data == expected) or _same(data, expected, 0)


def _key_value(key: str) -> Any:
    """What the judge makes of a key eta reads as text; a number too long to read stays
    text, and so differs from any judge's number."""
    try:
        return resolve_plain(key)
    except ValueError:
        return key


def _same(data: Any, expected: Any, depth: int) -> bool:
    if depth > MAX_DEPTH:  # pragma: no cover - _value refused deeper values
        return False
    if isinstance(data, dict):
        if not isinstance(expected, dict) or len(data) != len(expected):
            return False
        for (key, value), (judged_key, judged_value) in zip(
                data.items(), expected.items(), strict=True):
            if not (_same_scalar(key, judged_key) or _same_scalar(_key_value(key), judged_key)):
                return False
            if not _same(value, judged_value, depth + 1):
                return False
        return True
    if isinstance(data, list):
        return (isinstance(expected, list) and len(data) == len(expected)
                and all(_same(a, b, depth + 1) for a, b in zip(data, expected, strict=True)))
    return _same_scalar(data, expected)


def _same_scalar(data: Any, expected: Any) -> bool:
    if type(data) is not type(expected):
        return False
    if isinstance(data, float) and math.isnan(data):
        return math.isnan(expected)
    return bool(data == expected)


#: The bytes read last and their document: an edit reads its record's tree to cut the
#: text at its top-level keys just after the record was read to know what to change.
_last_read: tuple[bytes, Document] | None = None


def _position(mark: Any) -> tuple[int, int]:
    """The 1-based line and column of a parser's mark (0-based), or the file's start."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


#: Deeper than any record goes; deeper still would exhaust Python's stack.
MAX_DEPTH = 64

#: Nesting that every parser here reads without exhausting a stack.
_SAFE_NESTING = 200

#: The indicators and indentation that a line's block collections can start after.
_BLOCK_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep the values of `text` nest, found without parsing.

    A block collection inside another starts further right, except a list that is a
    mapping's value, whose items start further right again: two levels cost a column at
    least. So the block levels are bounded by the widest run of indentation and
    indicators that starts a line, and the flow levels by the brackets.
    """
    widest = max(len(prefix) for prefix in _BLOCK_PREFIX.findall(text))
    return 2 * widest + 3 + text.count("[") + text.count("{")


def _scan_events(raw: bytes, text: str, display: str) -> None:
    """Refuse anchors, aliases and tags, and values nested deeper than MAX_DEPTH, by the
    parser's events: they keep no stack of their own and expand no alias, so no nesting,
    however deep, and no alias reaches a recursive parser."""
    try:
        _check_events(_NodeParser(raw), text, display, properties=True)
    except yaml.YAMLError:
        try:
            _check_events(_Yaml12NodeParser(text), text, display, properties=True)
        except yaml.YAMLError as exc:
            if "*" in text or _nesting_bound(text) > _SAFE_NESTING:
                mark = exc.problem_mark if isinstance(exc, yaml.MarkedYAMLError) else None
                raise YamlError(error(display, *_position(mark), YAML_SYNTAX.code,
                                      f"invalid YAML: {getattr(exc, 'problem', None) or exc}")
                                ) from None
            # Neither deep nor aliased: the judge may read it, and say where it is wrong.


def _check_events(parser: _NodeParser | _Yaml12NodeParser, text: str, display: str, *,
                  properties: bool) -> None:
    depth = 0
    while (event := parser.get_event()) is not None:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the top-level mapping is level 0
                raise YamlError(_too_deep(display, *_position(event.start_mark)))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.StreamEndEvent):
            return
        if properties:
            _refuse_properties(event, text, display)


def _too_deep(display: str, line: int, column: int) -> Diagnostic:
    return error(display, line, column, YAML_TOO_DEEP.code,
                 f"values nest more than {MAX_DEPTH} levels deep; no record does")


def _second_document_line(text: str) -> int:
    parser = _Yaml12NodeParser(text)
    starts = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.DocumentStartEvent):
                starts += 1
                if starts == 2:
                    return _position(event.start_mark)[0]
            if isinstance(event, yaml.StreamEndEvent):
                break
    except yaml.YAMLError:
        pass
    return 1


def _refuse_properties(event: yaml.Event, text: str, display: str) -> None:
    """Refuse an anchor, an alias or a tag (`!`, `!!str` and every other, and `%TAG`)."""
    line, column = _position(event.start_mark)
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
        raise YamlError(error(display, line, column, YAML_ANCHOR.code,
                              f"YAML {what} `{anchor}` is not allowed in a record",
                              "write the value out in full"))
    tag = getattr(event, "tag", None)
    if isinstance(event, yaml.DocumentStartEvent) and event.tags:
        tag = "%TAG"
        line, column = _line_col(text, max(text.find("%TAG"), 0))
    if tag is not None:
        raise YamlError(error(display, line, column, YAML_TAG.code,
                              f"YAML tag `{tag}` is not allowed",
                              "remove the tag; a record uses plain YAML values"))


def _value(node: Node, display: str, depth: int = 0) -> Any:
    # The hot loop of every check: scalars are handled in place, not through calls. No
    # node carries a tag here: _scan_events refused them all.
    if depth > MAX_DEPTH:
        raise YamlError(_too_deep(display, *_position(node.start_mark)))
    if isinstance(node, ScalarNode):
        try:
            return node.value if node.style else resolve_plain(node.value)
        except ValueError:
            raise _number_too_long(node, display) from None
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or not (key_node.value or key_node.style):
                raise _located(key_node, display, YAML_KEY.code, "a mapping key must be plain text")
            key = key_node.value
            if key in result:
                raise _located(key_node, display, YAML_DUPLICATE_KEY.code,
                               f"duplicate key `{key}`", "each key may appear once per mapping")
            if isinstance(value_node, ScalarNode):
                text = value_node.value
                try:
                    result[key] = text if value_node.style else resolve_plain(text)
                except ValueError:
                    raise _number_too_long(value_node, display) from None
            else:
                result[key] = _value(value_node, display, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        return [_value(item, display, depth + 1) for item in node.value]
    raise _located(node, display, YAML_SYNTAX.code, "unsupported YAML node")  # pragma: no cover


def _number_too_long(node: Node, display: str) -> YamlError:
    # Python reads no integer of more than 4,300 digits from text: reading one takes time
    # that grows with the square of its length.
    return _located(node, display, RECORD_VALUE.code,
                    f"a number of {len(node.value):,} characters; no record holds one that long",
                    "write a number of at most 4,300 digits, or quote it if it is text")


def _located(node: Node, display: str, code: str, message: str, hint: str | None = None
             ) -> YamlError:
    return YamlError(error(display, *_position(node.start_mark), code, message, hint))


def _printable_int(number: int) -> int:
    """`number`, read from hex or octal digits, which Python reads at any length; raises
    ValueError, as `int` does for so many decimal digits, for one with more decimal digits
    than Python prints (no message or report could show it)."""
    limit = sys.get_int_max_str_digits()
    # 10**limit has about 3.32 bits a digit: below 3 bits a digit, no comparison is needed.
    if limit and number.bit_length() > 3 * limit and number >= 10 ** limit:
        raise ValueError(f"more than {limit} decimal digits")
    return number


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
            return _printable_int(int(value[2:], 8))
        if kind == "hex":
            return _printable_int(int(value[2:], 16))
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
        raw = text.encode("utf-8")
        document = _last_read[1] if _last_read is not None and _last_read[0] == raw else (
            load_text(text, ""))
    except YamlError:
        return None
    root = document.root
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
