"""References resolve, and ids are unique: across the repository, and within a record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from eta.catalogue import ID_DUPLICATE, code_named
from eta.check.result import Context, Entry, Index, IndexRule, RecordRule
from eta.diagnostics import Diagnostic, did_you_mean, error
from eta.records.kinds import KINDS, kind_for
from eta.records.read import Loaded


def unknown_references(index: Index) -> Iterator[Diagnostic]:
    for entry in index.entries:
        for ref in entry.references:
            known = index.known_ids.of(ref.kind)
            if ref.value not in known:
                yield error(
                    entry.file, ref.line, ref.column, code_named(f"ref.unknown-{ref.kind}").code,
                    f"`{ref.where}` names {ref.kind} `{ref.value}`, which does not exist",
                    did_you_mean(ref.value, sorted(known)),
                )


def duplicate_ids(index: Index) -> Iterator[Diagnostic]:
    by_id: dict[tuple[str, str | None], list[Entry]] = {}
    for entry in index.entries:
        by_id.setdefault((entry.kind, entry.id), []).append(entry)
    for (kind, record_id), found in by_id.items():
        if record_id is None or len(found) < 2:
            continue
        # The record whose path names the id owns it: the finding goes to the copies, the
        # files a change brought, so that a check of the change alone finds it too.
        first, *others = sorted(found, key=lambda e: (not _named_for(e), e.file))
        for entry in others:
            yield error(entry.file, entry.id_line, entry.id_column, ID_DUPLICATE.code,
                        f"{kind} id `{record_id}` is already used by {first.file}")


def _named_for(entry: Entry) -> bool:
    """Whether the entry's path is named for its id (`incidents/<id>.yaml`, say)."""
    found = kind_for(tuple(entry.file.split("/")))
    return found is not None and found[1].get("id") == entry.id


def duplicate_item_ids(loaded: Loaded, context: Context) -> Iterator[Diagnostic]:
    """Items that carry an id (measures, milestones, representatives, ...) are unique within
    their record, across all its lists: they are referred to by that id alone."""
    seen: set[str] = set()
    for path, item_id in _item_ids(loaded.record):
        if item_id in seen:
            pos = loaded.position(*path, "id")
            yield error(loaded.file, pos.line, pos.column, ID_DUPLICATE.code,
                        f"id `{item_id}` appears more than once in this record")
        seen.add(item_id)


def _item_ids(record: BaseModel) -> Iterable[tuple[tuple[str | int, ...], str]]:
    for name, field in type(record).model_fields.items():
        value = getattr(record, name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_id = getattr(item, "id", None) if isinstance(item, BaseModel) else None
                if isinstance(item_id, str):
                    yield (field.alias or name, index), item_id


RECORD_RULES: dict[str, tuple[RecordRule, ...]] = {
    kind.name: (duplicate_item_ids,) for kind in KINDS
}
RULES: tuple[IndexRule, ...] = (unknown_references, duplicate_ids)
