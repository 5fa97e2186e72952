"""The user's private cache folder: where it is, opened so that no one else can redirect a
read or a write in it, and its files sealed with a keyed hash, so that eta believes only what
it wrote itself.

A cache is only an accelerator. It lives in the user's cache folder, never in the
repository: records come from pull requests, and so could a cache planted there. The folder
is used only when it is a real folder (not a link) that belongs to the user and that neither
group nor others may write, in a path that no one else can change either (as ssh's
StrictModes). Every file in it is opened relative to the folder and without following links,
and written to a new temporary file that is renamed into place, so a link planted there is
replaced, never followed. Each cache file carries a keyed hash (BLAKE2b) of its content and
name under a random key that only the user can read (`key`, mode 0600, in the same folder).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_IFMT, S_ISREG
from typing import Any

from eta.records.files import left_behind, temporary_name

#: Changes newer than this, measured from a cache's last write, are always read again: the
#: times of a file changed within it cannot tell it from the version the cache holds.
RACY_SECONDS = 2.0
TAG_SIZE = 32
KEY_NAME = "key"
KEY_SIZE = 32
#: The content id of a file that cannot be read as a regular file.
UNREADABLE = "unreadable"
#: Groups and others may not write the folder, nor any folder above it (unless sticky).
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: A pipe planted where a file is expected opens at once, to be refused, not waited on.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
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
        """The folder, made (mode 0700) when it is missing; None when it is not private.
        Nothing is made in a folder that is not private."""
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            # Reached by its real path, so that no link on the way can be swapped later.
            real = Path(os.path.realpath(folder.parent)) / folder.name
            if not _path_is_private(real.parent):
                return None
            with contextlib.suppress(FileExistsError):
                os.mkdir(real, 0o700)  # noqa: PTH102 - the mode matters, and no parents
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
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=self.fd)
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

    def write(self, name: str, *pieces: bytes) -> None:
        """Write `pieces`, one after the other, to a new temporary file (mode 0600) and
        rename it over `name`: a link there is replaced, never followed."""
        temporary = temporary_name(name)
        self._remove_left_behind(name)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                     dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                for piece in pieces:
                    handle.write(piece)
        finally:
            os.close(fd)
        try:
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            raise

    def _remove_left_behind(self, name: str) -> None:
        with contextlib.suppress(OSError), os.scandir(self.fd) as entries:
            left = left_behind((entry.name for entry in entries), {name})
        for temporary in left:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)

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
            fd = os.open(KEY_NAME, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=self.fd)
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


def open_private(root: Path) -> tuple[PrivateFolder, bytes] | None:
    """The private cache folder and the user's key, for the caches of the repository at
    `root`; None when there is none to use."""
    location = cache_folder()
    # Whatever is in the repository may come from a pull request: a key and a cache
    # planted there with it would be believed.
    if Path(os.path.realpath(location)).is_relative_to(os.path.realpath(root)):
        return None
    folder = PrivateFolder.open(location)
    if folder is None:
        return None
    key = folder.key()
    if key is None:
        folder.close()
        return None
    return folder, key


def cache_name(kind: str, root: Path, suffix: str) -> str:
    """The name of the cache of `kind` of the repository at `root`."""
    # As the system names the folder: a path need not be text (it may hold any bytes).
    return f"{kind}-{hashlib.blake2b(os.fsencode(root), digest_size=12).hexdigest()}.{suffix}"


def _tag(key: bytes, person: bytes, name: str, body: bytes | memoryview) -> bytes:
    digest = hashlib.blake2b(key=key, digest_size=TAG_SIZE, person=person)
    digest.update(name.encode() + b"\0")
    digest.update(body)
    return digest.digest()


@dataclass(frozen=True, slots=True)
class SealedFiles:
    """One kind of cache file: what it starts with and whom its seal is for, its data plain
    (`marshal`, which reads plain data only and is the fastest to load)."""

    magic: bytes
    person: bytes

    def seal(self, key: bytes, name: str, data: dict[str, Any]) -> bytes:
        """`data` as the cache file `name`: the magic, the keyed hash, the marshalled data."""
        return b"".join(self.pieces(key, name, data))

    def pieces(self, key: bytes, name: str, data: dict[str, Any]
               ) -> tuple[bytes, bytes, bytes]:
        """The sealed file in the pieces it is written in (`PrivateFolder.write`): joined,
        they would be one more copy of data that is hundreds of MB for a large repository."""
        body = marshal.dumps(data)
        return self.magic, _tag(key, self.person, name, body), body

    def unseal(self, key: bytes, name: str, sealed: bytes) -> dict[str, Any] | None:
        """The data of a cache file eta wrote under `key` as `name`; None for anything
        else. Nothing is read from it before its seal is verified."""
        magic = self.magic
        if not sealed.startswith(magic):
            return None
        # A view, not a copy: the record cache of a large repository is hundreds of MB.
        whole = memoryview(sealed)
        tag, body = whole[len(magic):len(magic) + TAG_SIZE], whole[len(magic) + TAG_SIZE:]
        if not hmac.compare_digest(tag, _tag(key, self.person, name, body)):
            return None
        try:
            data = marshal.loads(body)
        except (ValueError, EOFError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    def read(self, opened: tuple[PrivateFolder, bytes] | None, name: str
             ) -> dict[str, Any] | None:
        """The data of the cache file `name` in the opened folder; None without one."""
        if opened is None:
            return None
        folder, key = opened
        sealed = folder.read(name)
        return None if sealed is None else self.unseal(key, name, sealed)


def stat_key(path: str) -> tuple[int, ...] | None:
    try:
        st = os.lstat(path)  # a link is refused, never followed
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_mode)


#: The libraries what eta keeps rests on besides its own code: the validation of records,
#: YAML, the calendar of holidays that business time skips, and the rules of time zones.
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "yaml12", "holidays", "tzdata")


def build_stamp() -> str:
    """The build of eta that runs, and what it runs on: a digest of the path, size and
    modification time of each of eta's files (modules, templates, schemas), which every
    install, upgrade or edit of its code changes; of the distributions installed where its
    libraries are (their names hold their versions); and of the system's time zone data,
    which Python reads before the tzdata package."""
    digest = hashlib.blake2b(digest_size=12)
    for folder, subfolders, names in os.walk(Path(__file__).resolve().parent):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            status = Path(folder, name).stat()
            digest.update(f"{folder}/{name}:{status.st_size}:{status.st_mtime_ns}\n".encode())
    for site in sorted(_library_folders()):
        with contextlib.suppress(OSError):
            digest.update("\n".join([str(site), *sorted(
                entry.name for entry in site.iterdir()
                if entry.name.endswith(".dist-info"))]).encode())
    import zoneinfo

    for zones in zoneinfo.TZPATH:
        for name in ("tzdata.zi", "+VERSION"):
            with contextlib.suppress(OSError):
                status = Path(zones, name).stat()
                digest.update(f"{zones}/{name}:{status.st_size}:{status.st_mtime_ns}\n"
                              .encode())
    return digest.hexdigest()


def _library_folders() -> set[Path]:
    """The folders the libraries of `LIBRARIES` are installed in, found without importing
    them."""
    import importlib.util

    folders = set()
    for name in LIBRARIES:
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin is not None:
                folders.add(Path(spec.origin).parent.parent)
    return folders


def content_hash(data: bytes) -> str:
    """The content id of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class ContentIds:
    """The content id of each file, by its name: a hash of its bytes, read again only when
    its size, times, inode or mode changed since, or when it changed so close to the
    cache's last write (`written_at`) that its times cannot tell (as git's index does).
    A file larger than `largest` bytes is not read: its id says so."""

    def __init__(self, known: object, written_at: float, largest: int) -> None:
        self.known: dict[str, tuple[tuple[int, ...], str]] = (
            known if isinstance(known, dict) else {})
        self.written_at = written_at
        self.largest = largest
        self.changed = False

    def of(self, path: str, name: str) -> str:
        status = stat_key(path)
        if status is None:
            return UNREADABLE
        if not S_ISREG(status[4]):
            # A link or special file is refused by its kind, which is all eta says of it.
            return f"{UNREADABLE}:{S_IFMT(status[4])}"
        if status[0] > self.largest:
            return f"{UNREADABLE}:large"
        known = self.known.get(name)
        if (type(known) is tuple and len(known) == 2 and known[0] == status
                and type(known[1]) is str and self._before_last_write(status)):
            return known[1]
        data = _read_regular(path, self.largest)
        if data is None:
            return UNREADABLE
        content = content_hash(data)
        self.known[name] = (status, content)
        self.changed = True
        return content

    def settled(self, names: Iterable[str]) -> dict[str, tuple[tuple[int, ...], str]]:
        """The known ids of `names` that a later write of the cache may keep without reading
        their files again: those whose times lie before the racy window of the last write.
        A file changed within it may change again with the same times, which a later
        `written_at` would no longer make suspect; it is read again instead (as git does
        with the racily clean entries of its index)."""
        settled = {}
        for name in names:
            known = self.known.get(name)
            if (type(known) is tuple and len(known) == 2 and type(known[0]) is tuple
                    and len(known[0]) == 5 and self._before_last_write(known[0])):
                settled[name] = known
        return settled

    def _before_last_write(self, status: tuple[int, ...]) -> bool:
        """Whether a file of `status` last changed well before the cache was last written,
        so that its times tell any later change. The change time too: an edit that sets the
        modification time back still moves it."""
        return max(status[1], status[2]) / 1e9 < self.written_at - RACY_SECONDS


def _read_regular(path: str, largest: int) -> bytes | None:
    """The bytes of the regular file at `path`, when it is one of at most `largest` bytes:
    never through a link in its place, and never waiting on a pipe put there."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    try:
        if not S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(largest + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= largest else None
