"""Every use eta makes of git: revisions, changes since a merge base, old texts, history.

Nothing a user types reaches git where git could read it as an option: revisions are
refused when they start with `-` and are then resolved with `rev-parse --verify` after
`--end-of-options`; paths always follow `--` and are literal (`GIT_LITERAL_PATHSPECS`).

Inside a git hook git sets `GIT_INDEX_FILE` (and may set `GIT_DIR` or `GIT_WORK_TREE`),
often as relative paths, and git reads each relative to a different folder: `GIT_DIR` and
`GIT_WORK_TREE` from the folder it starts in, `GIT_INDEX_FILE` from the top of the working
tree it found. eta asks git itself where they lead (`git rev-parse`) and hands every git it
runs the absolute answers, so that each sees the repository, working tree and index that
git would, whatever folder eta was started from.

gitpython loads when git is first run: `eta check --base` reads git in a child process,
and the parent, which only reads records, is spared the import.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from subprocess import PIPE, Popen
from types import TracebackType
from typing import IO, TYPE_CHECKING

from eta.changes import ChangeStatus, FileChange
from eta.errors import EtaError
from eta.records.files import REGULAR_GIT_MODES
from eta.records.layout import covering

if TYPE_CHECKING:
    from git import Git, Repo
    from git.exc import GitCommandError


class GitError(EtaError):
    """git is missing, the folder is no repository, or a revision does not resolve."""


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
_OBJECT_ID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
#: The most bytes of object names written to `cat-file --batch` before its answers are read:
#: a page, the least a pipe holds on the systems eta runs on (Linux holds 64 KiB).
_BATCH = 4096
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


class _LogFormat:
    """A `git log --format` whose output no commit and no path can forge.

    A subject, an author's name or a file's name may hold any character but NUL, so no
    character can end a commit's entry in git's output. Each entry starts with a marker
    drawn at random for this one run instead, that nobody who wrote the history can know.
    Within an entry the fields are on lines of their own: git prints none of them with a
    line break in it (a subject's lines are joined, an identity has none).
    """

    def __init__(self, *fields: str) -> None:
        self.fields = fields
        self.marker = f"\x1e{secrets.token_hex(16)}\n"

    @property
    def option(self) -> str:
        return "--format=" + self.marker.replace("\n", "%n") + "%n".join(self.fields)

    def entry(self, text: str) -> tuple[list[str], str]:
        """The fields of one entry (the text after a marker), and what git printed after
        them: the commit's files."""
        header, _, rest = text.partition("\0")
        fields = header.split("\n")
        if len(fields) != len(self.fields) or not _OBJECT_ID.fullmatch(fields[0].encode()):
            raise GitError(f"git log printed an entry eta cannot read: {header[:80]!r}")
        return fields, rest

    @staticmethod
    def moment(sha: str, text: str) -> dt.datetime:
        """A date of commit `sha`, which git prints as written where it cannot read it."""
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise GitError(f"commit {sha[:12]} holds no valid date ({text!r}): the commit "
                           "object is malformed") from None


class GitRepository:
    """The git repository that holds a records root.

    Use it as a context manager: git's long-lived `cat-file --batch` process, which reads
    old file contents, ends with it.
    """

    def __init__(self, repo: Repo, root: Path, located: dict[str, str] | None = None) -> None:
        self._repo = repo
        self._cat_file: Git.AutoInterrupt | None = None
        self.root = root
        located = located or {}
        # Where git's environment names a working tree, that one counts, as it does for git.
        top = located.get("GIT_WORK_TREE") if located else repo.working_tree_dir
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
        repo.git.update_environment(**located, GIT_LITERAL_PATHSPECS="1")

    @classmethod
    def open(cls, root: Path, purpose: str) -> GitRepository:
        """The repository holding `root`; `purpose` says in an error what git was needed for."""
        from git import Repo
        from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

        located = located_by_git()
        try:
            repo = (Repo(located["GIT_DIR"]) if located
                    else Repo(root, search_parent_directories=True))
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise GitError(f"{root} is not in a git repository: {purpose} needs git") from None
        except GitCommandError as exc:  # pragma: no cover - git itself fails to start
            raise GitError(f"git failed: {_stderr(exc)}") from None
        return cls(repo, root, located)

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._cat_file is not None and self._cat_file.proc is not None:
            process = self._cat_file.proc
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
        self._cat_file = None
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

    def committed_at(self, commit: str) -> dt.datetime:
        """The committer time of `commit`, a commit id."""
        return _LogFormat.moment(commit, self._run("show", "-s", "--format=%cI",
                                                   "--end-of-options", commit).strip())

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

    def changed_files(self, base: str, folders: Sequence[str], *, renames: bool = True
                      ) -> list[FileChange]:
        """Files below `folders` that differ between commit `base` and the working tree.

        New files git does not track yet count as added, as a commit would add them. With
        `renames`, a file removed where a much like one was added is one change, renamed;
        which pairs git finds depends on the other files of `folders`.
        """
        pathspecs = [self._git_path(folder) for folder in folders]
        # Each walks the whole working tree; side by side they take the time of one.
        diff, untracked = self._run_side_by_side(
            ["diff", "--no-ext-diff", "--no-textconv", "--raw", "--no-abbrev", "-z",
             "--find-renames" if renames else "--no-renames", "--end-of-options", base, "--",
             *pathspecs],
            ["ls-files", "-z", "--others", "--exclude-standard", "--", *pathspecs])
        changes = list(self._parse_raw(diff.split("\0")))
        for git_path in untracked.split("\0"):
            path = self._root_path(git_path) if git_path else None
            if path is not None:
                changes.append(FileChange(ChangeStatus.ADDED, path, None))
        return sorted(changes, key=lambda change: change.path)

    def _parse_raw(self, fields: Sequence[str]) -> Iterator[FileChange]:
        """`git diff --raw -z`: `:<old mode> <new mode> <old id> <new id> <status>`, then
        the path, or for a rename or copy the old path and the new one."""
        index = 0
        while index + 1 < len(fields) and fields[index].startswith(":"):
            old_mode, new_mode, _, _, letters = fields[index][1:].split()
            status = _STATUS_LETTERS.get(letters[0])
            if letters[0] in "RC":
                old, new = fields[index + 1], fields[index + 2]
                index += 3
            else:
                old = new = fields[index + 1]
                index += 2
            new_path, old_path = self._root_path(new), self._root_path(old)
            if status is None or new_path is None:
                continue
            mode = None if set(new_mode) == {"0"} else new_mode
            if status is ChangeStatus.ADDED or (status is ChangeStatus.RENAMED
                                                and old_path is None):
                yield FileChange(ChangeStatus.ADDED, new_path, None, mode)
            else:
                yield FileChange(status, new_path, old_path, mode, old_mode)

    def tree_entries(self, commit: str, folder: str) -> list[tuple[str, str]]:
        """Every entry below `folder` at `commit` as (git's mode, path relative to the
        records root): files, links (`120000`) and submodules (`160000`)."""
        output = self._run("ls-tree", "-r", "-z", "--end-of-options", commit, "--",
                           self._git_path(folder))
        found = []
        for line in output.split("\0"):
            info, _, name = line.partition("\t")
            path = self._root_path(name) if name else None
            if path is not None:
                found.append((info.split(" ", 1)[0], path))
        return sorted(found, key=lambda entry: entry[1])

    def list_files(self, commit: str, folder: str) -> list[str]:
        """The regular files below `folder` at `commit`, relative to the records root: no
        link, no submodule."""
        return [path for mode, path in self.tree_entries(commit, folder)
                if mode in REGULAR_GIT_MODES]

    def folder_entries(self, commit: str, folder: str) -> list[tuple[str, bool]]:
        """The names in `folder` (relative to the root) at `commit`, a commit id, each with
        whether it is a file (a regular blob: no link, no folder); read through the
        long-lived `cat-file`, so asking of many commits starts no process for each."""
        found = self.read_object(self.spec(commit, folder))
        if found is None or found.kind != "tree":
            return []
        # A tree entry is `<mode> <name>\0` and the object id, as long as the commit's.
        id_length = len(commit) // 2
        entries: list[tuple[str, bool]] = []
        data, offset = found.data, 0
        while offset < len(data):
            end = data.index(b"\0", offset)
            mode, _, name = data[offset:end].partition(b" ")
            entries.append((name.decode("utf-8", "surrogateescape"),
                            mode in (b"100644", b"100755")))
            offset = end + 1 + id_length
        return entries

    def read_texts(self, commit: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The contents of `paths` at `commit`; None for a path the commit does not hold."""
        paths = list(paths)
        found = self.read_files([(commit, path) for path in paths])
        return {path: blob.data if blob is not None else None
                for path, blob in zip(paths, found, strict=True)}

    def read_files(self, wanted: Sequence[tuple[str, str]]) -> list[GitObject | None]:
        """The blobs of (revision, path relative to the root) pairs; None where a revision
        holds no file at that path."""
        return [self.read_file(revision, path) for revision, path in wanted]

    def read_file(self, revision: str, path: str) -> GitObject | None:
        """The blob at `path` (relative to the root) in `revision`; None when there is none."""
        found = self.read_object(self.spec(revision, path))
        return found if found is not None and found.kind == "blob" else None

    def spec(self, revision: str, path: str) -> str:
        """How git names the file at `path` (relative to the root) in `revision`."""
        return f"{revision}:{self._git_path(path)}"

    def read_object(self, spec: str) -> GitObject | None:
        """The object `spec` names; see `read_objects`."""
        return self.read_objects([spec])[0]

    def read_objects(self, specs: Sequence[str]) -> list[GitObject | None]:
        """The objects that `specs` (object ids, or `revision:path` in git's terms) name, in
        order; None for one that names none. Asked of one `git cat-file --batch` that lives
        as long as this repository is open."""
        found: list[GitObject | None] = [None] * len(specs)
        # cat-file reads a spec a line: a spec across lines names no object.
        asked = [(index, spec.encode("utf-8", "surrogateescape") + b"\n")
                 for index, spec in enumerate(specs) if "\n" not in spec]
        process = self._object_reader()
        assert process.stdin is not None and process.stdout is not None
        while asked:
            # A batch is written whole before its answers are read. Kept to what a pipe
            # holds, the writing never waits for git, so git never waits for the reading.
            count, size = 0, 0
            while count < len(asked) and (count == 0 or size + len(asked[count][1]) <= _BATCH):
                size += len(asked[count][1])
                count += 1
            batch, asked = asked[:count], asked[count:]
            process.stdin.write(b"".join(line for _, line in batch))
            process.stdin.flush()
            for index, _ in batch:
                found[index] = _answer(process.stdout)
        return found

    def _object_reader(self) -> Popen[bytes]:
        if self._cat_file is None:
            self._cat_file = self._repo.git.cat_file("--batch", as_process=True, istream=PIPE)
        process = self._cat_file.proc
        assert process is not None
        return process

    # -- history --------------------------------------------------------------------------

    def file_history(self, path: str) -> Iterator[Commit]:
        """Every commit that changed the file at `path`, newest first, across renames.

        Commits come as `git log` prints them, so that a caller can work on the first while
        git still looks for the rest. gitpython's `iter_commits(follow=True)` fails, so this
        runs `git log --follow`. A merge that holds the file unlike each parent (a resolved
        conflict) changed it as the branch it was merged into sees it: against its first
        parent, as `{sha}^` reads the version before.
        """
        from git.compat import safe_decode

        log = _LogFormat("%H", "%an", "%ae", "%aI", "%G?", "%s")
        marker = log.marker.encode()
        # The handle ends git when it is let go, so it is held while git runs.
        running = self._repo.git.execute(
            ["git", "log", "--follow", "--find-renames", "--diff-merges=first-parent",
             log.option, "--raw", "--no-abbrev", "-z", "--end-of-options", "HEAD", "--",
             self._git_path(path)],
            as_process=True)
        process = running.proc
        assert process is not None and process.stdout is not None and process.stderr is not None
        current = path
        pending = b""
        while chunk := os.read(process.stdout.fileno(), 1 << 16):
            *complete, pending = (pending + chunk).split(marker)
            commits = []
            for record in complete:
                if record:
                    commits.append(self._commit(log, safe_decode(record) or "", current))
                    current = commits[-1].old_path or commits[-1].path
            yield from self._with_signatures(commits)
        if pending:
            yield from self._with_signatures(
                [self._commit(log, safe_decode(pending) or "", current)])
        stderr = safe_decode(process.stderr.read()) or ""
        if process.wait():
            raise GitError(f"git log failed: {_last_line(stderr, process.returncode)}")

    def _with_signatures(self, commits: list[Commit]) -> list[Commit]:
        """git says N (unsigned) for a signature it has no means to check: an SSH signature
        without gpg.ssh.allowedSignersFile, say. The commit objects tell."""
        unsigned = [i for i, c in enumerate(commits) if c.signature is SignatureStatus.UNSIGNED]
        for index, found in zip(unsigned, self.read_objects([commits[i].sha for i in unsigned]),
                                strict=True):
            if found is not None and _carries_signature(found.data):
                commits[index] = dataclasses.replace(
                    commits[index], signature=SignatureStatus.CANNOT_CHECK)
        return commits

    def _commit(self, log: _LogFormat, record: str, current: str) -> Commit:
        """One commit of `git log --raw -z` output; `current` is the file's path after it."""
        (sha, name, email, date, signature, subject), rest = log.entry(record)
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
        return Commit(sha, name, email, log.moment(sha, date), subject,
                      _signature_status(signature), status, current, old_path, blob, old_blob)


def _answer(stdout: IO[bytes]) -> GitObject | None:
    """cat-file's answer to one spec: `<id> <type> <size>` and the object, or `<spec>
    missing` (or `ambiguous`), where the spec itself may hold spaces."""
    header = stdout.readline()
    if not header:
        raise GitError("git cat-file stopped before answering")
    fields = header.split()
    if len(fields) != 3 or not fields[2].isdigit() or not _OBJECT_ID.fullmatch(fields[0]):
        return None
    data = stdout.read(int(fields[2]) + 1)[:-1]
    return GitObject(fields[0].decode(), fields[1].decode(), data)


def _carries_signature(commit_object: bytes) -> bool:
    """Whether a commit object holds a signature, checked or not."""
    header = commit_object.split(b"\n\n", 1)[0]
    return b"\ngpgsig " in header or b"\ngpgsig-sha256 " in header


def _signature_status(letter: str) -> SignatureStatus:
    try:
        return SignatureStatus(letter)
    except ValueError:
        return SignatureStatus.CANNOT_CHECK


#: The variables that tell git where its repository, working tree and index are.
_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


def located_by_git() -> dict[str, str]:
    """Where git, started here with this environment, finds its repository, working tree
    and index, as absolute paths; empty when the environment names none of them.

    Asked of git itself, because git reads each variable relative to a different folder,
    and without `GIT_WORK_TREE` takes the folder it starts in as the working tree.
    """
    if not any(os.environ.get(name) for name in _LOCATION_VARIABLES):
        return {}
    command = ["git", "rev-parse", "--path-format=absolute", "--absolute-git-dir",
               "--git-path", "index", "--show-toplevel"]
    try:
        process = Popen(command, stdout=PIPE, stderr=PIPE)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    stdout, stderr = process.communicate()
    lines = stdout.decode("utf-8", "surrogateescape").splitlines()
    if process.returncode or len(lines) < 2:
        named = ", ".join(f"{name}={os.environ[name]}" for name in _LOCATION_VARIABLES
                          if os.environ.get(name))
        reason = _last_line(stderr.decode("utf-8", "replace"), process.returncode)
        raise GitError(f"git finds no repository where its environment points ({named}): "
                       f"{reason}")
    found = {"GIT_DIR": lines[0], "GIT_INDEX_FILE": lines[1]}
    if len(lines) > 2:
        found["GIT_WORK_TREE"] = lines[2]
    return found


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

    git = Git(str(folder))
    git.update_environment(**located_by_git())
    try:
        value = git.config("--get", key)
    except GitCommandNotFound:
        raise GitError("git is not installed") from None
    except GitCommandError:
        return None  # `git config --get` exits 1 for a key that is not set
    return value.strip() or None


def git_identity(root: Path) -> str:
    """`Name <email>` from git config: who classifies, logs or reopens."""
    values = []
    for key in ("user.name", "user.email"):
        value = config_value(root, key)
        if value is None:
            raise EtaError(f"git config {key} is not set: eta records who did this; "
                           f"set it with `git config {key} ...`")
        values.append(value)
    return f"{values[0]} <{values[1]}>"


def ensure_repository(folder: Path, initial_branch: str) -> bool:
    """Make `folder` a git repository on `initial_branch` unless it lies in one; whether one
    was made."""
    from git import Repo
    from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

    try:
        Repo(folder, search_parent_directories=True).close()
        return False
    except (InvalidGitRepositoryError, NoSuchPathError):
        pass
    try:
        Repo.init(folder, initial_branch=initial_branch).close()
    except GitCommandError as exc:
        raise GitError(f"git init failed: {_stderr(exc)}") from None
    return True


@dataclass(frozen=True, slots=True)
class PathsCommit:
    """A commit that changed some of the paths asked for, with the ones it changed."""

    sha: str
    author_name: str
    author_email: str
    #: The author's date and the committer's as git printed them, read where they are
    #: used: a malformed commit fails only what shows or weighs it, not a whole history.
    author_date: str
    subject: str
    paths: tuple[str, ...]
    committer_date: str
    #: Of `paths`, those the commit holds different from each of its parents: all of them,
    #: but for a merge read `by_parent`, whose other paths hold what one parent held.
    from_every_parent: tuple[str, ...]
    #: Read `by_parent`, its parents among the commits listed: the nearest ancestors on
    #: each line of descent that are listed (git's parent rewriting); empty otherwise.
    parents: tuple[str, ...] = ()

    @property
    def date(self) -> dt.datetime:
        """When the author made the commit, as git says."""
        return _LogFormat.moment(self.sha, self.author_date)

    @property
    def committed(self) -> dt.datetime:
        """When the commit was made in this history (a rebase makes it anew), as git says."""
        return _LogFormat.moment(self.sha, self.committer_date)


def commits_changing(repository: GitRepository, commit: str, paths: Sequence[str], *,
                     by_parent: bool = False, most: bool = False) -> list[PathsCommit]:
    """The commits up to `commit` that changed any of `paths` (files or folders relative to
    the records root), newest first, in one `git log`, each with the files it changed.

    The answer for a set of paths is the answer for each path joined, so that one record's
    trail is the same whether its history is read alone or with every other record's:
    - Renames are neither followed (a record's path is fixed by its id) nor looked for:
      git would name a file removed where another much like it was added only by the new
      name, and so leave the commit out of the old one's history when many paths are asked
      for at once, but not when it alone is.
    - Every commit is walked (`--full-history`): git's simplification prunes a side branch
      whose merge left a path as it was, which depends on the other paths asked for.
    - A merge changed the files it holds different from every parent (a resolved
      conflict); a merge that only takes one side's version of a file did not change it.
      A merge that changed none of `paths` is left out.

    `by_parent` reads a merge as the change it made to each of its parents instead: its
    `paths` are those it holds different from any parent. That is when content first stood
    as it does: a merge that joins two sides' changes without a conflict holds what neither
    side held. It also reads the history as a graph: every merge is listed, also one that
    changed none of `paths`, each commit with its `parents` among those listed, and each
    comes before its parents (the graph's order, not that of dates a committer chose).

    `most` says that most commits change `paths` (every record folder): then git lists
    every commit's files and `paths` are picked out here, with the same answer in half of
    git's time. Limited to paths, git compares each commit with its parents to prune the
    walk, and again to name the files.
    """
    if not paths:
        return []
    log = _LogFormat("%H", "%P", "%an", "%ae", "%aI", "%cI", "%s")
    graph = ("--diff-merges=separate", "--parents", "--topo-order") if by_parent else (
        "--diff-merges=dense-combined",)
    # A records root below the top of the tree keeps its limit: the rest of the tree may
    # be another project's, with a history of its own.
    picked_here = most and not by_parent and not repository.prefix
    limit = () if picked_here else tuple(repository._git_path(path) for path in paths)
    wanted = covering(paths) if picked_here else None
    output = repository._run(
        "log", "--no-renames", "--full-history", *graph, log.option, "--name-only", "-z",
        "--end-of-options", commit, "--", *limit)
    found: list[PathsCommit] = []
    # Read `by_parent`, git prints a merge once for each parent it differs from (among
    # `paths`), one after the other.
    changes: list[set[str]] = []
    for index, entry in enumerate(entries := output.split(log.marker)[1:]):
        fields, rest = log.entry(entry)
        # git starts a commit's names on a line of its own; a name may start with one too.
        names = rest.removeprefix("\n").split("\0")
        changes.append({p for name_ in names
                        if name_ and (p := repository._root_path(name_)) is not None
                        and (wanted is None or wanted(p))})
        if index + 1 < len(entries) and entries[index + 1].startswith(fields[0] + "\n"):
            continue
        sha, parents, name, email, date, committed, subject = fields
        parent_ids = tuple(parents.split())
        # A merge that changed none of `paths` still joins lines of descent: the graph
        # names it as a parent.
        if (changed := set().union(*changes)) or by_parent:
            # git prints no entry for a parent the merge holds the same as: then no path
            # differs from every parent.
            printed_for = max(len(parent_ids), 1) if by_parent else 1
            from_every = set.intersection(*changes) if len(changes) == printed_for else set()
            found.append(PathsCommit(sha, name, email, date, subject, tuple(sorted(changed)),
                                     committed, tuple(sorted(from_every)),
                                     parent_ids if by_parent else ()))
        changes = []
    return found


def head_commit(root: Path) -> str | None:
    """The commit the working tree at `root` is on; None outside a git repository, in one
    without commits, or without git. Asked of git directly, without loading gitpython: a
    check answered from its cache needs no more of git than this."""
    return _plain_answer(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")


def current_branch(folder: Path) -> str | None:
    """The branch checked out in the repository `folder` lies in (one without commits yet
    included); None outside a repository, on a detached HEAD, or without git."""
    return _plain_answer(folder, "symbolic-ref", "--quiet", "--short", "HEAD")


def _plain_answer(folder: Path, *args: str) -> str | None:
    """What git prints for `args` run in `folder`, without gitpython; None where it fails."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, env={**os.environ, **located_by_git()},
            capture_output=True, text=True, check=False)
    except (OSError, GitError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None
