"""Facts are not in the future: the one rule every date or time recorded as having happened
goes through.

The models mark such fields once (`eta.models.common.Fact`); `eta check` judges them against
the end of the day it checks for, and every edit a command makes against the command's now,
both through `future_fact_diagnostics`. Deadlines and plans carry no mark: they may lie ahead.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from eta.catalogue import FACT_FUTURE
from eta.check.result import Context, RecordRule
from eta.diagnostics import Diagnostic, error
from eta.records.agreements import timezone_of
from eta.records.kinds import FieldPath, fact_paths
from eta.records.read import Loaded
from eta.records.validation import dotted

Concrete = tuple[str | int, ...]


def lies_after(value: dt.date, reference: dt.datetime) -> bool:
    """Whether a fact's date or moment lies after `reference`; a date is judged by the
    calendar day `reference` falls on in its own time zone."""
    if isinstance(value, dt.datetime):
        return value > reference
    return value > reference.date()


def future_facts(record: BaseModel, reference: dt.datetime) -> Iterator[tuple[Concrete, Any]]:
    """The facts in `record` that lie after `reference`, each with its path in the record."""
    for path in fact_paths(type(record)):
        for concrete, value in _values_at(record, path):
            if isinstance(value, dt.date) and lies_after(value, reference):
                yield concrete, value


def future_fact_diagnostics(loaded: Loaded, reference: dt.datetime, *, day: str,
                            moment: str) -> list[Diagnostic]:
    """`fact.future` for each fact of the record after `reference`; `day` and `moment` name
    the reference in the message of a date and of a time ("2026-12-01, the day checked for",
    "now (2026-12-01 10:00 CET)")."""
    found = []
    for path, value in future_facts(loaded.record, reference):
        pos = loaded.position(*path)
        judged_by = moment if isinstance(value, dt.datetime) else day
        found.append(error(
            loaded.file, pos.line, pos.column, FACT_FUTURE.code,
            f"`{dotted(path)}` is {value.isoformat()}, after {judged_by}: a fact recorded as "
            "having happened cannot lie in the future",
            "correct it; what has not happened yet is recorded once it has"))
    return found


def _values_at(item: Any, path: FieldPath) -> Iterator[tuple[Concrete, Any]]:
    if not path:
        yield (), item
        return
    head, rest = path[0], path[1:]
    if head is None:
        for index, element in enumerate(item if isinstance(item, list) else []):
            for sub, value in _values_at(element, rest):
                yield (index, *sub), value
        return
    model: type[BaseModel] = type(item)
    value = getattr(item, _attributes(model).get(head, head), None)
    if value is not None:
        for sub, found in _values_at(value, rest):
            yield (head, *sub), found


@functools.cache
def _attributes(model: type[BaseModel]) -> dict[str, str]:
    """The attribute that holds each field written under an alias of its own (a field
    written as its name is held under it): asked for every step to every fact of every
    record, and looking through the fields each time took a tenth of checking an incident
    under the profiler."""
    return {field.alias: name for name, field in model.model_fields.items()
            if field.alias is not None}


def facts_not_in_the_future(loaded: Loaded, context: Context) -> Iterable[Diagnostic]:
    if context.moment is not None:
        words = f"{context.moment.isoformat()}, the moment checked for"
        return future_fact_diagnostics(loaded, context.moment, day=words, moment=words)
    tz = timezone_of(context.service_levels)
    # The whole day counts, so that a check gives the same findings at any hour of it.
    end_of_day = dt.datetime.combine(context.today, dt.time.max, tzinfo=tz)
    words = f"{context.today.isoformat()}, the day checked for"
    return future_fact_diagnostics(loaded, end_of_day, day=words, moment=words)


#: The kinds whose records hold facts; the agreements hold none.
RECORD_RULES: dict[str, tuple[RecordRule, ...]] = dict.fromkeys(
    ("release", "plan", "plan-party", "signature", "incident"), (facts_not_in_the_future,))
