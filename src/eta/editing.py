"""Changing record files the way a careful person would by hand.

An edit loads the file round-trip (ruamel.yaml keeps comments, key order and quoting),
only the parts of it that the change uses (`Outline`), changes it, validates the result
with the same loader and model as `eta check`, and only then writes. A change to several
files is written as one, through the journal: either all files change or, whatever stops
the command, every file keeps its old bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.tokens import CommentToken

from eta.diagnostics import Diagnostic, Severity
from eta.errors import EtaError
from eta.journal import write_together
from eta.models.common import Record, schema_line
from eta.moments import shown_moment
from eta.records.agreements import now_in, repository_zone
from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, check_real, read_real
from eta.records.kinds import RecordKind, kind_for
from eta.records.layout import relative
from eta.records.read import parse_record
from eta.records.validation import field_names
from eta.records.yaml import top_level_keys
from eta.rules.facts import future_fact_diagnostics


class YamlDate(str):
    """A date written as a plain YAML scalar (2026-03-01), not as quoted text."""

    __slots__ = ()


class YamlTimestamp(str):
    """A moment written as a plain YAML scalar (2026-03-01T09:30:00+01:00)."""

    __slots__ = ()


def _represent_plain(representer: RoundTripRepresenter, value: str) -> Any:
    # Tagged as a timestamp, which YAML resolves plain dates and times to, the emitter
    # writes the value plain and without a tag; eta's own loader reads it back as text.
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(value))


#: What ruamel, which writes YAML 1.1, takes for line breaks beyond `\r` and `\n`.
_YAML_1_1_BREAKS = "\x85\u2028\u2029"


def _represent_text(representer: RoundTripRepresenter, value: str) -> Any:
    # In a quoted scalar ruamel indents after each of these, and a YAML 1.2 reader, to whom
    # they are plain characters, keeps the spaces: escaped in double quotes, they read back
    # as they were written.
    style = '"' if any(character in value for character in _YAML_1_1_BREAKS) else None
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.representer.add_representer(str, _represent_text)
    yaml.representer.add_representer(YamlDate, _represent_plain)
    yaml.representer.add_representer(YamlTimestamp, _represent_plain)
    return yaml


def dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def _round_trip(text: str, display: str) -> CommentedMap:
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise EtaError(f"{display} is not valid YAML; run `eta check {display}`: "
                       f"{str(exc).splitlines()[0]}") from None
    if not isinstance(data, CommentedMap):
        raise EtaError(f"{display} holds no record mapping; run `eta check {display}`")
    return data


class Outline:
    """A record's text cut at its top-level keys, each of which is loaded round-trip when
    an edit first uses it.

    ruamel's round trip takes about 10 ms for every kilobyte, so that an edit of a record
    near the size cap would take many seconds for each part it loads. Parts an edit does
    not use stay as their text, and so do the items of a list that is only appended to
    (`RecordKind.append_only`) but its last; the result is validated whole, as every edit
    is.
    """

    def __init__(self, preamble: str, chunks: dict[str, tuple[str, tuple[int, ...] | None]],
                 append_only: frozenset[str]) -> None:
        self._preamble = preamble
        self._chunks = chunks
        self._append_only = append_only
        nonce = secrets.token_hex(8)
        #: What stands for each part in the text ruamel reads, and is put back after.
        self._placeholders = {key: f"eta-unread-{nonce}-{index}"
                              for index, key in enumerate(chunks)}
        #: The items of an append-only list before its last, by what stands for them.
        self._items: dict[str, str] = {}
        self._broken = False

    @classmethod
    def of(cls, text: str, append_only: frozenset[str]) -> Outline | None:
        """The outline of a record in block style; None for anything else, which is
        loaded whole."""
        if "\r" in text or not text.endswith("\n") or _DOCUMENT_MARKER.search(text):
            return None
        keys = top_level_keys(text)
        if keys is None:
            return None
        lines = text.splitlines(keepends=True)
        ends = [key.line for key in keys[1:]] + [len(lines)]
        chunks = {key.name: ("".join(lines[key.line:end]), None if key.items is None else
                             tuple(line - key.line for line in key.items))
                  for key, end in zip(keys, ends, strict=True)}
        return cls("".join(lines[:keys[0].line]), chunks, append_only)

    def data(self) -> CommentedMap:
        skeleton = self._preamble + "".join(
            f"{key}: {self._placeholders[key]}\n" for key in self._chunks)
        data = _yaml().load(skeleton)
        assert isinstance(data, CommentedMap)
        data.__class__ = _Unread
        _outlines[id(data)] = self
        return data

    def unread(self, key: str, value: str) -> bool:
        return self._placeholders.get(key) == value

    def load(self, data: CommentedMap, key: str) -> Any:
        """The value of `key` in full, in place of its placeholder."""
        del self._placeholders[key]
        loaded = _yaml().load(self._text_to_load(key))
        last = key == list(self._chunks)[-1]
        if (not isinstance(loaded, CommentedMap) or list(loaded) != [key]
                or (loaded.ca.end and not last)):
            self._broken = True
            return loaded[key] if isinstance(loaded, CommentedMap) and key in loaded else None
        value = loaded[key]
        OrderedDict.__setitem__(data, key, value)
        if key in loaded.ca.items:
            data.ca.items[key] = loaded.ca.items[key]
        if loaded.ca.end:
            data.ca.end = loaded.ca.end
        return value

    def _text_to_load(self, key: str) -> str:
        chunk, items = self._chunks[key]
        if key not in self._append_only or items is None or len(items) < 2:
            return chunk
        lines = chunk.splitlines(keepends=True)
        stand_in = f"  - eta-unread-items-{secrets.token_hex(8)}\n"
        self._items[stand_in] = "".join(lines[items[0]:items[-1]])
        return "".join([*lines[:items[0]], stand_in, *lines[items[-1]:]])

    def forget(self, data: CommentedMap) -> None:
        data.__class__ = CommentedMap
        _outlines.pop(id(data), None)

    def text(self, data: CommentedMap) -> str | None:
        """The text of the changed record; None when it cannot be put back together."""
        self.forget(data)
        if self._broken:
            return None
        out = dump(data)
        for key, placeholder in self._placeholders.items():
            if key not in data or OrderedDict.__getitem__(data, key) != placeholder:
                continue  # removed or replaced without being read
            line = f"{key}: {placeholder}\n"
            if out.count(line) != 1:
                return None
            out = out.replace(line, self._chunks[key][0])
        for stand_in, items in self._items.items():
            if out.count(stand_in) != 1:
                return None
            out = out.replace(stand_in, items)
        return out


_outlines: dict[int, Outline] = {}
#: A line that starts or ends a YAML document; a record file needs neither.
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.MULTILINE)


class _Unread(CommentedMap):
    """A record's top-level mapping whose values load when they are first read."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        value = CommentedMap.__getitem__(self, key)
        outline = _outlines[id(self)]
        if isinstance(value, str) and outline.unread(key, value):
            return outline.load(self, key)
        return value


class EditRefused(EtaError):
    """The change would leave a record invalid; nothing was written."""

    def __init__(self, file: str, diagnostics: list[Diagnostic]) -> None:
        lines = [f"{d.file}:{d.line}:{d.column}: {d.message}" for d in diagnostics]
        super().__init__(f"the change would make {file} invalid:\n  " + "\n  ".join(lines))
        self.diagnostics = diagnostics


class FutureFactRefused(EditRefused):
    """The change would record as having happened what lies after its moment: the records
    say no, as `eta check` would (`fact.future`), so it exits 1 as a refusal does."""

    exit_code = 1


@dataclass
class Changeset:
    """New contents for several record files, validated, then written together.

    `now` is the present the change is made in (the clock's, unless a command is told
    another): a record it leaves with a fact after it is refused.
    """

    root: Path
    texts: dict[Path, str] = field(default_factory=dict)
    records: dict[Path, Record] = field(default_factory=dict)
    now: dt.datetime | None = None
    #: The record files the change removes.
    removed: set[Path] = field(default_factory=set)

    def edit(self, path: Path, change: Callable[[CommentedMap], None]) -> Record:
        """Apply `change` to the round-trip data of the record at `path`."""
        display = relative(self.root, path)
        if path in self.texts:
            text = self.texts[path]
        else:
            found = self._current(path)
            if found is None:
                raise EtaError(f"{display} does not exist")
            text = found
        appended = frozenset(name for name, _ in self._kind(path).append_only)
        outline = Outline.of(text, appended)
        if outline is not None:
            data = outline.data()
            try:
                change(data)
            except BaseException:
                outline.forget(data)
                raise
            new_text = outline.text(data)
            if new_text is not None:
                return self._stage(path, new_text)
        data = _round_trip(text, display)
        change(data)
        return self._stage(path, dump(data))

    def create(self, path: Path, data: dict[str, Any]) -> Record:
        """A new record file at `path`, starting with its schema line."""
        display = relative(self.root, path)
        if path.exists() or path in self.texts:
            raise EtaError(f"{display} exists already")
        kind = self._kind(path)
        header = schema_line(kind.name, kind.depth) + "\n"
        return self._stage(path, header + dump(data))

    def remove(self, path: Path) -> bool:
        """Remove the record file at `path` with the rest of the change; False when there is
        none. Only a file reached through real folders is removed, and never through a
        link (see `eta.records.files`)."""
        display = relative(self.root, path)
        if path in self.texts:  # pragma: no cover - no command both changes and removes one
            raise EtaError(f"{display} is changed by the same change that removes it")
        refused = check_real(self.root, display)
        if refused is not None:
            raise _refused(refused)
        if not path.is_file():
            return False
        self.removed.add(path)
        return True

    def _kind(self, path: Path) -> RecordKind:
        found = kind_for(Path(relative(self.root, path)).parts)
        if found is None:  # pragma: no cover - commands only write known record paths
            raise EtaError(f"{relative(self.root, path)} is not a record path")
        return found[0]

    def _stage(self, path: Path, text: str) -> Record:
        display = relative(self.root, path)
        found = kind_for(Path(display).parts)
        assert found is not None, display
        kind, fixed = found
        result = parse_record(kind, fixed, text, display)
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        if errors or result.loaded is None:
            raise EditRefused(display, errors)
        now = self.now or now_in(repository_zone(self.root))
        future = future_fact_diagnostics(result.loaded, now, day=f"today ({now.date()})",
                                         moment=f"now ({_shown(now)})")
        if future:
            raise FutureFactRefused(display, future)
        self.texts[path] = text
        self.records[path] = result.loaded.record
        return result.loaded.record

    def _current(self, path: Path) -> str | None:
        """The text of the record file at `path`, read only when it is a real file (see
        `eta.records.files`); None when there is none."""
        display = relative(self.root, path)
        try:
            return read_real(self.root, display, MAX_FILE_BYTES).decode("utf-8")
        except FileNotFoundError:
            return None
        except NotReal as refused:
            raise _refused(refused) from None
        except TooLarge as large:
            raise EtaError(f"{display} is {large.size:,} bytes; a record may be at most "
                           f"{MAX_FILE_BYTES:,} bytes") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise EtaError(f"cannot read {display}: {exc}") from None

    def write(self) -> list[Path]:
        """Write every changed file and remove every removed one, all of it or none
        (eta.journal); nothing is read through a link. Returns the files written."""
        changed = {path: text for path, text in self.texts.items()
                   if self._current(path) != text}
        write_together(self.root, changed, removed=sorted(self.removed))
        return list(changed)


def _refused(refused: NotReal) -> EtaError:
    return EtaError(f"{refused.name}:1:1: {refused.message}; nothing was written")


def _shown(moment: dt.datetime) -> str:
    return shown_moment(moment)


@contextmanager
def changeset(root: Path, now: dt.datetime | None = None) -> Iterator[Changeset]:
    """Stage edits in the block; they are written when it ends without an error."""
    changes = Changeset(root, now=now)
    yield changes
    changes.write()


def commented(value: Any) -> Any:
    """Plain dicts and lists as ruamel's commented containers, which can carry comments."""
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        return CommentedMap((key, commented(item)) for key, item in value.items())
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        return CommentedSeq(commented(item) for item in value)
    return value


def append_item(sequence: CommentedSeq, item: Any) -> None:
    """Append to a list so that the new item lands where a person would type it.

    ruamel keeps a blank line or comment after the last item as part of that item; moved to
    the new last item, it stays between the list and what follows.
    """
    sequence.append(commented(item))
    if len(sequence) >= 2:
        _carry_separator(_trailing_slot(sequence, len(sequence) - 2),
                         _trailing_slot(sequence, len(sequence) - 1))


def remove_item(sequence: CommentedSeq, index: int) -> None:
    """Remove item `index` of a list with the comment lines that stood above it, keeping the
    blank lines and comments that separate the list from what follows.

    ruamel keeps the lines between two items with the item before them: those above the
    removed item go with it, and those below it now follow the item before it.
    """
    below = _take_trailing(*_trailing_slot(sequence, index))
    if index > 0:
        holder, slot = _trailing_slot(sequence, index - 1)
        above = _take_trailing(holder, slot)
        if above is not None:
            own_line, newline, _ = above.value.partition("\n")
            if own_line.strip():
                _put_trailing(holder, slot, CommentToken(own_line + newline, above.start_mark))
    del sequence[index]
    if below is None or index == 0:
        return
    _, newline, rest = below.value.partition("\n")
    if rest:
        holder, slot = _trailing_slot(sequence, index - 1)
        current = _take_trailing(holder, slot)
        start = current.value if current is not None else "\n"
        _put_trailing(holder, slot, CommentToken(start + rest, below.start_mark))


def _carry_separator(old: tuple[Any, Any], new: tuple[Any, Any]) -> None:
    """Blank lines and comment lines that followed `old` now follow `new`, which was put
    after it: they separated `old` from what came next, and still do. A comment on the line
    of `old` itself stays there."""
    holder, slot = old
    token = _take_trailing(holder, slot)
    if token is None:
        return
    own_line, newline, rest = token.value.partition("\n")
    if not rest:
        _put_trailing(holder, slot, token)
        return
    if own_line.strip():
        _put_trailing(holder, slot, CommentToken(own_line + newline, token.start_mark))
    _put_trailing(*new, CommentToken(newline + rest, token.start_mark))


def _take_trailing(holder: CommentedMap | CommentedSeq, key: Any) -> Any:
    entry = holder.ca.items.get(key)
    if not entry:
        return None
    slot = 2 if isinstance(holder, CommentedMap) else 0
    token = entry[slot]
    entry[slot] = None
    if not any(entry):
        del holder.ca.items[key]
    return token


def _put_trailing(holder: CommentedMap | CommentedSeq, key: Any, token: Any) -> None:
    if isinstance(holder, CommentedMap):
        holder.ca.items.setdefault(key, [None, None, None, None])[2] = token
    else:
        holder.ca.items.setdefault(key, [None, None])[0] = token


def _trailing_slot(sequence: CommentedSeq, index: int) -> tuple[Any, Any]:
    """The container and key whose comment follows item `index` of `sequence`."""
    item = sequence[index]
    if isinstance(item, CommentedMap | CommentedSeq) and item:
        return _last_slot(item)
    return sequence, index


def _last_slot(node: CommentedMap | CommentedSeq) -> tuple[Any, Any]:
    key: Any = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value:
        return _last_slot(value)
    return node, key


def child(mapping: CommentedMap, key: str, model: type[BaseModel]) -> CommentedMap:
    """The mapping at `key`, added where the field order of `model` puts it if missing."""
    if not isinstance(mapping.get(key), CommentedMap):
        put(mapping, key, CommentedMap(), model)
    found: CommentedMap = mapping[key]
    return found


def put(mapping: CommentedMap, key: str, value: Any, model: type[BaseModel]) -> None:
    """Set `key` to `value`, or add it where the field order of `model` puts it.

    A mapping given for a key that holds one already updates it in place, so that the
    comments inside it stay.
    """
    if key in mapping:
        old = mapping[key]
        if isinstance(old, CommentedMap) and isinstance(value, dict):
            update(old, value, field_names(model, (key,)))
        else:
            mapping[key] = commented(value)
        return
    _insert(mapping, key, value, field_names(model, ()))


def _insert(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    rank = {name: index for index, name in enumerate(order)}
    position = 0
    for index, existing in enumerate(mapping):
        if rank.get(existing, -1) < rank.get(key, len(order)):
            position = index + 1
    mapping.insert(position, key, commented(value))
    if position > 0:
        _carry_separator(_slot(mapping, list(mapping)[position - 1]), _slot(mapping, key))


def _slot(mapping: CommentedMap, key: str) -> tuple[Any, Any]:
    value = mapping[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value:
        return _last_slot(value)
    return mapping, key


def update(mapping: CommentedMap, values: Mapping[str, Any], order: Sequence[str]) -> None:
    """Make `mapping` hold exactly `values`, changing only what differs."""
    for key in [k for k in mapping if k not in values]:
        keys = list(mapping)
        index = keys.index(key)
        holder, slot = _slot(mapping, key)
        token = _take_trailing(holder, slot)
        del mapping[key]
        if token is not None and index > 0:
            previous_holder, previous_slot = _slot(mapping, keys[index - 1])
            _put_trailing(previous_holder, previous_slot, token)
    for key, value in values.items():
        if key not in mapping:
            _insert(mapping, key, value, order)
        elif mapping[key] != value:
            mapping[key] = commented(value)


def add_item(mapping: CommentedMap, key: str, item: Any, model: type[BaseModel]) -> None:
    """Append `item` to the list at `key`, starting the list (in block style) if needed."""
    current = mapping.get(key)
    if isinstance(current, CommentedSeq) and current:
        append_item(current, item)
    else:
        put(mapping, key, [item], model)
