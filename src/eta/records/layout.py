"""Finding the records repository, the record files in it, and the ids their paths promise."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from eta.errors import EtaError

if TYPE_CHECKING:
    from eta.models.agreements import Criteria

MARKER = "afspraken"
#: The folders below the repository root that hold records.
RECORD_FOLDERS = ("afspraken", "releases", "incidents")
#: Where a repository keeps the templates that override eta's own.
TEMPLATE_FOLDER = "templates"
#: The folders in which no symbolic link or special file may stand.
GUARDED_FOLDERS = (*RECORD_FOLDERS, TEMPLATE_FOLDER)
RECORD_SUFFIXES = (".yaml", ".yml")
#: The report templates a repository's `templates/` may hold, which `eta check` checks too.
TEMPLATE_SUFFIX = ".md.j2"


def is_template(name: str) -> bool:
    """Whether `name` (relative to the root) is a report template of the repository."""
    return name.startswith(TEMPLATE_FOLDER + "/") and name.endswith(TEMPLATE_SUFFIX)


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
    """`record_names` as paths."""
    return [root / name for name in record_names(root, paths)]


def record_names(root: Path, paths: Iterable[Path] = ()) -> list[str]:
    """Every YAML file in the record folders and every report template in `templates/`, or
    those in the given files and folders, sorted and relative to the root.

    Every symbolic link and special file (FIFO, device, socket) in the record folders and in
    `templates/` is among them, a folder or not, and is never followed: the loader refuses
    it with a located error, so that nothing in them is skipped unseen or read through a
    link. Hidden files and folders (a name starting with `.`) are not records and are left
    alone.
    """
    chosen = [name_inside(root, given) for given in paths]
    if not chosen:
        chosen = list(GUARDED_FOLDERS)
    found: set[str] = set()
    prefix = str(root) + os.sep
    for name in chosen:
        _below(prefix, name, explicit=bool(paths), found=found)
    return sorted(found)


def covers(name: str, wanted: Iterable[str]) -> bool:
    """Whether `name` is one of `wanted` (names relative to the root) or lies below one."""
    return covering(wanted)(name)


def covering(wanted: Iterable[str]) -> Covering:
    """`covers` against the same `wanted` for many names."""
    return Covering(wanted)


class Covering:
    """Whether a name is one of `wanted` or lies below one: looked up once for itself and
    once for each folder it lies in, however many names are wanted."""

    __slots__ = ("everything", "folders", "given")

    def __init__(self, wanted: Iterable[str]) -> None:
        #: The names wanted, as given.
        self.given = set(wanted)
        #: Whether `.`, the whole root, is among them.
        self.everything = "." in self.given
        #: The names wanted, as folders a name may lie in.
        self.folders = {w.rstrip("/") for w in self.given}

    def __call__(self, name: str) -> bool:
        if self.everything or name in self.given:
            return True
        slash = name.find("/")
        while slash != -1:
            if name[:slash] in self.folders:
                return True
            slash = name.find("/", slash + 1)
        return False


def name_inside(root: Path, given: Path) -> str:
    """The name of `given` (absolute, or relative to the current folder) below `root`."""
    path = Path(os.path.normpath(given if given.is_absolute() else Path.cwd() / given))
    try:
        inside = path.relative_to(root)
    except ValueError:
        # The root reached another way, through a link above it (/tmp on macOS): only the
        # folders above the root are resolved, never a link inside it.
        for above in reversed(path.parents):
            if above.resolve() == root:
                inside = path.relative_to(above)
                break
        else:
            raise EtaError(f"{given} lies outside the repository at {root}") from None
    if not os.path.lexists(root / inside):
        raise EtaError(f"no such file or folder: {given}")
    return inside.as_posix()


def _below(prefix: str, name: str, *, explicit: bool, found: set[str]) -> None:
    """Add to `found` the record files at or below `name`, and the links and special files
    on the way or among them."""
    if name != ".":
        parts = name.split("/")
        for index in range(len(parts)):
            step = "/".join(parts[: index + 1])
            try:
                mode = os.lstat(prefix + step).st_mode
            except OSError:
                return
            if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                if explicit or parts[0] in GUARDED_FOLDERS:
                    found.add(step)
                return
        if not stat.S_ISDIR(mode):
            if explicit or name.endswith(RECORD_SUFFIXES):
                found.add(name)
            return
    _walk(prefix, "" if name == "." else name + "/", found)


#: Records lie at most three folders below the root (releases/R2026-01/parties/); a tree far
#: deeper is no records repository, and is refused rather than walked.
MAX_FOLDER_DEPTH = 32
#: How much of a very long path a message shows.
MAX_SHOWN_PATH = 200


def _walk(prefix: str, top: str, found: set[str]) -> None:
    """Walk the folder `top` ("" for the root, else ending in `/`) without recursion and to a
    bounded depth, without entering a link."""
    pending = [top]
    while pending:
        folder = pending.pop()
        if folder.count("/") > MAX_FOLDER_DEPTH:
            shown = "/".join(folder.split("/")[:MAX_FOLDER_DEPTH + 1])
            raise EtaError(f"{shown}/...: folders nest more than {MAX_FOLDER_DEPTH} levels "
                           "deep; no record lies that deep")
        # A template folder holds no records: its templates, links and special files.
        records = not folder.startswith(TEMPLATE_FOLDER + "/")
        try:
            with os.scandir(prefix + folder if folder else prefix) as scan:
                entries = list(scan)
        except OSError as exc:
            base = folder.rstrip("/")
            shown = base if len(base) <= MAX_SHOWN_PATH else base[:MAX_SHOWN_PATH] + "..."
            raise EtaError(f"{shown or '.'}: cannot read the folder: "
                           f"{exc.strerror or exc}") from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = folder + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(name + "/")
            elif entry.is_file(follow_symlinks=False):
                if (entry.name.endswith(RECORD_SUFFIXES) if records
                        else entry.name.endswith(TEMPLATE_SUFFIX)):
                    found.add(name)
            elif name.split("/", 1)[0] in GUARDED_FOLDERS:
                found.add(name)


class KnownIds:
    """The ids of each kind that the repository's paths promise (a mismatch is its own error).

    A kind's folder is listed when a reference to that kind is first looked up: a check of a
    few files lists no folder that none of their references points into.
    """

    __slots__ = ("_criteria", "_found", "_root")

    def __init__(self, root: Path, criteria: Criteria | None) -> None:
        self._root = root
        self._criteria = criteria
        self._found: dict[str, set[str]] = {}

    def of(self, kind: str) -> set[str]:
        if kind not in self._found:
            self._found[kind] = self._list(kind)
        return self._found[kind]

    def _list(self, kind: str) -> set[str]:
        if kind == "criterion":
            criteria = self._criteria
            return set() if criteria is None else {
                c.id for c in (*criteria.calamiteit, *criteria.crisis)}
        # Only real files and folders: a record behind a link is refused, not known.
        if kind == "release":
            return {entry.name for entry in _entries(self._root, "releases")
                    if entry.is_dir(follow_symlinks=False)
                    and _is_real_file(Path(entry.path) / "release.yaml")}
        folder = {"party": "afspraken/parties", "incident": "incidents"}.get(kind)
        if folder is None:
            return set()
        return {entry.name[:-5] for entry in _entries(self._root, folder)
                if entry.name.endswith(".yaml") and entry.is_file(follow_symlinks=False)}


def _is_real_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _entries(root: Path, folder: str) -> list[os.DirEntry[str]]:
    from eta.records.files import check_real

    if check_real(root, folder) is not None:
        return []
    try:
        with os.scandir(root / folder) as entries:
            return list(entries)
    except OSError:
        return []
