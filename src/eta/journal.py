"""One change at a time, and each change to several files whole or not at all.

The lock: a command that changes records holds an exclusive `flock` on one lock file per
records repository for its whole read, change and write, so that two commands never both
read the same old record and one of their changes is lost. One lock for the repository,
not one per record: a command reads more than it writes (the register of parties, a whole
release folder), every change takes well under a second, and one lock cannot deadlock.

The journal: a change to several files first writes the journal, naming each file, the
temporary file beside it that holds its new content, and that content's SHA-256, and each
file the change removes; then the temporary files, each synced to disk; then renames each
into place, removes the files to be removed, and removes the journal last. A command killed
at any instant leaves either no journal (and no file changed) or a journal from which the
next command, holding the lock, completes the change (every new content is on disk) or
undoes it (some new content never got there, so no file was renamed or removed yet), before
it reads anything. A file is removed only once every new content is on disk, so a change
that removes files is, like any other, all there or not at all.

Both live in the repository's git folder (`.git/eta/`), which nothing a pull request
carries can reach, so no one can plant a lock file as a link or a journal that moves
files; records outside git keep them in `.eta/` in the records root. Either folder is
opened without following links.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from eta.catalogue import EDIT_INTERRUPTED
from eta.diagnostics import Diagnostic, error
from eta.errors import EtaError
from eta.interrupts import held_back
from eta.records.files import NotReal, remove_real
from eta.records.layout import relative

LOCK = "lock"
JOURNAL = "journal"
#: How a temporary file of a change is named beside the file it replaces: hidden, so no
#: listing of records ever takes it for one.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{16}\.eta-new")
#: How long a command waits for the lock unless ETA_LOCK_TIMEOUT says otherwise.
DEFAULT_TIMEOUT = 30.0

Notify = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class StateFolder:
    """Where the lock and the journal of a records repository live."""

    path: Path
    #: The folder the journal's paths are relative to: the git work tree, or the root.
    base: Path

    def show(self, root: Path, name: str) -> str:
        return relative(root, self.path / name)


def state_folder(root: Path) -> StateFolder:
    """The git folder of the work tree holding `root`, found as git finds it from there;
    `.eta/` in `root` when no git work tree holds it."""
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return StateFolder(dot_git / "eta", folder)
        if dot_git.is_file():  # a linked work tree or a submodule: `gitdir: PATH`
            try:
                line = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if line.startswith("gitdir:"):
                return StateFolder((folder / line[len("gitdir:"):].strip()) / "eta", folder)
    return StateFolder(root / ".eta", root)


def _open_folder(state: StateFolder, root: Path, *, create: bool) -> int | None:
    """The state folder, opened without following a link; None if it does not exist."""
    if create:
        try:
            state.path.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise EtaError(f"cannot make {state.show(root, '')}: {exc.strerror}") from None
    try:
        fd = os.open(state.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise EtaError(f"{state.show(root, '')} is not a folder (a link, say); eta keeps "
                           "its lock and journal only in a real folder") from None
        raise EtaError(f"cannot open {state.show(root, '')}: {exc.strerror}") from None
    if create and state.path.name == ".eta":
        _ignore_in_git(fd)
    return fd


def _ignore_in_git(folder: int) -> None:
    # Outside git today, perhaps in git tomorrow: the folder keeps itself out of commits.
    with contextlib.suppress(FileExistsError):
        ignore = os.open(".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o644, dir_fd=folder)
        with os.fdopen(ignore, "w", encoding="utf-8") as handle:
            handle.write("*\n")


def _open_lock(folder: int, state: StateFolder, root: Path, *, create: bool) -> int | None:
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(LOCK, flags, 0o600, dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EtaError(f"cannot open the lock {state.show(root, LOCK)}: {exc.strerror}"
                       ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise EtaError(f"the lock {state.show(root, LOCK)} is not a regular file")
    return fd


def _acquire(fd: int, operation: int, timeout: float, notify: Notify, lock_name: str) -> None:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    notify(f"waiting for another eta command to finish its change ({lock_name}; "
           f"up to {timeout:g} s, ETA_LOCK_TIMEOUT)")
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise EtaError(f"gave up after {timeout:g} s waiting for another eta command "
                               f"to finish its change ({lock_name}); nothing was written. "
                               "Set ETA_LOCK_TIMEOUT to wait longer") from None
        delay = min(delay * 2, 0.05)


@dataclass(slots=True)
class _Held:
    state: StateFolder
    folder: int
    lock: int


#: The lock this process holds, by state folder: a change written inside a locked command
#: takes no second lock.
_held: dict[Path, _Held] = {}


@contextmanager
def exclusive(root: Path, *, timeout: float = DEFAULT_TIMEOUT,
              notify: Notify = lambda message: None) -> Iterator[None]:
    """Hold the repository's lock for the block, after completing or undoing any change
    that a killed command left unfinished."""
    state = state_folder(root)
    if state.path in _held:
        yield
        return
    folder = _open_folder(state, root, create=True)
    assert folder is not None
    lock: int | None = None
    try:
        lock = _open_lock(folder, state, root, create=True)
        assert lock is not None
        _acquire(lock, fcntl.LOCK_EX, timeout, notify, state.show(root, LOCK))
        _held[state.path] = _Held(state, folder, lock)
        try:
            message = _recover(state, folder, root)
            if message is not None:
                notify(message)
            yield
        finally:
            del _held[state.path]
    finally:
        if lock is not None:
            os.close(lock)  # closing the last descriptor releases the lock
        os.close(folder)


# -- Writing a change ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """A file the change writes, through `temporary` holding content of hash `sha256`."""

    target: Path
    temporary: Path
    sha256: str


@dataclass(frozen=True, slots=True)
class _Removal:
    """A file the change removes."""

    target: Path


def write_together(root: Path, texts: Mapping[Path, str], *,
                   removed: Collection[Path] = (), timeout: float = DEFAULT_TIMEOUT) -> None:
    """Write each text to its file and remove each of `removed`, all of it or, whatever
    stops this process, none."""
    if not texts and not removed:
        return
    with exclusive(root, timeout=timeout):
        held = _held[state_folder(root).path]
        with held_back():
            _write(held, {path: text.encode("utf-8") for path, text in texts.items()},
                   [_Removal(path) for path in removed])


def _write(held: _Held, contents: Mapping[Path, bytes], removals: list[_Removal]) -> None:
    entries = [_Entry(path, path.with_name(f".{path.name}.{secrets.token_hex(8)}.eta-new"),
                      hashlib.sha256(data).hexdigest()) for path, data in contents.items()]
    _write_journal(held, entries, removals)
    created: list[Path] = []
    try:
        for entry in entries:
            entry.target.parent.mkdir(parents=True, exist_ok=True)
            _write_new(entry.temporary, contents[entry.target], _mode_of(entry.target))
            created.append(entry.temporary)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        os.unlink(JOURNAL, dir_fd=held.folder)
        raise
    _finish(held, entries, removals)


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 mode)
    try:
        os.fchmod(fd, mode)  # what the umask took away: the file keeps the mode it had
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(held: _Held, entries: list[_Entry], removals: list[_Removal]) -> None:
    base = held.state.base
    files: list[dict[str, str | bool]] = [
        {"path": entry.target.relative_to(base).as_posix(), "temporary": entry.temporary.name,
         "sha256": entry.sha256} for entry in entries]
    files.extend({"path": removal.target.relative_to(base).as_posix(), "remove": True}
                 for removal in removals)
    document = {"eta-journal": 1, "files": files}
    data = json.dumps(document, indent=1).encode("utf-8") + b"\n"
    partial = f"{JOURNAL}.{secrets.token_hex(8)}.eta-new"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=held.folder)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, JOURNAL, src_dir_fd=held.folder, dst_dir_fd=held.folder)
    os.fsync(held.folder)


def _finish(held: _Held, entries: list[_Entry], removals: list[_Removal]) -> None:
    """Rename what is still to be renamed, remove what is still to be removed, then forget
    the journal."""
    folders: set[Path] = set()
    for entry in entries:
        if entry.temporary.exists():
            entry.temporary.replace(entry.target)
        folders.add(entry.target.parent)
    base = held.state.base
    for removal in removals:
        name = removal.target.relative_to(base).as_posix()
        try:
            remove_real(base, name)
        except NotReal as refused:
            # Where a link stands on the way now, nothing is removed through it.
            raise EtaError(f"cannot remove {name} as the change a journal names: "
                           f"{refused}") from None
        folders.add(removal.target.parent)
    for folder in folders:
        _sync_folder(folder)
    os.unlink(JOURNAL, dir_fd=held.folder)
    os.fsync(held.folder)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- After a kill ----------------------------------------------------------------------------


class _Unreadable(Exception):
    pass


def _read_journal(folder: int, state: StateFolder
                  ) -> tuple[list[_Entry], list[_Removal]] | None:
    """The journal's files written and removed; None when there is no journal. Raises
    _Unreadable."""
    try:
        fd = os.open(JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Unreadable(exc.strerror) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Unreadable("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(1024 * 1024 + 1)
    finally:
        os.close(fd)
    try:
        document = json.loads(raw)
        files = document["files"]
        assert document["eta-journal"] == 1 and isinstance(files, list) and files
        read = [_entry(state, item) for item in files]
    except (ValueError, KeyError, TypeError, AssertionError):
        raise _Unreadable("not a journal eta wrote") from None
    return ([item for item in read if isinstance(item, _Entry)],
            [item for item in read if isinstance(item, _Removal)])


def _targets(journal: tuple[list[_Entry], list[_Removal]]) -> list[Path]:
    """The files a journal names, those written first."""
    entries, removals = journal
    return [entry.target for entry in entries] + [removal.target for removal in removals]


def _entry(state: StateFolder, item: dict[str, object]) -> _Entry | _Removal:
    path = item["path"]
    if not isinstance(path, str):
        raise TypeError(path)
    relative_path = PurePosixPath(path)
    # The journal moves and removes files: only files of the records, only the temporary
    # file beside each, and only where the paths cannot climb out of the work tree.
    if relative_path.is_absolute() or ".." in relative_path.parts or "\0" in path:
        raise ValueError(path)
    target = state.base.joinpath(*relative_path.parts)
    if item.get("remove") is True and set(item) == {"path", "remove"}:
        return _Removal(target)
    temporary, sha256 = item["temporary"], item["sha256"]
    if not isinstance(temporary, str) or not isinstance(sha256, str):
        raise TypeError(path)
    found = _TEMPORARY.fullmatch(temporary)
    if (found is None or found["name"] != relative_path.name
            or not re.fullmatch(r"[0-9a-f]{64}", sha256)):
        raise ValueError(path)
    return _Entry(target, target.with_name(temporary), sha256)


def _content_hash(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(fd)


def _recover(state: StateFolder, folder: int, root: Path) -> str | None:
    """Complete or undo the change a killed command left; what was done, in words."""
    for name in os.listdir(folder):
        if name.startswith(f"{JOURNAL}.") and name.endswith(".eta-new"):
            os.unlink(name, dir_fd=folder)  # a journal that was never put in place
    try:
        journal = _read_journal(folder, state)
    except _Unreadable as exc:
        raise EtaError(f"{state.show(root, JOURNAL)} cannot be read ({exc}); an eta command "
                       "was interrupted in a change it cannot complete. Check the files, "
                       "then remove the journal") from None
    if journal is None:
        return None
    entries, removals = journal
    names = ", ".join(relative(root, target) for target in _targets(journal))
    # Complete only when every new content reached the disk; what is removed is removed
    # only then, so it plays no part here.
    complete = all(
        _content_hash(entry.temporary) == entry.sha256
        or (not entry.temporary.exists() and _content_hash(entry.target) == entry.sha256)
        for entry in entries)
    held = _held[state.path]
    with held_back():
        if complete:
            _finish(held, entries, removals)
            return f"completed a change an interrupted eta command had begun: {names}"
        for entry in entries:
            entry.temporary.unlink(missing_ok=True)
        os.unlink(JOURNAL, dir_fd=folder)
        os.fsync(folder)
    return f"undid a change an interrupted eta command had begun; as they were: {names}"


def interrupted_change(root: Path, *, timeout: float = DEFAULT_TIMEOUT) -> list[Diagnostic]:
    """The findings of `eta check` about a change a killed command left half done.

    A change still being written is waited for; only one whose command is gone is found.
    """
    state = state_folder(root)
    if not (state.path / JOURNAL).exists():
        return []
    folder = _open_folder(state, root, create=False)
    if folder is None:
        return []
    try:
        lock = _open_lock(folder, state, root, create=False)
        if lock is not None:
            try:
                _acquire(lock, fcntl.LOCK_SH, timeout, lambda message: None,
                         state.show(root, LOCK))
                return _journal_findings(state, folder, root)
            finally:
                os.close(lock)
        return _journal_findings(state, folder, root)
    finally:
        os.close(folder)


def _journal_findings(state: StateFolder, folder: int, root: Path) -> list[Diagnostic]:
    journal = state.show(root, JOURNAL)
    hint = ("the next eta command that changes records completes or undoes the change "
            "before it does anything else")
    try:
        read = _read_journal(folder, state)
    except _Unreadable as exc:
        return [error(journal, 1, 1, EDIT_INTERRUPTED.code,
                      f"an eta command was interrupted while changing records, and its "
                      f"journal cannot be read ({exc}); the files it changed may be half "
                      "changed", "check the records, then remove the journal")]
    if read is None:
        return []
    names = [relative(root, target) for target in _targets(read)]
    found = [error(journal, 1, 1, EDIT_INTERRUPTED.code,
                   f"an eta command was interrupted while changing {len(names)} file(s) "
                   f"together, which may be half changed: {', '.join(names)}", hint)]
    found.extend(error(name, 1, 1, EDIT_INTERRUPTED.code,
                       f"an eta command was interrupted while changing this file together "
                       f"with others (journal {journal})", hint) for name in names)
    return found
