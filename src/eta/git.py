"""Every use eta makes of git: revisions, changes since a merge base, old texts, history.

Nothing a user types reaches git where git could read it as an option: revisions are
refused when they start with `-` and are then resolved with `rev-parse --verify` after
`--end-of-options`; paths always follow `--` and are literal (`GIT_LITERAL_PATHSPECS`).

Inside a git hook git sets `GIT_DIR` and `GIT_INDEX_FILE`, often as relative paths; they
are made absolute once, so that every command eta runs sees the same repository and index
whatever folder it runs from.

gitpython loads when git is first run: `eta check --base` reads git in a child process,
and the parent, which only reads records, is spared the import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from subprocess import PIPE
from types import TracebackType
from typing import TYPE_CHECKING

from eta.errors import EtaError

if TYPE_CHECKING:
    from git import Repo
    from git.exc import GitCommandError


class GitError(EtaError):
    """git is missing, the folder is no repository, or a revision does not resolve."""


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


class SignatureStatus(StrEnum):
    """What git's `%G?` says of a commit's signature."""

    GOOD = "G"
    BAD = "B"
    UNKNOWN_VALIDITY = "U"
    EXPIRED = "X"
    EXPIRED_KEY = "Y"
    REVOKED_KEY = "R"
    CANNOT_CHECK = "E"
    UNSIGNED = "N"

    @property
    def meaning(self) -> str:
        return _SIGNATURE_MEANINGS[self]


_SIGNATURE_MEANINGS = {
    SignatureStatus.GOOD: "signed, verified",
    SignatureStatus.BAD: "signed, BAD signature",
    SignatureStatus.UNKNOWN_VALIDITY: "signed, verified, key of unknown validity",
    SignatureStatus.EXPIRED: "signed, signature expired",
    SignatureStatus.EXPIRED_KEY: "signed, key expired",
    SignatureStatus.REVOKED_KEY: "signed, key revoked",
    SignatureStatus.CANNOT_CHECK: "signed, cannot be checked here",
    SignatureStatus.UNSIGNED: "unsigned",
}


@dataclass(frozen=True, slots=True)
class GitObject:
    """An object read from the repository: its id, its type and its bytes."""

    sha: str
    kind: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that touched a file, with the file's path before and after it."""

    sha: str
    author_name: str
    author_email: str
    date: dt.datetime
    subject: str
    signature: SignatureStatus
    status: ChangeStatus | None
    path: str
    old_path: str | None
    #: The file's blob after the commit and before it; None where there was none.
    blob: str | None = None
    old_blob: str | None = None

    @property
    def short(self) -> str:
        return self.sha[:12]


_NOT_A_REVISION = re.compile(r"[\x00-\x20\x7f]")
_FIELD = "\x1f"
_RECORD = "\x1e"
_STATUS_LETTERS = {
    "A": ChangeStatus.ADDED,
    "C": ChangeStatus.ADDED,
    "M": ChangeStatus.MODIFIED,
    "T": ChangeStatus.MODIFIED,
    "D": ChangeStatus.DELETED,
    "R": ChangeStatus.RENAMED,
}


def check_revision(revision: str) -> str:
    """Refuse a revision git could read as an option, or one no revision can be."""
    if not revision:
        raise GitError("the revision is empty")
    if revision.startswith("-"):
        raise GitError(f"`{revision}` is not a git revision: a revision never starts with `-`")
    if _NOT_A_REVISION.search(revision):
        raise GitError(f"{revision!r} is not a git revision: it holds a space or a "
                       "control character")
    return revision


class GitRepository:
    """The git repository that holds a records root.

    Use it as a context manager: git's long-lived `cat-file --batch` process, which reads
    old file contents, ends with it.
    """

    def __init__(self, repo: Repo, root: Path) -> None:
        self._repo = repo
        self.root = root
        top = repo.working_tree_dir
        if top is None:
            raise GitError(f"{repo.git_dir} is a bare git repository; eta needs a working tree")
        self.toplevel = Path(top).resolve()
        try:
            inside = root.resolve().relative_to(self.toplevel).as_posix()
        except ValueError:
            raise GitError(f"{root} lies outside the git working tree at {self.toplevel}"
                           ) from None
        #: The records root as a path prefix inside the git tree: "" or "sub/folder/".
        self.prefix = "" if inside == "." else inside + "/"
        repo.git.update_environment(**_hook_environment(), GIT_LITERAL_PATHSPECS="1")

    @classmethod
    def open(cls, root: Path, purpose: str) -> GitRepository:
        """The repository holding `root`; `purpose` says in an error what git was needed for."""
        from git import Repo
        from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

        git_dir = os.environ.get("GIT_DIR")
        try:
            repo = (Repo(str(Path(git_dir).resolve())) if git_dir
                    else Repo(root, search_parent_directories=True))
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise GitError(f"{root} is not in a git repository: {purpose} needs git") from None
        except GitCommandError as exc:  # pragma: no cover - git itself fails to start
            raise GitError(f"git failed: {_stderr(exc)}") from None
        return cls(repo, root)

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._repo.close()

    # -- running git ----------------------------------------------------------------------

    def _run(self, *args: str) -> str:
        from git.exc import GitCommandError

        try:
            output: str = self._repo.git.execute(
                ["git", *args], strip_newline_in_stdout=False)
        except GitCommandError as exc:
            raise GitError(f"git {args[0]} failed: {_stderr(exc)}") from None
        return output

    def _run_side_by_side(self, *commands: Sequence[str]) -> list[str]:
        """The output of each command, as `_run` gives it; the commands run at the same time."""
        from git.compat import safe_decode

        running = [self._repo.git.execute(["git", *args], as_process=True) for args in commands]
        outputs: list[str] = []
        for args, process in zip(commands, running, strict=True):
            assert process.proc is not None  # gone only once the process was waited for
            stdout, stderr = process.proc.communicate()
            if process.proc.returncode:
                reason = _last_line(safe_decode(stderr) or "", process.proc.returncode)
                raise GitError(f"git {args[0]} failed: {reason}")
            outputs.append(safe_decode(stdout) or "")
        return outputs

    def _git_path(self, path: str) -> str:
        return self.prefix + path

    def _root_path(self, git_path: str) -> str | None:
        """The path relative to the records root, or None when it lies outside it."""
        return git_path[len(self.prefix):] if git_path.startswith(self.prefix) else None

    # -- revisions ------------------------------------------------------------------------

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository").strip() == "true"

    def require_history(self, purpose: str) -> None:
        """Refuse a shallow clone: its history stops early, and would mislead."""
        if self.is_shallow():
            raise _shallow_clone(purpose)

    def resolve_commit(self, revision: str) -> str:
        """The commit id `revision` names; refused cleanly when it names none."""
        from git.exc import GitCommandError

        check_revision(revision)
        try:
            output: str = self._repo.git.execute(
                ["git", "rev-parse", "--verify", "--quiet", "--end-of-options",
                 f"{revision}^{{commit}}"])
        except GitCommandError:
            raise GitError(f"`{revision}` names no commit in this repository") from None
        return output.strip()

    def head(self) -> str:
        try:
            return self.resolve_commit("HEAD")
        except GitError:
            raise GitError("the repository has no commits yet") from None

    def merge_base(self, revision: str, purpose: str) -> str:
        """Where the working tree's history and `revision`'s last met.

        A shallow clone is refused, as `require_history` does. One `rev-parse` asks that
        and resolves both sides; only when it fails is each asked on its own, to tell the
        user which one is wrong.
        """
        check_revision(revision)
        try:
            output = self._run("rev-parse", "--is-shallow-repository", "--end-of-options",
                               f"{revision}^{{commit}}", "HEAD^{commit}")
        except GitError:
            output = ""
        # Without `--verify`, git (2.39 at least) repeats `--end-of-options` in its answer.
        answer = [line for line in output.split() if line != "--end-of-options"]
        if len(answer) != 3:
            self.require_history(purpose)
            answer = ["false", self.resolve_commit(revision), self.head()]
        shallow, theirs, ours = answer
        if shallow == "true":
            raise _shallow_clone(purpose)
        if theirs == ours:
            return ours
        from git.exc import GitCommandError

        try:
            base: str = self._repo.git.execute(
                ["git", "merge-base", "--end-of-options", theirs, ours])
        except GitCommandError:
            raise GitError(f"`{revision}` and HEAD share no history: no merge base") from None
        return base.strip()

    # -- files ----------------------------------------------------------------------------

    def changed_files(self, base: str, folders: Sequence[str]) -> list[FileChange]:
        """Files below `folders` that differ between commit `base` and the working tree.

        New files git does not track yet count as added, as a commit would add them.
        """
        pathspecs = [self._git_path(folder) for folder in folders]
        # Each walks the whole working tree; side by side they take the time of one.
        diff, untracked = self._run_side_by_side(
            ["diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z",
             "--find-renames", "--end-of-options", base, "--", *pathspecs],
            ["ls-files", "-z", "--others", "--exclude-standard", "--", *pathspecs])
        changes = list(self._parse_name_status(diff.split("\0")))
        for git_path in untracked.split("\0"):
            path = self._root_path(git_path) if git_path else None
            if path is not None:
                changes.append(FileChange(ChangeStatus.ADDED, path, None))
        return sorted(changes, key=lambda change: change.path)

    def _parse_name_status(self, fields: Sequence[str]) -> Iterator[FileChange]:
        index = 0
        while index < len(fields) and fields[index]:
            status = _STATUS_LETTERS.get(fields[index][0])
            if fields[index][0] in "RC":
                old, new = fields[index + 1], fields[index + 2]
                index += 3
            else:
                old = new = fields[index + 1]
                index += 2
            new_path, old_path = self._root_path(new), self._root_path(old)
            if status is None or new_path is None:
                continue
            if status is ChangeStatus.ADDED:
                yield FileChange(status, new_path, None)
            elif status is ChangeStatus.RENAMED and old_path is None:
                yield FileChange(ChangeStatus.ADDED, new_path, None)
            else:
                yield FileChange(status, new_path, old_path)

    def list_files(self, commit: str, folder: str) -> list[str]:
        """The files below `folder` at `commit`, relative to the records root."""
        output = self._run("ls-tree", "-r", "-z", "--name-only", "--end-of-options", commit,
                           "--", self._git_path(folder))
        return sorted(p for name in output.split("\0") if name
                      and (p := self._root_path(name)) is not None)

    def read_texts(self, commit: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The contents of `paths` at `commit`; None for a path the commit does not hold."""
        paths = list(paths)
        found = self.read_files([(commit, path) for path in paths])
        return {path: blob.data if blob is not None else None
                for path, blob in zip(paths, found, strict=True)}

    def read_files(self, wanted: Sequence[tuple[str, str]]) -> list[GitObject | None]:
        """The blobs of (revision, path relative to the root) pairs; None where a revision
        holds no file at that path."""
        found = self.read_objects([f"{rev}:{self._git_path(path)}" for rev, path in wanted])
        return [blob if blob is not None and blob.kind == "blob" else None for blob in found]

    def read_objects(self, specs: Sequence[str]) -> list[GitObject | None]:
        """The objects that `specs` (`commit:path`, or a commit) name, in order; None for
        one that does not exist. All of them through one `git cat-file --batch`."""
        if not specs:
            return []
        if any("\n" in spec for spec in specs):
            return [None if "\n" in spec else self.read_objects([spec])[0] for spec in specs]
        process = self._repo.git.cat_file("--batch", as_process=True, istream=PIPE)
        output, _ = process.proc.communicate("".join(f"{spec}\n" for spec in specs).encode())
        found: list[GitObject | None] = []
        offset = 0
        for _ in specs:
            end = output.index(b"\n", offset)
            header = output[offset:end].split()
            offset = end + 1
            if len(header) != 3:  # `<spec> missing`, or ambiguous
                found.append(None)
                continue
            size = int(header[2])
            found.append(GitObject(header[0].decode(), header[1].decode(),
                                   output[offset:offset + size]))
            offset += size + 1
        return found

    # -- history --------------------------------------------------------------------------

    def file_history(self, path: str) -> list[Commit]:
        """Every commit that changed the file at `path`, newest first, across renames.

        gitpython's `iter_commits(follow=True)` fails, so this runs `git log --follow`.
        """
        fmt = _RECORD + _FIELD.join(("%H", "%an", "%ae", "%aI", "%G?", "%s"))
        output = self._run("log", "--follow", "--find-renames", f"--format={fmt}",
                           "--raw", "--no-abbrev", "-z", "--end-of-options", "HEAD", "--",
                           self._git_path(path))
        commits: list[Commit] = []
        current = path
        for chunk in output.split(_RECORD):
            if not chunk.strip("\0\n"):
                continue
            header, _, rest = chunk.partition("\0")
            sha, name, email, date, signature, subject = header.split(_FIELD, 5)
            # --raw: ":<mode> <mode> <blob before> <blob after> <status>", then the path(s).
            fields = rest.lstrip("\n").split("\0")
            status: ChangeStatus | None = None
            old_path: str | None = current
            blob = old_blob = None
            if fields and fields[0].startswith(":"):
                _, _, before, after, letters = fields[0].split()
                status = _STATUS_LETTERS.get(letters[0], ChangeStatus.MODIFIED)
                named = fields[1:3] if letters[0] in "RC" else fields[1:2] * 2
                old_git, new_git = named[0], named[1]
                current = self._root_path(new_git) or new_git
                old_path = self._root_path(old_git) or old_git
                blob = None if set(after) == {"0"} else after
                old_blob = None if set(before) == {"0"} else before
                if status is ChangeStatus.ADDED:
                    old_path = None
            commits.append(Commit(
                sha, name, email, dt.datetime.fromisoformat(date), subject,
                _signature_status(signature), status, current, old_path, blob, old_blob))
            if old_path is not None:
                current = old_path
        # git says N (unsigned) for a signature it has no means to check: an SSH signature
        # without gpg.ssh.allowedSignersFile, say. The commit objects tell, read in one go.
        unsigned = [i for i, c in enumerate(commits) if c.signature is SignatureStatus.UNSIGNED]
        objects = self.read_objects([commits[i].sha for i in unsigned])
        for index, found in zip(unsigned, objects, strict=True):
            if found is not None and _carries_signature(found.data):
                commits[index] = dataclasses.replace(
                    commits[index], signature=SignatureStatus.CANNOT_CHECK)
        return commits


def _carries_signature(commit_object: bytes) -> bool:
    """Whether a commit object holds a signature, checked or not."""
    header = commit_object.split(b"\n\n", 1)[0]
    return b"\ngpgsig " in header or b"\ngpgsig-sha256 " in header


def _signature_status(letter: str) -> SignatureStatus:
    try:
        return SignatureStatus(letter)
    except ValueError:
        return SignatureStatus.CANNOT_CHECK


def _hook_environment() -> dict[str, str]:
    """GIT_DIR and GIT_INDEX_FILE as absolute paths, when git set them for a hook."""
    fixed = {}
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        value = os.environ.get(name)
        if value:
            fixed[name] = str(Path(value).resolve())
    return fixed


def _stderr(exc: GitCommandError) -> str:
    text = exc.stderr if isinstance(exc.stderr, str) else str(exc.stderr or "")
    return _last_line(text.strip().removeprefix("stderr:").strip(" '\n"), exc.status)


def _last_line(stderr: str, status: object) -> str:
    """What git said last, where it says why it failed."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {status}"


def _shallow_clone(purpose: str) -> GitError:
    return GitError(
        f"this is a shallow clone: {purpose} needs the repository's history. "
        "Fetch it with `git fetch --unshallow`; in GitHub Actions give "
        "actions/checkout `fetch-depth: 0`"
    )


def config_value(folder: Path, key: str) -> str | None:
    """A setting of git's configuration as seen from `folder`, in a repository or not;
    None when it is not set."""
    from git import Git
    from git.exc import GitCommandError, GitCommandNotFound

    try:
        value = Git(str(folder)).config("--get", key)
    except GitCommandNotFound:
        raise GitError("git is not installed") from None
    except GitCommandError:
        return None  # `git config --get` exits 1 for a key that is not set
    return value.strip() or None


def ensure_repository(folder: Path) -> bool:
    """Make `folder` a git repository unless it lies in one; whether one was made."""
    from git import Repo
    from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

    try:
        Repo(folder, search_parent_directories=True).close()
        return False
    except (InvalidGitRepositoryError, NoSuchPathError):
        pass
    try:
        Repo.init(folder).close()
    except GitCommandError as exc:
        raise GitError(f"git init failed: {_stderr(exc)}") from None
    return True


@dataclass(frozen=True, slots=True)
class PathsCommit:
    """A commit that changed some of the paths asked for, with the ones it changed."""

    sha: str
    author_name: str
    author_email: str
    date: dt.datetime
    subject: str
    paths: tuple[str, ...]


def commits_changing(repository: GitRepository, commit: str, paths: Sequence[str]
                     ) -> list[PathsCommit]:
    """The commits up to `commit` that changed any of `paths` (files or folders relative to
    the records root), newest first, in one `git log`. Renames are not followed: a record's
    path is fixed by its id."""
    if not paths:
        return []
    fmt = _RECORD + _FIELD.join(("%H", "%an", "%ae", "%aI", "%s"))
    output = repository._run("log", f"--format={fmt}", "--name-only", "-z",
                             "--end-of-options", commit, "--",
                             *(repository._git_path(path) for path in paths))
    found: list[PathsCommit] = []
    for chunk in output.split(_RECORD):
        if not chunk.strip("\0\n"):
            continue
        header, _, rest = chunk.partition("\0")
        sha, name, email, date, subject = header.split(_FIELD, 4)
        changed = tuple(sorted(p for name_ in rest.lstrip("\n").split("\0") if name_
                               and (p := repository._root_path(name_)) is not None))
        found.append(PathsCommit(sha, name, email, dt.datetime.fromisoformat(date), subject,
                                 changed))
    return found
