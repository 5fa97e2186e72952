"""Record text made harmless for whatever reads it next: one function for each target.

Records come from pull requests. Their text must not reach a terminal or a CI log as
control characters or terminal escapes (a title could clear the screen and print "no
problems found"), nor as bidirectional overrides that show text in another order than it
is read, nor as markup of whatever renders it next. Every view calls the function of its
target; none of them drops text: what is unsafe is shown escaped, as `\\x1b` or `\\u202e`.

A leaf module: the standard library only, so that every command can import it cheaply.
"""

from __future__ import annotations

import re
from typing import Any

#: The bidirectional marks, embeddings, overrides and isolates, the Unicode line and
#: paragraph separators, and the surrogates: no UTF-8 text can hold one, but Python keeps the
#: bytes of a file name or of git output that are no UTF-8 as U+DC80..U+DCFF
#: (`surrogateescape`), and writing such a string ends in an error.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
#: ... with the C0 and C1 controls and DEL.
_UNSAFE_CHARACTER = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
#: The same, but a line break and a tab are kept: text that runs over several lines.
_UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
#: What JSON leaves unescaped of them.
_UNSAFE_OUTSIDE_ASCII = re.compile(f"[\x7f-\x9f{_BIDI_AND_SEPARATORS}]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        # A byte that was no UTF-8, kept by `surrogateescape`: shown as the byte it was.
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(value: object) -> str:
    """Text for one line of a terminal, a log or a calendar field: every control character,
    line break and bidirectional control shown escaped. Rich markup needs no escaping: eta's
    consoles read none (see `cli.common.plain_console`)."""
    text = "" if value is None else str(value)
    if _UNSAFE_CHARACTER.search(text) is None:
        return text
    return _UNSAFE_CHARACTER.sub(_shown, text)


def for_text_block(value: object) -> str:
    """Text of several lines (a report, a rendered template): line breaks and tabs are
    kept, a carriage return and every other control is shown escaped."""
    text = "" if value is None else str(value)
    if _UNSAFE_IN_LINES.search(text) is None:
        return text
    return _UNSAFE_IN_LINES.sub(_shown, text)


def for_json(document: Any, *, indent: int | None = 2) -> str:
    """A JSON document whose strings hold no control or bidirectional character unescaped.

    JSON escapes the C0 controls already; DEL, the C1 controls (which some terminals read as
    escapes) and the bidirectional controls are written as `\\uXXXX` too, which means the same
    text to every JSON reader. They can only occur inside strings.
    """
    import json

    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return _UNSAFE_OUTSIDE_ASCII.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: The styles of eta's output on a terminal, as ruff shows its findings: errors red, warnings
#: yellow, paths bold (ANSI select graphic rendition codes). The command line decides
#: whether a stream gets colour (`cli.common.wants_colour`).
ERROR_STYLE, WARNING_STYLE, PATH_STYLE = "1;31", "1;33", "1"


def paint(text: str, style: str, colour: bool) -> str:
    """`text` in `style` where `colour` is wanted; as it is otherwise."""
    return f"\x1b[{style}m{text}\x1b[0m" if colour else text


# -- GitHub workflow commands ------------------------------------------------------------------


def for_annotation(value: object) -> str:
    """The message of a workflow command (`::error ...::message`): on one line, and what the
    runner reads as an escape is percent-encoded."""
    return (for_terminal(value).replace("%", "%25").replace("\r", "%0D")
            .replace("\n", "%0A"))


def for_annotation_property(value: object) -> str:
    """A property of a workflow command (`file=...`): as a message, and `:` and `,` too."""
    return for_annotation(value).replace(":", "%3A").replace(",", "%2C")


# -- Markdown ----------------------------------------------------------------------------------


class Markdown(str):
    """Text that is Markdown already: the escaping functions pass it through unchanged."""

    __slots__ = ()


#: Characters that start inline Markdown (emphasis, code, links, strike-through, tables) or
#: escape it. A backslash is escaped too: `\|` in a record would otherwise end a table cell.
_INLINE = re.compile(r"([\\`*_\[\]|~#])")
#: What a line may start with to become a list item, a quote or a heading underline.
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([-+=.)])(?=\s|$)")
_NEWLINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
#: Every character `escape_markdown` may change, line breaks and controls among them: text
#: without any, and with no block start at its beginning, is literal Markdown as it is.
_MARKDOWN_CHANGES = re.compile(f"[&<>\\\\`*_\\[\\]|~#\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")


def escape_markdown(value: object) -> Markdown:
    """Record text as literal Markdown: safe in a table cell and in running text.

    HTML is written as entities, so no tag reaches a renderer; characters that would start
    Markdown are backslash-escaped; a line break (a carriage return too) becomes `<br>`, so a
    value stays on its line and in its table cell and starts no heading; other controls are
    shown escaped.
    """
    if isinstance(value, Markdown):
        return value
    text = "" if value is None else str(value)
    # Most record text (names, ids, dates, plain sentences) needs no escaping at all.
    if _MARKDOWN_CHANGES.search(text) is None and _BLOCK_START.match(text) is None:
        return Markdown(text)
    return _escaped_markdown(text)


def _escaped_markdown(text: str) -> Markdown:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    lines = [_BLOCK_START.sub(r"\1\\\2", for_terminal(line)) for line in _NEWLINES.split(text)]
    return Markdown("<br>".join(lines))


#: A web address a reader can follow: http or https, and nothing an autolink cannot hold
#: (spaces, `<`, `>`, controls) nor what would show text in another order than it is read.
_WEB_ADDRESS = re.compile(f"https?://[^\\s<>\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]+",
                          re.IGNORECASE)


def markdown_link(value: object) -> Markdown:
    """A document reference from a record: a web address as a link that works, anything
    else as literal text (`escape_markdown`).

    The address is written as an autolink, `<https://...>`, inside which Markdown reads no
    escapes and no entities: the address reaches the reader as the record holds it
    (`Impact_analyse.pdf`, `?a=1&b=2`). Only `|` is percent-encoded, which means the same
    address and keeps a table cell whole.
    """
    text = "" if value is None else str(value)
    if _WEB_ADDRESS.fullmatch(text):
        return Markdown(f"<{text.replace('|', '%7C')}>")
    return escape_markdown(value)


def code_span(value: object) -> Markdown:
    """A value as inline code: identifiers, digests, key fingerprints, commits, and any text
    that must render as nothing but text (no link, image, heading or tag).

    Nothing is escaped inside a code span, so what could end it or its table cell goes: a
    backquote becomes a quote, a line break a space, and `|` is escaped as tables need;
    controls are shown escaped.
    """
    text = _NEWLINES.sub(" ", "" if value is None else str(value)).replace("`", "'")
    return Markdown(f"`{for_terminal(text).replace('|', chr(92) + '|')}`")


#: What Mermaid reads as syntax inside a task name, and what would end the code block.
_MERMAID_UNSAFE = re.compile(r"[:;#`<>&\"{}\[\]\\|%]|\r\n|\r|\n")
#: The words Mermaid's Gantt lexer reads as a statement at the start of a line, in any case
#: (its rules, in order): a task named `Excludes weekends` would grey out the weekends, one
#: named `Section x` would open a section. A date at the start of a line is a token too.
MERMAID_GANTT_KEYWORDS = (
    "accTitle", "accDescr", "href", "call", "click", "gantt", "dateFormat",
    "inclusiveEndDates", "topAxis", "axisFormat", "tickInterval", "includes", "excludes",
    "todayMarker", "weekday", "weekend", "title", "accDescription", "section",
)
_MERMAID_STATEMENT = re.compile(
    "(?:" + "|".join(MERMAID_GANTT_KEYWORDS) + r")(?![A-Za-z0-9])|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE)


def escape_mermaid(value: object) -> Markdown:
    """Record text as a name in a Mermaid chart: the characters Mermaid reads are dropped,
    controls shown escaped, and a name that Mermaid would read as a statement is quoted
    (`“Section x”`), so that it stays a name."""
    text = for_terminal(_NEWLINES.sub(" ", "" if value is None else str(value)))
    name = re.sub(r" {2,}", " ", _MERMAID_UNSAFE.sub(" ", text)).strip() or "-"
    if _MERMAID_STATEMENT.match(name):
        name = f"\u201c{name}\u201d"
    return Markdown(name)
