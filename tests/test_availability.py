"""Availability per party and role and of the system: hand-computed cases of the arithmetic.

The example service levels (Europe/Amsterdam) keep Monday to Saturday 00:00-06:00 and the
weekend evenings from 20:00 to 06:00 for maintenance: 50 hours a week. February 2026 runs
from Sunday the 1st to Saturday the 28th, four whole weeks: 672 - 4 x 50 = 472 hours of
window. "Around the clock" are the same service levels without maintenance windows.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from eta.errors import EtaError
from eta.incidents.availability import (
    Month,
    Period,
    month_availability,
    months_touched,
    shown_percent,
)
from eta.models.agreements import ServiceLevels
from eta.models.party import Party
from eta.vocabulary import OutageState, SystemRule
from test_clock import LEVELS

U, D = OutageState.UNAVAILABLE, OutageState.DEGRADED
H = 3600


AROUND_THE_CLOCK = LEVELS.model_copy(update={"maintenance_windows": []})
PARTIES = {
    "alpha": Party.model_validate({"id": "alpha", "name": "Alpha", "roles": [
        "herkenningsmakelaar", "authenticatiedienst"]}),
    "beta": Party.model_validate({"id": "beta", "name": "Beta", "roles": [
        "machtigingenregister"]}),
    "bo": Party.model_validate({"id": "bo", "name": "BO", "roles": ["beheerorganisatie"]}),
}
LATER = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)


def outage(start: str, end: str | None, state: OutageState = U, party: str = "alpha",
           role: str = "herkenningsmakelaar", incident: str = "i1") -> Period:
    return Period(party, role, state, dt.datetime.fromisoformat(start),
                  None if end is None else dt.datetime.fromisoformat(end), incident)


def with_targets(levels: ServiceLevels, **targets: Any) -> ServiceLevels:
    return levels.model_copy(update={"availability_targets": levels.availability_targets
                                     .model_copy(update=targets)})


# (what, levels, month, outages, window hours, unavailable seconds, degraded seconds)
CASES: list[tuple[str, ServiceLevels, str, list[Period], int, int, int]] = [
    ("no outage", LEVELS, "2026-02", [], 472, 0, 0),
    # Tue 22:00 to Wed 08:00: Wednesday 00:00-06:00 is maintenance, 2 + 2 hours count.
    ("across a maintenance window", LEVELS, "2026-02",
     [outage("2026-02-10T22:00+01:00", "2026-02-11T08:00+01:00")], 472, 4 * H, 0),
    # Wholly within Saturday night's maintenance: nothing counts.
    ("inside maintenance", LEVELS, "2026-02",
     [outage("2026-02-14T21:00+01:00", "2026-02-15T05:00+01:00")], 472, 0, 0),
    # March 2026 has 743 real hours (the night of the 29th skips 02:00-03:00); maintenance:
    # 26 weekday mornings x 6 = 156, 4 Saturday evenings x 4 = 16, Sunday mornings
    # 4 x 6 + 5 (the 29th) = 29, 5 Sunday evenings x 4 = 20: 221 hours; 743 - 221 = 522.
    ("a month with the spring change", LEVELS, "2026-03", [], 522, 0, 0),
    # Sat 22:00 CET to Sun 04:00 CEST: six hours on the wall clock, five real ones.
    ("across the spring change", AROUND_THE_CLOCK, "2026-03",
     [outage("2026-03-28T22:00+01:00", "2026-03-29T04:00+02:00")], 743, 5 * H, 0),
    # 01:00 CEST to 04:00 CET on the 25th: three hours on the wall clock, four real ones.
    ("across the autumn change", AROUND_THE_CLOCK, "2026-10",
     [outage("2026-10-25T01:00+02:00", "2026-10-25T04:00+01:00")], 745, 4 * H, 0),
    # 22:00 on 28 February to 02:00 on 1 March: two hours in each month.
    ("a month boundary, the first month", AROUND_THE_CLOCK, "2026-02",
     [outage("2026-02-28T22:00+01:00", "2026-03-01T02:00+01:00")], 672, 2 * H, 0),
    ("a month boundary, the second month", AROUND_THE_CLOCK, "2026-03",
     [outage("2026-02-28T22:00+01:00", "2026-03-01T02:00+01:00")], 743, 2 * H, 0),
    # 10-14 and 12-16 in one incident, 15-17 in another: 10:00 to 17:00 once.
    ("overlapping outages count once", AROUND_THE_CLOCK, "2026-02",
     [outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00"),
      outage("2026-02-10T12:00+01:00", "2026-02-10T16:00+01:00"),
      outage("2026-02-10T15:00+01:00", "2026-02-10T17:00+01:00", incident="i2")],
     672, 7 * H, 0),
    # Degraded 10-14 with an unavailable hour 12-13 inside: 1 hour down, 3 hours degraded.
    ("degraded around unavailable", AROUND_THE_CLOCK, "2026-02",
     [outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00", D),
      outage("2026-02-10T12:00+01:00", "2026-02-10T13:00+01:00")], 672, 1 * H, 3 * H),
    # Another party, or another role of the same party, is measured on its own.
    ("another role is another figure", AROUND_THE_CLOCK, "2026-02",
     [outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00", role="authenticatiedienst"),
      outage("2026-02-10T10:00+01:00", "2026-02-10T11:00+01:00")], 672, 1 * H, 0),
    # Not yet ended: it counts up to the moment of the figures (12:00), not further.
    ("still going", AROUND_THE_CLOCK, "2026-02",
     [outage("2026-02-10T10:00+01:00", None)], 672, 2 * H, 0),
]


@pytest.mark.parametrize(("what", "levels", "month", "periods", "window", "down", "slow"),
                         CASES, ids=[case[0] for case in CASES])
def test_the_arithmetic_of_one_role(what: str, levels: ServiceLevels, month: str,
                                    periods: list[Period], window: int, down: int,
                                    slow: int) -> None:
    now = dt.datetime.fromisoformat("2026-02-10T12:00+01:00") if what == "still going" else LATER
    figures = month_availability(Month.parse(month), periods, PARTIES, levels, now)
    alpha = figures.roles[0]
    assert (alpha.party, alpha.role) == ("alpha", "herkenningsmakelaar")
    assert figures.window == dt.timedelta(hours=window)
    assert (alpha.unavailable, alpha.degraded) == (dt.timedelta(seconds=down),
                                                   dt.timedelta(seconds=slow))
    # Degraded time counts as available by default.
    assert alpha.share == 1 - Fraction(down, window * H)


def test_degraded_counts_as_the_service_levels_say() -> None:
    periods = [outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00", D),
               outage("2026-02-10T12:00+01:00", "2026-02-10T13:00+01:00")]
    for percent, lost in ((0, 1 * H), (50, 1 * H + 3 * H // 2), (100, 4 * H)):
        levels = with_targets(AROUND_THE_CLOCK, degraded_counts_percent=percent)
        alpha = month_availability(Month(2026, 2), periods, PARTIES, levels, LATER).roles[0]
        assert alpha.share == 1 - Fraction(lost, 672 * H)


def test_the_roles_measured_are_the_deelnemers_roles() -> None:
    figures = month_availability(Month(2026, 2), [], PARTIES, LEVELS, LATER)
    assert [(f.party, f.role) for f in figures.roles] == [
        ("alpha", "herkenningsmakelaar"), ("alpha", "authenticatiedienst"),
        ("beta", "machtigingenregister")]
    assert figures.system.share == 1 and figures.missed == []


def test_an_outage_in_a_role_not_held_is_not_measured() -> None:
    periods = [outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00", role="bsnk"),
               outage("2026-02-10T10:00+01:00", "2026-02-10T14:00+01:00", party="nobody")]
    figures = month_availability(Month(2026, 2), periods, PARTIES, LEVELS, LATER)
    assert all(f.share == 1 for f in [*figures.roles, figures.system])


SYSTEM = [outage("2026-02-10T10:00+01:00", "2026-02-10T12:00+01:00"),
          outage("2026-02-10T11:00+01:00", "2026-02-10T13:00+01:00", party="beta",
                 role="machtigingenregister"),
          outage("2026-02-11T10:00+01:00", "2026-02-11T16:00+01:00", D, role="authenticatiedienst")]


def test_the_system_is_down_when_any_role_is() -> None:
    system = month_availability(Month(2026, 2), SYSTEM, PARTIES, AROUND_THE_CLOCK, LATER).system
    # 10:00-13:00 on the 10th once, however many parties were down in it.
    assert (system.unavailable, system.degraded) == (dt.timedelta(hours=3), dt.timedelta(hours=6))
    assert system.share == 1 - Fraction(3, 672)


def test_the_system_by_the_mean_of_the_roles() -> None:
    levels = with_targets(AROUND_THE_CLOCK, system_rule=SystemRule.MEAN_OF_ROLES)
    system = month_availability(Month(2026, 2), SYSTEM, PARTIES, levels, LATER).system
    # alpha HM 2 hours, alpha AD 0 (degraded counts nothing), beta MR 2 hours: 4 / 3 hours.
    assert system.share == 1 - Fraction(4, 3 * 672)


@pytest.mark.parametrize(("down_minutes", "met"), [(141, True), (142, False)])
def test_the_target_is_judged_on_the_exact_share(down_minutes: int, met: bool) -> None:
    # 0.5% of 472 hours is 141.6 minutes.
    periods = [outage("2026-02-10T10:00+01:00",
                      (dt.datetime.fromisoformat("2026-02-10T10:00+01:00")
                       + dt.timedelta(minutes=down_minutes)).isoformat())]
    figures = month_availability(Month(2026, 2), periods, PARTIES, LEVELS, LATER)
    assert figures.roles[0].met is met
    assert [f.role for f in figures.missed] == ([] if met else ["herkenningsmakelaar"])
    shown = figures.roles[0].percent
    assert (shown >= 99.5) is met


def test_only_a_closed_month_misses() -> None:
    periods = [outage("2026-02-10T10:00+01:00", "2026-02-11T10:00+01:00")]
    during = dt.datetime.fromisoformat("2026-02-28T23:59+01:00")
    assert month_availability(Month(2026, 2), periods, PARTIES, LEVELS, during).missed == []
    after = dt.datetime.fromisoformat("2026-03-01T00:00+01:00")
    assert len(month_availability(Month(2026, 2), periods, PARTIES, LEVELS, after).missed) == 1


def test_months_touched_and_the_month_text() -> None:
    periods = [outage("2026-01-31T23:00+01:00", "2026-03-01T01:00+01:00"),
               outage("2026-10-31T23:30+01:00", None)]
    now = dt.datetime.fromisoformat("2026-11-01T00:30+01:00")
    tz = AROUND_THE_CLOCK.timezone
    from zoneinfo import ZoneInfo

    assert [str(m) for m in months_touched(periods, ZoneInfo(tz), now)] == [
        "2026-01", "2026-02", "2026-03", "2026-10", "2026-11"]
    assert shown_percent(99.5) == "99,5%" and shown_percent(98.887) == "98,887%"


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-01", "2026-01-01", "abcd-ef",
                                  "0000-01", "1969-12", "9001-01", "9999-12", "0000-13",
                                  "\uff12\uff10\uff12\uff16-01"])
def test_a_month_is_written_yyyy_mm(text: str) -> None:
    with pytest.raises(EtaError, match="--month"):
        Month.parse(text)
