"""Availability per party and role, and of the whole system, for one calendar month.

How it is counted (the README's "Availability" says the same to users):

- The *window* of a month is its time within the availability window of the service
  levels: the availability windows minus the maintenance windows, on every day of the month
  in the agreements' time zone. A month with a daylight-saving change has the hour less or
  more that it really has.
- A party is *unavailable* in a role during the outages of its incidents with state
  `unavailable`, and *degraded* during those with state `degraded`. Outages of one party and
  role that overlap, in one incident or in several, count once; where a period is both, it
  is unavailable. Only time within the window counts: an outage during maintenance costs
  nothing.
- An outage that has not ended counts up to the moment of the figures, never up to its
  expected end, and nothing after that moment counts: availability is measured, not
  forecast.
- An outage counts within its incident's own times (`Incident.measured_outages`): from the
  start of the disruption, or its detection, to its resolution. `eta check` reports one
  written outside them; counted, it costs no more than the incident lasted.
- The share available is `(window - unavailable - degraded x d) / window`, where `d` is
  `availability_targets.degraded_counts_percent` / 100 (0 by default: degraded service is
  available service, shown apart).
- The system, by `availability_targets.system_rule`: `any-role-unavailable` (the default)
  counts the system unavailable whenever any party is unavailable in any role, and degraded
  whenever one is degraded and none unavailable; `mean-of-roles` takes the mean of the
  figures of every party in every role.
- Measured are the roles of the deelnemers: every role a party of the register holds,
  except `beheerorganisatie`.
- A month is *closed* once it has ended; only a closed month can miss its target.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from eta.errors import EtaError
from eta.incidents.clock import ZERO, Interval, clock_for, subtract, union
from eta.models.common import CALENDAR_YEARS
from eta.vocabulary import OutageState, Role, SystemRule

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.models.agreements import ServiceLevels
    from eta.models.incident import Incident
    from eta.models.party import Party


@dataclass(frozen=True, slots=True)
class Period:
    """One outage as availability counts it: whose, in which role, how, from when to when."""

    party: str
    role: str
    state: OutageState
    start: dt.datetime
    #: None while it lasts.
    end: dt.datetime | None
    incident: str


def periods_of(incident: Incident) -> list[Period]:
    return [Period(o.party, str(o.role), o.state, start, end, incident.id)
            for o, start, end in incident.measured_outages()]


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, option: str = "--month") -> Month:
        parts = text.split("-")
        if (len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2
                or not all(p.isascii() and p.isdigit() for p in parts)):
            raise EtaError(f"{option}: {text!r} is no month; write it as YYYY-MM, e.g. 2026-10")
        year, month = int(parts[0]), int(parts[1])
        first, last = CALENDAR_YEARS
        if not (1 <= month <= 12 and first <= year <= last):
            raise EtaError(f"{option}: {text!r} is no month from {first}-01 to {last}-12")
        return cls(year, month)

    @classmethod
    def of(cls, moment: dt.datetime | dt.date) -> Month:
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def start(self, tz: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(0), tzinfo=tz)

    def end(self, tz: ZoneInfo) -> dt.datetime:
        return self.next().start(tz)


@dataclass(frozen=True, slots=True)
class Figure:
    """The availability of one party in one role, or of the system (party and role None)."""

    party: str | None
    role: str | None
    window: dt.timedelta
    unavailable: dt.timedelta
    degraded: dt.timedelta
    #: The share of the window available, 0 to 1, exact.
    share: Fraction
    target_percent: float
    incidents: tuple[str, ...]

    @property
    def percent(self) -> float:
        """The share in percent, cut (never rounded up) to three decimals: a figure shown
        never meets a target of up to three decimals that the exact one misses."""
        return math.floor(self.share * 100_000) / 1000

    @property
    def met(self) -> bool:
        return self.share * 100 >= Fraction(Decimal(repr(self.target_percent)))


@dataclass(frozen=True, slots=True)
class MonthAvailability:
    month: Month
    start: dt.datetime
    end: dt.datetime
    #: The moment the figures were made at: an outage still going counts up to it.
    now: dt.datetime
    closed: bool
    window: dt.timedelta
    rule: SystemRule
    degraded_counts_percent: float
    roles: list[Figure]
    system: Figure

    @property
    def missed(self) -> list[Figure]:
        """The parties' roles below target; only a closed month can miss."""
        return [f for f in self.roles if self.closed and not f.met]


def measured_roles(parties: Mapping[str, Party]) -> list[tuple[str, str]]:
    """Every party and role availability is measured for, in the register's order."""
    return [(party.id, str(role)) for party in sorted(parties.values(), key=lambda p: p.id)
            for role in party.roles if role is not Role.BEHEERORGANISATIE]


def month_availability(
    month: Month,
    periods: Iterable[Period],
    parties: Mapping[str, Party],
    levels: ServiceLevels,
    now: dt.datetime,
) -> MonthAvailability:
    """The figures of `month` from the outages `periods`, as at the moment `now`."""
    clock = clock_for(levels)
    tz = clock.tz
    start, end = month.start(tz), month.end(tz)
    targets = levels.availability_targets
    weight = Fraction(Decimal(repr(targets.degraded_counts_percent))) / 100

    def in_window(intervals: Iterable[Interval]) -> dt.timedelta:
        total = ZERO
        for low, high in intervals:
            total += clock.availability_time(low, high)
        return total

    window = clock.availability_time(start, end)
    pairs = measured_roles(parties)
    spans: dict[tuple[str, str], dict[OutageState, list[Interval]]] = {
        pair: {OutageState.UNAVAILABLE: [], OutageState.DEGRADED: []} for pair in pairs}
    sources: dict[tuple[str, str], set[str]] = {pair: set() for pair in pairs}
    for period in periods:
        pair = (period.party, period.role)
        if pair not in spans:
            continue
        # Measured, never forecast: nothing after `now` counts, whatever an end claims.
        low = max(period.start, start)
        high = min(period.end if period.end is not None else now, now, end)
        if high <= low:
            continue
        spans[pair][period.state].append((low, high))
        sources[pair].add(period.incident)

    def figure(party: str | None, role: str | None, down: list[Interval],
               limited: list[Interval], target: float, incidents: Iterable[str]) -> Figure:
        unavailable = union(down)
        degraded = subtract(union(limited), unavailable)
        lost, slow = in_window(unavailable), in_window(degraded)
        counted = Fraction(int(lost.total_seconds())) + weight * int(slow.total_seconds())
        seconds = int(window.total_seconds())
        share = Fraction(1) if seconds == 0 else 1 - counted / seconds
        return Figure(party, role, window, lost, slow, share, target,
                      tuple(sorted(set(incidents))))

    roles = [figure(party, role, spans[(party, role)][OutageState.UNAVAILABLE],
                    spans[(party, role)][OutageState.DEGRADED], targets.per_role_percent,
                    sources[(party, role)]) for party, role in pairs]
    every_source = [s for found in sources.values() for s in found]
    if targets.system_rule is SystemRule.MEAN_OF_ROLES:
        count = max(len(roles), 1)
        share = sum((f.share for f in roles), Fraction(0)) / count if roles else Fraction(1)
        # The system's times are the means of the roles' times, as its share is.
        system = Figure(None, None, window, sum((f.unavailable for f in roles), ZERO) / count,
                        sum((f.degraded for f in roles), ZERO) / count, share,
                        targets.system_percent, tuple(sorted(set(every_source))))
    else:
        system = figure(None, None,
                        [i for s in spans.values() for i in s[OutageState.UNAVAILABLE]],
                        [i for s in spans.values() for i in s[OutageState.DEGRADED]],
                        targets.system_percent, every_source)
    return MonthAvailability(month, start, end, now, end <= now, window,
                             targets.system_rule, targets.degraded_counts_percent, roles, system)


def months_touched(periods: Iterable[Period], tz: ZoneInfo, now: dt.datetime) -> list[Month]:
    """Every month an outage lies in, in order; an outage still going runs up to `now`."""
    found: set[Month] = set()
    for period in periods:
        end = period.end if period.end is not None else max(now, period.start)
        month = Month.of(period.start.astimezone(tz))
        last = Month.of(end.astimezone(tz))
        # Bounded: a fact lies in the past, and the years of a timestamp are four digits.
        while (month.year, month.month) <= (last.year, last.month):
            found.add(month)
            month = month.next()
    return sorted(found, key=lambda m: (m.year, m.month))


def shown_percent(value: float) -> str:
    """A percentage the Dutch way: `99,5%`, `97,214%`."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"
