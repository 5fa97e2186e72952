"""When a signature can have been made: what its claimed `signed_at` is judged against.

A signature names its own time, and a signer could name any. Three things eta does not
take from the signer bound it:

- the moment of the check: a signature is not made in the future (`eta.attestation`);
- the release's decision: a plan is signed after the Tactisch Beraad decided the release;
- git: a signature covers content as it stood when it was signed, so it is not made before
  the commit that gave the covered content its present state. Where that commit also
  brought a signature of the same party (the records of a plan imported in one commit, a
  pull request squashed into one), git says nothing of which came first, and the
  signature stands; a replaced signature is bounded by `eta check --base` instead. A merge
  that joins two sides' changes gives the content a state neither side held, and brought a
  signature only if neither side held it.

What git says is read once per process and commit: one `git log` over `releases/`; the
content at an older commit is read only for a signature dated before a later commit that
changed its release's files, to tell a change of the content from progress.
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

    from eta.git import GitRepository
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
    """A commit that changed files of one release folder."""

    sha: str
    committed: dt.datetime
    #: Whether it changed a file the digest covers (any but the signatures).
    covers_content: bool
    #: The parties whose signature file it changed.
    signatures: frozenset[str]


def _release_commits(root: Path, head: str) -> dict[str, list[ReleaseCommit]]:
    """The commits up to `head` that changed each release's files, newest first."""
    return _release_commits_cached(str(root), head)


@functools.lru_cache(maxsize=4)
def _release_commits_cached(root: str, head: str) -> dict[str, list[ReleaseCommit]]:
    from eta.git import GitRepository, commits_changing

    # `head` is a commit git found at `root`: git failing now (a commit object it cannot
    # read, say) would lift the bound git sets, so it ends the check with git's reason.
    # A merge counts as a change of what it holds different from any parent: content two
    # sides changed first stands whole at their merge. It brought a signature only where it
    # holds that different from every parent; one a side held, the side brought, before.
    with GitRepository.open(Path(root), "dating signatures") as git:
        commits = commits_changing(git, head, [RELEASES], by_parent=True)
    found: dict[str, list[ReleaseCommit]] = {}
    for commit in commits:
        by_release: dict[str, tuple[bool, set[str]]] = {}
        brought = set(commit.from_every_parent)
        for path in commit.paths:
            parts = path.split("/")
            if len(parts) < 3 or parts[0] != RELEASES:
                continue
            covers, signed = by_release.setdefault(parts[1], (False, set()))
            if parts[2] == "signatures" and len(parts) == 4:
                if path in brought:
                    signed.add(parts[3].removesuffix(".yaml"))
            else:
                covers = True
            by_release[parts[1]] = (covers, signed)
        for release, (covers, signed) in by_release.items():
            found.setdefault(release, []).append(
                ReleaseCommit(commit.sha, commit.committed, covers, frozenset(signed)))
    return found


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
            _release_commits(self.root, self.head)

    def for_release(self, files: ReleaseFiles, digest: str | None) -> SignatureTimes:
        release = files.release.record if files.release is not None else None
        decided_on = getattr(release, "decided_on", None)
        commits: Sequence[ReleaseCommit] = ()
        if self.root is not None and self.head is not None and files.signatures:
            commits = _release_commits(self.root, self.head).get(files.release_id, [])
        return SignatureTimes(self, files.release_id, decided_on, digest, commits)


@dataclass
class SignatureTimes:
    """What the signatures of one release are dated against."""

    evidence: SigningEvidence
    release_id: str
    decided_on: dt.date | None
    #: The digest of the release's content as it stands; None where it cannot be taken.
    digest: str | None
    commits: Sequence[ReleaseCommit]

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
        latest = signature.signed_at + CLOCK_SKEW
        introduced: ReleaseCommit | None = None
        for commit in self.commits:
            if not commit.covers_content:
                continue
            # git lists commits newest first: those still to come are older yet, so once
            # the content is known to stand since a commit dated before the signature (or
            # not to be committed at all), no later commit can have given it.
            if introduced is None and commit.committed <= latest:
                return None
            if self._digest_at(commit.sha) != self.digest:
                break
            if commit.committed <= latest:
                return None
            introduced = commit
        if introduced is None or signature.party in introduced.signatures:
            return None
        return introduced

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
