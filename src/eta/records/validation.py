"""Turning pydantic's validation errors into located diagnostics."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from eta.catalogue import (
    PARTY_KEY_INVALID,
    RECORD_DATE,
    RECORD_MISSING_KEY,
    RECORD_TYPE,
    RECORD_UNKNOWN_KEY,
    RECORD_VALUE,
)
from eta.diagnostics import Diagnostic, did_you_mean, error
from eta.models.common import PATTERN_MEANINGS
from eta.records.yaml import Document

Loc = tuple[str | int, ...]


def model_diagnostics(
    exc: ValidationError, document: Document, model: type[BaseModel], display: str
) -> list[Diagnostic]:
    return [_diagnostic(detail, document, model, display) for detail in exc.errors()]


def dotted(loc: Sequence[str | int]) -> str:
    """`measures[2].deadline` for ("measures", 2, "deadline")."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def describe(value: Any) -> str:
    """How a value read from YAML is named in a message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__  # pragma: no cover - YAML gives no other values


#: How a message says the bound a number missed.
_BOUNDS = {"greater_than": "more than", "greater_than_equal": "at least",
           "less_than": "less than", "less_than_equal": "at most"}

_EXPECTED_CHOICE = re.compile(r"'([^']*)'")


def _diagnostic(
    detail: ErrorDetails, document: Document, model: type[BaseModel], display: str
) -> Diagnostic:
    loc: Loc = tuple(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    where = f"`{dotted(loc)}`" if loc else "the record"

    if kind == "extra_forbidden":
        pos = document.position(loc, key=True)
        parent = dotted(loc[:-1])
        allowed = field_names(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed) or (
            f"allowed keys: {', '.join(allowed)}" if allowed else None
        )
        inside = f" in `{parent}`" if parent else ""
        return error(display, pos.line, pos.column, RECORD_UNKNOWN_KEY.code,
                     f"unknown key `{loc[-1]}`{inside}", hint)
    if kind == "missing":
        pos = document.position(loc[:-1])
        parent = dotted(loc[:-1])
        inside = f" in `{parent}`" if parent else ""
        return error(display, pos.line, pos.column, RECORD_MISSING_KEY.code,
                     f"missing required key `{loc[-1]}`{inside}")

    pos = document.position(loc)
    if kind == "bool_type":
        hint = ("YAML 1.2 reads yes, no, on and off as text; write true or false"
                if isinstance(value, str) else None)
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be true or false, not {describe(value)}", hint)
    if kind in ("enum", "literal_error"):
        choices = _EXPECTED_CHOICE.findall(str(detail.get("ctx", {}).get("expected", "")))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else None
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where} must be one of {', '.join(choices)}; not {describe(value)}", hint)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be a mapping, not {describe(value)}")
    if kind == "list_type":
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be a list, not {describe(value)}")
    if kind == "string_type":
        hint = ("put the value in quotes to keep it as text"
                if isinstance(value, int | float | bool) else None)
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be text, not {describe(value)}", hint)
    if kind == "string_too_short" and value == "":
        return error(display, pos.line, pos.column, RECORD_VALUE.code, f"{where} must not be empty")
    if kind == "string_pattern_mismatch":
        pattern = str(detail.get("ctx", {}).get("pattern"))
        meaning = PATTERN_MEANINGS.get(pattern)
        if meaning is not None:
            return error(display, pos.line, pos.column, RECORD_VALUE.code,
                         f"{where} must be {meaning}, not {describe(value)}")
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where}: {describe(value)} is not of the expected form",
                     f"it must match {pattern}")
    if kind == "ssh_key":
        return error(display, pos.line, pos.column, PARTY_KEY_INVALID.code,
                     f"{where}: {detail['msg']}")
    if kind == "date_range":
        return error(display, pos.line, pos.column, RECORD_DATE.code,
                     f"{where}: {detail['msg']}")
    if kind in ("date_format", "datetime_format"):
        return error(display, pos.line, pos.column, RECORD_DATE.code,
                     f"{where}: {detail['msg']}, not {describe(value)}")
    if kind == "timezone_aware":
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where}: {describe(value)} has no time zone",
                     "add the UTC offset, as in 2026-03-01T09:30:00+01:00")
    if kind == "finite_number":
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where} must be a finite number, not {describe(value)}")
    if kind in _BOUNDS:
        limit = next(iter(detail.get("ctx", {}).values()), None)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where} must be {_BOUNDS[kind]} {limit}, not {describe(value)}")
    if kind.startswith(("date", "datetime", "timezone")):
        return error(display, pos.line, pos.column, RECORD_DATE.code,
                     f"{where}: {describe(value)} is not a date and time",
                     "write it as 2026-03-01T09:30:00+01:00")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be a whole number, not {describe(value)}")
    if kind in ("float_parsing", "float_type"):
        return error(display, pos.line, pos.column, RECORD_TYPE.code,
                     f"{where} must be a number, not {describe(value)}")
    if kind in ("too_short", "too_long", "string_too_long"):
        limit = detail.get("ctx", {}).get("min_length" if kind == "too_short" else "max_length")
        bound = "at least" if kind == "too_short" else "at most"
        unit = "characters" if kind == "string_too_long" else "items"
        return error(display, pos.line, pos.column, RECORD_VALUE.code,
                     f"{where} must have {bound} {limit} {unit}")
    if kind in ("value_error", "assertion_error"):
        # Raised by eta's own validators, whose messages are written for people.
        message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return error(display, pos.line, pos.column, RECORD_VALUE.code, f"{where}: {message}")
    # pydantic's own wording is not for people: say what was found, and where.
    return error(display, pos.line, pos.column, RECORD_VALUE.code,
                 f"{where}: {describe(value)} is not accepted here",
                 f"see the schema of this record in schemas/ ({kind})")


def option_message(exc: ValidationError) -> str:
    """What a command-line value missed, said as eta says it of a record's value: the
    command-line library checks options with pydantic, whose own text is not for people."""
    details = exc.errors()
    if not details:
        return "the value is not accepted here"  # pragma: no cover - pydantic always says
    detail = details[0]
    kind = detail["type"]
    value = detail.get("input")
    shown = repr(value) if isinstance(value, str) else describe(value)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{shown} is not a whole number, such as 30"
    if kind in ("float_parsing", "float_type"):
        return f"{shown} is not a number, such as 2.5"
    if kind in _BOUNDS:
        limit = next(iter(detail.get("ctx", {}).values()), None)
        return f"{shown} is not {_BOUNDS[kind]} {limit}"
    if kind in ("enum", "literal_error"):
        choices = _EXPECTED_CHOICE.findall(str(detail.get("ctx", {}).get("expected", "")))
        return f"{shown} is not one of {', '.join(choices)}"
    if kind == "value_error":
        # Raised by the command line's own checks, which speak plainly.
        return detail["msg"].removeprefix("Value error, ")
    return f"{shown} is not accepted here"


def field_names(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed in the mapping at `loc` of `model`, in the model's order."""
    target = _model_at(model, loc)
    if target is None:
        return []
    return [field.alias or name for name, field in target.model_fields.items()]


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            if typing.get_origin(annotation) is not list or not args:
                return None
            annotation = args[0]
            continue
        if typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        fields = {(f.alias or n): f for n, f in annotation.model_fields.items()}
        if part not in fields:
            return None
        annotation = fields[part].annotation
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and `| None` from a field's annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation
