"""The cache of `eta check`: the findings of each unit of records, by the units' contents.

A unit's findings depend on its files' contents, on the agreements, on the day (deadlines)
and on eta itself. The cache as a whole is valid for one build of eta (its version and the
size and time of each of its files, so that an edited installation never meets the
findings of the code it replaced), one day and one set of agreements, each file by its
path and content (its salt); within it, a unit's findings are used only while the content
ids of its files are those they were found for, so a hit can never be stale. A file's
content id is a hash of its bytes; it is read again only when the file's size, times,
inode or mode changed, or when it changed so close to the cache's last write that the
times cannot tell (as git's index does).

The cache is only an accelerator, and trusts nothing it did not write itself. It lives in
the user's cache folder, never in the repository: records come from pull requests, and so
could a cache planted there. Its folder is used only when it is a real folder (not a link)
that belongs to the user and that neither group nor others may write, in a path that no one
else can change either (as ssh's StrictModes); otherwise eta checks without it. Every file
in it is opened relative to the folder and without following links, and written to a new
temporary file that is renamed into place, so a link planted there is replaced, never
followed. Each cache file carries a keyed hash (BLAKE2b) of its content and name under a
random key that only the user can read (`key`, mode 0600, in the same folder): content
that is not exactly what eta wrote for that repository is ignored, so a forged result
cannot turn a failing check into a passing one. It is written with `marshal`, which reads
plain data only and is the fastest to load, and only read once its hash is verified.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import marshal
import os
import secrets
import stat
import time
from pathlib import Path
from stat import S_IFMT, S_ISREG
from typing import TYPE_CHECKING, Any

from eta import __version__
from eta.check.result import Entry, UnitResult
from eta.diagnostics import Diagnostic, Severity
from eta.records.layout import relative

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from eta.records.read import Reference

FORMAT = 5
#: Changes newer than this, measured from the cache's last write, are always re-read.
RACY_SECONDS = 2.0
UNREADABLE = "unreadable"


#: What a cache file starts with, before the keyed hash of the rest.
MAGIC = b"eta check cache\0"
TAG_SIZE = 32
KEY_NAME = "key"
KEY_SIZE = 32
#: Groups and others may not write the folder, nor any folder above it (unless sticky).
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def cache_folder() -> Path:
    configured = os.environ.get("ETA_CACHE_DIR")
    if configured:
        return Path(configured).absolute()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).absolute() / "eta"


class PrivateFolder:
    """The cache folder, open, once it is known that no one but the user can change it.

    Every file in it is reached through the folder's descriptor, without following links,
    so that nothing renamed or linked in after the check can redirect a read or a write.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def open(cls, folder: Path) -> PrivateFolder | None:
        """The folder, made (mode 0700) when it is missing; None when it is not private."""
        try:
            with contextlib.suppress(FileExistsError):
                folder.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(folder, 0o700)  # noqa: PTH102 - the mode matters, and no parents
            # Reached by its real path, so that no link on the way can be swapped later.
            real = Path(os.path.realpath(folder.parent)) / folder.name
            if not _path_is_private(real.parent):
                return None
            fd = os.open(real, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError:
            return None
        if not _owned_and_private(os.fstat(fd)):
            os.close(fd)
            return None
        return cls(fd)

    def close(self) -> None:
        os.close(self.fd)

    def read(self, name: str) -> bytes | None:
        """The file's bytes when it is a regular file of the user's own, else None."""
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW, dir_fd=self.fd)
        except OSError:
            return None
        try:
            status = os.fstat(fd)
            if not S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
                return None
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return handle.read()
        except OSError:
            return None
        finally:
            os.close(fd)

    def write(self, name: str, data: bytes) -> None:
        """Write a new temporary file (mode 0600) and rename it over `name`: a link there is
        replaced, never followed."""
        temporary = f".{name}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=self.fd)  # one left by a killed run of this pid
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                     dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
        finally:
            os.close(fd)
        try:
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def key(self) -> bytes | None:
        """The user's secret key for this folder, made on first use; None when the file
        there is not one eta made (a link, someone else's, readable by others)."""
        for _ in range(2):
            key = self._read_key()
            if key is not None or self._exists(KEY_NAME):
                return key
            self._make_key()
        return None

    def _read_key(self) -> bytes | None:
        try:
            fd = os.open(KEY_NAME, os.O_RDONLY | _NOFOLLOW, dir_fd=self.fd)
        except OSError:
            return None
        try:
            status = os.fstat(fd)
            if (not S_ISREG(status.st_mode) or status.st_mode & 0o077
                    or status.st_uid != os.geteuid() or status.st_size != KEY_SIZE):
                return None
            key = os.read(fd, KEY_SIZE + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return key if len(key) == KEY_SIZE else None

    def _exists(self, name: str) -> bool:
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        except OSError:
            return True
        return True

    def _make_key(self) -> None:
        # Written whole under a temporary name and then linked into place, so that two runs
        # making a key at once agree on one, and no run reads half a key.
        temporary = f".{KEY_NAME}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=self.fd)
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                         dir_fd=self.fd)
            try:
                os.write(fd, secrets.token_bytes(KEY_SIZE))
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, KEY_NAME, src_dir_fd=self.fd, dst_dir_fd=self.fd,
                        follow_symlinks=False)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)


def _owned_and_private(status: os.stat_result) -> bool:
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.geteuid()
            and not status.st_mode & _WRITABLE_BY_OTHERS)


def _path_is_private(folder: Path) -> bool:
    """No one but the user (or root) can rename or replace anything on the way to `folder`:
    each existing folder on it is the user's or root's, and writable by no one else unless
    it is sticky (as /tmp is, where only an entry's owner may rename it)."""
    for ancestor in (folder, *folder.parents):
        try:
            status = ancestor.stat()
        except OSError:
            return False
        if status.st_uid not in (0, os.geteuid()):
            return False
        if status.st_mode & _WRITABLE_BY_OTHERS and not status.st_mode & stat.S_ISVTX:
            return False
    return True


def _tag(key: bytes, name: str, body: bytes) -> bytes:
    digest = hashlib.blake2b(key=key, digest_size=TAG_SIZE, person=b"eta-check-cache")
    digest.update(name.encode() + b"\0")
    digest.update(body)
    return digest.digest()


def seal(key: bytes, name: str, data: dict[str, Any]) -> bytes:
    """`data` as a cache file named `name`: the magic, the keyed hash, the marshalled data."""
    body = marshal.dumps(data)
    return MAGIC + _tag(key, name, body) + body


def unseal(key: bytes, name: str, sealed: bytes) -> dict[str, Any] | None:
    """The data of a cache file eta wrote under `key` as `name`; None for anything else."""
    if not sealed.startswith(MAGIC):
        return None
    tag, body = sealed[len(MAGIC):len(MAGIC) + TAG_SIZE], sealed[len(MAGIC) + TAG_SIZE:]
    if not hmac.compare_digest(tag, _tag(key, name, body)):
        return None
    try:
        data = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return data if _is_shaped(data) else None


#: The type of each part of a cache's data; entries within are checked as they are used.
_SHAPE: dict[str, type | tuple[type, ...]] = {
    "format": int, "salt": str, "written_at": float, "files": dict, "units": dict,
    "whole": (tuple, type(None)),
}


def _is_shaped(data: object) -> bool:
    return (isinstance(data, dict) and data.get("format") == FORMAT and data.keys() == _SHAPE.keys()
            and all(isinstance(data[part], kind) for part, kind in _SHAPE.items()))


def _stat_key(path: str) -> tuple[int, ...] | None:
    try:
        st = os.lstat(path)  # a link is refused, never followed
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


def _agreements_digest(root: Path, agreements: list[Path]) -> str:
    """A hash of which agreement files there are, where (their paths from the root: a file
    moved to another folder means something else) and what each holds."""
    files = []
    for path in agreements:
        files.append((relative(root, path),
                      hashlib.blake2b(_agreement_content(root, path), digest_size=16).digest()))
    return hashlib.blake2b(marshal.dumps(files), digest_size=16).hexdigest()


def _agreement_content(root: Path, path: Path) -> bytes:
    """The bytes of an agreement, read as the loader reads it; for one it refuses, what it
    is instead."""
    from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, read_real

    try:
        return read_real(root, path.relative_to(root).as_posix(), MAX_FILE_BYTES)
    except NotReal as refused:
        return f"{UNREADABLE}:{refused.name}:{refused.code}:{refused.what}".encode()
    except (TooLarge, OSError, ValueError) as exc:
        return f"{UNREADABLE}:{type(exc).__name__}".encode()


def _build_stamp() -> str:
    """The build of eta that runs: a digest of the path, size and modification time of each
    of its files (modules, templates, schemas), which every install, upgrade or edit of its
    code changes."""
    digest = hashlib.blake2b(digest_size=12)
    for folder, subfolders, names in os.walk(Path(__file__).resolve().parent.parent):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            status = Path(folder, name).stat()
            digest.update(f"{folder}/{name}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


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
    def __init__(self, folder: PrivateFolder | None, key: bytes | None, name: str, salt: str,
                 data: dict[str, Any]) -> None:
        self.folder = folder
        self.key = key
        self.name = name
        self.salt = salt
        self.files: dict[str, tuple[tuple[int, ...], str]] = data.get("files", {})
        self.units: dict[str, Any] = data.get("units", {}) if data.get("salt") == salt else {}
        self.whole: Any = data.get("whole") if data.get("salt") == salt else None
        self.written_at: float = data.get("written_at", 0.0)
        self.used: set[str] = set()
        self.dirty = False

    @classmethod
    def open(cls, root: Path, today: dt.date, agreements: list[Path],
             moment: dt.datetime | None = None) -> CheckCache:
        """The cache of the repository at `root`: empty, and never written, when its folder
        is not private or lies in the repository, or its file is not one eta wrote."""
        judged = moment.isoformat() if moment is not None else today.isoformat()
        salt = (f"{FORMAT}:{__version__}:{_build_stamp()}:{judged}:"
                f"{_agreements_digest(root, agreements)}")
        name = "check-" + hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        name += ".marshal"
        location = cache_folder()
        # Whatever is in the repository may come from a pull request: a key and a cache
        # planted there with it would be believed.
        inside = Path(os.path.realpath(location)).is_relative_to(os.path.realpath(root))
        folder = None if inside else PrivateFolder.open(location)
        key = folder.key() if folder is not None else None
        data: dict[str, Any] = {}
        if folder is not None and key is not None:
            sealed = folder.read(name)
            data = (unseal(key, name, sealed) if sealed is not None else None) or {}
        return cls(folder, key, name, salt, data)

    def content_id(self, path: str, name: str) -> str:
        stat = _stat_key(path)
        if stat is None:
            return UNREADABLE
        if not S_ISREG(stat[4]):
            # A link or special file is refused by its kind, which is all its findings say.
            return f"{UNREADABLE}:{S_IFMT(stat[4])}"
        known = self.files.get(name)
        racy = stat[1] / 1e9 >= self.written_at - RACY_SECONDS
        if (type(known) is tuple and len(known) == 2 and known[0] == stat
                and type(known[1]) is str and not racy):
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
            [(d.file, d.line, d.column, str(d.severity), d.code, d.message, d.hint)
             for d in result.diagnostics],
            [(e.kind, e.file, e.id, e.id_line, e.id_column,
              [tuple(r) for r in e.references], [list(o) for o in e.outages])
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
        if self.folder is None or self.key is None:
            return
        try:
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
                self.folder.write(self.name, seal(self.key, self.name, data))
        finally:
            self.folder.close()
            self.folder = None
