"""A record's history from git: who changed it when, and what changed in its fields.

The difference between two versions is taken from the parsed records, not from their text:
a comment or a reflowed line is no change; a key added, removed or changed is, and so is an
item of a list. Items that carry an `id` (representatives, measures, criteria) are matched
by it, so an item inserted in the middle reads as one addition, not as every later item
changed.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eta.contracts import HISTORY
from eta.errors import EtaError
from eta.escaping import for_terminal
from eta.git import Commit, GitRepository
from eta.parallel import collection_paused
from eta.records.kinds import kind_for
from eta.records.layout import relative
from eta.records.yaml import YamlError, load_bytes

if TYPE_CHECKING:
    from eta.contracts.shapes import FieldChangeEntry, HistoryDocument, VersionEntry

#: A concrete path in a record: keys, list indexes, or `id=...` for items matched by id.
FieldLocation = tuple[str | int, ...]


class FieldChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class FieldChange:
    kind: FieldChangeKind
    path: str
    old: Any = None
    new: Any = None

    def as_dict(self) -> FieldChangeEntry:
        data: FieldChangeEntry = {"change": self.kind.value, "path": self.path}
        if self.kind is not FieldChangeKind.ADDED:
            data["old"] = self.old
        if self.kind is not FieldChangeKind.REMOVED:
            data["new"] = self.new
        return data


@dataclass(frozen=True, slots=True)
class Version:
    """One commit in a record's history, with what it changed in the record."""

    commit: Commit
    event: str
    changes: list[FieldChange] = field(default_factory=list)
    problem: str | None = None

    def as_dict(self) -> VersionEntry:
        c = self.commit
        return {
            "commit": c.sha,
            "date": c.date.isoformat(),
            "author": {"name": c.author_name, "email": c.author_email},
            "subject": c.subject,
            "signature": {"status": str(c.signature), "meaning": c.signature.meaning},
            "path": c.path,
            "previous_path": c.old_path if c.old_path != c.path else None,
            "event": self.event,
            "problem": self.problem,
            "changes": [change.as_dict() for change in self.changes],
        }


@dataclass(frozen=True, slots=True)
class History:
    record: str
    versions: list[Version]

    def as_dict(self) -> HistoryDocument:
        return {"version": HISTORY.version, "record": self.record,
                "versions": [v.as_dict() for v in self.versions]}


#: Where a record with a given id lives, by kind.
_ID_LAYOUTS = (
    ("party", "afspraken/parties/{}.yaml"),
    ("release", "releases/{}/release.yaml"),
    ("incident", "incidents/{}.yaml"),
)


def resolve_record(root: Path, given: str) -> str:
    """The record file `given` names, relative to the root: a path, or a record's id."""
    as_path = Path(given)
    for candidate in (Path.cwd() / as_path, root / as_path):
        if candidate.is_file():
            name = relative(root, candidate.resolve())
            if Path(name).is_absolute():
                raise EtaError(f"{given} lies outside the repository at {root}")
            return name
    if "/" in given or given.endswith((".yaml", ".yml")):
        name = relative(root, (Path.cwd() / as_path).resolve())
        if not Path(name).is_absolute() and kind_for(Path(name).parts) is not None:
            return name  # a record that no longer exists still has its history
        raise EtaError(f"no record at {given}")
    found = [(kind, layout.format(given)) for kind, layout in _ID_LAYOUTS
             if (root / layout.format(given)).is_file()]
    if not found:
        from eta.incidents.state import AmbiguousId, incident_file

        try:  # an incident, as everywhere, also by a prefix of its id
            return incident_file(root, given)
        except AmbiguousId:
            raise
        except EtaError:
            pass
        raise EtaError(f"no party, release or incident has the id `{given}`; "
                       "give the record's path instead")
    if len(found) > 1:
        names = ", ".join(f"{kind} {path}" for kind, path in found)
        raise EtaError(f"`{given}` is the id of more than one record ({names}); "
                       "give the record's path instead")
    return found[0][1]


def record_history(root: Path, record: str) -> History:
    """Every commit that changed `record` (a path relative to the root), newest first."""
    # Every version read lives to the end, as the parsed records of a bulk read do.
    with GitRepository.open(root, "eta history") as git, collection_paused():
        git.require_history("eta history")
        git.head()
        # The versions before and after each commit are read by the blob ids git log gives;
        # a blob that is the version after one commit and before the next is read and
        # parsed once. A commit git shows no change for (a merge) is read by path.
        commits = list(git.file_history(record))
        sides = [_sides(git, commit) for commit in commits]
        wanted: dict[str, str] = {}
        for side in sides:
            for spec, path in filter(None, side):
                wanted.setdefault(spec, path)
        parsed = dict(zip(wanted, _parsed_versions(git, wanted), strict=True))
    if not commits:
        raise EtaError(f"git has no history of {record}: it was never committed")
    return History(record, [
        _version(commit, None if after is None else parsed[after[0]],
                 None if before is None else parsed[before[0]])
        for commit, (after, before) in zip(commits, sides, strict=True)])


#: A version of a record: the spec git reads it by, and its path in that commit.
_Side = tuple[str, str] | None


def _sides(git: GitRepository, commit: Commit) -> tuple[_Side, _Side]:
    """The versions of the record after `commit` and before it."""
    if commit.status is None:
        return ((git.spec(commit.sha, commit.path), commit.path),
                None if commit.old_path is None
                else (git.spec(f"{commit.sha}^", commit.old_path), commit.old_path))
    return (None if commit.blob is None else (commit.blob, commit.path),
            None if commit.old_blob is None or commit.old_path is None
            else (commit.old_blob, commit.old_path))


#: From this many versions on, they are parsed in forked workers (`eta.parallel`): git
#: gives the versions of a long history all at once, at its end, and parsing them took as
#: long again as git's walk.
PARALLEL_FROM = 200


def _parsed_versions(git: GitRepository, wanted: dict[str, str]) -> list[_Parsed | None]:
    """Each wanted version parsed; None for a spec that names no file."""
    from eta.parallel import forked_map

    found = git.read_objects(list(wanted))
    texts = [None if item is None or item.kind != "blob" else (item.data, path)
             for item, path in zip(found, wanted.values(), strict=True)]

    # The workers are forked with the texts; only each index and its parsed record travel.
    def parse(index: int) -> _Parsed | None:
        text = texts[index]
        return None if text is None else _parsed(*text)

    return list(forked_map(parse, range(len(texts)), parallel_from=PARALLEL_FROM))


def _version(commit: Commit, after: _Parsed | None, before: _Parsed | None) -> Version:
    before_path = commit.old_path
    if before is None:
        event = "created"
    elif after is None:
        event = "deleted"
    elif before_path != commit.path:
        event = "renamed"
    else:
        event = "changed"
    problem = next((p.problem for p in (after, before) if p is not None and p.problem), None)
    changes: list[FieldChange] = []
    if before is not None and after is not None and problem is None:
        changes = diff_records(before.data, after.data)
    return Version(commit, event, changes, problem)


@dataclass(frozen=True, slots=True)
class _Parsed:
    data: Any
    problem: str | None


def _parsed(raw: bytes, path: str) -> _Parsed:
    try:
        return _Parsed(load_bytes(raw, path).data, None)
    except YamlError as exc:
        return _Parsed(None, f"{path} was no valid record here: {exc.diagnostic.message}")


def diff_records(old: Any, new: Any) -> list[FieldChange]:
    """What changed from `old` to `new`, two parsed records, field by field."""
    return list(_diff(old, new, ()))


def _diff(old: Any, new: Any, path: FieldLocation) -> Iterator[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                yield FieldChange(FieldChangeKind.REMOVED, _dotted((*path, key)), old[key])
        for key in new:
            if key not in old:
                yield FieldChange(FieldChangeKind.ADDED, _dotted((*path, key)), None, new[key])
            else:
                yield from _diff(old[key], new[key], (*path, key))
    elif isinstance(old, list) and isinstance(new, list):
        yield from _diff_lists(old, new, path)
    elif not _same(old, new):
        yield FieldChange(FieldChangeKind.CHANGED, _dotted(path), old, new)


def _item_ids(items: Sequence[Any]) -> list[str] | None:
    """The items' ids when every item is a mapping with an id of its own, else None."""
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    if all(isinstance(i, str | int) for i in ids) and len(set(ids)) == len(ids):
        return [str(i) for i in ids]
    return None


def _diff_lists(old: list[Any], new: list[Any], path: FieldLocation) -> Iterator[FieldChange]:
    if _same(old, new):
        return  # most lists are as they were; matching their items costs more than this
    old_ids, new_ids = _item_ids(old), _item_ids(new)
    if old_ids is not None and new_ids is not None and (old or new):
        old_by_id = dict(zip(old_ids, old, strict=True))
        new_by_id = dict(zip(new_ids, new, strict=True))
        for item_id, item in old_by_id.items():
            if item_id not in new_by_id:
                yield FieldChange(FieldChangeKind.REMOVED, _dotted((*path, f"id={item_id}")),
                                  item)
        for item_id, item in new_by_id.items():
            where = (*path, f"id={item_id}")
            if item_id not in old_by_id:
                yield FieldChange(FieldChangeKind.ADDED, _dotted(where), None, item)
            else:
                yield from _diff(old_by_id[item_id], item, where)
        return
    keys_old = [_canonical(item) for item in old]
    keys_new = [_canonical(item) for item in new]
    matcher = difflib.SequenceMatcher(a=keys_old, b=keys_new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                yield from _diff(old[i1 + offset], new[j1 + offset], (*path, j1 + offset))
            continue
        for index in range(i1, i2):
            yield FieldChange(FieldChangeKind.REMOVED, _dotted((*path, index)), old[index])
        for index in range(j1, j2):
            yield FieldChange(FieldChangeKind.ADDED, _dotted((*path, index)), None, new[index])


def _same(old: Any, new: Any) -> bool:
    """Equal, and of the same types throughout: `==` alone takes `true` for `1`, and
    `.nan` for no `.nan`."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict):
        return old.keys() == new.keys() and all(_same(old[key], new[key]) for key in old)
    if isinstance(old, list):
        return len(old) == len(new) and all(map(_same, old, new))
    return bool(old == new) or (isinstance(old, float) and math.isnan(old) and math.isnan(new))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _dotted(path: FieldLocation) -> str:
    text = ""
    for part in path:
        if isinstance(part, int) or part.startswith("id="):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(record)"


def show_value(value: Any) -> str:
    """A value as one short line of YAML-like text."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if _needs_quotes(value) else value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _needs_quotes(text: str) -> bool:
    return not text or text != text.strip() or any(c in text for c in "\n\"{}[],:#")


def render_text(history: History) -> str:
    """The history as text for a terminal. Every value is escaped on its own: a commit
    subject, an author, a path or a field value is text anyone could have written, and one
    holding a line break must not print a line of its own that reads as another commit."""
    shown = for_terminal
    lines = [f"History of {shown(history.record)}: {len(history.versions)} "
             f"commit{'' if len(history.versions) == 1 else 's'}", ""]
    for version in history.versions:
        c = version.commit
        lines.append(f"{c.short}  {c.date.isoformat()}  {shown(c.author_name)} "
                     f"<{shown(c.author_email)}>  [{c.signature.meaning}]")
        lines.append(f"    {shown(c.subject)}")
        if version.event == "created":
            lines.append(f"    created {shown(c.path)}")
        elif version.event == "deleted":
            lines.append(f"    deleted {shown(c.old_path)}")
        elif version.event == "renamed":
            lines.append(f"    renamed from {shown(c.old_path)} to {shown(c.path)}")
        if version.problem:
            lines.append(f"    ! {shown(version.problem)}")
        for change in version.changes:
            where = shown(change.path)
            if change.kind is FieldChangeKind.ADDED:
                lines.append(f"    + {where}: {shown(show_value(change.new))}")
            elif change.kind is FieldChangeKind.REMOVED:
                lines.append(f"    - {where}: {shown(show_value(change.old))}")
            else:
                lines.append(f"    ~ {where}: {shown(show_value(change.old))} -> "
                             f"{shown(show_value(change.new))}")
        if version.event in ("changed", "renamed") and not version.changes and not version.problem:
            lines.append("    (no change in the fields: formatting or comments only)")
        lines.append("")
    return "\n".join(lines)
