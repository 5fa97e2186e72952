"""`eta check --base REF`: what git says changed from the merge base of REF to the work
tree, read once as records on both sides with the base's agreements, for the rules of
`eta.rules.change`, which are given it and read neither git nor the disk.

`--changed-only` re-validates only the changed records and those they refer to: a changed
file of a release brings its whole release folder, a reference to a release brings that
folder, a reference to a party brings the party's file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eta.attestation import DEFAULT_GRACE
from eta.changes import ChangeStatus, FileChange
from eta.records.agreements import agreed, timezone_of
from eta.records.files import REGULAR_GIT_MODES, check_real
from eta.records.kinds import KINDS, RecordKind, kind_for, reference_paths
from eta.records.layout import GUARDED_FOLDERS, record_names

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    # Loaded once the change is known: the records while git is read in a child process,
    # the release model only for a change that holds a signature.
    from eta.models.agreements import Criteria
    from eta.models.party import Party
    from eta.records.read import Loaded
    from eta.records.yaml import Document


@dataclass(slots=True)
class Side:
    """One record file as it stands at the base or in the working tree."""

    path: str
    kind: RecordKind
    document: Document | None
    loaded: Loaded | None

    @property
    def data(self) -> Any:
        return None if self.document is None else self.document.data

    @property
    def mapping(self) -> dict[str, Any]:
        return self.data if isinstance(self.data, dict) else {}


@dataclass(slots=True)
class Comparison:
    """The change from the merge base to the working tree, and the base's agreements."""

    root: Path
    revision: str
    base: str
    changes: list[FileChange]
    before: dict[str, Side]
    after: dict[str, Side]
    register: dict[str, Party]
    criteria: Criteria | None
    #: The base commit's committer time, and how long before it an added signature may
    #: be dated (read from the base when the change touches signatures).
    base_time: dt.datetime | None = None
    grace: dt.timedelta = DEFAULT_GRACE
    #: The time zone of the base's service levels, which authorisations are given in.
    zone: ZoneInfo | None = None
    #: The files that the signatures of a release cover, at the base and now, for telling a
    #: stale signature.
    plan_files: dict[str, tuple[dict[str, Side], dict[str, Side]]] = field(default_factory=dict)
    #: The moment of the check, which what a change records is judged against.
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def short_base(self) -> str:
        return self.base[:12]

    def changed(self, kind: str) -> Iterator[tuple[FileChange, Side | None, Side | None]]:
        """The changes to records of `kind`: the change, the file before and after it."""
        for change in self.changes:
            after = self.after.get(change.path)
            before = self.before.get(change.old_path) if change.old_path else None
            side = after or before
            if side is not None and side.kind.name == kind:
                yield change, before, after

    def readable(self, kind: str) -> Iterator[tuple[FileChange, Side | None, Side]]:
        """The changes to records of `kind` whose text is YAML on both sides; the rules
        about their content have nothing to compare in a file that is not (its syntax error
        is reported on its own)."""
        for change, before, after in self.changed(kind):
            if (after is not None and after.document is not None
                    and (before is None or before.document is not None)):
                yield change, before, after


@dataclass(frozen=True, slots=True)
class GitAnswer:
    """What git says of a change: the files changed since the merge base `base`, and the
    texts at the base that the rules compare with.

    `agreement_paths` are the base's agreements the change is judged by, `plan_paths` the
    base's files that the signatures cover (the release, the plan and the parties' parts),
    of the releases whose signatures changed.
    """

    base: str
    changes: list[FileChange]
    texts: dict[str, bytes | None]
    agreement_paths: list[str]
    plan_paths: list[str]
    base_time: dt.datetime | None = None


def ask_git(root: Path, revision: str) -> GitAnswer:
    """Read from git what changed since the merge base of `revision`, and the base's texts."""
    from eta.git import GitRepository

    with GitRepository.open(root, "eta check --base") as git:
        base = git.merge_base(revision, "eta check --base")
        changes = [c for c in git.changed_files(base, GUARDED_FOLDERS)
                   if kind_for(Path(c.path).parts) is not None
                   or (c.old_path and kind_for(Path(c.old_path).parts) is not None)
                   or not _is_real(root, c)]
        # The base's register judges added signatures, its criteria added classifications;
        # a change that adds neither needs none of the base's agreements read.
        kinds = {found[0].name for c in changes if (found := kind_for(Path(c.path).parts))}
        agreement_paths = git.list_files(base, "afspraken/parties") if "signature" in kinds else []
        base_time = None
        # What a change adds is dated from the base commit on: signatures, and what is
        # appended to incidents and releases.
        if kinds & {"signature", "incident", "release"}:
            agreement_paths.append(_SERVICE_LEVELS)
            base_time = git.committed_at(base)
        if "incident" in kinds:
            agreement_paths.append(_CRITERIA)
        plan_paths = [path for release in _signed_releases(changes)
                      for path in git.list_files(base, f"releases/{release}")
                      if _is_signed_content(path)]
        # A link or submodule at the base is no record there; its blob is never read.
        wanted = {c.old_path for c in changes
                  if c.old_path and c.old_mode in REGULAR_GIT_MODES} | set(agreement_paths)
        wanted |= set(plan_paths)
        # Whether a release was evaluated is its release.yaml's to say, changed or not.
        wanted |= {release_file(release) for release in _touched_releases(changes)}
        texts = git.read_texts(base, sorted(wanted))
    return GitAnswer(base, changes, texts, agreement_paths, plan_paths, base_time)


def _is_real(root: Path, change: FileChange) -> bool:
    """Whether both sides of the change are regular files (or absent): git's modes say so
    for what it tracks, the working tree for a file it does not."""
    if change.mode is None and change.status is ChangeStatus.ADDED:
        return check_real(root, change.path) is None
    return all(mode is None or mode in REGULAR_GIT_MODES for mode in (change.mode, change.old_mode))


def compare(root: Path, revision: str, answer: GitAnswer) -> Comparison:
    """The change git describes in `answer`, read as records, with the base's agreements."""
    base, changes, agreement_paths = answer.base, answer.changes, answer.agreement_paths
    before = {path: side for path, raw in answer.texts.items()
              if (side := _side(path, raw)) is not None}
    after: dict[str, Side] = {}
    for change in changes:
        if change.status is not ChangeStatus.DELETED:
            side = _side(change.path, _read(root, change.path))
            if side is not None:
                after[change.path] = side
    at_base = agreed(s.loaded for p in agreement_paths
                     if (s := before.get(p)) is not None and s.loaded is not None)
    levels = at_base.service_levels
    comparison = Comparison(root, revision, base, changes, before, after, at_base.parties,
                            at_base.criteria,
                            answer.base_time,
                            levels.backdating_grace if levels is not None else DEFAULT_GRACE,
                            zone=timezone_of(levels))
    for release in _signed_releases(changes):
        old = {p: before[p] for p in answer.plan_paths
               if p in before and release_of(p) == release}
        new = {name: side for name in _signed_content_now(root, release)
               if (side := _side(name, _read(root, name))) is not None}
        comparison.plan_files[release] = (old, new)
    return comparison


_CRITERIA = "afspraken/criteria.yaml"
_SERVICE_LEVELS = "afspraken/service-levels.yaml"


def _touched_releases(changes: Iterable[FileChange]) -> list[str]:
    """The releases with a file in the change."""
    return sorted({release_of(path) for change in changes
                   for path in (change.path, change.old_path)
                   if path and Path(path).parts[0] == "releases" and len(Path(path).parts) > 2})


def release_file(release: str) -> str:
    return f"releases/{release}/release.yaml"


def _signed_releases(changes: Iterable[FileChange]) -> list[str]:
    """The releases whose signatures the change touches."""
    return sorted({release_of(path) for change in changes
                   for path in (change.path, change.old_path) if path and is_signature(path)})


def is_signature(path: str) -> bool:
    found = kind_for(Path(path).parts)
    return found is not None and found[0].name == "signature"


def _is_signed_content(path: str) -> bool:
    """Whether the record at `path` is part of what a release's signatures cover."""
    found = kind_for(Path(path).parts)
    return found is not None and found[0].name in ("release", "plan", "plan-party")


def release_of(path: str) -> str:
    return Path(path).parts[1]


def _signed_content_now(root: Path, release: str) -> list[str]:
    folder = root / "releases" / release
    if not os.path.lexists(folder):
        return []
    return [name for name in record_names(root, [folder]) if _is_signed_content(name)]


def _read(root: Path, name: str) -> bytes | None:
    """The working tree's file `name`, read as the loader reads it; None when it is not
    there or not read: the check of the working tree reports why."""
    from eta.records.yaml import YamlError, read_file

    try:
        return read_file(root, name, name)
    except YamlError:
        return None


def _side(path: str, raw: bytes | None) -> Side | None:
    """The record at `path` with these contents; None when it is none, or not there."""
    from eta.records.read import validate_document
    from eta.records.yaml import YamlError, load_bytes

    found = kind_for(Path(path).parts)
    if found is None or raw is None:
        return None
    kind, fixed = found
    try:
        document = load_bytes(raw, path)
    except YamlError:
        return Side(path, kind, None, None)
    return Side(path, kind, document, validate_document(kind, fixed, document, path).loaded)


def changed_selection(comparison: Comparison, agreements_read: Mapping[str, frozenset[str]]
                      ) -> list[str]:
    """What `--changed-only` checks, as names of files and folders: the changed records, the
    records they refer to, and every record whose findings the change can alter besides:

    - a changed agreement (afspraken/) brings all the agreements, which are judged together
      (one key for one representative), and every record of each kind whose rules read it
      (`agreements_read`, by kind: `eta.rules.AGREEMENTS_READ`) or that can refer to what
      it defines (the parties, the criteria);
    - a record that is gone (deleted, renamed, or no longer a real file) brings every record
      of each kind that can refer to it.
    """
    chosen: set[str] = set()
    touched: set[str] = set()
    for change in comparison.changes:
        side = comparison.after.get(change.path)
        gone = change.status in (ChangeStatus.DELETED, ChangeStatus.RENAMED) or side is None
        for path in (change.path, change.old_path):
            found = kind_for(Path(path).parts) if path else None
            if found is not None and ((path == change.old_path and gone)
                                      or found[0].layout[0] == "afspraken"):
                touched.add(found[0].name)
        if change.status is ChangeStatus.DELETED:
            continue
        parts = Path(change.path).parts
        chosen.add("/".join(parts[:2]) if parts[0] == "releases" else change.path)
        if side is None or side.loaded is None:
            continue
        owner = _named_for(side.kind, side.loaded.id)
        if owner is not None:
            chosen.add(owner)  # whose id this record may take, were its path another's
        for reference in side.loaded.references:
            if reference.kind == "release":
                chosen.add(f"releases/{reference.value}")
            elif reference.kind == "party":
                chosen.add(f"afspraken/parties/{reference.value}.yaml")
    if touched & _AGREEMENT_KINDS:
        chosen.add("afspraken")
    for kind in KINDS:
        refers = {_DEFINES.get(target, target) for _, target in reference_paths(kind.model)}
        if touched & (agreements_read.get(kind.name, frozenset()) | refers):
            chosen.add(kind.layout[0])
    root = comparison.root
    return sorted(name for name in chosen if os.path.lexists(root / name))


def _named_for(kind: RecordKind, record_id: str | None) -> str | None:
    """The file or folder of `kind` whose path is named for `record_id`."""
    if record_id is None or "/" in record_id or record_id in ("", ".", ".."):
        return None
    parts = []
    for pattern in kind.layout:
        if pattern.startswith("{id}"):
            parts.append(record_id + pattern[len("{id}"):])
            break
        parts.append(pattern)
    else:
        return None
    return "/".join(parts)


#: The agreements, which the rules across the register judge together.
_AGREEMENT_KINDS = frozenset(kind.name for kind in KINDS if kind.layout[0] == "afspraken")
#: The kind of record that defines the ids of a kind of reference.
_DEFINES = {"criterion": "criteria"}
