"""Business time: hours counted only within agreed windows, in the agreements' time zone.

The service levels give windows as wall-clock hours on weekdays (`mon 09:00-17:00`). Each
calendar day of the agreements' time zone is turned into the real intervals it holds, so
that a day of 23 or 25 hours (the last Sundays of March and October in the Netherlands)
counts exactly the hours it has. All arithmetic is done on time zone-aware datetimes; a
naive datetime is refused.

Two clocks matter:

- the availability window: the availability windows minus the maintenance windows, every
  day of the year;
- the support window: working days 09:00-17:00, without public holidays and the closing
  days the agreements add. The holidays are the calendar the service levels name: the
  `holidays` library's Dutch list (built once per country and year, never per record), or
  the Algemene termijnenwet's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from eta.errors import EtaError
from eta.models.agreements import ServiceLevels, Window
from eta.vocabulary import Priority, Weekday

UTC = dt.UTC
ZERO = dt.timedelta(0)
#: The data-breach notification duty: report within 72 hours of becoming aware.
DATA_BREACH_NOTICE = dt.timedelta(hours=72)
#: How far a search for open time may run before the windows are taken to leave none.
_SEARCH_DAYS = 3 * 366

_WEEKDAYS = tuple(Weekday)  # in the order of date.weekday(): mon is 0

Interval = tuple[dt.datetime, dt.datetime]


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} carries no time zone")


def _in_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC, where adding and subtracting count real time: Python adds to the
    wall clock of a moment in a zone with daylight saving, and takes two moments of one
    such zone apart by their wall clocks, so that an hour around a change is lost or
    counted twice."""
    _require_aware(moment)
    return moment.astimezone(UTC)


def duration(span: dt.timedelta) -> str:
    """`9 hours 30 minutes`, `1 hour`, `0 hours`, `4 hours 0 minutes 1 second`."""
    seconds = int(span.total_seconds())
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{hours} hour{'' if hours == 1 else 's'}"
    if minute or second:
        text += f" {minute} minute{'' if minute == 1 else 's'}"
    if second:
        text += f" {second} second{'' if second == 1 else 's'}"
    return text


def elapsed_deadline(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """`start` plus `duration` of real time, in `start`'s time zone."""
    return (_in_utc(start) + duration).astimezone(start.tzinfo)


def data_breach_deadline(aware_at: dt.datetime) -> dt.datetime:
    """When a reportable data breach is due at the Autoriteit Persoonsgegevens."""
    return elapsed_deadline(aware_at, DATA_BREACH_NOTICE)


@functools.cache
def _holiday_table(country: str) -> Callable[[dt.date], bool]:
    import holidays

    table = holidays.country_holidays(country)

    def is_holiday(day: dt.date) -> bool:
        # The table adds each year the first time a date of it is asked for.
        return day in table

    return is_holiday


#: The calendar of the Algemene termijnenwet, as `support_window.holidays` names it.
TERMIJNENWET = "algemene-termijnenwet"


@functools.cache
def termijnenwet_holidays(year: int) -> frozenset[dt.date]:
    """The algemeen erkende feestdagen of article 3 of the Algemene termijnenwet in `year`:
    Nieuwjaarsdag, Paasmaandag, Koningsdag, 5 May (every year, not only every fifth),
    Hemelvaartsdag, Pinkstermaandag and both days of Christmas; and Goede Vrijdag, which
    is held equal to them. Easter Sunday and Whit Sunday are Sundays, no working day anyway.
    """
    sunday = easter_sunday(year)
    # Koningsdag since 2014, Koninginnedag (30 April) before; on a Sunday, the day before.
    kings_day = dt.date(year, 4, 27) if year >= 2014 else dt.date(year, 4, 30)
    if kings_day.weekday() == 6:
        kings_day -= dt.timedelta(days=1)
    return frozenset({
        dt.date(year, 1, 1),
        sunday - dt.timedelta(days=2),
        sunday + dt.timedelta(days=1),
        kings_day,
        dt.date(year, 5, 5),
        sunday + dt.timedelta(days=39),
        sunday + dt.timedelta(days=50),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    })


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def load_calendar(calendar: str) -> None:
    """Load the public holidays of `calendar` before any day is asked for: a process about
    to fork workers loads the `holidays` library's list once, rather than once in each."""
    if calendar != TERMIJNENWET:
        _holiday_table(calendar)


def is_public_holiday(day: dt.date, calendar: str = "NL") -> bool:
    """Whether `day` is a public holiday in `calendar`: a country's list of the `holidays`
    library, or the Algemene termijnenwet's."""
    if calendar == TERMIJNENWET:
        return day in termijnenwet_holidays(day.year)
    return _holiday_table(calendar)(day)


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """`intervals` without the time in `holes`; both sorted by start."""
    result: list[Interval] = []
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def union(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class Calendar:
    """Open time: the `include` windows minus the `exclude` windows, on days that count.

    A window whose end is at or before its start runs into the next day (`00:00-00:00` is a
    whole day). A window belongs to the day it starts on: on a day that does not count (a
    public holiday for the support window) it does not open.
    """

    def __init__(
        self,
        tz: ZoneInfo,
        include: Sequence[Window],
        exclude: Sequence[Window] = (),
        day_counts: Callable[[dt.date], bool] | None = None,
    ) -> None:
        self.tz = tz
        self._include = tuple(include)
        self._exclude = tuple(exclude)
        self._day_counts = day_counts
        self._days: dict[dt.date, tuple[Interval, ...]] = {}

    def _local(self, day: dt.date, clock: str) -> dt.datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        # A wall time that does not exist (the hour skipped in spring) is read with the
        # offset before the change, as zoneinfo does; the windows in use avoid those hours.
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz).astimezone(UTC)

    def _windows_starting(self, day: dt.date, windows: Sequence[Window]) -> list[Interval]:
        weekday = _WEEKDAYS[day.weekday()]
        found = []
        for window in windows:
            if weekday not in window.days:
                continue
            start = self._local(day, window.start)
            end_day = day + dt.timedelta(days=1) if window.end <= window.start else day
            found.append((start, self._local(end_day, window.end)))
        return found

    def _counts(self, day: dt.date) -> bool:
        return self._day_counts is None or self._day_counts(day)

    def intervals_on(self, day: dt.date) -> tuple[Interval, ...]:
        """The open intervals within the local calendar day `day`, in UTC, sorted."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        around = [day + dt.timedelta(days=offset) for offset in (-1, 0)]
        included = union(
            interval
            for near in around
            if self._counts(near)
            for interval in self._windows_starting(near, self._include)
        )
        excluded = union(
            interval for near in around for interval in self._windows_starting(near, self._exclude)
        )
        day_start = self._local(day, "00:00")
        day_end = self._local(day + dt.timedelta(days=1), "00:00")
        clipped = [
            (max(start, day_start), min(end, day_end))
            for start, end in subtract(included, excluded)
            if end > day_start and start < day_end
        ]
        result = tuple(clipped)
        self._days[day] = result
        return result

    def _local_date(self, moment: dt.datetime) -> dt.date:
        _require_aware(moment)
        return moment.astimezone(self.tz).date()

    def open_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much open time lies between `start` and `end` (nothing when end <= start)."""
        start, end = _in_utc(start), _in_utc(end)
        if end <= start:
            return ZERO
        total = ZERO
        day = self._local_date(start)
        last = self._local_date(end)
        while day <= last:
            for open_start, open_end in self.intervals_on(day):
                low, high = max(open_start, start), min(open_end, end)
                if high > low:
                    total += high - low
            day += dt.timedelta(days=1)
        return total

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of open time has passed since `start`.

        With a zero duration outside the windows, the clock stands still until they open.
        """
        start = _in_utc(start)
        remaining = duration
        day = self._local_date(start)
        quiet_days = 0
        while quiet_days < _SEARCH_DAYS:
            intervals = self.intervals_on(day)
            quiet_days = 0 if intervals else quiet_days + 1
            for open_start, open_end in intervals:
                low = max(open_start, start)
                if open_end <= low:
                    continue
                if low + remaining <= open_end:
                    return (low + remaining).astimezone(self.tz)
                remaining -= open_end - low
            day += dt.timedelta(days=1)
        raise EtaError(f"afspraken/service-levels.yaml: its windows, holidays and closing "
                       f"days leave no open time in the {_SEARCH_DAYS} days from "
                       f"{start.astimezone(self.tz):%Y-%m-%d}, so no deadline can be reckoned")


class BusinessClock:
    """The clocks of one set of service levels."""

    def __init__(self, levels: ServiceLevels) -> None:
        self.levels = levels
        self.tz = levels.zone
        self.availability = Calendar(self.tz, levels.availability_window,
                                     levels.maintenance_windows)
        support = levels.support_window
        self._closing_days = frozenset(support.closing_days)
        # The holiday table (and the library) loads only when a support day is first asked.
        self.support = Calendar(self.tz, [support], day_counts=self._support_day)
        #: The last response deadlines found, by start (with its zone and fold: equal
        #: datetimes may differ in both) and priority. The views and rules each ask it of
        #: an incident, one after the other.
        self._deadlines: dict[tuple[dt.datetime, dt.tzinfo | None, int, Priority],
                              dt.datetime] = {}

    def local(self, moment: dt.datetime) -> dt.datetime:
        _require_aware(moment)
        return moment.astimezone(self.tz)

    def _support_day(self, day: dt.date) -> bool:
        """Whether support opens on `day` when its weekday is one of the window's: not on a
        public holiday of the agreements' calendar, nor on a closing day they name."""
        support = self.levels.support_window
        return (day not in self._closing_days
                and not is_public_holiday(day, support.holidays))

    def is_working_day(self, day: dt.date) -> bool:
        weekday = _WEEKDAYS[day.weekday()]
        return weekday in self.levels.support_window.days and self._support_day(day)

    def availability_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Time between `start` and `end` within the availability window."""
        return self.availability.open_time(start, end)

    def support_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Time between `start` and `end` within the support window."""
        return self.support.open_time(start, end)

    def response_time(self, priority: Priority) -> dt.timedelta:
        return dt.timedelta(hours=self.levels.response_times[priority].hours)

    def calendar_for(self, priority: Priority) -> Calendar:
        """The window in which the response time of `priority` runs."""
        clock = self.levels.response_times[priority].clock
        return self.availability if clock == "availability" else self.support

    def response_deadline(self, start: dt.datetime, priority: Priority) -> dt.datetime:
        """When the response time of `priority`, started at `start`, runs out."""
        key = (start, start.tzinfo, start.fold, priority)
        found = self._deadlines.get(key)
        if found is None:
            found = self.calendar_for(priority).add(start, self.response_time(priority))
            if len(self._deadlines) >= _DEADLINES_KEPT:
                del self._deadlines[next(iter(self._deadlines))]
            self._deadlines[key] = found
        return found


#: How many response deadlines a clock keeps: those of the incident at hand and a few
#: before it.
_DEADLINES_KEPT = 64


_CLOCKS: OrderedDict[int, tuple[ServiceLevels, BusinessClock]] = OrderedDict()
_CLOCKS_KEPT = 16


def clock_for(levels: ServiceLevels) -> BusinessClock:
    """The clock of `levels`, built once: its day tables are shared by every record.

    The cache holds the levels themselves, so an id is never reused while it is cached.
    """
    key = id(levels)
    found = _CLOCKS.get(key)
    if found is not None and found[0] is levels:
        _CLOCKS.move_to_end(key)
        return found[1]
    clock = BusinessClock(levels)
    _CLOCKS[key] = (levels, clock)
    if len(_CLOCKS) > _CLOCKS_KEPT:
        _CLOCKS.popitem(last=False)
    return clock
