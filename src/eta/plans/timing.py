"""When a signature can have been made: what its claimed `signed_at` is judged against.

A signature names its own time, and a signer could name any. Three things eta does not
take from the signer bound it:

- the moment of the check: a signature is not made in the future (`eta.attestation`);
- the release's decision: a plan is signed after the Tactisch Beraad decided the release;
- git: a signature covers content as it stood when it was signed, so it is not made before
  the commit that gave the covered content its present state. Where that commit also
  brought a signature of the same party (the records of a plan imported in one commit, a
  pull request squashed into one), git says nothing of which came first, and the
  signature stands; a replaced signature is bounded by `eta check --base` instead.

git's history is read as a graph, not by the dates committers chose: from the head back
along every line of descent, over the commits that hold the content as it stands, to those
behind which no commit held it. Those gave it. A commit that only kept the content (a
change of progress, a comment, the merge of a side that held it already) hides none of
them. A merge that joins two sides' changes gives the content a state neither side held,
and brought a signature only if neither side held it. Where lines of descent gave the
content apart (a change picked onto two branches, a history joined from elsewhere), the
signature must come after each, or have been brought by it.

What git says is read once per process and commit: one `git log` over `releases/`; the
content at an older commit is read only for a signature dated before a commit that changed
its release's content, to tell a change of the content from progress.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eta.attestation import CLOCK_SKEW, unattested
from eta.catalogue import (
    PLAN_SIGNATURE_BEFORE_CHANGE,
    PLAN_SIGNATURE_BEFORE_DECISION,
    PLAN_SIGNATURE_FUTURE,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.git import GitRepository, PathsCommit
    from eta.models.release import Signature
    from eta.plans.digest import ReleaseFiles

RELEASES = "releases"


def signing_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar day of a moment in the records' time zone, which authorisations are
    given in."""
    return moment.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class TimeProblem:
    """Why a signature's time cannot be true: a diagnostic code, the reason, the field."""

    code: str
    reason: str
    field: str = "signed_at"


@dataclass(frozen=True, slots=True)
class ReleaseCommit:
    """A commit that changed files of one release folder the digest covers."""

    commit: PathsCommit
    #: The parties whose signature it brought: it holds the file unlike every parent.
    signatures: frozenset[str]

    @property
    def sha(self) -> str:
        return self.commit.sha

    @property
    def committed(self) -> dt.datetime:
        return self.commit.committed


class ReleaseHistory:
    """git's history of the release folders up to a commit, as a graph: what content each
    release had where is read from the commits that changed it, along lines of descent,
    whatever dates their committers gave them."""

    def __init__(self, commits: Sequence[PathsCommit]) -> None:
        #: Children before parents, as git lists them.
        self._commits = commits
        self._content: dict[str, dict[str, ReleaseCommit]] = {}
        listed_as_parent: set[str] = set()
        for commit in commits:
            listed_as_parent.update(commit.parents)
            self._read(commit)
        self._tips = tuple(c.sha for c in commits if c.sha not in listed_as_parent)
        self._behind: dict[str, dict[str, frozenset[str]]] = {}

    def _read(self, commit: PathsCommit) -> None:
        changed: set[str] = set()
        signed: dict[str, set[str]] = {}
        brought = set(commit.from_every_parent)
        for path in commit.paths:
            parts = path.split("/")
            if len(parts) < 3 or parts[0] != RELEASES:
                continue
            if parts[2] == "signatures" and len(parts) == 4:
                if path in brought:
                    signed.setdefault(parts[1], set()).add(parts[3].removesuffix(".yaml"))
            else:
                changed.add(parts[1])
        # A commit that changed only signatures left the content as it was.
        for release in changed:
            self._content.setdefault(release, {})[commit.sha] = ReleaseCommit(
                commit, frozenset(signed.get(release, ())))

    def content_commits(self, release: str) -> Mapping[str, ReleaseCommit]:
        """The commits that changed the content of `release`, by id."""
        return self._content.get(release, {})

    def behind(self, release: str, sha: str) -> frozenset[str]:
        """The commits nearest behind commit `sha` that changed the content of `release`:
        on each line of descent, the first one."""
        return self._behind_of(release)[sha]

    def at_head(self, release: str) -> frozenset[str]:
        """The commits that gave `release` the content it has at the head."""
        content = self.content_commits(release)
        behind = self._behind_of(release)
        return frozenset().union(*({tip} if tip in content else behind[tip]
                                   for tip in self._tips))

    def _behind_of(self, release: str) -> dict[str, frozenset[str]]:
        found = self._behind.get(release)
        if found is None:
            content = self.content_commits(release)
            found = {}
            for commit in reversed(self._commits):  # parents before their children
                nearest = [frozenset((parent,)) if parent in content else found[parent]
                           for parent in commit.parents]
                found[commit.sha] = (nearest[0] if len(nearest) == 1
                                     else frozenset().union(*nearest))
            self._behind[release] = found
        return found


def _release_history(root: Path, head: str) -> ReleaseHistory:
    """git's history of the releases up to `head`."""
    return _release_history_cached(str(root), head)


@functools.lru_cache(maxsize=4)
def _release_history_cached(root: str, head: str) -> ReleaseHistory:
    from eta.git import GitRepository, commits_changing

    # `head` is a commit git found at `root`: git failing now (a commit object it cannot
    # read, say) would lift the bound git sets, so it ends the check with git's reason.
    # A merge counts as a change of what it holds different from any parent: content two
    # sides changed first stands whole at their merge. It brought a signature only where it
    # holds that different from every parent; one a side held, the side brought, before.
    with GitRepository.open(Path(root), "dating signatures") as git:
        return ReleaseHistory(commits_changing(git, head, [RELEASES], by_parent=True))


class SigningEvidence:
    """The trusted times of one run: the moment of the check, and git's history of the
    records at `root` up to commit `head` (None outside git, or where there is none)."""

    def __init__(self, root: Path | None, head: str | None,
                 checked_at: dt.datetime | None = None, zone: ZoneInfo | None = None) -> None:
        self.root = root
        self.head = head
        self.checked_at = checked_at or dt.datetime.now(dt.UTC)
        self._zone = zone

    @property
    def zone(self) -> ZoneInfo:
        """The time zone a signature's day is told in: the records'."""
        if self._zone is None:
            from eta.records.agreements import repository_zone, timezone_of

            self._zone = (repository_zone(self.root) if self.root is not None
                          else timezone_of(None))
        return self._zone

    @classmethod
    def of(cls, root: Path) -> SigningEvidence:
        """The evidence for the working tree at `root`, as of now: within a run's snapshot,
        as of the first ask, so that git is asked for the head once a run."""
        from eta.git import head_commit
        from eta.records.snapshot import once

        return once(("signing evidence", str(root)), lambda: cls(root, head_commit(root)))

    def read_ahead(self) -> None:
        """Read git's history of the releases now, for every release judged later."""
        if self.root is not None and self.head is not None:
            _release_history(self.root, self.head)

    def for_release(self, files: ReleaseFiles, digest: str | None) -> SignatureTimes:
        release = files.release.record if files.release is not None else None
        decided_on = getattr(release, "decided_on", None)
        history = None
        if self.root is not None and self.head is not None and files.signatures:
            history = _release_history(self.root, self.head)
        return SignatureTimes(self, files.release_id, decided_on, digest, history)


@dataclass
class SignatureTimes:
    """What the signatures of one release are dated against."""

    evidence: SigningEvidence
    release_id: str
    decided_on: dt.date | None
    #: The digest of the release's content as it stands; None where it cannot be taken.
    digest: str | None
    #: git's history of the releases; None outside git, or where nothing is signed.
    history: ReleaseHistory | None

    def problem(self, signature: Signature) -> TimeProblem | None:
        """Why `signature`'s `signed_at` cannot be true, or None."""
        signed_at = signature.signed_at
        found = unattested(signed_at, checked_at=self.evidence.checked_at, base_time=None,
                           grace=dt.timedelta(0))
        if found is not None:
            return TimeProblem(PLAN_SIGNATURE_FUTURE.code, f"it is {found.message}")
        if (self.decided_on is not None
                and signing_date(signed_at, self.evidence.zone) < self.decided_on):
            return TimeProblem(PLAN_SIGNATURE_BEFORE_DECISION.code,
                               f"it is dated {signed_at.isoformat()}, before the release was "
                               f"decided on {self.decided_on}")
        if self.digest is None or signature.digest != self.digest:
            return None  # a stale signature is reported as stale
        changed = self._content_introduced(signature)
        if changed is not None:
            return TimeProblem(
                PLAN_SIGNATURE_BEFORE_CHANGE.code,
                f"it is dated {signed_at.isoformat()}, before commit {changed.sha[:12]} "
                f"gave the content it covers its present state, at "
                f"{changed.committed.isoformat()}")
        return None

    def _content_introduced(self, signature: Signature) -> ReleaseCommit | None:
        """The commit that gave the covered content its present state, when it lies after
        `signature`'s time and did not bring the signature itself; None otherwise."""
        if self.history is None:
            return None
        latest = signature.signed_at + CLOCK_SKEW
        content = self.history.content_commits(self.release_id)
        if all(commit.committed <= latest for commit in content.values()):
            return None  # no commit of the content can lie after the signature
        # Content never committed as it stands gives no commit. Where lines of descent gave
        # it apart, each bounds the signature: one whose dates its committer chose, an
        # early date on a history joined from elsewhere, lifts no bound another sets.
        after = [commit for sha in self._commits_that_gave_content()
                 if (commit := content[sha]).committed > latest
                 and signature.party not in commit.signatures]
        return min(after, key=lambda commit: (commit.committed, commit.sha), default=None)

    def _commits_that_gave_content(self) -> list[str]:
        """The commits that gave the release's content the digest it has now: behind each,
        no commit on any line of descent held it. Walked from the head over the commits
        that hold the digest, so that a commit that only kept it (a change of progress, a
        merge of a side that held it) hides none that gave it."""
        assert self.history is not None
        release = self.release_id
        walk = [sha for sha in self.history.at_head(release) if self._holds(sha)]
        seen = set(walk)
        gave: list[str] = []
        while walk:
            sha = walk.pop()
            held = [behind for behind in self.history.behind(release, sha)
                    if self._holds(behind)]
            if not held:
                gave.append(sha)
            walk += [behind for behind in held if behind not in seen]
            seen.update(held)
        return gave

    def _holds(self, commit: str) -> bool:
        return self._digest_at(commit) == self.digest

    def _digest_at(self, commit: str) -> str | None:
        root = self.evidence.root
        assert root is not None
        return _digest_at(str(root), commit, self.release_id)


@functools.lru_cache(maxsize=256)
def _digest_at(root: str, commit: str, release_id: str) -> str | None:
    """The digest of the release's content as it stood after `commit`."""
    from eta.git import GitError

    try:
        return _content_digest(_repository(root, os.getpid()), commit, release_id)
    except GitError:
        return None


@functools.cache
def _repository(root: str, process: int) -> GitRepository:
    """One repository per process for reading old contents: its `cat-file` serves every
    commit asked of it, and ends with the process. A forked worker (another `process`)
    opens its own rather than share its parent's pipe."""
    import atexit

    from eta.git import GitRepository

    repository = GitRepository.open(Path(root), "dating signatures")
    atexit.register(repository.close)
    return repository


def _content_digest(git: GitRepository, commit: str, release_id: str) -> str | None:
    from eta.plans.digest import ReleaseFiles, content_digest
    from eta.records.kinds import kind_for
    from eta.records.read import validate_document
    from eta.records.yaml import YamlError, load_bytes

    folder = f"{RELEASES}/{release_id}"
    paths = [f"{folder}/{name}" for name, is_file in git.folder_entries(commit, folder)
             if is_file]
    paths += [f"{folder}/parties/{name}"
              for name, is_file in git.folder_entries(commit, f"{folder}/parties") if is_file]
    files = ReleaseFiles(release_id)
    texts: Mapping[str, bytes | None] = git.read_texts(commit, paths)
    for path, raw in texts.items():
        found = kind_for(tuple(path.split("/")))
        if found is None or raw is None:
            continue
        try:
            result = validate_document(found[0], found[1], load_bytes(raw, path), path)
        except YamlError:
            files.unloaded.append(path)
            continue
        if result.loaded is None:
            files.unloaded.append(path)
        else:
            files.add(result.loaded)
    return content_digest(files)
