"""The kinds of record, where each lives in a repository, and what each refers to."""

from __future__ import annotations

import importlib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Union

from pydantic import BaseModel

from eta.models.common import Fact, Record, Ref
from eta.records.layout import RECORD_FOLDERS

__all__ = ["KINDS", "KIND_BY_NAME", "RECORD_FOLDERS", "RecordKind", "kind_for"]

#: A path inside a record; None stands for every item of a list.
FieldPath = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class RecordKind:
    """A kind of record: its model, its schema's name and where its files live.

    `layout` is the file's path below the repository root; a part in braces is a field of
    the record that must hold that part of the path (`{id}.yaml` names the file after the
    record's id). `model_location` is `module:class`: a model is built only when a record
    of its kind is read. `append_only` names the lists that are only ever appended to,
    each with what one of its items is called.
    """

    name: str
    model_location: str
    layout: tuple[str, ...]
    title: str
    append_only: tuple[tuple[str, str], ...] = ()

    @property
    def model(self) -> type[Record]:
        return _model(self.model_location)

    def match(self, parts: tuple[str, ...]) -> dict[str, str] | None:
        """The fields that the path `parts` fixes, or None when it is no file of this kind."""
        if len(parts) != len(self.layout):
            return None
        fixed: dict[str, str] = {}
        for part, pattern in zip(parts, self.layout, strict=True):
            if pattern.startswith("{"):
                field, _, suffix = pattern[1:].partition("}")
                if not part.endswith(suffix) or len(part) == len(suffix):
                    return None
                fixed[field] = part[: len(part) - len(suffix)] if suffix else part
            elif part != pattern:
                return None
        return fixed

    @property
    def depth(self) -> int:
        """How many folders below the repository root its files lie."""
        return len(self.layout) - 1

    @property
    def id_field(self) -> str | None:
        """The field that identifies a record of this kind across the repository."""
        return "id" if "id" in self.model.model_fields else None


KINDS: tuple[RecordKind, ...] = (
    RecordKind("party", "eta.models.party:Party", ("afspraken", "parties", "{id}.yaml"),
               "Party"),
    RecordKind("service-levels", "eta.models.agreements:ServiceLevels",
               ("afspraken", "service-levels.yaml"), "Service levels"),
    RecordKind("criteria", "eta.models.agreements:Criteria", ("afspraken", "criteria.yaml"),
               "Incident criteria"),
    RecordKind("reporting-duties", "eta.models.duties:ReportingDuties",
               ("afspraken", "reporting-duties.yaml"), "Reporting duties"),
    RecordKind("release", "eta.models.release:Release", ("releases", "{id}", "release.yaml"),
               "Release", (("reopenings", "reopening"),)),
    RecordKind("plan", "eta.models.release:Plan", ("releases", "{release}", "plan.yaml"),
               "Implementation plan"),
    RecordKind("plan-party", "eta.models.release:PlanParty",
               ("releases", "{release}", "parties", "{party}.yaml"), "Implementing party"),
    RecordKind("signature", "eta.models.release:Signature",
               ("releases", "{release}", "signatures", "{party}.yaml"), "Plan signature"),
    RecordKind("incident", "eta.models.incident:Incident", ("incidents", "{id}.yaml"),
               "Incident", (("timeline", "timeline entry"),
                            ("classifications", "classification"),
                            ("reopenings", "reopening"),
                            ("corrections", "correction"))),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}


@cache
def _model(location: str) -> type[Record]:
    module, _, name = location.partition(":")
    model: type[Record] = getattr(importlib.import_module(module), name)
    return model



def kind_for(parts: tuple[str, ...]) -> tuple[RecordKind, dict[str, str]] | None:
    """The kind of the record file at `parts` below the root, with the fields its path fixes."""
    for kind in KINDS:
        fixed = kind.match(parts)
        if fixed is not None:
            return kind, fixed
    return None


@cache
def reference_paths(model: type[BaseModel]) -> tuple[tuple[FieldPath, str], ...]:
    """Every field path in `model` that holds a reference, with the kind it refers to."""
    return tuple((path, mark.kind) for path, mark in _marked(model, (), Ref)
                 if isinstance(mark, Ref))


@cache
def fact_paths(model: type[BaseModel]) -> tuple[FieldPath, ...]:
    """Every field path in `model` that holds a fact: a date or time that happened."""
    return tuple(dict.fromkeys(path for path, _ in _marked(model, (), Fact)))


def _marked(annotation: Any, path: FieldPath, mark: type) -> Iterator[tuple[FieldPath, Any]]:
    """The field paths whose type carries a `mark` (`Ref`, `Fact`), with the mark."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            key = field.alias or name
            for meta in field.metadata:
                if isinstance(meta, mark):
                    yield (*path, key), meta
            yield from _marked(field.annotation, (*path, key), mark)
        return
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        for meta in args[1:]:
            if isinstance(meta, mark):
                yield path, meta
        yield from _marked(args[0], path, mark)
    elif origin is list:
        yield from _marked(args[0], (*path, None), mark)
    elif origin in (Union, types.UnionType):
        for arg in args:
            yield from _marked(arg, path, mark)


def values_at(data: Any, path: FieldPath) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """The values at `path` in raw record data, each with its concrete path."""
    if not path:
        yield (), data
        return
    head, rest = path[0], path[1:]
    if head is None:
        if isinstance(data, list):
            for index, item in enumerate(data):
                for sub, value in values_at(item, rest):
                    yield (index, *sub), value
    elif isinstance(data, dict) and head in data and data[head] is not None:
        for sub, value in values_at(data[head], rest):
            yield (head, *sub), value
