"""The cache of `eta check`: the findings of each unit of records, by the units' contents.

A unit's findings depend on its files' contents, on the agreements, on the day (deadlines)
and on eta itself. The cache as a whole is valid for one build of eta (its version and the
size and time of each of its files, so that an edited installation never meets the
findings of the code it replaced, and the versions of the libraries and the time zone data
it runs on: `eta.user_cache.build_stamp`), one day and one set of agreements, each file by its
path and content (its salt); within it, a unit's findings are used only while the content
ids of its files are those they were found for, so a hit can never be stale. A file's
content id is a hash of its bytes; it is read again only when the file's size, times,
inode or mode changed, or when it changed so close to the cache's last write that the
times cannot tell (as git's index does).

The cache trusts nothing it did not write itself: it is kept in the user's private cache
folder, sealed with the user's key (`eta.user_cache`), so that content that is not exactly
what eta wrote for that repository is ignored and a forged result cannot turn a failing
check into a passing one; without a private folder eta checks without it. It is written
with `marshal`, which reads plain data only and is the fastest to load, and only read once
its seal is verified.

It is two files: the content ids with the findings of the whole check, and the units. A
check of a repository whose files are all unchanged reads the first alone; the units are
two thirds of the bytes and nearly all of the time to load (0.8 s of 100,000 incidents),
and are read only when some unit must be looked up. Each file holds only what is true by
itself (a unit's findings for its files' content ids, the whole's for all of them), so any
pair of them, written by any two runs, is sound.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import marshal
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eta import __version__
from eta.check.result import Entry, UnitResult
from eta.diagnostics import Diagnostic
from eta.records.agreements import agreements_digest
from eta.user_cache import (
    ContentIds,
    PrivateFolder,
    SealedFiles,
    build_stamp,
    cache_name,
    open_private,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from eta.records.read import Reference

FORMAT = 6


#: What a cache file starts with, before the keyed hash of the rest, and whom it is for.
FILES = SealedFiles(b"eta check cache\0", b"eta-check-cache")

#: The kind in the names of the two files (`eta.user_cache.cache_name`).
CONTENT, UNITS = "check", "check-units"


def seal(key: bytes, name: str, data: dict[str, Any]) -> bytes:
    """`data` as a cache file named `name`: the magic, the keyed hash, the marshalled data."""
    return FILES.seal(key, name, data)


def unseal(key: bytes, name: str, sealed: bytes) -> dict[str, Any] | None:
    """The data of a cache file eta wrote under `key` as `name` (of either kind); None for
    anything else."""
    data = FILES.unseal(key, name, sealed)
    shape = _UNITS_SHAPE if name.startswith(f"{UNITS}-") else _SHAPE
    return data if _is_shaped(data, shape) else None


#: The type of each part of a cache's data; entries within are checked as they are used.
_SHAPE: dict[str, type | tuple[type, ...]] = {
    "format": int, "salt": str, "written_at": float, "files": dict,
    "whole": (tuple, type(None)),
}
_UNITS_SHAPE: dict[str, type | tuple[type, ...]] = {"format": int, "salt": str, "units": dict}


def _is_shaped(data: object, shape: dict[str, type | tuple[type, ...]]) -> bool:
    return (isinstance(data, dict) and data.get("format") == FORMAT and data.keys() == shape.keys()
            and all(isinstance(data[part], kind) for part, kind in shape.items()))


@functools.cache
def _reference_maker() -> Callable[[Iterable[Any]], Reference]:
    # Imported on first use: a check that is cached whole reads no record module at all.
    from eta.records.read import Reference

    return Reference._make


def _outage(raw: Any) -> tuple[str, str, str, str, str | None]:
    party, role, state, start, end = raw
    if not all(type(v) is str for v in (party, role, state, start)) or not (
            end is None or type(end) is str):
        raise TypeError("an outage of the cache is no five strings")
    return party, role, state, start, end


class CheckCache:
    def __init__(self, opened: tuple[PrivateFolder, bytes] | None, names: tuple[str, str],
                 salt: str, data: dict[str, Any],
                 unchanged: Callable[[], bool] = lambda: True) -> None:
        self._opened = opened
        #: Whether the agreements are still those the salt names.
        self._unchanged = unchanged
        self.name, self.units_name = names
        self.salt = salt
        from eta.records.files import MAX_FILE_BYTES

        self.ids = ContentIds(data.get("files", {}), data.get("written_at", 0.0), MAX_FILE_BYTES)
        self.whole: Any = data.get("whole") if data.get("salt") == salt else None
        self._units: dict[str, Any] | None = None
        self.used: set[str] = set()
        self.dirty = False
        self._units_dirty = False

    @classmethod
    def open(cls, root: Path, today: dt.date, agreements: list[Path],
             moment: dt.datetime | None = None) -> CheckCache:
        """The cache of the repository at `root`: empty, and never written, when its folder
        is not private or lies in the repository, or its file is not one eta wrote."""
        judged = moment.isoformat() if moment is not None else today.isoformat()
        digest = agreements_digest(root, agreements)
        salt = f"{FORMAT}:{__version__}:{build_stamp()}:{judged}:{digest}"
        names = cache_name(CONTENT, root, "marshal"), cache_name(UNITS, root, "marshal")
        opened = open_private(root)
        data = FILES.read(opened, names[0])
        return cls(opened, names, salt, data if data is not None and _is_shaped(data, _SHAPE)
                   else {}, lambda: agreements_digest(root, agreements) == digest)

    @property
    def units(self) -> dict[str, Any]:
        """The findings of each unit, by its key: read from their file on first use."""
        if self._units is None:
            data = FILES.read(self._opened, self.units_name)
            self._units = (data["units"] if data is not None and _is_shaped(data, _UNITS_SHAPE)
                           and data["salt"] == self.salt else {})
        return self._units

    def content_id(self, path: str, name: str) -> str:
        return self.ids.of(path, name)

    def content_ids(self, root: Path, names: list[str]) -> tuple[str, ...]:
        """The content ids of the unit of record files `names` (relative to `root`)."""
        prefix = str(root) + os.sep
        return tuple(self.content_id(prefix + name, name) for name in names)

    def get(self, unit: str, ids: tuple[str, ...]) -> UnitResult | None:
        reference = _reference_maker()
        raw = self.units.get(unit)
        try:
            if raw is None or tuple(raw[0]) != ids:
                return None
            result = UnitResult(
                [Diagnostic.of_plain(d) for d in raw[1]],
                [Entry(e[0], e[1], e[2], e[3], e[4], tuple(map(reference, e[5])),
                       tuple(map(_outage, e[6])))
                 for e in raw[2]],
            )
        except (TypeError, ValueError, IndexError):
            return None
        self.used.add(unit)
        return result

    def put(self, unit: str, ids: tuple[str, ...], result: UnitResult) -> None:
        self.units[unit] = (
            ids,
            [d.as_plain() for d in result.diagnostics],
            [(e.kind, e.file, e.id, e.id_line, e.id_column,
              [tuple(r) for r in e.references], [list(o) for o in e.outages])
             for e in result.entries],
        )
        self.used.add(unit)
        self._units_dirty = True

    def whole_key(self, content_ids: dict[str, tuple[str, ...]]) -> str:
        """The key of a whole repository's check: every unit and every file's content."""
        digest = hashlib.blake2b(self.salt.encode(), digest_size=16)
        digest.update(marshal.dumps(sorted(content_ids.items())))
        return digest.hexdigest()

    def get_whole(self, key: str) -> list[Diagnostic] | None:
        """The findings of a whole check whose every file is as it was."""
        if not self.whole or self.whole[0] != key:
            return None
        try:
            return [Diagnostic.of_plain(d) for d in self.whole[1]]
        except (TypeError, ValueError, IndexError):
            return None

    def put_whole(self, key: str, diagnostics: list[Diagnostic]) -> None:
        self.whole = (key, [d.as_plain() for d in diagnostics])
        self.dirty = True

    def save(self, *, every_unit: bool) -> None:
        """Keep the content ids, the whole's findings and the units. A check of `every_unit`
        (the whole repository) keeps only the units it looked up or found: the others are
        of files gone, or of some files of a release checked alone. A check of some paths
        keeps the others as they were, for the next check of everything. A failure to
        write loses nothing but speed."""
        if self._opened is None:
            return
        folder, key = self._opened
        self._opened = None
        try:
            # Agreements changed while the check ran: what it found may rest on either
            # version, and is kept under neither.
            if (self.dirty or self._units_dirty) and not self._unchanged():
                return
            kept = self.used if every_unit else set(self._units or ())
            if self._units is not None and (self._units_dirty or kept != set(self._units)):
                units = {"format": FORMAT, "salt": self.salt,
                         "units": {unit: self._units[unit] for unit in kept}}
                with contextlib.suppress(OSError):
                    folder.write(self.units_name, *FILES.pieces(key, self.units_name, units))
            if self.dirty or self.ids.changed:
                data = {"format": FORMAT, "salt": self.salt, "written_at": time.time(),
                        "files": self.ids.known, "whole": self.whole}
                with contextlib.suppress(OSError):
                    folder.write(self.name, *FILES.pieces(key, self.name, data))
        finally:
            folder.close()
