"""The Jinja environment reports are rendered in.

A template is repository content and can come from a pull request, so it runs in Jinja's
immutable sandbox: no attribute starting with `_`, no changing the data it is given, no
huge strings or numbers, and an undefined name is an error rather than an empty string.
Anything a template does wrong ends as an `EtaError` naming the template's file and line.

Templates are looked up in the repository's `templates/` first, then among the ones packaged
with eta (`eta/templates/`), so a repository overrides any template, partials included,
and an installed eta renders reports without any template of the repository's own.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from eta.errors import EtaError

#: Where a repository keeps the templates that override eta's own.
TEMPLATE_FOLDER = "templates"
#: How a packaged template is named in messages.
PACKAGED_PREFIX = "eta:templates/"
TEMPLATE_SUFFIX = ".md.j2"

#: The largest string or list a template may build with `*`, and the largest power.
MAX_REPEATED_LENGTH = 1_000_000
MAX_EXPONENT = 1_000

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class TemplateProblem(EtaError):
    """A template is missing, does not parse, or fails while it renders."""


class Markdown(str):
    """Text that is Markdown already: the escaping filters pass it through unchanged."""

    __slots__ = ()


# -- Escaping ------------------------------------------------------------------------------

#: Characters that start inline Markdown (emphasis, code, links, strike-through, tables) or
#: escape it. A backslash is escaped too: `\|` in a record would otherwise end a table cell.
_INLINE = re.compile(r"([\\`*_\[\]|~#])")
#: What a line may start with to become a list item, a quote or a heading underline.
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([-+=.)])(?=\s|$)")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def escape_markdown(value: object) -> Markdown:
    """Record text as literal Markdown: safe in a table cell and in running text.

    HTML is written as entities, so no tag reaches a renderer; characters that would start
    Markdown are backslash-escaped; a newline becomes `<br>`, so a value stays on its line
    and in its table cell.
    """
    if isinstance(value, Markdown):
        return value
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    lines = [_BLOCK_START.sub(r"\1\\\2", line) for line in _NEWLINES.split(text)]
    return Markdown("<br>".join(lines))


#: What Mermaid reads as syntax inside a task name, and what would end the code block.
_MERMAID_UNSAFE = re.compile(r"[:;#`<>&\"{}\[\]\\|%]|\r\n|\r|\n")


def escape_mermaid(value: object) -> Markdown:
    """Record text as a name in a Mermaid chart: the characters Mermaid reads are dropped."""
    text = _MERMAID_UNSAFE.sub(" ", "" if value is None else str(value))
    return Markdown(re.sub(r" {2,}", " ", text).strip() or "-")


def code_span(value: object) -> Markdown:
    """A value as inline code: identifiers, digests, key fingerprints, commits.

    Nothing is escaped inside a code span, so what could end it or its table cell goes: a
    backquote becomes a quote, a line break a space, and `|` is escaped as tables need.
    """
    text = _NEWLINES.sub(" ", "" if value is None else str(value)).replace("`", "'")
    return Markdown(f"`{text.replace('|', chr(92) + '|')}`")


def dutch_date(value: dt.date | None, style: str = "lang") -> str:
    """`2 april 2026`; `kort`: 2026-04-02; `dag`: donderdag 2 april 2026."""
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    if style == "kort":
        return value.isoformat()
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if style == "dag":
        return f"{WEEKDAYS[value.weekday()]} {text}"
    if style != "lang":
        raise ValueError(f"datum: unknown style {style!r}; use lang, kort or dag")
    return text


def dutch_moment(value: dt.datetime | None, style: str = "lang") -> str:
    """`16 november 2026 09:12`, in the time zone the report's context gave the moment in."""
    if value is None:
        return "-"
    return f"{dutch_date(value, style)} {value:%H:%M}"


def dutch_number(value: float) -> str:
    """`8`, `8,5`: a number as Dutch writes it, without a needless fraction."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def iso_date(value: dt.date | None) -> str:
    return "-" if value is None else value.isoformat()


FILTERS: dict[str, Callable[..., Any]] = {
    "md": escape_markdown,
    "code": code_span,
    "mermaid": escape_mermaid,
    "datum": dutch_date,
    "tijdstip": dutch_moment,
    "iso": iso_date,
    "getal": dutch_number,
}


# -- The sandbox ---------------------------------------------------------------------------


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `*` and `**` kept from building huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator_: str, left: Any,
                   right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"the power {right} is larger than {MAX_EXPONENT}")
            return operator.pow(left, right)
        for sized, count in ((left, right), (right, left)):
            if (isinstance(sized, str | list | tuple) and isinstance(count, int)
                    and len(sized) * count > MAX_REPEATED_LENGTH):
                raise SecurityError(f"`*` would build a value of more than "
                                    f"{MAX_REPEATED_LENGTH} items")
        return operator.mul(left, right)


class ReportLoader(jinja2.BaseLoader):
    """The repository's `templates/` first, then eta's own templates."""

    def __init__(self, root: Path | None) -> None:
        self.folder = root / TEMPLATE_FOLDER if root is not None else None
        self.packaged: Traversable = resources.files("eta") / "templates"
        #: The names of every template loaded, as messages show them.
        self.names: set[str] = set()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        parts = jinja2.loaders.split_template_path(template)
        if self.folder is not None:
            path = self.folder.joinpath(*parts)
            if path.is_file():
                mtime = path.stat().st_mtime
                name = "/".join((TEMPLATE_FOLDER, *parts))
                self.names.add(name)
                return (_read(path.read_bytes(), name), name,
                        lambda: path.is_file() and path.stat().st_mtime == mtime)
        packaged = self.packaged.joinpath(*parts)
        if packaged.is_file():
            name = PACKAGED_PREFIX + "/".join(parts)
            self.names.add(name)
            return _read(packaged.read_bytes(), name), name, lambda: True
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found = {entry.name for entry in self.packaged.iterdir()
                 if entry.name.endswith(TEMPLATE_SUFFIX)}
        if self.folder is not None and self.folder.is_dir():
            found.update(path.name for path in self.folder.glob(f"*{TEMPLATE_SUFFIX}"))
        return sorted(found)


def _read(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateProblem(f"{name}: the template is not UTF-8 text (byte "
                              f"{exc.start})") from None


def environment(root: Path | None) -> ReportEnvironment:
    """The environment for the repository at `root` (None: eta's own templates only)."""
    env = ReportEnvironment(
        loader=ReportLoader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def render(env: ReportEnvironment, template_name: str, context: dict[str, Any]) -> str:
    """The template filled in with `context`, tidied: one blank line at most between blocks,
    one newline at the end. Every error names the template and line where it happened."""
    loader = env.loader
    assert isinstance(loader, ReportLoader)
    try:
        template = env.get_template(template_name)
        text = template.render(context)
    except jinja2.TemplateNotFound as exc:
        where = (f"{TEMPLATE_FOLDER}/ or among eta's own templates" if loader.folder
                 else "among eta's own templates")
        located = _template_line(exc.__traceback__, loader.names)
        prefix = f"{located}: " if located else ""
        raise TemplateProblem(f"{prefix}no template `{exc.name}` in {where}") from None
    except jinja2.TemplateSyntaxError as exc:
        source = exc.filename or exc.name or template_name
        raise TemplateProblem(f"{source}:{exc.lineno}: {exc.message}") from None
    except TemplateProblem:
        raise
    except Exception as exc:
        located = _template_line(exc.__traceback__, loader.names)
        raise TemplateProblem(f"{located or template_name}: {_describe(exc)}") from None
    return tidy(text)


def _describe(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return f"not allowed in a template: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined: {exc}"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _template_line(tb: TracebackType | None, names: Iterable[str]) -> str | None:
    """`file:line` of the innermost template frame: Jinja rewrites its tracebacks to point
    at template lines."""
    known = set(names)
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in known:
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


def tidy(text: str) -> str:
    text = _BLANK_RUNS.sub("\n\n", text.replace("\r\n", "\n"))
    return text.strip("\n") + "\n"
