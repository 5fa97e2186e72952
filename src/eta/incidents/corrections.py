"""The recorded facts of an incident that are corrected, never overwritten: its
notifications under the reporting duties, the fields that hold a stage's notification
(`times.phoned`, the data breach's notification), and the outages availability is measured
by.

A value once recorded changes only with a correction appended to `corrections` in the same
change: the field, the value it had, who changed it, when and why. Recording a value where
there was none (an outage's end, a notification's reference) is no correction, and an
outage's `expected_end`, an estimate, changes freely. An entry of `notifications` or
`outages` is never removed. `eta incident update --reason` writes the correction;
`eta check --base` reports a change of a recorded fact that no correction appended in the
change accounts for.

Both judge the record's data as YAML holds it (mappings, lists, text), so that the edit and
the check of a change find the same changes. Two times that name the same moment are the
same value, whatever offset each is written with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eta.records.validation import dotted

#: The fields of an entry of each list that are recorded facts.
ENTRY_FACTS: dict[str, tuple[str, ...]] = {
    "notifications": ("duty", "stage", "at", "reference", "delay_reason"),
    "outages": ("party", "role", "state", "start", "end"),
}
#: The fields outside those lists that hold a stage's notification: the homes a duty's
#: `recorded_as` names, with the reference and reason that belong to the data breach's.
FIELD_FACTS: tuple[tuple[str, str], ...] = (
    ("times", "phoned"),
    ("data_breach", "notified_at"),
    ("data_breach", "reference"),
    ("data_breach", "delay_reason"),
)

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FactChange:
    """A recorded fact changed: its path, the value it had (as text) and the new one (None:
    removed, with its entry where the path names an entry)."""

    path: Path
    was: str
    now: str | None

    @property
    def name(self) -> str:
        """The path as a correction names it: `notifications[0].at`, `times.phoned`."""
        return dotted(self.path)

    @property
    def list_name(self) -> str:
        """The list or mapping the fact belongs to: `notifications`, `outages`, or, for a
        field that holds a stage's notification, `notifications` too."""
        head = str(self.path[0])
        return head if head in ENTRY_FACTS else "notifications"


def as_text(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def same(recorded: object, value: object) -> bool:
    """Whether `value` is the value `recorded` holds: as text, or as the same moment."""
    if recorded is None or value is None:
        return recorded is value
    first, second = moment_of(recorded), moment_of(value)
    if first is not None and second is not None:
        return first == second
    return as_text(recorded) == as_text(value)


def moment_of(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.utcoffset() is not None else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(data: Mapping[str, Any], name: str) -> Sequence[Any]:
    value = data.get(name)
    return value if isinstance(value, list) else []


def changed_facts(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FactChange]:
    """Every recorded fact of `before` that `after` changes or removes, in the record's
    order; an entry removed is one change, at the entry's path."""
    return list(_changes(before, after))


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[FactChange]:
    for section, name in FIELD_FACTS:
        old = _mapping(before.get(section)).get(name)
        new = _mapping(after.get(section)).get(name)
        if old is not None and not same(old, new):
            yield FactChange((section, name), as_text(old),
                             None if new is None else as_text(new))
    for list_name, fields in ENTRY_FACTS.items():
        old_items, new_items = _items(before, list_name), _items(after, list_name)
        for index, old_item in enumerate(old_items):
            old_entry = _mapping(old_item)
            if index >= len(new_items):
                yield FactChange((list_name, index), entry_words(list_name, old_entry), None)
                continue
            new_entry = _mapping(new_items[index])
            for name in fields:
                old, new = old_entry.get(name), new_entry.get(name)
                if old is not None and not same(old, new):
                    yield FactChange((list_name, index, name), as_text(old),
                                     None if new is None else as_text(new))


def entry_words(list_name: str, entry: Mapping[str, Any]) -> str:
    """An entry as a message names it: `nis2:melding`, `volmacht:machtigingenregister`."""
    first, second = ("duty", "stage") if list_name == "notifications" else ("party", "role")
    return f"{entry.get(first)}:{entry.get(second)}"


def uncorrected(changes: Sequence[FactChange], corrections: Sequence[Any]
                ) -> list[FactChange]:
    """The changes that no correction among `corrections` accounts for: one naming the field
    and the value it had. An entry removed is never accounted for."""
    found = []
    for change in changes:
        covered = change.now is not None and any(
            isinstance(entry, Mapping) and entry.get("field") == change.name
            and same(entry.get("was"), change.was)
            for entry in corrections)
        if not covered:
            found.append(change)
    return found


def correction_entry(change: FactChange, at: str, by: str, reason: str) -> dict[str, str]:
    """The entry of `corrections` that records `change`."""
    return {"at": at, "by": by, "field": change.name, "was": change.was, "reason": reason}
