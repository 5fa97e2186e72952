"""A party below its availability target in the month that ended last.

The warning lasts while the month after it does: that is when the party accounts for it
(`eta agenda` lists it for that party until then). Older months are the reports' to show,
so that a month long past does not fail `eta check --strict` for ever.

The system's own figure is the reports' to show: a warning belongs to the party that can
act on it. The figures need the outages of every incident at once; each incident's entry carries its
outages (`Entry.outages`), so a check whose incidents come from the cache reads none of
them again. A check of some files sees only the outages of those files: the warnings are
those of a check of the whole repository.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from eta.catalogue import AVAILABILITY_BELOW_TARGET
from eta.check.result import Index, IndexRule
from eta.diagnostics import Diagnostic, warning
from eta.incidents.availability import Month, Period, month_availability, shown_percent
from eta.incidents.clock import duration
from eta.models.agreements import ServiceLevels
from eta.models.party import Party
from eta.records.agreements import timezone_of
from eta.vocabulary import OutageState


def _periods(index: Index) -> list[Period]:
    found = []
    for entry in index.entries:
        for party, role, state, start, end in entry.outages:
            found.append(Period(party, role, OutageState(state), dt.datetime.fromisoformat(start),
                                None if end is None else dt.datetime.fromisoformat(end),
                                entry.id or entry.file))
    return found


def below_target(index: Index) -> Iterator[Diagnostic]:
    levels = next((r.record for r in index.of("service-levels")
                   if isinstance(r.record, ServiceLevels)), None)
    if levels is None:
        return
    periods = _periods(index)
    if not periods:
        return
    tz = timezone_of(levels)
    now = index.context.moment or dt.datetime.combine(index.context.today, dt.time(0), tzinfo=tz)
    party_files = {r.record.id: r for r in index.of("party") if isinstance(r.record, Party)}
    parties = {party_id: loaded.record for party_id, loaded in party_files.items()
               if isinstance(loaded.record, Party)}
    month = Month.of(now.astimezone(tz).date()).previous()
    figures = month_availability(month, periods, parties, levels, now)
    if figures.closed:
        for figure in figures.missed:
            assert figure.party is not None and figure.role is not None
            loaded = party_files[figure.party]
            party = parties[figure.party]
            role_index = [str(r) for r in party.roles].index(figure.role)
            pos = loaded.position("roles", role_index)
            yield warning(
                loaded.file, pos.line, pos.column, AVAILABILITY_BELOW_TARGET.code,
                f"in {month} {figure.party} was available {shown_percent(figure.percent)} "
                f"of the availability window as {figure.role}, below the target of "
                f"{shown_percent(figure.target_percent)} ({duration(figure.unavailable)} "
                f"unavailable, {duration(figure.degraded)} degraded; incidents "
                f"{', '.join(figure.incidents)})",
                f"`eta report availability --month {month}` shows the month")


RULES: tuple[IndexRule, ...] = (below_target,)
