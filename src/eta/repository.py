"""Finding the records repository and the record files in it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from eta.errors import EtaError

MARKER = "afspraken"
#: The folders below the repository root that hold records.
RECORD_FOLDERS = ("afspraken", "releases", "incidents")
RECORD_SUFFIXES = (".yaml", ".yml")


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `afspraken/`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_dir():
            return folder
    raise EtaError(
        f"no eta repository at or above {start}: no folder there holds `{MARKER}/`; "
        "run eta inside one, or give --root"
    )


def check_root(root: Path) -> Path:
    root = root.resolve()
    if not (root / MARKER).is_dir():
        raise EtaError(f"{root} is no eta repository: it has no `{MARKER}/` folder")
    return root


def relative(root: Path, path: Path) -> str:
    """The path as diagnostics name it: relative to the root, with forward slashes."""
    prefix, text = str(root) + os.sep, str(path)
    if text.startswith(prefix):
        return text[len(prefix):].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def record_files(root: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Every YAML file in the record folders, or in the given files and folders, sorted."""
    return [root / name for name in record_names(root, paths)]


def record_names(root: Path, paths: Iterable[Path] = ()) -> list[str]:
    """`record_files` as names relative to the root: the fast form for whole repositories."""
    chosen = list(paths)
    if not chosen:
        chosen = [root / name for name in RECORD_FOLDERS if (root / name).is_dir()]
    found: set[str] = set()
    for given in chosen:
        path = given if given.is_absolute() else Path.cwd() / given
        path = Path(os.path.normpath(path))
        if not path.exists():
            raise EtaError(f"no such file or folder: {given}")
        try:
            path.resolve().relative_to(root)
        except ValueError:
            raise EtaError(f"{given} lies outside the repository at {root}") from None
        if path.is_dir():
            found.update(_yaml_below(root, path))
        else:
            found.add(relative(root, path))
    return sorted(found)


#: Records lie at most three folders below the root (releases/R2026-01/parties/); a tree far
#: deeper is no records repository, and is refused rather than walked.
MAX_FOLDER_DEPTH = 32
#: How much of a very long path a message shows.
MAX_SHOWN_PATH = 200


def _yaml_below(root: Path, folder: Path) -> Iterable[str]:
    """The record files below `folder`, walked without recursion and to a bounded depth."""
    skip = len(str(root)) + 1
    pending = [str(folder)]
    while pending:
        dirpath = pending.pop()
        base = dirpath[skip:].replace(os.sep, "/")
        if base.count("/") >= MAX_FOLDER_DEPTH:
            shown = "/".join(base.split("/")[:MAX_FOLDER_DEPTH + 1])
            raise EtaError(f"{shown}/...: folders nest more than {MAX_FOLDER_DEPTH} levels "
                           "deep; no record lies that deep")
        try:
            with os.scandir(dirpath) as entries:
                found = list(entries)
        except OSError as exc:
            shown = base if len(base) <= MAX_SHOWN_PATH else base[:MAX_SHOWN_PATH] + "..."
            raise EtaError(f"{shown or '.'}: cannot read the folder: "
                           f"{exc.strerror or exc}") from None
        for entry in found:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.name.endswith(RECORD_SUFFIXES):
                yield f"{base}/{entry.name}" if base else entry.name
