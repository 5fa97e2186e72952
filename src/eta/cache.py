"""The cache of `eta check`: the findings of each unit of records, by the units' contents.

A unit's findings depend on its files' contents, on the agreements, on the day (deadlines)
and on eta itself; the key covers all four, so a hit can never be stale. A file's content id
is a hash of its bytes; it is read again only when the file's size, times or inode changed,
or when it changed so close to the cache's last write that the times cannot tell (as git's
index does). The cache lives in the user's cache folder, never in the repository: records
come from pull requests, and so could a cache planted there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from stat import S_ISREG
from typing import Any

from eta import __version__
from eta.diagnostics import Diagnostic, Severity
from eta.load import Reference

FORMAT = 2
#: Changes newer than this, measured from the cache's last write, are always re-read.
RACY_SECONDS = 2.0


def cache_folder() -> Path:
    configured = os.environ.get("ETA_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eta"


def _stat_key(path: str) -> list[int] | None:
    try:
        st = os.stat(path)  # noqa: PTH116 - a str path, many times over
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode]


class CheckCache:
    def __init__(self, file: Path, salt: str, data: dict[str, Any]) -> None:
        self.file = file
        self.salt = salt
        self.files: dict[str, list[Any]] = data.get("files", {})
        self.units: dict[str, Any] = data.get("units", {})
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
        file = cache_folder() / f"check-{name}.json"
        data: dict[str, Any] = {}
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
                data = loaded
        except (OSError, ValueError):
            pass
        return cls(file, salt, data)

    def content_id(self, path: str, name: str) -> str:
        stat = _stat_key(path)
        known = self.files.get(name)
        racy = stat is not None and stat[1] / 1e9 >= self.written_at - RACY_SECONDS
        if known is not None and stat is not None and known[0] == stat and not racy:
            return str(known[1])
        if stat is None or not S_ISREG(stat[4]):
            return "unreadable"
        try:
            with open(path, "rb") as handle:  # noqa: PTH123 - a str path, many times over
                content = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
        except OSError:
            return "unreadable"
        if stat is not None:
            self.files[name] = [stat, content]
            self.dirty = True
        return content

    def unit_key(self, root: Path, names: list[str]) -> str:
        """The key of the unit of record files `names` (relative to `root`)."""
        digest = hashlib.blake2b(self.salt.encode(), digest_size=16)
        prefix = str(root) + os.sep
        for name in sorted(names):
            digest.update(f"\0{name}\0{self.content_id(prefix + name, name)}".encode())
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        from eta.checks import Entry, UnitResult

        raw = self.units.get(key)
        if raw is None:
            return None
        self.used.add(key)
        try:
            return UnitResult(
                [Diagnostic(d[0], d[1], d[2], Severity(d[3]), d[4], d[5], d[6]) for d in raw[0]],
                [Entry(e[0], e[1], e[2], e[3], e[4], tuple(Reference(*r) for r in e[5]))
                 for e in raw[1]],
            )
        except (TypeError, ValueError, IndexError):
            return None

    def put(self, key: str, result: Any) -> None:
        self.units[key] = [
            [[d.file, d.line, d.column, str(d.severity), d.code, d.message, d.hint]
             for d in result.diagnostics],
            [[e.kind, e.file, e.id, e.id_line, e.id_column,
              [list(asdict(r).values()) for r in e.references]] for e in result.entries],
        ]
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Keep the units of this run only; a failure to write loses nothing but speed."""
        if not self.dirty and self.used == set(self.units):
            return
        from eta.files import write_atomic

        data = {
            "format": FORMAT,
            "written_at": time.time(),
            "files": self.files,
            "units": {key: self.units[key] for key in self.used},
        }
        with contextlib.suppress(OSError):
            write_atomic(self.file, json.dumps(data, separators=(",", ":")))
