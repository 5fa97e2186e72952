"""Finding the records repository and the record files in it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from eta.errors import EtaError
from eta.records import RECORD_FOLDERS

MARKER = "afspraken"
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
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def record_files(root: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Every YAML file in the record folders, or in the given files and folders, sorted."""
    chosen = list(paths)
    if not chosen:
        chosen = [root / name for name in RECORD_FOLDERS if (root / name).is_dir()]
    found: set[Path] = set()
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
            found.update(_yaml_below(path))
        else:
            found.add(path)
    return sorted(found)


def _yaml_below(folder: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith(RECORD_SUFFIXES) and not name.startswith("."):
                yield Path(dirpath, name)
