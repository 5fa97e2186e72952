"""Business time: availability and support windows, holidays, daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import PROJECT
from eta.errors import EtaError
from eta.incidents.clock import BusinessClock, clock_for, data_breach_deadline, elapsed_deadline
from eta.models.agreements import ServiceLevels
from eta.records.read import load_record
from eta.vocabulary import Priority

AMS = ZoneInfo("Europe/Amsterdam")


def _levels() -> ServiceLevels:
    result = load_record(PROJECT, PROJECT / "afspraken" / "service-levels.yaml",
                         "afspraken/service-levels.yaml")
    assert result.loaded is not None and isinstance(result.loaded.record, ServiceLevels)
    return result.loaded.record


LEVELS = _levels()
CLOCK = clock_for(LEVELS)


def at(text: str) -> dt.datetime:
    """A wall-clock time in Amsterdam; the offset follows from the date."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=AMS)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(AMS).isoformat()


def around_the_clock(**changes: Any) -> BusinessClock:
    """Service levels open 24 hours a day without maintenance: every real hour counts."""
    return BusinessClock(LEVELS.model_copy(update={"maintenance_windows": [], **changes}))


HOURS = dt.timedelta(hours=1)


# --- the 72 hours of the data-breach duty ------------------------------------------------------

@pytest.mark.parametrize(("aware", "due"), [
    # The last Sunday of March: the night has 23 hours, so the wall clock shows one more.
    ("2026-03-27T10:00:00+01:00", "2026-03-30T11:00:00+02:00"),
    ("2026-03-28T02:30:00+01:00", "2026-03-31T03:30:00+02:00"),
    # The last Sunday of October: 25 hours, the wall clock shows one less.
    ("2026-10-23T10:00:00+02:00", "2026-10-26T09:00:00+01:00"),
    ("2026-10-25T02:30:00+02:00", "2026-10-28T01:30:00+01:00"),
    ("2026-10-25T02:30:00+01:00", "2026-10-28T02:30:00+01:00"),
    # No change in between: three days to the minute.
    ("2026-06-15T09:10:00+02:00", "2026-06-18T09:10:00+02:00"),
])
def test_data_breach_deadline_counts_72_real_hours(aware: str, due: str) -> None:
    moment = dt.datetime.fromisoformat(aware)
    deadline = data_breach_deadline(moment)
    assert iso(deadline) == due
    assert deadline - moment == 72 * HOURS
    # The same in the zone itself, where Python's own arithmetic would go by the wall clock.
    zoned = data_breach_deadline(moment.astimezone(AMS))
    assert zoned == deadline and zoned.tzinfo is AMS


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match=r"carries no time zone"):
        elapsed_deadline(dt.datetime(2026, 3, 27, 10), 72 * HOURS)
    with pytest.raises(ValueError, match=r"carries no time zone"):
        CLOCK.availability_time(dt.datetime(2026, 3, 27, 10), dt.datetime(2026, 3, 28, 10))


# --- the availability window: 24x7 minus the maintenance windows --------------------------------

@pytest.mark.parametrize(("day", "open_hours"), [
    ("2026-03-02", 18),  # Monday: maintenance until 06:00 (after Sunday night's window)
    ("2026-03-06", 18),  # Friday
    ("2026-03-07", 14),  # Saturday: 06:00 to 20:00
    ("2026-03-08", 14),  # Sunday
    ("2026-03-29", 14),  # Sunday of the March change: the lost hour lies in maintenance
    ("2026-10-25", 14),  # Sunday of the October change: so does the extra hour
])
def test_open_hours_of_a_day(day: str, open_hours: int) -> None:
    start = at(f"{day}T00:00")
    end = at(f"{(dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()}T00:00")
    assert CLOCK.availability_time(start, end) == open_hours * HOURS


def test_a_week_of_availability() -> None:
    assert CLOCK.availability_time(at("2026-03-02T00:00"), at("2026-03-09T00:00")) == 118 * HOURS


def test_maintenance_windows_are_not_counted() -> None:
    # Sunday 19:00 to Monday 07:00: one hour before the Sunday window and one after it.
    assert CLOCK.availability_time(at("2026-03-08T19:00"), at("2026-03-09T07:00")) == 2 * HOURS
    # Wholly inside the weekday night window.
    assert CLOCK.availability_time(at("2026-03-03T01:00"), at("2026-03-03T05:00")) == 0 * HOURS
    # The end before the start is no time at all.
    assert CLOCK.availability_time(at("2026-03-03T10:00"), at("2026-03-03T09:00")) == 0 * HOURS


@pytest.mark.parametrize(("day", "hours"), [("2026-03-29", 23), ("2026-10-25", 25),
                                             ("2026-03-28", 24)])
def test_a_day_around_the_clock_has_its_real_hours(day: str, hours: int) -> None:
    clock = around_the_clock()
    start = at(f"{day}T00:00")
    end = at(f"{(dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()}T00:00")
    assert clock.availability_time(start, end) == hours * HOURS


@pytest.mark.parametrize(("start", "deadline"), [
    # Around the clock, a P1 response time of 4 hours is 4 real hours over the change.
    ("2026-03-29T00:30:00+01:00", "2026-03-29T05:30:00+02:00"),
    ("2026-10-25T00:30:00+02:00", "2026-10-25T03:30:00+01:00"),
])
def test_response_deadline_over_a_clock_change(start: str, deadline: str) -> None:
    moment = dt.datetime.fromisoformat(start)
    due = around_the_clock().response_deadline(moment, Priority.P1)
    assert iso(due) == deadline
    assert due - moment == 4 * HOURS


@pytest.mark.parametrize(("start", "priority", "deadline"), [
    # Weekday daytime: straight through.
    ("2026-03-02T10:00", Priority.P1, "2026-03-02T14:00:00+01:00"),
    ("2026-03-02T20:00", Priority.P1, "2026-03-03T00:00:00+01:00"),
    # Three hours before midnight, one after the night window.
    ("2026-03-02T21:00", Priority.P1, "2026-03-03T07:00:00+01:00"),
    # Saturday 19:00: one hour before the weekend window, three on Sunday morning.
    ("2026-03-07T19:00", Priority.P1, "2026-03-08T09:00:00+01:00"),
    # Saturday 16:00 before the March change: 4 hours on Saturday, 4 on Sunday (summer time).
    ("2026-03-28T16:00", Priority.P2, "2026-03-29T10:00:00+02:00"),
    # The same on the October weekend, back to winter time.
    ("2026-10-24T16:00", Priority.P2, "2026-10-25T10:00:00+01:00"),
    # Reported in the maintenance window: the clock starts when it ends.
    ("2026-03-03T03:00", Priority.P1, "2026-03-03T10:00:00+01:00"),
])
def test_response_deadline_in_the_availability_window(start: str, priority: Priority,
                                                      deadline: str) -> None:
    assert iso(CLOCK.response_deadline(at(start), priority)) == deadline


@pytest.mark.parametrize("start", ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00",
                                   "2026-10-24T23:30:00+02:00", "2026-03-29T01:30:00+01:00"])
def test_a_start_given_in_a_zone_with_daylight_saving_counts_real_hours(start: str) -> None:
    """Python adds to the wall clock of a moment in such a zone: 02:30 on the October
    change plus four hours would be 06:30, five real hours on. (Compared in UTC: Python
    calls a moment of the repeated hour equal to no moment of another zone.)"""
    clock = around_the_clock()
    moment = dt.datetime.fromisoformat(start)
    in_zone = moment.astimezone(AMS)
    expected = (moment + 4 * HOURS).astimezone(dt.UTC)
    assert clock.response_deadline(in_zone, Priority.P1).astimezone(dt.UTC) == expected
    assert clock.response_deadline(moment, Priority.P1).astimezone(dt.UTC) == expected
    later = (moment + 90 * dt.timedelta(minutes=1)).astimezone(AMS)
    assert clock.availability_time(in_zone, later) == 90 * dt.timedelta(minutes=1)


def test_a_deadline_asked_again_is_the_deadline_of_that_very_start() -> None:
    """A clock keeps the deadlines it found, by their start. Starts that Python calls equal
    can stand for other instants (the second 02:30 of the October change, by its fold) or
    be written in another zone; each has the deadline it has on a clock of its own."""
    clock = around_the_clock()
    first, second = at("2026-10-25T02:30"), at("2026-10-25T02:30").replace(fold=1)
    local, utc = at("2026-10-24T23:30"), at("2026-10-24T23:30").astimezone(dt.UTC)
    assert first == second and local == utc
    starts = (first, second, local, utc)
    asked = [clock.response_deadline(start, Priority.P1) for start in starts]
    fresh = [around_the_clock().response_deadline(start, Priority.P1) for start in starts]
    assert [(d.isoformat(), d.tzinfo) for d in asked] == [
        (d.isoformat(), d.tzinfo) for d in fresh]
    assert [iso(d) for d in asked] == ["2026-10-25T05:30:00+01:00",
                                       "2026-10-25T06:30:00+01:00",
                                       "2026-10-25T02:30:00+01:00",
                                       "2026-10-25T02:30:00+01:00"]


# --- the support window: working days 09:00-17:00 without Dutch public holidays -------------------

@pytest.mark.parametrize(("day", "working"), [
    ("2026-03-02", True),
    ("2026-03-07", False),   # Saturday
    ("2026-04-03", False),   # Goede Vrijdag
    ("2026-04-06", False),   # Tweede Paasdag
    ("2026-04-27", False),   # Koningsdag
    ("2026-05-14", False),   # Hemelvaartsdag
    ("2026-05-25", False),   # Tweede Pinksterdag
    ("2026-12-25", False),   # Eerste Kerstdag
    ("2026-12-28", True),
    ("2027-01-01", False),   # Nieuwjaarsdag, from a year the table had not seen yet
])
def test_working_days(day: str, working: bool) -> None:
    assert CLOCK.is_working_day(dt.date.fromisoformat(day)) is working


@pytest.mark.parametrize(("start", "priority", "deadline"), [
    # P3: 16 support hours. Thursday before Easter: Good Friday and Easter Monday are skipped.
    ("2026-04-02T16:00", Priority.P3, "2026-04-08T16:00:00+02:00"),
    # Reported before 09:00: the clock starts at 09:00.
    ("2026-03-02T07:00", Priority.P3, "2026-03-03T17:00:00+01:00"),
    # Reported on Saturday: it starts on Monday.
    ("2026-03-07T11:00", Priority.P3, "2026-03-10T17:00:00+01:00"),
    # P4: 40 hours from the Friday before the March change, over Easter.
    ("2026-03-27T15:00", Priority.P4, "2026-04-07T15:00:00+02:00"),
    # Ending exactly at 17:00 stays on that day.
    ("2026-10-23T09:00", Priority.P3, "2026-10-26T17:00:00+01:00"),
])
def test_response_deadline_in_the_support_window(start: str, priority: Priority,
                                                 deadline: str) -> None:
    assert iso(CLOCK.response_deadline(at(start), priority)) == deadline


def test_support_time() -> None:
    # Friday 16:00 to Monday 10:00: one hour on Friday, one on Monday.
    assert CLOCK.support_time(at("2026-03-06T16:00"), at("2026-03-09T10:00")) == 2 * HOURS
    # Koningsdag counts nothing.
    assert CLOCK.support_time(at("2026-04-27T08:00"), at("2026-04-27T18:00")) == 0 * HOURS


def test_windows_that_leave_no_time_are_an_error() -> None:
    clock = BusinessClock(LEVELS.model_copy(update={"maintenance_windows": [
        LEVELS.availability_window[0]]}))
    with pytest.raises(EtaError, match=r"^afspraken/service-levels.yaml: its windows, "
                       r"holidays and closing days leave no open time in the 1098 days from "
                       r"2026-03-02, so no deadline can be reckoned$"):
        clock.response_deadline(at("2026-03-02T10:00"), Priority.P1)


def test_the_clock_of_a_set_of_service_levels_is_built_once() -> None:
    assert clock_for(LEVELS) is clock_for(LEVELS)
    other = LEVELS.model_copy()
    assert clock_for(other) is not CLOCK
    assert clock_for(other) is clock_for(other)


# --- which days are working days is the agreements' to say ---------------------------------------

def support_on(holidays: str, closing_days: tuple[str, ...] = ()) -> BusinessClock:
    support = LEVELS.support_window.model_copy(update={
        "holidays": holidays, "closing_days": [dt.date.fromisoformat(d) for d in closing_days]})
    return BusinessClock(LEVELS.model_copy(update={"support_window": support}))


TERMIJNENWET = support_on("algemene-termijnenwet")


@pytest.mark.parametrize(("day", "library", "law"), [
    ("2026-05-05", True, False),    # Bevrijdingsdag 2026: the law counts it every year
    ("2025-05-05", False, False),   # a fifth year: the library counts it too
    ("2030-05-06", True, True),     # the Monday after a Sunday 5 May: no holiday in either
    ("2026-04-03", False, False),   # Goede Vrijdag
    ("2026-04-06", False, False),   # Paasmaandag (Easter: 5 April 2026)
    ("2026-05-14", False, False),   # Hemelvaartsdag: Easter + 39 days
    ("2026-05-25", False, False),   # Pinkstermaandag: Easter + 50 days
    ("2027-03-26", False, False),   # Goede Vrijdag 2027 (Easter: 28 March 2027)
    ("2027-05-06", False, False),   # Hemelvaartsdag 2027
    ("2027-05-05", True, False),    # Bevrijdingsdag 2027, a Wednesday
    ("2027-04-27", False, False),   # Koningsdag 2027, a Tuesday
    ("2026-12-24", True, True),     # Christmas Eve is a working day
    ("2026-12-28", True, True),
])
def test_the_calendar_the_service_levels_name(day: str, library: bool, law: bool) -> None:
    date = dt.date.fromisoformat(day)
    assert (CLOCK.is_working_day(date), TERMIJNENWET.is_working_day(date)) == (library, law)


def test_the_algemene_termijnenwet_lists_its_days_of_2026() -> None:
    from eta.incidents.clock import termijnenwet_holidays

    assert sorted(d.isoformat() for d in termijnenwet_holidays(2026)) == [
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14",
        "2026-05-25", "2026-12-25", "2026-12-26"]
    # 27 April 2031 is a Sunday: Koningsdag is the Saturday before.
    assert dt.date(2031, 4, 26) in termijnenwet_holidays(2031)
    assert dt.date(2031, 4, 27) not in termijnenwet_holidays(2031)


def test_5_may_moves_a_support_deadline_under_the_law_only() -> None:
    # P3 is 16 support hours: from Monday 4 May 2026 09:00, two working days.
    start = at("2026-05-04T09:00")
    assert iso(CLOCK.response_deadline(start, Priority.P3)) == "2026-05-05T17:00:00+02:00"
    assert iso(TERMIJNENWET.response_deadline(start, Priority.P3)) == (
        "2026-05-06T17:00:00+02:00")


def test_closing_days_are_no_working_days() -> None:
    clock = support_on("NL", ("2026-05-15", "2026-12-24"))
    assert clock.is_working_day(dt.date(2026, 5, 15)) is False   # the Friday after Hemelvaart
    assert clock.is_working_day(dt.date(2026, 12, 24)) is False
    # From Wednesday 13 May 17:00: Thursday (Hemelvaart) and Friday (closed) count nothing.
    assert iso(clock.response_deadline(at("2026-05-13T16:00"), Priority.P3)) == (
        "2026-05-19T16:00:00+02:00")
    assert clock.support_time(at("2026-05-15T08:00"), at("2026-05-15T18:00")) == 0 * HOURS


def test_the_default_calendar_is_the_librarys_dutch_list() -> None:
    from eta.models.agreements import SupportWindow

    window = SupportWindow.model_validate({"days": ["mon"], "start": "09:00", "end": "17:00"})
    assert (window.holidays, window.closing_days) == ("NL", [])
