"""What a change between a git revision and the working tree is made of: each file's status,
paths and modes, as `eta.git` reads them and the change rules judge them, apart from git
itself so that what judges a change never depends on what runs git.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChangeStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file that differs between a revision and the working tree.

    Paths are relative to the records root. `old_path` is where the file was at the
    revision: the same as `path` unless it was renamed, None when it was added.
    """

    status: ChangeStatus
    path: str
    old_path: str | None
    #: git's file modes on each side (`100644`, `120000` for a link, `160000` for a
    #: submodule); None where git does not track the side (an untracked file, say).
    mode: str | None = None
    old_mode: str | None = None
