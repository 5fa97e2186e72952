"""Rules across records: references resolve, and ids are unique."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from eta.checks import RecordSet, Rule
from eta.diagnostics import Diagnostic, did_you_mean, error
from eta.load import Loaded


def unknown_references(records: RecordSet) -> Iterator[Diagnostic]:
    for loaded in records.records:
        for ref in loaded.references:
            known = records.known_ids.get(ref.kind, set())
            if ref.value not in known:
                yield error(
                    loaded.file, ref.line, ref.column, f"ref.unknown-{ref.kind}",
                    f"`{ref.where}` names {ref.kind} `{ref.value}`, which does not exist",
                    did_you_mean(ref.value, sorted(known)),
                )


def duplicate_ids(records: RecordSet) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Loaded] = {}
    for loaded in sorted(records.records, key=lambda r: r.file):
        if loaded.id is None:
            continue
        key = (loaded.kind.name, loaded.id)
        if key in first:
            pos = loaded.position("id")
            yield error(loaded.file, pos.line, pos.column, "id.duplicate",
                        f"{loaded.kind.name} id `{loaded.id}` is already used by "
                        f"{first[key].file}")
        else:
            first[key] = loaded


def duplicate_item_ids(records: RecordSet) -> Iterator[Diagnostic]:
    """Items that carry an id (measures, milestones, representatives, ...) are unique within
    their record, across all its lists: they are referred to by that id alone."""
    for loaded in records.records:
        seen: set[str] = set()
        for path, item_id in _item_ids(loaded.record):
            if item_id in seen:
                pos = loaded.position(*path, "id")
                yield error(loaded.file, pos.line, pos.column, "id.duplicate",
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


RULES: tuple[Rule, ...] = (unknown_references, duplicate_ids, duplicate_item_ids)
