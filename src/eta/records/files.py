"""The repository's files: read and written only when real, and never half written.

Every record and template may come from a pull request, so a file inside the repository is
read or written only when it, and every folder on its way from the repository root, is real:
no symbolic link, FIFO, device or socket. Each folder is opened below the one before without
following a link (`O_NOFOLLOW`), so no link is ever followed, whatever it points at, and
nothing outside the repository is read; the last step is opened without waiting for a
writer (`O_NONBLOCK`) and must then be a regular file. At most the size cap and one byte
more is read. The root itself may be reached through a link (`/tmp` on macOS is one): only
what lies inside it counts.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Container, Iterable, Iterator
from pathlib import Path

from eta.catalogue import FILE_SPECIAL, FILE_SUBMODULE, FILE_SYMLINK
from eta.errors import EtaError

#: The largest record or template eta reads.
MAX_FILE_BYTES = 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# A FIFO is refused as a folder before it could be waited on; O_NONBLOCK makes sure.
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _NONBLOCK | _CLOEXEC
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC

_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class NotReal(Exception):
    """A path inside the repository that eta neither reads nor writes through.

    `name` is the refused step itself (relative to the root): the link or special file, which
    may be a folder on the way to the file that was asked for.
    """

    def __init__(self, name: str, code: str, what: str) -> None:
        super().__init__(name, code, what)
        self.name = name
        self.code = code
        self.what = what

    @property
    def message(self) -> str:
        if self.code == FILE_SYMLINK.code:
            return (f"{self.what}; eta reads only real files inside the repository and never "
                    "follows a link")
        if self.code == FILE_SUBMODULE.code:
            return f"{self.what}; records and templates are files of this repository itself"
        return f"{self.what}, not a regular file; a record is a plain file"

    @property
    def hint(self) -> str:
        if self.code == FILE_SYMLINK.code:
            return "replace the link by the file or folder itself"
        if self.code == FILE_SUBMODULE.code:
            return "replace the submodule by the files themselves"
        return "remove it; records and templates are plain files and folders"

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


class TooLarge(Exception):
    """A real file larger than the cap a read was given."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def refusal_of_mode(name: str, mode: int) -> NotReal | None:
    """Why the entry `name` of mode `mode` (as `lstat` gives it) is not read or written
    through; None for a regular file or a folder."""
    if stat.S_ISLNK(mode):
        return NotReal(name, FILE_SYMLINK.code, "a symbolic link")
    kind = _SPECIAL.get(stat.S_IFMT(mode))
    if kind is not None:
        return NotReal(name, FILE_SPECIAL.code, kind)
    return None


#: git's file modes of a regular file; the others are a link, a submodule or a folder.
REGULAR_GIT_MODES = frozenset({"100644", "100755"})


def refusal_of_git_mode(name: str, mode: str) -> NotReal | None:
    """Why the entry `name` that git holds with `mode` is not read; None for a regular file
    or a folder."""
    if mode == "120000":
        return refusal_of_mode(name, stat.S_IFLNK)
    if mode == "160000":
        return NotReal(name, FILE_SUBMODULE.code, "a git submodule")
    return None


def _parts(name: str) -> list[str]:
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a plain path below the root: {name!r}")
    return parts


def _classify(folder: int, part: str, name: str) -> NotReal | None:
    try:
        status = os.lstat(part, dir_fd=folder)
    except FileNotFoundError:
        return None
    return refusal_of_mode(name, status.st_mode)


def _open_below(folder: int, part: str, flags: int, name: str) -> int:
    """`part` of the open `folder`, opened with `flags`; NotReal when it is a link or a
    special file that the flags refused to open."""
    try:
        return os.open(part, flags, dir_fd=folder)
    except OSError:
        refused = _classify(folder, part, name)
        if refused is not None:
            raise refused from None
        raise


@contextlib.contextmanager
def _folder_of(root: Path, name: str, *, create: bool = False) -> Iterator[tuple[int, str]]:
    """The open folder that holds `name` (relative to `root`), and the last part of `name`.

    Every folder on the way is opened below the one before without following a link;
    with `create`, the missing ones are made. Raises NotReal, or FileNotFoundError.
    """
    parts = _parts(name)
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        for index, part in enumerate(parts[:-1]):
            step = "/".join(parts[: index + 1])
            try:
                inner = _open_below(fd, part, _FOLDER_FLAGS, step)
            except FileNotFoundError:
                if not create:
                    raise
                os.mkdir(part, 0o777, dir_fd=fd)
                inner = _open_below(fd, part, _FOLDER_FLAGS, step)
            os.close(fd)
            fd = inner
        yield fd, parts[-1]
    finally:
        os.close(fd)


def read_real(root: Path, name: str, limit: int) -> bytes:
    """The bytes of the real file `name` below `root`, at most `limit` of them.

    Raises NotReal for a link or special file on the way, TooLarge beyond `limit`,
    FileNotFoundError where nothing is, or another OSError.
    """
    with _folder_of(root, name) as (folder, last):
        fd = _open_below(folder, last, _READ_FLAGS, name)
    try:
        status = os.fstat(fd)
        refused = refusal_of_mode(name, status.st_mode)
        if refused is not None:
            raise refused
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(21, "is a folder", name)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise TooLarge(max(size, status.st_size))
    return b"".join(chunks)


def check_real(root: Path, name: str) -> NotReal | None:
    """Why `name` below `root` is not read or written through; None when every step that
    exists is a real folder and the last, if there, a real file or folder."""
    try:
        with _folder_of(root, name) as (folder, last):
            return _classify(folder, last, name)
    except NotReal as refused:
        return refused
    except OSError:
        return None


def remove_real(root: Path, name: str) -> None:
    """Remove `name` below `root`, reached through real folders only; nothing when it is
    not there. What is removed is the entry itself: a link in the file's place goes, and
    what it points at stays. Raises NotReal where a link or special file stands on the way,
    IsADirectoryError for a folder."""
    try:
        with _folder_of(root, name) as (folder, last):
            try:
                status = os.lstat(last, dir_fd=folder)
            except FileNotFoundError:
                return
            if stat.S_ISDIR(status.st_mode):
                raise IsADirectoryError(21, "is a folder", name)
            os.unlink(last, dir_fd=folder)
    except FileNotFoundError:
        return  # a folder on the way is gone, and the file with it


def write_real(root: Path, name: str, data: bytes) -> None:
    """Write `name` below `root` through a temporary file renamed into place, so that a
    failure never leaves half a file; missing folders are made. Raises NotReal where a link
    or special file stands on the way, or in the file's place."""
    with _folder_of(root, name, create=True) as (folder, last):
        mode = 0o644
        try:
            status = os.lstat(last, dir_fd=folder)
        except FileNotFoundError:
            pass
        else:
            refused = refusal_of_mode(name, status.st_mode)
            if refused is not None:
                raise refused
            mode = status.st_mode & 0o777
        temporary = temporary_name(last)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                     0o600, dir_fd=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), mode)
            os.replace(temporary, last, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=folder)
            raise


def write_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Write `text` to `path` through a temporary file renamed into place, so that no
    reader ever sees half of it.

    `durable=False` skips flushing the text to disk before the rename. That is for output
    made anew from the records in bulk (`eta report all`): a flush costs milliseconds a
    file, which for thousands of reports is more than rendering them, and what a power cut
    might empty is written again by the next run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(temporary_name(path.name))
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        temporary.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def temporary_name(name: str) -> str:
    """The name a file `name` is written under before it is renamed into place, in the
    same folder: hidden, and holding this process's id, so that what a writer killed on
    the way leaves behind is told from what one still running writes (`left_behind`)."""
    return f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"


#: The name `temporary_name` gives, and only that: a process id as `os.getpid` writes it,
#: and twelve hexadecimal digits.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<writer>[1-9][0-9]{0,9})\.[0-9a-f]{12}\.tmp",
                        re.ASCII | re.DOTALL)


def left_behind(entries: Iterable[str], names: Container[str]) -> list[str]:
    """Of `entries`, the names in one folder, the temporary files of the files `names`
    that writers killed on the way left behind: those of this process's id (an earlier
    process's, which had it before) and of ids no process has now. One of a process that
    is running may be being written still."""
    found = []
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry)
        if match is not None and match["name"] in names:
            writer = int(match["writer"])
            if writer == os.getpid() or not running(writer):
                found.append(entry)
    return found


def running(pid: int) -> bool:
    """Whether a process of id `pid` exists (of this user or another)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:
        # No process can have an id beyond what the system's process ids hold.
        return False
    except OSError:
        return True
    return True


def remove_left_behind(folder: Path, names: Iterable[str]) -> None:
    """Remove what writers killed on the way left of the files `names` (paths relative to
    `folder`) in `folder` and the folders below it that they lie in."""
    by_folder: dict[str, set[str]] = {}
    for name in names:
        parent, _, last = name.rpartition("/")
        by_folder.setdefault(parent, set()).add(last)
    for parent, last_names in by_folder.items():
        where = folder / parent
        try:
            entries = [entry.name for entry in where.iterdir()]
        except OSError:  # no such folder yet
            continue
        for temporary in left_behind(entries, last_names):
            with contextlib.suppress(OSError):
                (where / temporary).unlink()


def write_changed(path: Path, text: str) -> bool:
    """`write_atomic(path, text, durable=False)`, unless the regular file at `path` holds
    exactly `text` already; whether it wrote. Reports made again from unchanged records are
    left as they were, their times too, and writing thousands costs more than comparing."""
    if holds(path, text):
        return False
    write_atomic(path, text, durable=False)
    return True


def holds(path: Path, text: str) -> bool:
    """Whether what is at `path` is a regular file that holds exactly `text`. Nothing is
    followed or waited on: a link, a pipe or a device holds nothing."""
    data = text.encode("utf-8")
    with contextlib.suppress(OSError):
        if os.lstat(path).st_size == len(data):
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as handle:
                return stat.S_ISREG(os.fstat(handle.fileno()).st_mode) and handle.read() == data
    return False


def _kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _mode_of(path: Path, option: str) -> int | None:
    """The kind and mode of what is at `path` itself (a link is not followed), or None."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EtaError(f"{option} {path}: {exc.strerror or exc}") from None


def check_output_file(path: Path, option: str = "--output") -> None:
    """Refuse to write a command's output over anything but a regular file or nothing.

    The output is renamed into place, so it would replace a named pipe, a device such as
    /dev/null or a symbolic link with a regular file, and never reach the reader behind
    them; such a target is refused instead, and nothing is written.
    """
    mode = _mode_of(path, option)
    if mode is not None and not stat.S_ISREG(mode):
        raise EtaError(f"{option} {path} is {_kind_of(mode)}; eta writes its output only "
                       "to a regular file (or a new one), never through a link, pipe or device")


def check_output_folder(folder: Path, names: list[str], option: str = "--output-dir") -> None:
    """Refuse an output folder that is a link or no folder, or any of `names` in it that is
    not a regular file, before anything is written."""
    mode = _mode_of(folder, option)
    if mode is None:
        return
    if not stat.S_ISDIR(mode):
        raise EtaError(f"{option} {folder} is {_kind_of(mode)}; eta writes its reports only "
                       "into a folder, never through a link")
    for name in names:
        check_output_file(folder / name, option)
