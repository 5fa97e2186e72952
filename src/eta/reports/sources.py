"""Where a report's records come from, and its audit trail.

`--at REV` reads the records as they were at a revision: their files are copied from git
into a temporary folder that the usual loaders read, so a report of the past is judged by
exactly the same code as one of the present, and the user's working tree is never touched.

The audit trail of a report is the commits, up to the revision shown, that changed the
records it shows; without `--at` it also names the files that differ from the last commit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from eta.errors import EtaError
from eta.git import GitError, GitRepository, PathsCommit, commits_changing
from eta.records.files import refusal_of_git_mode
from eta.records.layout import RECORD_FOLDERS, Covering, covering


class Provenance:
    """The git history a report's audit trail is taken from, if the records have one."""

    def __init__(self, git: GitRepository | None, commit: str | None, revision: str | None,
                 note: str | None) -> None:
        self.git = git
        #: The commit the records are read at (HEAD without --at); None without history.
        self.commit = commit
        #: The revision as the user named it with --at.
        self.revision = revision
        #: Why the trail is missing or incomplete, in the words of the report.
        self.note = note
        self._commits: list[PathsCommit] | None = None
        #: For each path the preloaded commits changed, and each folder above it, the
        #: indices of those commits in `_commits`: one report's trail is found without
        #: looking at the commits of every other record.
        self._changing: dict[str, list[int]] = {}
        self._uncommitted: list[str] | None = None
        #: Of each preloaded commit a trail showed: the names it changed, and the folders
        #: they lie in.
        self._names: dict[int, tuple[frozenset[str], frozenset[str]]] = {}

    @classmethod
    def open(cls, root: Path, revision: str | None) -> Provenance:
        if revision is not None:
            git = GitRepository.open(root, "--at")
            try:
                commit = git.resolve_commit(revision)
            except GitError:
                git.close()
                raise
            return cls(git, commit, revision, cls._shallow_note(git))
        try:
            git = GitRepository.open(root, "the audit trail")
        except GitError:
            return cls(None, None, None, "De records staan niet in een git-repository; er is "
                       "geen audittrail.")
        try:
            commit = git.head()
        except GitError:
            return cls(git, None, None, "De git-repository heeft nog geen commits.")
        return cls(git, commit, None, cls._shallow_note(git))

    @staticmethod
    def _shallow_note(git: GitRepository) -> str | None:
        if git.is_shallow():
            return ("De repository is een ondiepe kloon (shallow clone): de historie hieronder "
                    "is onvolledig.")
        return None

    def __enter__(self) -> Provenance:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.git is not None:
            self.git.close()

    @property
    def short_commit(self) -> str | None:
        return self.commit[:12] if self.commit else None

    @contextmanager
    def preloading(self) -> Iterator[None]:
        """The history of every record read at once, for many reports in one run, while the
        block runs: in a child process (`eta.background`), so that git's walk through the
        history takes the other core while this process reads the records."""
        if self.git is None or self.commit is None:
            yield
            return
        from eta.background import InBackground

        with InBackground(self._history) as history:
            yield
            self._commits, self._changing, self._uncommitted = history.result()

    def _history(self) -> tuple[list[PathsCommit], dict[str, list[int]], list[str] | None]:
        assert self.git is not None and self.commit is not None
        commits = commits_changing(self.git, self.commit, RECORD_FOLDERS, most=True)
        changing: dict[str, list[int]] = {}
        for index, commit in enumerate(commits):
            touched = {name for path in commit.paths for name in _self_and_folders(path)}
            for name in touched:
                changing.setdefault(name, []).append(index)
        uncommitted = None if self.revision is not None else self._uncommitted_of(
            RECORD_FOLDERS)
        return commits, changing, uncommitted

    def trail(self, paths: Sequence[str]) -> dict[str, Any]:
        """The commits that changed `paths`, newest first, and the files not committed."""
        if self.git is None or self.commit is None:
            return {"available": False, "note": self.note, "commits": [], "uncommitted": []}
        shown = covering(paths)
        if self._commits is not None:
            changed = [(self._commits[index], self._shown(index, shown))
                       for index in self._preloaded_changing(paths)]
        else:
            changed = [(c, [p for p in c.paths if shown(p)])
                       for c in commits_changing(self.git, self.commit, paths)]
        uncommitted: list[str] = []
        if self.revision is None:
            if self._uncommitted is not None:
                uncommitted = [p for p in self._uncommitted if shown(p)]
            else:
                uncommitted = self._uncommitted_of(paths)
        return {
            "available": True,
            "note": self.note,
            "commits": [{
                "commit": c.sha[:12], "date": c.date, "author": c.author_name,
                "email": c.author_email, "subject": c.subject, "files": files,
            } for c, files in changed if files],
            "uncommitted": uncommitted,
        }

    def _uncommitted_of(self, paths: Sequence[str]) -> list[str]:
        """The files below `paths` that differ from the commit shown. A renamed file is
        two, the one removed and the one added, whatever else `paths` holds."""
        assert self.git is not None and self.commit is not None
        return [c.path for c in self.git.changed_files(self.commit, paths, renames=False)]

    def _preloaded_changing(self, paths: Sequence[str]) -> list[int]:
        """The indices in `_commits` of the commits that changed `paths`, newest first."""
        assert self._commits is not None
        if "." in paths:
            return list(range(len(self._commits)))
        return sorted({index for path in paths
                       for index in self._changing.get(path.rstrip("/"), ())})

    def _shown(self, index: int, shown: Covering) -> list[str]:
        """The files of the preloaded commit `index` that `shown` covers, in the commit's
        order. When the commit changed more files than are wanted, each wanted name is
        looked up among the commit's names rather than each of its names among them: a
        commit of many files is in the trails of many reports, each of a few records."""
        assert self._commits is not None
        commit = self._commits[index]
        if shown.everything or len(commit.paths) <= len(shown.given):
            return [p for p in commit.paths if shown(p)]
        names = self._names.get(index)
        if names is None:
            names = self._names[index] = (frozenset(commit.paths), frozenset(
                folder for path in commit.paths for folder in _folders_of(path)))
        files, folders = names
        found = shown.given & files
        for folder in shown.folders & folders:
            found.update(p for p in commit.paths if p.startswith(f"{folder}/"))
        return [p for p in commit.paths if p in found]


def _self_and_folders(path: str) -> Iterator[str]:
    """`path` and every folder it lies in: `releases/R1/plan.yaml`, `releases/R1`,
    `releases`."""
    yield path
    yield from _folders_of(path)


def _folders_of(path: str) -> Iterator[str]:
    """Every folder `path` lies in: `releases/R1`, `releases` for `releases/R1/plan.yaml`."""
    slash = path.rfind("/")
    while slash != -1:
        yield path[:slash]
        slash = path.rfind("/", 0, slash)


@contextmanager
def records_at(git: GitRepository, commit: str, folders: Sequence[str]) -> Iterator[Path]:
    """A temporary folder holding the record files of `folders` as they were at `commit`."""
    with tempfile.TemporaryDirectory(prefix="eta-report-") as folder:
        root = Path(folder)
        names = []
        for top in folders:
            for mode, name in git.tree_entries(commit, top):
                refused = refusal_of_git_mode(name, mode)
                if refused is not None:
                    raise EtaError(f"{refused.name}:1:1: {refused.message} (at {commit[:12]})")
                names.append(name)
        for name, data in git.read_texts(commit, names).items():
            parts = PurePosixPath(name).parts
            if data is None or not parts or ".." in parts or name.startswith("/"):
                continue
            target = root.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for top in folders:
            (root / top).mkdir(exist_ok=True)
        yield root
