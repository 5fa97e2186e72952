"""The Jinja environment reports are rendered in.

A template is repository content and can come from a pull request, so it runs in Jinja's
immutable sandbox: no attribute starting with `_`, no changing the data it is given, no
huge strings or numbers, and an undefined name is an error rather than an empty string.
Anything a template does wrong ends as an `EtaError` naming the template's file and line.

Templates are looked up in the repository's `templates/` first, then among the ones packaged
with eta (`eta/templates/`), so a repository overrides any template, partials included,
and an installed eta renders reports without any template of the repository's own.

A repository without a template of its own renders with eta's templates only, and those
are eta's code, not content: they run in a plain Jinja environment, without the sandbox's
checks on every call, filter and loop (a third of the time of `eta report all`). The record
text they show is data to them, escaped by the same filters, and is never run as a template.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import operator
import os
import re
import signal
import string
import threading
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import _PassArg
from markupsafe import Markup

from eta.catalogue import FILE_ENCODING, FILE_TOO_LARGE, TEMPLATE_SYNTAX, TEMPLATE_UNKNOWN
from eta.diagnostics import Diagnostic, did_you_mean, error, warning
from eta.errors import EtaError
from eta.escaping import (
    Markdown,
    code_span,
    escape_markdown,
    escape_mermaid,
    for_text_block,
    markdown_link,
)
from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, check_real, read_real
from eta.records.layout import TEMPLATE_FOLDER, TEMPLATE_SUFFIX

#: How a packaged template is named in messages.
PACKAGED_PREFIX = "eta:templates/"

#: The largest string or list a template may build with `*`, and the largest power.
MAX_REPEATED_LENGTH = 1_000_000
MAX_EXPONENT = 1_000
#: The most bits a whole number a template computes may have (about 3,000 digits): the
#: arithmetic of larger ones runs in one step that no time limit can interrupt.
MAX_NUMBER_BITS = 10_000
#: The longest text or list any operation of a template may build, a list counted with
#: everything it holds, as often as it holds it.
MAX_TEXT_LENGTH = 4_000_000
#: The largest number an operation on text takes (a width, a count).
MAX_WIDTH = 100_000
#: How many loop iterations one render may take, all loops together.
MAX_LOOP_WORK = 1_000_000
#: The largest report, in characters.
MAX_OUTPUT = 32_000_000
#: How long one render may take, in seconds of processor time.
TIME_LIMIT = 10.0
#: How much memory one render may take beyond what eta holds when it starts, in bytes.
MEMORY_LIMIT = 1 << 30

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class TemplateProblem(EtaError):
    """A template is missing, does not parse, or fails while it renders."""


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
    return f"{dutch_date(value, style)} {value.hour:02}:{value.minute:02}"


def dutch_number(value: float) -> str:
    """`8`, `8,5`: a number as Dutch writes it, without a needless fraction."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")


def iso_date(value: dt.date | None) -> str:
    return "-" if value is None else value.isoformat()


def chart_number(value: float) -> str:
    """A number as a Mermaid chart reads it: plain decimals, never an exponent (`1e-05`),
    which its parser refuses."""
    return format(Decimal(repr(value)), "f")


FILTERS: dict[str, Callable[..., Any]] = {
    "md": escape_markdown,
    "link": markdown_link,
    "code": code_span,
    "mermaid": escape_mermaid,
    "datum": dutch_date,
    "tijdstip": dutch_moment,
    "iso": iso_date,
    "getal": dutch_number,
    "grafiekgetal": chart_number,
}


# -- The sandbox ---------------------------------------------------------------------------


class TemplateLimitExceeded(Exception):
    """A template did more work, or built more text, than any report needs."""


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every loop counted, and every `~` and every list, tuple
    and dict the template writes bounded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The ids of the iterables of the loops being written, to be wrapped when visited.
        self._loop_iterables: set[int] = set()

    def visit(self, node: jinja2.nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self._loop_iterables.discard(id(node))
        self.write("environment.counted(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_For(self, node: jinja2.nodes.For, frame: Frame) -> None:
        self._loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit_List(self, node: jinja2.nodes.List, frame: Frame) -> None:
        self._built(super().visit_List, node, frame)

    def visit_Tuple(self, node: jinja2.nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # the names a `for` or `set` assigns to
            super().visit_Tuple(node, frame)
            return
        self._built(super().visit_Tuple, node, frame)

    def visit_Dict(self, node: jinja2.nodes.Dict, frame: Frame) -> None:
        self._built(super().visit_Dict, node, frame)

    def _built(self, visit: Callable[[Any, Frame], None], node: jinja2.nodes.Node,
               frame: Frame) -> None:
        self.write("environment.built(")
        visit(node, frame)
        self.write(")")

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


def _printed(value: object) -> str:
    """What `{{ ... }}` prints: within the limit of text (a block built of printed values
    grows no faster than they do), and with its controls escaped, record text or not.
    Markdown that eta's filters made has every control escaped already, and text that
    Python calls printable holds none of what `for_text_block` escapes."""
    text = (value if type(value) is Markdown or (type(value) is str and value.isprintable())
            else for_text_block(value))
    if len(text) > MAX_TEXT_LENGTH:
        raise TemplateLimitExceeded(f"a value of more than {MAX_TEXT_LENGTH:,} characters "
                                    "is printed")
    return text


_CONTAINERS = (list, tuple, dict, set, frozenset)


class _Sizes:
    """How large values are, a container counted with all it holds, as often as it holds
    it: a list of two copies of a list of two copies of ... is small in memory but vast to
    print or compare, and Python prints and compares it in one step that no time limit can
    interrupt. Counted in Python and stopped at the limit, so counting stays within the
    limits too; and the size of each larger container is remembered for the render (the
    sandbox lets no template change a container), so that building a list of lists costs
    only its own length."""

    #: Containers smaller than this are counted again rather than remembered.
    REMEMBERED_FROM = 1_000

    def __init__(self) -> None:
        #: id -> (the container, kept alive so that its id is not reused; its size)
        self.known: dict[int, tuple[object, int]] = {}

    def too_large(self, value: object) -> bool:
        """Whether `value` is more than `MAX_TEXT_LENGTH` characters or items, or holds a
        whole number of more than `MAX_NUMBER_BITS` bits."""
        if isinstance(value, str):
            return len(value) > MAX_TEXT_LENGTH
        if isinstance(value, int):
            return value.bit_length() > MAX_NUMBER_BITS
        if not isinstance(value, _CONTAINERS):
            return False
        total = 0
        pending: list[object] = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                total += len(item)
            elif isinstance(item, int):
                if item.bit_length() > MAX_NUMBER_BITS:
                    return True
            elif item is not value and id(item) in self.known:
                total += self.known[id(item)][1]
            elif isinstance(item, dict):
                total += len(item)
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, _CONTAINERS):
                total += len(item)
                pending.extend(item)
            if total > MAX_TEXT_LENGTH:
                return True
        if total >= self.REMEMBERED_FROM:
            self.known[id(value)] = (value, total)
        return False


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _check_number(operator_: str, bits: int) -> None:
    if bits > MAX_NUMBER_BITS:
        raise TemplateLimitExceeded(f"`{operator_}` would compute a number of more than "
                                    f"{MAX_NUMBER_BITS:,} bits")


def _projected_length(owner: object, name: str, args: tuple[Any, ...]) -> int:
    """How long the result of `owner.name(*args)` would be, for the methods whose result
    can be far longer than their arguments; 0 for the others."""
    if name == "replace" and isinstance(owner, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = owner.count(old) if old else len(owner) + 1
        return len(owner) + count * max(0, len(new) - len(old))
    if name == "join" and args:
        # `separator.join(parts)` as a method, `parts|join(separator)` as a filter
        separator, parts = (owner, args[0]) if isinstance(owner, str) else (args[0], owner)
        if isinstance(parts, list | tuple):
            return (len(str(separator)) * max(0, len(parts) - 1)
                    + sum(len(str(part)) for part in parts))
    return 0


def _check_arguments(name: str, owner: object, args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
            raise TemplateLimitExceeded(f"`{name}` was given {value}; a number an operation "
                                        f"on text takes may be at most {MAX_WIDTH:,}")
    if name in ("format", "%") and isinstance(owner, str) and (
            _WIDE_BRACE_FIELD.search(owner) or _has_wide_percent_field(owner)):
        raise _wide_field()
    if _projected_length(owner, name, args) > MAX_TEXT_LENGTH:
        raise TemplateLimitExceeded(f"`{name}` would build a text of more than "
                                    f"{MAX_TEXT_LENGTH:,} characters")


def _bounded_filter(env: ReportEnvironment, name: str,
                    function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with its arguments and its result held to the limits of text."""
    pass_arg = _PassArg.from_obj(function)

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        given = args[1:] if pass_arg is not None else args
        _check_arguments(name, given[0] if given else None, given[1:], kwargs)
        return env.checked(name, function(*args, **kwargs))

    return bounded


#: A `{:...}` field, or its format spec, with a width or precision of seven digits:
#: megabytes of padding, made in one step that no time limit can interrupt.
_WIDE_BRACE_FIELD = re.compile(r"\{[^{}]*:[^{}]*\d{7}")
_WIDE_SPEC = re.compile(r"\d{7}")
#: What follows a `%` field's mapping key: flags, width and precision.
_PERCENT_FIELD = re.compile(r"[-+ #0]*(\d*)(?:\.(\d*))?")


def _wide_field() -> TemplateLimitExceeded:
    return TemplateLimitExceeded("a format field of a million characters or more")


def _has_wide_percent_field(pattern: str) -> bool:
    """Whether a `%` field of `pattern` has a width or precision of seven digits. Read as
    Python reads it: a mapping key in parentheses, which may hold parentheses, comes first."""
    index = pattern.find("%")
    while index != -1:
        index += 1
        if pattern.startswith("%", index):
            index = pattern.find("%", index + 1)
            continue
        if pattern.startswith("(", index):
            depth = 0
            while index < len(pattern):
                depth += {"(": 1, ")": -1}.get(pattern[index], 0)
                index += 1
                if depth == 0:
                    break
        field = _PERCENT_FIELD.match(pattern, index)
        if field is not None and any(len(part or "") >= 7 for part in field.groups()):
            return True
        index = pattern.find("%", index)
    return False


class _BoundedFields(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        if _WIDE_SPEC.search(format_spec):
            raise _wide_field()
        return super().format_field(value, format_spec)


class _BoundedFormatter(_BoundedFields, SandboxedFormatter):
    pass


class _BoundedEscapeFormatter(_BoundedFields, SandboxedEscapeFormatter):
    pass


#: The attributes of a plain dict: every name getattr finds on one (it has no others).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _DataEnvironment(jinja2.Environment):
    """Jinja, with `data.name` on a plain dict looked up as its item at once.

    A report's data is dicts of dicts. Jinja tries the attribute first and takes the item
    only on the AttributeError, and raising that was a tenth of rendering. The outcome is
    Jinja's: a name a dict has as an attribute (`items`, `keys`) is still looked up as one."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class ReportEnvironment(_DataEnvironment, ImmutableSandboxedEnvironment):
    """The immutable sandbox, held to limits: no value larger than `MAX_TEXT_LENGTH`, no
    more than `MAX_LOOP_WORK` loop iterations in one render, and `render` adds a limit of
    time, of output and of memory. A limit reached is an error at the template's line."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.loop_work = 0
        self.sizes = _Sizes()
        # Set when the render's time is up. Jinja catches any exception in a few places
        # (`is sequence` did), so the one the timer raises may not end the render: the next
        # loop step ends it.
        self.out_of_time = False
        self.tests["sequence"] = _is_sequence

    def counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            if self.out_of_time:
                raise _OutOfTime()
            self.loop_work += 1
            if self.loop_work > MAX_LOOP_WORK:
                raise TemplateLimitExceeded(f"the loops ran more than {MAX_LOOP_WORK:,} "
                                            "times; no report needs that many")
            yield item

    def checked(self, name: str, result: Any) -> Any:
        """The result of the operation `name`, within the limits of text and numbers."""
        if self.sizes.too_large(result):
            raise TemplateLimitExceeded(f"`{name}` built a value of more than "
                                        f"{MAX_TEXT_LENGTH:,} characters or items")
        return result

    def built(self, value: Any) -> Any:
        """A list, tuple or dict the template writes, within the limit of text."""
        if self.sizes.too_large(value):
            raise TemplateLimitExceeded(f"a list, tuple or dict of more than "
                                        f"{MAX_TEXT_LENGTH:,} characters or items in all "
                                        "is built")
        return value

    def joined(self, parts: tuple[Any, ...]) -> str:
        texts = [str(part) for part in parts]
        if sum(map(len, texts)) > MAX_TEXT_LENGTH:
            raise TemplateLimitExceeded(f"`~` would build a text of more than "
                                        f"{MAX_TEXT_LENGTH:,} characters")
        return "".join(texts)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,
             *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "call")
        if isinstance(owner, str | list | tuple):
            _check_arguments(name, owner, args, kwargs)
        return __self.checked(name, super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if super().wrap_str_format(value) is None:
            return None
        pattern = value.__self__
        # Jinja's formatter, but every field checked as Python formats it: a width may come
        # from an argument (`{0:{1}}`), as text that no check of the pattern sees.
        formatter = (_BoundedEscapeFormatter(self, escape=pattern.escape)
                     if isinstance(pattern, Markup) else _BoundedFormatter(self))
        is_format_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_format_map and (kwargs or len(args) != 1):
                raise TypeError("format_map() takes exactly one mapping")
            positional, named = ((), args[0]) if is_format_map else (args, kwargs)
            _check_arguments("format", pattern, positional, named)
            text: str = self.checked("format", type(pattern)(
                formatter.vformat(pattern, positional, named)))
            return text

        return bounded

    def call_binop(self, context: jinja2.runtime.Context, operator_: str, left: Any,
                   right: Any) -> Any:
        whole = _whole_numbers(left, right)
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"the power {right} is larger than {MAX_EXPONENT}")
            if whole is not None and whole[1] > 0:
                _check_number("**", max(1, whole[0].bit_length()) * whole[1])
            return operator.pow(left, right)
        if operator_ == "%":
            _check_arguments("%", left, right if isinstance(right, tuple) else (right,), {})
            return self.checked("%", operator.mod(left, right))
        if operator_ == "+":
            if (isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
                    and len(left) + len(right) > MAX_TEXT_LENGTH):
                raise TemplateLimitExceeded(f"`+` would build a value of more than "
                                            f"{MAX_TEXT_LENGTH:,} characters or items")
            return self.checked("+", operator.add(left, right))
        if whole is not None:
            _check_number("*", sum(map(int.bit_length, whole)))
        for sized, count in ((left, right), (right, left)):
            if (isinstance(sized, str | list | tuple) and isinstance(count, int)
                    and len(sized) * count > MAX_REPEATED_LENGTH):
                raise SecurityError(f"`*` would build a value of more than "
                                    f"{MAX_REPEATED_LENGTH} items")
        return self.checked("*", operator.mul(left, right))


def _whole_numbers(left: Any, right: Any) -> tuple[int, int] | None:
    if isinstance(left, int) and isinstance(right, int):
        return left, right
    return None


class ReportLoader(jinja2.BaseLoader):
    """The repository's `templates/` first, then eta's own templates.

    A template of the repository is read as a record is: only a real file, never through a
    link (`eta.records.files`), so that no template can show a file from outside the repository.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.folder = root / TEMPLATE_FOLDER if root is not None else None
        self.packaged: Traversable = resources.files("eta") / "templates"
        #: The names of every template loaded, as messages show them.
        self.names: set[str] = set()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        parts = jinja2.loaders.split_template_path(template)
        if self.root is not None:
            name = "/".join((TEMPLATE_FOLDER, *parts))
            data = _repository_template(self.root, name)
            if data is not None:
                self.names.add(name)
                return _read(data, name), name, lambda: True
        packaged = self.packaged.joinpath(*parts)
        if packaged.is_file():
            name = PACKAGED_PREFIX + "/".join(parts)
            self.names.add(name)
            return _read(packaged.read_bytes(), name), name, lambda: True
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found = {entry.name for entry in self.packaged.iterdir()
                 if entry.name.endswith(TEMPLATE_SUFFIX)}
        if self.root is not None and check_real(self.root, TEMPLATE_FOLDER) is None:
            with contextlib.suppress(OSError), os.scandir(self.root / TEMPLATE_FOLDER) as own:
                found.update(entry.name for entry in own if entry.name.endswith(TEMPLATE_SUFFIX)
                             and entry.is_file(follow_symlinks=False))
        return sorted(found)


def _repository_template(root: Path, name: str) -> bytes | None:
    """The bytes of the repository's template `name`; None when it has none of that name."""
    try:
        return read_real(root, name, MAX_FILE_BYTES)
    except FileNotFoundError:
        return None
    except ValueError:
        # A name holding NUL, from an include or import of a template.
        raise TemplateProblem(f"{name}: no file can have this name") from None
    except NotReal as refused:
        raise TemplateProblem(f"{refused.name}:1:1: {refused.message}") from None
    except TooLarge as large:
        raise TemplateProblem(f"{name}: the template is {large.size:,} bytes; a template may "
                              f"be at most {MAX_FILE_BYTES:,} bytes") from None
    except OSError as exc:
        raise TemplateProblem(f"{name}: cannot read the template: {exc.strerror or exc}"
                              ) from None


def _read(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateProblem(f"{name}: the template is not UTF-8 text (byte "
                              f"{exc.start})") from None


#: How every report environment reads and writes templates.
_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined, "autoescape": False, "finalize": _printed,
    "trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True,
    "auto_reload": False,
}


class PackagedCode(jinja2.FileSystemBytecodeCache):
    """eta's own templates compiled, kept beside them as Python keeps a module's bytecode
    (`__pycache__`), so that a run compiles only a template it finds no code of (all of them
    took `eta report all` 0.2 s). Code is taken only for the same template text and the same
    build of eta, whose options and code generator it was compiled with: Jinja compares a hash
    of both with the one kept. Where the folder cannot be written, each run compiles; a file
there that cannot be read is compiled again."""

    def __init__(self, folder: Path, build: str) -> None:
        super().__init__(str(folder))
        self.build = build

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(f"{self.build}\n{source}")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        # A file damaged on disk (cut short, overwritten) is code to compile again, as a
        # missing one is, and the compiled code then replaces it.
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def packaged_code() -> PackagedCode | None:
    """Where eta's own templates keep their code: the `__pycache__` of the packaged templates
    folder, when they are files in a folder (not inside a zip). Code there that eta may not
    replace is still used while it holds."""
    from eta.user_cache import build_stamp

    packaged = resources.files("eta") / "templates"
    if not isinstance(packaged, Path):
        return None
    folder = packaged / "__pycache__"
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
    if not folder.is_dir():
        return None
    return PackagedCode(folder, build_stamp())


def environment(root: Path | None) -> jinja2.Environment:
    """The environment for the repository at `root` (None: eta's own templates only): the
    sandbox when the repository has a template of its own, else eta's own templates in a
    plain environment that reads no template of the repository's, with their compiled code
    kept (`PackagedCode`). A repository's templates are compiled at each run: their code
    has no place among eta's."""
    if root is None or not has_own_templates(root):
        env = _DataEnvironment(loader=ReportLoader(None), bytecode_cache=packaged_code(),
                               **_OPTIONS)
        env.filters.update(FILTERS)
        return env
    return sandboxed(root)


def sandboxed(root: Path | None) -> ReportEnvironment:
    """The sandbox, for the templates of the repository at `root` and eta's own."""
    env = ReportEnvironment(loader=ReportLoader(root), **_OPTIONS)
    env.filters.update(FILTERS)
    env.filters = {name: _bounded_filter(env, name, function)
                   for name, function in env.filters.items()}
    return env


def has_own_templates(root: Path) -> bool:
    """Whether the repository at `root` may hold a template of its own: `templates/` is
    there but is no plain folder, or holds an entry named as a template (a file, a link or
    anything else)."""
    folder = root / TEMPLATE_FOLDER
    if not os.path.lexists(folder):
        return False
    if check_real(root, TEMPLATE_FOLDER) is not None or not folder.is_dir():
        return True
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(TEMPLATE_SUFFIX) for entry in entries)
    except OSError:
        return True


def template_findings(root: Path, name: str) -> list[Diagnostic]:
    """What `eta check` finds in the repository's template `name` (below `templates/`),
    without rendering it: a name eta makes no report from, text that is not a template eta
    can compile, and an include, import or extends of a template that exists nowhere. What
    a template does with the records shows only when a report is made."""
    env = sandboxed(root)
    loader = env.loader
    assert isinstance(loader, ReportLoader)
    own_name = name.removeprefix(TEMPLATE_FOLDER + "/")
    known = sorted(entry.name for entry in loader.packaged.iterdir()
                   if entry.name.endswith(TEMPLATE_SUFFIX))
    found = []
    # A partial (`_name`) of the repository's own is used where a template includes it.
    if own_name not in known and not own_name.startswith("_"):
        found.append(warning(
            name, 1, 1, TEMPLATE_UNKNOWN.code,
            f"eta makes no report from a template named `{own_name}`; it is used only where "
            "another template includes it",
            did_you_mean(own_name, known) or "templates/README.md lists the templates"))
    try:
        data = read_real(root, name, MAX_FILE_BYTES)
    except NotReal as refused:
        return [error(name, 1, 1, refused.code, refused.message, refused.hint)]
    except TooLarge as large:
        return [error(name, 1, 1, FILE_TOO_LARGE.code, f"the template is {large.size:,} "
                      f"bytes; a template may be at most {MAX_FILE_BYTES:,} bytes")]
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [*found, error(name, 1, 1, FILE_ENCODING.code, f"the template is not UTF-8 "
                              f"text: byte 0x{data[exc.start]:02x} cannot be decoded")]
    try:
        tree = env.parse(source, own_name, name)
        env.compile(tree, own_name, name)
    except jinja2.TemplateSyntaxError as exc:
        return [*found, error(name, exc.lineno or 1, 1, TEMPLATE_SYNTAX.code, exc.message or
                              "not a valid template")]
    except (TemplateLimitExceeded, SecurityError) as exc:
        return [*found, error(name, 1, 1, TEMPLATE_SYNTAX.code, str(exc))]
    except RecursionError:
        return [*found, error(name, 1, 1, TEMPLATE_SYNTAX.code, "the template nests "
                              "expressions or blocks too deeply to be compiled")]
    except (SyntaxError, ValueError) as exc:
        # Python's own limits on the code Jinja writes: blocks nested too deeply.
        reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        return [*found, error(name, 1, 1, TEMPLATE_SYNTAX.code,
                              f"the template cannot be compiled: {reason}")]
    for target, line in _referenced(tree):
        try:
            loader.get_source(env, target)
        except jinja2.TemplateNotFound:
            found.append(error(
                name, line, 1, TEMPLATE_SYNTAX.code,
                f"`{target}` is neither in {TEMPLATE_FOLDER}/ nor among eta's own templates",
                did_you_mean(target, known)))
            continue
        except TemplateProblem as problem:
            found.append(error(name, line, 1, TEMPLATE_SYNTAX.code,
                               f"`{target}` cannot be used: {problem}"))
            continue
        path = _path_back(env, target, own_name)
        if path is not None:
            found.append(error(
                name, line, 1, TEMPLATE_SYNTAX.code,
                f"`{own_name}` includes itself: {' -> '.join([own_name, *path])}; it could "
                "never be rendered"))
    return found


def _referenced(tree: jinja2.nodes.Template) -> Iterator[tuple[str, int]]:
    """The templates `tree` includes, imports or extends by a fixed name, with their lines:
    a name made at render time, or an include that may be missing, cannot be followed."""
    for node in tree.find_all((jinja2.nodes.Extends, jinja2.nodes.Include,
                               jinja2.nodes.Import, jinja2.nodes.FromImport)):
        target = getattr(getattr(node, "template", None), "value", None)
        if isinstance(target, str) and not getattr(node, "ignore_missing", False):
            yield target, node.lineno


def _path_back(env: ReportEnvironment, start: str, home: str) -> list[str] | None:
    """The templates from `start` on by which it comes back to `home`, if it does."""
    loader = env.loader
    assert isinstance(loader, ReportLoader)
    paths = {start: [start]}
    pending = [start]
    while pending:
        current = pending.pop()
        if current == home:
            return paths[current]
        try:
            tree = env.parse(loader.get_source(env, current)[0], current)
        except (jinja2.TemplateError, TemplateProblem):
            continue  # found and named where that template itself is checked
        for target, _ in _referenced(tree):
            if target not in paths:
                paths[target] = [*paths[current], target]
                pending.append(target)
    return None


def render(env: jinja2.Environment, template_name: str, context: dict[str, Any]) -> str:
    """The template filled in with `context`, tidied: one blank line at most between blocks,
    one newline at the end. Every error names the template and line where it happened."""
    loader = env.loader
    assert isinstance(loader, ReportLoader)
    try:
        template = env.get_template(template_name)
        if isinstance(env, ReportEnvironment):
            with _limited(env):
                text = _collected(env, template.generate(context), template_name)
        else:  # eta's own templates: no piece of them needs watching
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


def _collected(env: jinja2.Environment, pieces: Iterator[str], template_name: str) -> str:
    """The pieces a template yields, joined, as long as they stay below `MAX_OUTPUT`."""
    collected: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT:
            _stopped(env, pieces, template_name, "the report would be longer than "
                     f"{MAX_OUTPUT:,} characters")
        if not piece.isascii() and (surrogate := _SURROGATE.search(piece)) is not None:
            # Text in a file is UTF-8, which has no code for half of a surrogate pair
            # (a template makes one with an escape, "\ud800").
            _stopped(env, pieces, template_name, "the report would hold "
                     f"U+{ord(surrogate[0]):04X}, half of a surrogate pair, which no "
                     "text file can hold")
        collected.append(piece)
    return "".join(collected)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _stopped(env: jinja2.Environment, pieces: Iterator[str], template_name: str,
             problem: str) -> NoReturn:
    """End the render that yields `pieces`, for `problem` at the line it stopped at."""
    where = _suspended_at(env, pieces) or template_name
    with contextlib.suppress(Exception):
        pieces.close()  # type: ignore[attr-defined]
    raise TemplateProblem(f"{where}: {problem}")


def _suspended_at(env: jinja2.Environment, generator: object) -> str | None:
    """`file:line` of the template where a render stopped to yield its output."""
    frame = None
    while generator is not None:
        frame = getattr(generator, "gi_frame", None) or frame
        generator = getattr(generator, "gi_yieldfrom", None)
    if frame is None or env.cache is None:
        return None
    for template in env.cache.values():
        if template.filename == frame.f_code.co_filename:
            return f"{template.filename}:{template.get_corresponding_lineno(frame.f_lineno)}"
    return None


class _OutOfTime(TemplateLimitExceeded):
    def __init__(self) -> None:
        super().__init__(f"the report took more than {TIME_LIMIT:g} seconds of processor "
                         "time to render")


def _is_sequence(value: Any) -> bool:
    """Jinja's `is sequence`, which catches only what `len` and `[]` raise for a value that
    is none: Jinja's own catches every exception, the end of the render's time too."""
    try:
        len(value)
        value.__getitem__  # noqa: B018
    except (TypeError, AttributeError):
        return False
    return True


@contextlib.contextmanager
def _limited(env: ReportEnvironment) -> Iterator[None]:
    """A render within `MAX_LOOP_WORK`, `TIME_LIMIT` and `MEMORY_LIMIT`. The time and the
    memory are limited where the platform lets a process do so: time in the main thread
    (a profiling timer), memory where the address space can be limited (POSIX)."""
    env.loop_work = 0
    env.sizes = _Sizes()
    env.out_of_time = False
    with contextlib.ExitStack() as limits:
        if threading.current_thread() is threading.main_thread() and hasattr(signal,
                                                                                "setitimer"):
            limits.enter_context(_time_limit(env, TIME_LIMIT))
        limits.enter_context(_memory_limit(MEMORY_LIMIT))
        yield
        if env.out_of_time:
            # The template caught what the timer raised, and ended before a loop step.
            raise _OutOfTime()


@contextlib.contextmanager
def _time_limit(env: ReportEnvironment, seconds: float) -> Iterator[None]:
    def out_of_time(signum: int, frame: object) -> None:
        env.out_of_time = True
        raise _OutOfTime()

    # Processor time, not the clock's: a busy machine (CI) does not fail a sound template.
    previous = signal.signal(signal.SIGPROF, out_of_time)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextlib.contextmanager
def _memory_limit(extra: int) -> Iterator[None]:
    """The address space limited to what the process has now and `extra` bytes: a template
    that builds huge values meets a MemoryError, not the machine's end."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = in_use + extra
        if soft != resource.RLIM_INFINITY and soft <= wanted:
            yield
            return
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ImportError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _describe(exc: Exception) -> str:
    if isinstance(exc, TemplateLimitExceeded):
        return f"too much work: {exc}"
    if isinstance(exc, MemoryError):
        return (f"too much work: the report needs more than {MEMORY_LIMIT >> 20:,} MiB "
                "of memory")
    if isinstance(exc, RecursionError):
        return "too much work: macros or loops call themselves too deeply"
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
