"""Loading one record file: parse, validate against its model, note its references."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from eta.catalogue import (
    FILE_SPECIAL,
    FILE_SYMLINK,
    PATH_UNKNOWN,
    RECORD_NAME_MISMATCH,
    RECORD_SCHEMA_LINE,
    RECORD_TYPE,
)
from eta.diagnostics import Diagnostic, error, warning, with_article
from eta.errors import EtaError
from eta.models.common import Record, schema_line
from eta.parallel import collection_paused
from eta.records.cache import RecordCache, kept_for
from eta.records.kinds import KINDS, RecordKind, kind_for, reference_paths, values_at
from eta.records.layout import relative
from eta.records.snapshot import current, once
from eta.records.validation import dotted, model_diagnostics
from eta.records.yaml import Document, Position, YamlError, load_bytes, load_text, read_file
from eta.user_cache import content_hash, stat_key


class Reference(NamedTuple):
    """An identifier in a record that must name a record of `kind`.

    A named tuple: the cache of `eta check` rebuilds tens of thousands at each run.
    """

    kind: str
    value: str
    line: int
    column: int
    where: str


@dataclass(slots=True)
class Loaded:
    """A record that passed its model, with what the later checks need of its file."""

    kind: RecordKind
    file: str
    record: Record
    references: list[Reference]
    document: Document | None = field(repr=False)

    def position(self, *path: str | int, key: bool = False) -> Position:
        """Where the value at `path` stands; the file's start once the tree is let go."""
        if self.document is None:
            return Position(1, 1)
        return self.document.position(path, key=key)

    @property
    def id(self) -> str | None:
        id_field = self.kind.id_field
        return None if id_field is None else str(getattr(self.record, id_field))


@dataclass(slots=True)
class FileResult:
    loaded: Loaded | None
    diagnostics: list[Diagnostic]


def load_record(root: Path, path: Path, display: str) -> FileResult:
    """Load the record at `path` below `root`; `display` is its name relative to the root.

    Every record any command or rule reads is read here, and only a real file is: a link
    or special file on its way is an error, located at the link, and is never followed.
    Within a run's snapshot (`eta.records.snapshot`) each file is read once.
    """
    if current() is None:
        return _load_record(root, path, display)
    kept = once(_key(root, path, display), lambda: _load_kept(root, path, display))
    return FileResult(kept.loaded, list(kept.diagnostics))


#: From this many files on, a snapshot's records are read in forked workers: below it the
#: pool costs more than it saves.
PARALLEL_FROM = 400


#: How many files a forked worker reads before it sends back what they gave: a worker's
#: share at once would be hundreds of MB on its way to a view that needs one at a time.
READ_CHUNK = 64


def load_records(root: Path, paths: Sequence[Path]) -> list[FileResult]:
    """`load_record` of each of `paths`, in their order.

    Many files (not yet in the run's snapshot) are read in forked workers
    (`eta.parallel`), and come back without their node trees: what a tree locates is in
    the findings already, and sent back it would cost more than the parse it saves. Within
    a snapshot each is kept there, as `load_record` keeps what it reads."""
    names = [relative(root, path) for path in paths]
    if len(paths) < PARALLEL_FROM:
        return [load_record(root, path, name) for path, name in zip(paths, names, strict=True)]
    # Bulk work that makes many objects living to the end: collecting them is wasted work.
    with collection_paused():
        return _load_many(root, paths, names)


def _load_many(root: Path, paths: Sequence[Path], names: list[str]) -> list[FileResult]:
    snapshot = current()
    store = None if snapshot is None else kept_for(root)
    if snapshot is None:
        return [_kept(outcome) for outcome in _read_each(root, list(zip(paths, names,
                                                                        strict=True)), store)]
    unread = [(path, name) for path, name in zip(paths, names, strict=True)
              if not snapshot.holds(_key(root, path, name))]
    for (path, name), outcome in zip(unread, _read_each(root, unread, store), strict=True):
        snapshot.once(_key(root, path, name), partial(_kept, outcome))
    return [load_record(root, path, name) for path, name in zip(paths, names, strict=True)]


def each_record(root: Path, paths: Sequence[Path]) -> Iterator[tuple[str, FileResult]]:
    """Each of `paths` by its name relative to `root`, with what `load_record` gives for it,
    in their order and one at a time: for a view that needs each record once, and need
    not hold them all (100,000 incidents take some 1 GiB as models).

    None is kept in the run's snapshot. The record cache serves and keeps them as for
    `load_records`, and many are read in forked workers, whose results come as they are
    done."""
    names = [relative(root, path) for path in paths]
    wanted = list(zip(paths, names, strict=True))
    with collection_paused():
        for name, outcome in zip(names, _read_each(root, wanted, kept_for(root)),
                                 strict=True):
            yield name, _kept(outcome)


def _read_each(root: Path, wanted: list[tuple[Path, str]], store: RecordCache | None
               ) -> Iterator[FileResult | Exception]:
    """What each wanted file gives, in order, as it is read: from `store` where the file is
    unchanged, else read (in forked workers when there are many) and kept in `store`."""
    from eta.parallel import forked_map

    # Only the cached plain data is looked up ahead, not validated: the models are made
    # one at a time, as they are yielded.
    plains = [None if store is None else store.get(path, name) for path, name in wanted]
    unread = [item for item, plain in zip(wanted, plains, strict=True) if plain is None]

    def read(item: tuple[Path, str]) -> Shipped | Exception:
        try:
            done = _read_record(root, *item)
        except Exception as exc:  # raised again in this process, as load_record would
            return exc
        return Shipped(as_plain(without_tree(done.result)), done.status, done.content)

    fresh = forked_map(read, unread, parallel_from=PARALLEL_FROM, chunksize=READ_CHUNK)
    for (path, name), plain in zip(wanted, plains, strict=True):
        if plain is None:
            outcome = next(fresh)
            yield (outcome if isinstance(outcome, Exception)
                   else outcome.unpacked(store, root, path, name))
            continue
        found = of_plain(plain)
        # An entry no longer of the shape this build writes is read again.
        yield found if found is not None else _read_into(store, root, path, name)


def _key(root: Path, path: Path, display: str) -> tuple[str, str, str, str]:
    return ("record", str(root), str(path), display)


def _kept(outcome: FileResult | Exception) -> FileResult:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


class Read(NamedTuple):
    """What a record file gave, with the status it had before it was read and the content
    id of the bytes read (None when none were: a link, a special file, one too large)."""

    result: FileResult
    status: tuple[int, ...] | None
    content: str | None


class Shipped(NamedTuple):
    """What a forked worker read, sent to the parent: the result as the record cache keeps
    it, the file's status before the read and the content id of the bytes read (None when
    none were).

    The result travels as plain data, and the parent validates its record from the JSON,
    as a warm run does: pickling the models took the workers longer than parsing a tenth
    of the files, and unpickling them took the parent longer than validating the JSON."""

    plain: object
    status: tuple[int, ...] | None
    content: str | None

    def unpacked(self, store: RecordCache | None, root: Path, path: Path, name: str
                 ) -> FileResult:
        """The result, kept in `store` (when there is one) as the file `name`'s."""
        result = of_plain(self.plain)
        if result is None:  # what the JSON of its model cannot carry is read here
            return _read_into(store, root, path, name)
        if store is not None and self.content is not None:
            store.put(name, self.status, self.content, self.plain)
        return result


def as_plain(result: FileResult) -> object:
    """The result as plain data, as the record cache keeps it: of its record, the JSON text
    of its model, which `of_plain` validates again."""
    loaded = result.loaded
    return (None if loaded is None else (
        loaded.kind.name, loaded.file,
        loaded.record.model_dump_json(by_alias=True, exclude_unset=True),
        [tuple(reference) for reference in loaded.references]),
        [diagnostic.as_plain() for diagnostic in result.diagnostics])


def of_plain(plain: object) -> FileResult | None:
    """The result that `as_plain` made `plain` of; None for anything else."""
    try:
        loaded: Any
        diagnostics: Any
        loaded, diagnostics = plain  # type: ignore[misc]
        found = [Diagnostic.of_plain(diagnostic) for diagnostic in diagnostics]
        if loaded is None:
            return FileResult(None, found)
        kind_name, file, text, references = loaded
        kind = _KINDS_BY_NAME[kind_name]
        record = kind.model.model_validate_json(text)
        return FileResult(Loaded(kind, file, record, [_reference(r) for r in references],
                                 None), found)
    except (ValueError, TypeError, KeyError):  # a pydantic ValidationError is a ValueError
        return None


_KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def _reference(plain: object) -> Reference:
    reference = Reference(*plain)  # type: ignore[misc]
    if not (type(reference.kind) is str and type(reference.value) is str
            and type(reference.line) is int and type(reference.column) is int
            and type(reference.where) is str):
        raise TypeError("a reference of a cache is not of the shape eta writes")
    return reference


def without_tree(result: FileResult) -> FileResult:
    """The result without the node tree of its record, which only locates values."""
    if result.loaded is None or result.loaded.document is None:
        return result
    loaded = result.loaded
    return FileResult(Loaded(loaded.kind, loaded.file, loaded.record, loaded.references, None),
                      result.diagnostics)


def _read_into(store: RecordCache | None, root: Path, path: Path, display: str) -> FileResult:
    """`_load_record`, kept in `store` when there is one; and then without its node tree,
    as the store gives back what it keeps: the commands that read through it locate nothing
    in a record, and the trees of a large repository's releases take hundreds of MB."""
    done = _read_record(root, path, display)
    if store is None:
        return done.result
    result = without_tree(done.result)
    if done.content is not None:
        store.put(display, done.status, done.content, as_plain(result))
    return result


def _load_kept(root: Path, path: Path, display: str) -> FileResult:
    """`_load_record`, from and to the record cache where one is kept for `root`."""
    store = kept_for(root)
    if store is None:
        return _load_record(root, path, display)
    found = of_plain(store.get(path, display))
    return found if found is not None else _read_into(store, root, path, display)


def _load_record(root: Path, path: Path, display: str) -> FileResult:
    return _read_record(root, path, display).result


def _read_record(root: Path, path: Path, display: str) -> Read:
    status = stat_key(str(path))
    try:
        raw = read_file(root, relative(root, path), display)
    except YamlError as exc:
        return Read(FileResult(None, [exc.diagnostic]), status, None)
    content = content_hash(raw)
    found = kind_for(Path(display).parts)
    if found is None:
        return Read(FileResult(None, [_unknown_path(display)]), status, content)
    kind, fixed = found
    return Read(parse_record(kind, fixed, raw, display), status, content)


def parse_record(kind: RecordKind, fixed: dict[str, str], source: bytes | str, display: str
                 ) -> FileResult:
    """The record in one file's bytes or text, parsed and validated.

    The garbage collector waits meanwhile: the node tree and the model of a large record
    are hundreds of thousands of objects that all live on, and collecting while they are
    made took half the time of reading a record of 1 MiB."""
    with collection_paused():
        try:
            document = (load_bytes(source, display) if isinstance(source, bytes)
                        else load_text(source, display))
        except YamlError as exc:
            return FileResult(None, [exc.diagnostic])
        return validate_document(kind, fixed, document, display)


def validate_document(
    kind: RecordKind, fixed: dict[str, str], document: Document, display: str
) -> FileResult:
    diagnostics = _schema_line(kind, document, display)
    data = document.data
    if not isinstance(data, dict):
        pos = document.position(())
        diagnostics.append(error(
            display, pos.line, pos.column, RECORD_TYPE.code,
            f"{with_article(kind.title.lower())} record must be a mapping of keys to values, "
            f"not {'a list' if isinstance(data, list) else 'a single value'}",
        ))
        return FileResult(None, diagnostics)
    diagnostics.extend(_path_mismatches(fixed, data, document, display))
    try:
        record = kind.model.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(model_diagnostics(exc, document, kind.model, display))
        return FileResult(None, diagnostics)
    return FileResult(Loaded(kind, display, record, _references(kind, data, document),
                             document), diagnostics)


def _schema_line(kind: RecordKind, document: Document, display: str) -> list[Diagnostic]:
    expected = schema_line(kind.name, kind.depth)
    if document.first_line.rstrip() == expected:
        return []
    found = document.first_line.startswith("# yaml-language-server:")
    message = ("the schema line points elsewhere" if found
               else "the file does not start with its schema line")
    return [error(display, 1, 1, RECORD_SCHEMA_LINE.code, message,
                  f"make the first line: {expected}")]


def _path_mismatches(
    fixed: dict[str, str], data: dict[str, Any], document: Document, display: str
) -> list[Diagnostic]:
    found = []
    for name, expected in fixed.items():
        value = data.get(name)
        if isinstance(value, str) and value != expected:
            pos = document.position((name,))
            found.append(error(
                display, pos.line, pos.column, RECORD_NAME_MISMATCH.code,
                f"`{name}` is `{value}`, but the file's path says `{expected}`",
                f"set `{name}: {expected}`, or move the file to match `{value}`",
            ))
    return found


def _references(kind: RecordKind, data: dict[str, Any], document: Document) -> list[Reference]:
    found = []
    for path, target in reference_paths(kind.model):
        for concrete, value in values_at(data, path):
            pos = document.position(concrete)
            found.append(Reference(target, str(value), pos.line, pos.column, dotted(concrete)))
    return found


def _unknown_path(display: str) -> Diagnostic:
    layouts = ", ".join("/".join(kind.layout) for kind in KINDS)
    if display.endswith(".yml"):
        return warning(display, 1, 1, PATH_UNKNOWN.code,
                       "record files end in .yaml; this file is not checked",
                       f"rename it to {display[:-4]}.yaml")
    return warning(display, 1, 1, PATH_UNKNOWN.code,
                   "not a record eta knows by its path; this file is not checked",
                   f"records live at {layouts}")


def invalid_records(problems: list[Diagnostic]) -> EtaError:
    """The error of a command whose records are not valid, naming the first problems."""
    lines = [f"{d.file}:{d.line}:{d.column}: {d.message}" for d in problems[:10]]
    more = len(problems) - len(lines)
    if more:
        lines.append(f"... and {more} more")
    return EtaError("records this command reads are not valid; fix them first "
                    "(`eta check` shows all):\n  " + "\n  ".join(lines))


#: The codes of a file that is not read at all: a link, or a special file.
REFUSED_CODES = frozenset({FILE_SYMLINK.code, FILE_SPECIAL.code})


def not_loaded(result: FileResult, display: str, what: str) -> EtaError:
    """Why a command cannot use the record at `display`: the link or special file in its
    way, or else a pointer to `eta check`."""
    refused = [d for d in result.diagnostics if d.code in REFUSED_CODES]
    if refused:
        return invalid_records(refused)
    return EtaError(f"{display} is not a valid {what}; run `eta check {display}`")
