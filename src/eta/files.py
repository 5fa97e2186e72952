"""Writing files so that a failure never leaves half a file behind."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from eta.errors import EtaError


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


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
