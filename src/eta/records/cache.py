"""The records of earlier runs, read and validated, by the contents of their files: a command
that reads many records (the agenda, the overview, `eta incident list`, the reports) parses
again only the record files that changed since.

What a record file gives (its record, its references, its findings) depends on nothing but
its bytes, its path and eta itself. So an entry is used only for the same path and the same
content id (`eta.user_cache.ContentIds`: a hash of the bytes it was read from), and the cache
as a whole only for the build of eta that wrote it: a hit can never be stale. The node tree
that locates each value is not kept, as it is not by the forked workers of a large run: the
commands that read through this cache locate nothing in a record they show.

The cache is plain data, written with `marshal`: of a record, the JSON text of its model,
which its model validates again when it is read back (in pydantic's own code, faster than
unpickling, and nothing in the cache is ever run). The file is read only once its seal
under the user's key is verified (`eta.user_cache`). A file that is not a regular file (a
link, a special file) is never served from the cache: it is read, and refused, as it
always is.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self

from eta import __version__
from eta.parallel import collection_paused
from eta.records.files import MAX_FILE_BYTES, check_real
from eta.records.snapshot import taken
from eta.user_cache import (
    ContentIds,
    PrivateFolder,
    SealedFiles,
    build_stamp,
    cache_name,
    open_private,
)

FORMAT = 2
FILES = SealedFiles(b"eta record cache\0", b"eta-record-cache")


class ContentCache:
    """What each file of one repository gave when it was last read, by its name (relative
    to the repository) and the content id of the bytes it was read from: a record, or what
    a view works out from one (`eta.incidents.listing`)."""

    def __init__(self, root: Path, opened: tuple[PrivateFolder, bytes] | None, name: str,
                 files: SealedFiles, salt: str, data: dict[str, Any]) -> None:
        self.root = root
        self._opened = opened
        self._name = name
        self._files = files
        self._salt = salt
        self.ids = ContentIds(data.get("files"), data.get("written_at", 0.0), MAX_FILE_BYTES)
        entries = data.get("entries")
        self._entries: dict[str, tuple[str, object]] = (
            entries if isinstance(entries, dict) else {})
        self._used: set[str] = set()
        self._real_folders: dict[str, bool] = {}
        self._changed = False

    @classmethod
    def opened(cls, root: Path, kind: str, files: SealedFiles, salt: str) -> Self:
        """The cache of `kind` of the repository at `root`: empty, and never written, when
        there is no private cache folder, or its file is not one written with `salt`
        (which names the build of eta, and whatever else its entries depend on)."""
        name = cache_name(kind, root, "marshal")
        opened = open_private(root)
        data = files.read(opened, name)
        if data is None or data.get("salt") != salt:
            data = {}
        return cls(root, opened, name, files, salt, data)

    def get(self, path: Path, name: str) -> object | None:
        """What the record file `name` at `path` gave, as plain data, when it held what it
        holds now."""
        entry = self._entries.get(name)
        if type(entry) is not tuple or len(entry) != 2:
            return None  # none, so not worth hashing the file for
        if not self._through_real_folders(name) or entry[0] != self.ids.of(str(path), name):
            return None
        self._used.add(name)
        return entry[1]

    def _through_real_folders(self, name: str) -> bool:
        """Whether every folder on the way to `name` is a real one: the content id is taken
        by the file's path, which a linked folder on the way would lead elsewhere."""
        folder = name.rpartition("/")[0]
        real = self._real_folders.get(folder)
        if real is None:
            real = self._real_folders[folder] = (not folder
                                                  or check_real(self.root, folder) is None)
        return real

    def put(self, name: str, status: tuple[int, ...] | None, content: str,
            found: object) -> None:
        """Keep what the file `name` gave, as plain data, when read as bytes of `content`,
        whose status before the read was `status`."""
        if status is not None:
            self.ids.known[name] = (status, content)
        self._entries[name] = (content, found)
        self._used.add(name)
        self._changed = True

    def made_from(self, name: str) -> tuple[tuple[int, ...] | None, str] | None:
        """The status (where known) and the content id of the bytes that the entry of
        `name` this run used or made was made from: what a cache of what is worked out
        from it is keyed by."""
        entry = self._entries.get(name)
        if name not in self._used or type(entry) is not tuple:
            return None
        known = self.ids.known.get(name)
        return (known[0] if known is not None and known[1] == entry[0] else None), entry[0]

    def used_under(self, prefix: str) -> list[tuple[str, str]]:
        """The names below `prefix` whose entries this run used or made, each with the
        content id of the bytes its entry was made from, by name."""
        return sorted((name, entry[0]) for name in self._used if name.startswith(prefix)
                      and type(entry := self._entries.get(name)) is tuple)

    def save(self) -> None:
        """Keep the entries of this run, and those of other runs whose files are still
        there: the incident list reads no plan, and the overview after it would otherwise
        parse every plan again. Written only when this run read a file anew. A failure to
        write loses nothing but speed."""
        if self._opened is None:
            return
        folder, key = self._opened
        self._opened = None
        try:
            if not (self._changed or self.ids.changed):
                return
            unused = [name for name in self._entries if name not in self._used
                      and os.path.lexists(self.root / name)]
            names = [*self._used, *unused]
            files = {name: self.ids.known[name] for name in self._used
                     if name in self.ids.known}
            files.update(self.ids.settled(unused))
            data = {"salt": self._salt, "written_at": time.time(),
                    "files": files, "entries": {name: self._entries[name] for name in names}}
            with contextlib.suppress(OSError):
                folder.write(self._name, *self._files.pieces(key, self._name, data))
        finally:
            folder.close()


class RecordCache(ContentCache):
    """What each record file gave when it was last read: its record, references and
    findings."""

    @classmethod
    def open(cls, root: Path) -> RecordCache:
        return cls.opened(root, "records", FILES, f"{FORMAT}:{__version__}:{build_stamp()}")


_kept: ContextVar[RecordCache | None] = ContextVar("eta_record_cache", default=None)


def kept_for(root: Path) -> RecordCache | None:
    """The record cache in use for the records of `root`, if one is."""
    store = _kept.get()
    return store if store is not None and store.root == root else None


@contextmanager
def kept(root: Path) -> Iterator[None]:
    """A run's snapshot (`eta.records.snapshot`) in which the records of the repository at
    `root` come from the record cache where their files are unchanged, and go to it where
    they were read. Only a command that changes no record reads through it; it reads many,
    and keeps them to its end, so the garbage collector is off meanwhile
    (`eta.parallel.collection_paused`). The cache is written once the snapshot is let go:
    a large repository's cache file is hundreds of MB, and so are the records the snapshot
    held."""
    with collection_paused():
        if _kept.get() is not None:
            with taken():
                yield
            return
        store = RecordCache.open(root)
        token = _kept.set(store)
        try:
            with taken():
                yield
        finally:
            _kept.reset(token)
            store.save()
