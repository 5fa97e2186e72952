"""The cache of `eta check`: the findings of each unit of records, by the units' contents.

A unit's findings depend on its files' contents, on the agreements, on the day (deadlines)
and on eta itself. The cache as a whole is valid for one version of eta, one day and one
set of agreements (its salt); within it, a unit's findings are used only while the content
ids of its files are those they were found for, so a hit can never be stale. A file's
content id is a hash of its bytes; it is read again only when the file's size, times, inode
or mode changed, or when it changed so close to the cache's last write that the times
cannot tell (as git's index does).

The cache lives in the user's cache folder, never in the repository: records come from
pull requests, and so could a cache planted there. It is written with `marshal`, which
reads plain data only and is the fastest to load.
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
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from eta import __version__
from eta.checks import Entry, UnitResult
from eta.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from eta.load import Reference

FORMAT = 3
#: Changes newer than this, measured from the cache's last write, are always re-read.
RACY_SECONDS = 2.0
UNREADABLE = "unreadable"


def cache_folder() -> Path:
    configured = os.environ.get("ETA_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eta"


def _stat_key(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)  # noqa: PTH116 - a str path, many times over
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


@functools.cache
def _reference_maker() -> Callable[[Iterable[Any]], Reference]:
    # Imported on first use: a check that is cached whole reads no record module at all.
    from eta.load import Reference

    return Reference._make


class CheckCache:
    def __init__(self, file: Path, salt: str, data: dict[str, Any]) -> None:
        self.file = file
        self.salt = salt
        self.files: dict[str, tuple[tuple[int, ...], str]] = data.get("files", {})
        self.units: dict[str, Any] = data.get("units", {}) if data.get("salt") == salt else {}
        self.whole: Any = data.get("whole") if data.get("salt") == salt else None
        self.written_at: float = data.get("written_at", 0.0)
        self.used: set[str] = set()
        self.dirty = False

    @classmethod
    def open(cls, root: Path, today: dt.date, agreements: list[Path]) -> CheckCache:
        digest = hashlib.blake2b(digest_size=16)
        for path in agreements:
            digest.update(path.name.encode() + b"\0")
            with contextlib.suppress(OSError):
                if path.is_file():  # never a pipe or device, which could block
                    digest.update(path.read_bytes())
            digest.update(b"\0")
        salt = f"{FORMAT}:{__version__}:{today.isoformat()}:{digest.hexdigest()}"
        name = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        file = cache_folder() / f"check-{name}.marshal"
        data: dict[str, Any] = {}
        try:
            loaded = marshal.loads(file.read_bytes())
            if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
                data = loaded
        except (OSError, ValueError, EOFError, TypeError):
            pass
        return cls(file, salt, data)

    def content_id(self, path: str, name: str) -> str:
        stat = _stat_key(path)
        if stat is None or not S_ISREG(stat[4]):
            return UNREADABLE
        known = self.files.get(name)
        racy = stat[1] / 1e9 >= self.written_at - RACY_SECONDS
        if known is not None and known[0] == stat and not racy:
            return known[1]
        try:
            with open(path, "rb") as handle:  # noqa: PTH123 - a str path, many times over
                content = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
        except OSError:
            return UNREADABLE
        self.files[name] = (stat, content)
        self.dirty = True
        return content

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
                [Diagnostic(d[0], d[1], d[2], Severity(d[3]), d[4], d[5], d[6]) for d in raw[1]],
                [Entry(e[0], e[1], e[2], e[3], e[4], tuple(map(reference, e[5])))
                 for e in raw[2]],
            )
        except (TypeError, ValueError, IndexError):
            return None
        self.used.add(unit)
        return result

    def put(self, unit: str, ids: tuple[str, ...], result: UnitResult) -> None:
        self.units[unit] = (
            ids,
            [(d.file, d.line, d.column, str(d.severity), d.code, d.message, d.hint)
             for d in result.diagnostics],
            [(e.kind, e.file, e.id, e.id_line, e.id_column,
              [tuple(r) for r in e.references])
             for e in result.entries],
        )
        self.used.add(unit)
        self.dirty = True

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
            found = [Diagnostic(d[0], d[1], d[2], Severity(d[3]), d[4], d[5], d[6])
                     for d in self.whole[1]]
        except (TypeError, ValueError, IndexError):
            return None
        self.used = set(self.units)
        return found

    def put_whole(self, key: str, diagnostics: list[Diagnostic]) -> None:
        self.whole = (key, [(d.file, d.line, d.column, str(d.severity), d.code, d.message,
                             d.hint) for d in diagnostics])
        self.dirty = True

    def save(self) -> None:
        """Keep the units of this run only; a failure to write loses nothing but speed."""
        if not self.dirty and self.used == set(self.units):
            return
        data = {
            "format": FORMAT,
            "salt": self.salt,
            "written_at": time.time(),
            "files": self.files,
            "units": {unit: self.units[unit] for unit in self.used},
            "whole": self.whole,
        }
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            temporary.write_bytes(marshal.dumps(data))
            temporary.replace(self.file)
