"""Types shared by the record models.

Records come from YAML 1.2, where dates and times are text until a model parses them. The
types here are strict wherever a coercion would change the meaning: a boolean is only
`true` or `false`, a number is never read from text, and text is never read from a number
(an unquoted `1.10` is the number 1.1, not the version "1.10").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError, core_schema


class Record(BaseModel):
    """Base of every model: unknown keys are refused, values are never silently coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class RecordSchema(GenerateJsonSchema):
    """The JSON Schema of the models, where the empty list or mapping a field starts with is
    its default, as any other default is. The models make them with a factory (`list`,
    `dict`): pydantic deep-copies a default list for every record that leaves it out, which
    was a third of validating an incident. Another factory's value is no default the
    schema states."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        factory = schema.get("default_factory")
        if factory is list or factory is dict:
            return factory()
        return super().get_default_value(schema)


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_format", "expected a day of the calendar written as YYYY-MM-DD, "
                "e.g. 2026-03-28") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError("date_format",
                              "expected a date written as YYYY-MM-DD, e.g. 2026-03-28")


def _iso_datetime(value: Any) -> Any:
    if (isinstance(value, str) and _date_time(value)) or isinstance(value, dt.datetime):
        return value
    raise PydanticCustomError(
        "datetime_format", "expected a date and time written as 2026-03-01T09:30:00+01:00"
    )


def _whole_number(value: Any) -> Any:
    # JSON Schema, and so every editor, counts 5.0 as the integer 5: so does eta.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A date and time as RFC 3339 writes it (JSON Schema's `date-time`): a `T` between them,
#: the seconds, an optional fraction, and the UTC offset. `2026-03-01 09:30:00+01:00` and
#: `2026-03-01T09:30+01:00` are not: editors would mark them.
DATE_TIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
                     r"(Z|[+-][0-9]{2}:[0-9]{2})$")
_DATE_TIME = re.compile(DATE_TIME_PATTERN)
# Bound once: the validators run for every date, time and text of every record read.
_date_time = _DATE_TIME.fullmatch

#: The years a date or a time may name, in a record or given to a command: far enough from
#: the ends of Python's calendar (years 1 and 9999) that no deadline, window or horizon eta
#: reckons from them, and no change of time zone, can fall off it.
CALENDAR_YEARS = (1970, 9000)
CALENDAR_NOTE = f"eta reckons with the years {CALENDAR_YEARS[0]} to {CALENDAR_YEARS[1]}"


_FIRST_YEAR, _LAST_YEAR = CALENDAR_YEARS


def in_calendar(value: dt.date) -> bool:
    """Whether a date (or the date of a time) lies in the years eta reckons with."""
    return _FIRST_YEAR <= value.year <= _LAST_YEAR


def _in_calendar(value: dt.date) -> dt.date:
    if in_calendar(value):
        return value
    raise PydanticCustomError("date_range", f"{CALENDAR_NOTE}, not the year {value.year}")


#: A calendar date, written YYYY-MM-DD.
Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_calendar)]
#: A moment in time with its UTC offset, written as ISO 8601.
Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_datetime),
                      AfterValidator(_in_calendar),
                      Field(json_schema_extra={"pattern": DATE_TIME_PATTERN})]

#: A control character text in a record may not hold: the C0 controls but tab and line
#: feed, DEL and the C1 controls. YAML can write them as escapes within double quotes, and a
#: command line passes them on, but no record needs one, and in a terminal, a log or a
#: report they could rewrite what a person reads.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_find_control = _CONTROL.search


def control_character(value: str) -> str | None:
    """The first control character `value` may not hold, as U+XXXX; None if it has none."""
    found = _find_control(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def _printable(value: str) -> str:
    if _find_control(value) is None:  # a text of a record: by far the most common case
        return value
    raise ValueError(f"holds the control character {control_character(value)}; text may "
                     "hold line breaks and tabs, no other control characters")


Text = Annotated[StrictStr, Field(min_length=1), AfterValidator(_printable)]

Flag = StrictBool
Count = Annotated[StrictInt, BeforeValidator(_whole_number), Field(ge=0)]
#: The most hours a response time may take: six weeks around the clock. Deadlines are
#: counted hour by hour through the windows, so a bound keeps every command fast.
MAX_HOURS = 1_000


def _in_hundredths(value: float) -> float:
    # A clock of 1e-07 hours is no agreement a person made, and is said back as such.
    if round(value, 2) != value:
        raise ValueError(f"{value!r} hours has more than two decimals; write hours as 1, "
                         "1.5 or 0.25")
    return value


Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, strict=True, allow_inf_nan=False),
                  AfterValidator(_in_hundredths)]

#: What each pattern asks for, in the words of a message.
PATTERN_MEANINGS: dict[str, str] = {}


def pattern_field(pattern: str, meaning: str) -> Any:
    """A pattern for the schema, with the words a message uses when a value misses it."""
    PATTERN_MEANINGS[pattern] = meaning
    return Field(pattern=pattern)


#: What makes text a reason: one character that is not a space.
REASON_PATTERN = r"\S"
#: Why something was done, wherever a reason is required: text that says something.
Reason = Annotated[StrictStr, pattern_field(
    REASON_PATTERN, "a reason: text with at least one character that is not a space"),
    AfterValidator(_printable)]


def is_reason(value: object) -> bool:
    """Whether `value` passes as a reason, as the `Reason` type judges it."""
    return isinstance(value, str) and re.search(REASON_PATTERN, value) is not None


#: What an identifier is: up to 64 letters, digits, dots, hyphens and underscores, starting
#: with a letter or digit. Every id of the records (a party, a release, an incident, a
#: measure) and every id a command is given is held to it.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
_ID = re.compile(ID_PATTERN)


def is_identifier(value: str) -> bool:
    """Whether `value` is an identifier, as the `Identifier` type judges it."""
    return _ID.fullmatch(value) is not None


#: Identifiers are lowercase words joined by hyphens, or upper-case codes such as R2026-01.
Identifier = Annotated[StrictStr, pattern_field(
    f"^{ID_PATTERN}$",
    "an identifier: up to 64 letters, digits, dots, hyphens and underscores, "
    "starting with a letter or digit",
)]


@dataclass(frozen=True, slots=True)
class Ref:
    """Marks an identifier that must name an existing record of `kind`."""

    kind: str


@dataclass(frozen=True, slots=True)
class Fact:
    """Marks a date or time recorded as having happened: it never lies after the moment it
    is judged at (`eta check`'s day, a command's now). Deadlines and plans are not marked."""


#: A day on which something happened.
FactDate = Annotated[Date, Fact()]
#: A moment at which something happened.
FactTimestamp = Annotated[Timestamp, Fact()]

PartyId = Annotated[Identifier, Ref("party")]
ReleaseId = Annotated[Identifier, Ref("release")]
CriterionId = Annotated[Identifier, Ref("criterion")]

Email = Annotated[StrictStr, pattern_field(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                     "an e-mail address such as name@example.nl"),
                  AfterValidator(_printable)]
ClockTime = Annotated[StrictStr, pattern_field(r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                         'a time of day written as "HH:MM", in quotes')]

def _ssh_public_key(value: str) -> str:
    from eta.ssh_keys import BadKey, PublicKey

    try:
        PublicKey.from_openssh(value)
    except BadKey as exc:
        raise PydanticCustomError("ssh_key", str(exc)) from None
    return value


def _ssh_public_key_schema(schema: dict[str, Any]) -> None:
    # What a schema can say of a key line: a type eta accepts and base64 in whole groups of
    # four. What the base64 holds (a point on its curve, the type again) only eta can judge.
    from eta.ssh_keys import ACCEPTED_TYPES, LINE_LIMIT

    types = "|".join(re.escape(name) for name in ACCEPTED_TYPES)
    schema["pattern"] = (rf"^\s*({types})\s+([A-Za-z0-9+/]{{4}})*"
                         r"([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(\s[\s\S]*)?$")
    schema["maxLength"] = LINE_LIMIT


#: An OpenSSH public key line: type, base64 data and an optional comment.
SshPublicKey = Annotated[StrictStr, AfterValidator(_ssh_public_key),
                         Field(json_schema_extra=_ssh_public_key_schema)]


class Reopening(Record):
    """An explicit reopen of a closed incident or an evaluated release: who, when and why.

    Only a reopen recorded in the change opens what history closed (`eta check --base`).
    """

    at: FactTimestamp = Field(description="When it was reopened.")
    by: Text = Field(description="Who reopened it: `Name <email>` from git config.")
    reason: Reason = Field(description="Why it was reopened.")


def schema_line(schema: str, depth: int) -> str:
    """The first line of a record file `depth` folders below the repository root."""
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}.schema.json"
