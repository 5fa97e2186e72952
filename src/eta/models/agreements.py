"""The standing agreements: service levels and the incident criteria, thresholds as data."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationInfo, field_validator, model_validator

from eta.models.common import ClockTime, Count, Date, Hours, Identifier, Record, Text
from eta.vocabulary import FlagFact, Priority, Rule, SystemRule, Weekday


class Window(Record):
    """Hours on given weekdays; an end at or before the start runs into the next day."""

    days: Annotated[list[Weekday], Field(min_length=1)] = Field(
        description="The weekdays the window holds on.")
    start: ClockTime = Field(description="When the window opens, \"HH:MM\".")
    end: ClockTime = Field(
        description="When the window closes, \"HH:MM\"; at or before the start, the next day.")

    def minutes_of_week(self) -> set[int]:
        """The minutes of a week (0 is Monday 00:00) the window holds, as on a day without a
        change of clock."""
        start, end = _minute_of_day(self.start), _minute_of_day(self.end)
        length = end - start if end > start else end + _DAY - start
        weekdays = list(Weekday)
        return {(weekdays.index(day) * _DAY + start + minute) % _WEEK
                for day in self.days for minute in range(length)}


_DAY = 24 * 60
_WEEK = 7 * _DAY


def _minute_of_day(clock_time: str) -> int:
    hours, minutes = clock_time.split(":")
    return int(hours) * 60 + int(minutes)


#: The calendars of public holidays a support window can name.
HolidayCalendar = Literal["NL", "algemene-termijnenwet"]


class SupportWindow(Window):
    holidays: HolidayCalendar = Field(
        default="NL",
        description="Which public holidays are no working days: `NL`, the Dutch list of the "
        "`holidays` library, which counts Bevrijdingsdag (5 May) only every fifth year, or "
        "`algemene-termijnenwet`, the days of article 3 of the Algemene termijnenwet and "
        "Goede Vrijdag, with 5 May every year.",
    )
    closing_days: list[Date] = Field(
        default_factory=list, description="Further days on which support is closed, such as a day "
        "between holidays that the parties agreed to close.")


class ResponseTime(Record):
    hours: Annotated[Hours, Field(gt=0)] = Field(
        description="The hours a response may take (responstijd).")
    clock: Literal["availability", "support"] = Field(
        description="Whether the hours count within the availability or the support window."
    )


Percent = Annotated[float, Field(gt=0, le=100, strict=True, allow_inf_nan=False)]
#: A year of working days.
MAX_NOTICE_WORKING_DAYS = 260
#: The largest threshold of a criterion: hours of disruption, or a number of participants.
MAX_THRESHOLD = 100_000


class AvailabilityTargets(Record):
    per_role_percent: Percent = Field(
        description="The availability each role must reach, in percent (beschikbaarheid per rol).")
    system_percent: Percent = Field(
        description="The availability of the whole system, in percent (beschikbaarheid van het "
        "stelsel).")
    degraded_counts_percent: Annotated[float, Field(
        ge=0, le=100, strict=True, allow_inf_nan=False)] = Field(
        default=0, description="How much of a degraded period counts as unavailable: 0 (the "
        "default) counts degraded service as available, 100 as unavailable.")
    system_rule: SystemRule = Field(
        default=SystemRule.ANY_ROLE,
        description="How the system's figure follows from the roles: "
        "`any-role-unavailable` (the default) counts the system unavailable whenever any "
        "party is unavailable in any role; `mean-of-roles` takes the mean of every party's "
        "figure in every role.")


@cache
def time_zones() -> tuple[str, ...]:
    """The time zones a repository may name: those of the IANA database eta ships (the
    tzdata package), the same on every machine, whatever the system holds."""
    from importlib import resources

    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(name for name in names.split() if name))


def _time_zone_schema(schema: dict[str, Any]) -> None:
    schema["enum"] = list(time_zones())


#: The time zone of the records where afspraken/service-levels.yaml names none, or there are
#: no service levels to read: the Netherlands', where the framework's parties work.
DEFAULT_TIMEZONE = "Europe/Amsterdam"


class ServiceLevels(Record):
    """afspraken/service-levels.yaml."""

    timezone: Text = Field(
        default=DEFAULT_TIMEZONE, json_schema_extra=_time_zone_schema,
        description="The time zone of the windows, and that commands read times in (an "
        f"IANA name such as {DEFAULT_TIMEZONE}).")
    availability_window: Annotated[list[Window], Field(min_length=1)] = Field(
        description="When the services must be available (beschikbaarheidsvenster).")
    maintenance_windows: list[Window] = Field(
        default_factory=list,
        description="When planned maintenance may take place (onderhoudsvensters).")
    maintenance_notice_working_days: Annotated[Count, Field(le=MAX_NOTICE_WORKING_DAYS)] = Field(
        default=5, description="How many working days ahead maintenance is announced "
        "(aankondigingstermijn).")
    support_window: SupportWindow = Field(
        description="When support is given (ondersteuningsvenster): working days, public "
        "holidays excepted.")
    response_times: dict[Priority, ResponseTime] = Field(
        description="The response time for each priority (responstijden per prioriteit), P1 to P4.")
    availability_targets: AvailabilityTargets = Field(
        description="The availability to reach (beschikbaarheidsnormen).")
    backdating_grace_days: Annotated[Count, Field(le=3660)] = Field(
        default=14,
        description="How many days before the commit a change starts from a time it adds "
        "may lie (a signature's signed_at): work made some days before it was pushed, or "
        "rebased, keeps its time.",
    )

    @property
    def zone(self) -> ZoneInfo:
        """The time zone every day and moment of the records is told in."""
        return ZoneInfo(self.timezone)

    @property
    def backdating_grace(self) -> dt.timedelta:
        return dt.timedelta(days=self.backdating_grace_days)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in time_zones():
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @model_validator(mode="after")
    def _every_priority_has_a_response_time(self) -> ServiceLevels:
        missing = [str(p) for p in Priority if p not in self.response_times]
        if missing:
            raise ValueError(f"response_times lacks priority {', '.join(missing)}")
        return self

    @field_validator("maintenance_windows")
    @classmethod
    def _leave_open_time(cls, value: list[Window], info: ValidationInfo) -> list[Window]:
        # Every clock of a response time and of availability runs in open time: with none,
        # no deadline could ever be reached.
        windows: list[Window] = info.data.get("availability_window", [])
        available: set[int] = set().union(*(window.minutes_of_week() for window in windows))
        for window in value:
            available -= window.minutes_of_week()
        if windows and not available:
            raise ValueError("the maintenance windows cover the whole availability window: "
                             "no time is left in which the services are available")
        return value


class Criterion(Record):
    id: Identifier = Field(description="The criterion's id, such as C1 or K2.")
    text: Text = Field(description="The framework's own (Dutch) wording.")
    rule: Rule = Field(description="How the criterion is tested against an incident's facts.")
    fact: FlagFact | None = Field(default=None, description="For rule `flag`.")
    threshold: Annotated[float, Field(gt=0, le=MAX_THRESHOLD, strict=True,
                                      allow_inf_nan=False)] | None = Field(
        default=None,
        description="Hours for `disruption-exceeds-hours`, a count for `min-deelnemers`.",
    )

    @model_validator(mode="after")
    def _test_has_its_parameter(self) -> Criterion:
        if self.rule is Rule.FLAG and self.fact is None:
            raise ValueError("a criterion with rule `flag` names its `fact`")
        if self.rule is not Rule.FLAG and self.fact is not None:
            raise ValueError(f"rule `{self.rule}` takes no `fact`")
        wants_threshold = self.rule in (Rule.DISRUPTION_EXCEEDS_HOURS, Rule.MIN_DEELNEMERS)
        if wants_threshold and self.threshold is None:
            raise ValueError(f"rule `{self.rule}` needs a `threshold`")
        if not wants_threshold and self.threshold is not None:
            raise ValueError(f"rule `{self.rule}` takes no `threshold`")
        return self


class Criteria(Record):
    """afspraken/criteria.yaml: when an incident is a calamiteit, and when a crisis."""

    source: Text = Field(description="Where the wording comes from.")
    calamiteit: Annotated[list[Criterion], Field(min_length=1)] = Field(
        description="The criteria of a calamiteit: an incident that meets one is a calamiteit.")
    crisis: Annotated[list[Criterion], Field(min_length=1)] = Field(
        description="The criteria of a crisis: a calamiteit that meets one is a crisis.")
