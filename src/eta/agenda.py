"""What is due, and for whom: the agenda across every record of a repository.

The agenda lists what `eta.due` finds owed in every release and incident, each with the
moment or the day it is due and the parties that owe it (what `--party` selects by); that
module says what each kind of item is and when it is overdue. Besides, a party below its
availability target in the month that ended last (`availability`) accounts for it by the
last day of the month after. Moments are given in the time
zone of the service levels, where daylight saving time applies.

Every item has an id made of its record and the item in it (`release/R2026-01/measure/
poortwachter/metadata-inlezen`), never of the time of a run or of the order of the records:
a calendar app that reads the feed twice updates an item instead of adding it again.

`agenda_document` is the JSON contract of `eta agenda --format json` (version 1):

    {"version": 1, "today": "2026-11-28", "now": "2026-11-28T00:00:00+01:00",
     "timezone": "Europe/Amsterdam", "party": "logius" | null, "days": 30,
     "until": "2026-12-28",
     "items": [{"id": ..., "uid": ..., "kind": ..., "due": "2027-01-29" or
                "2026-11-16T17:30:00+01:00", "all_day": true | false, "overdue": bool,
                "what": ..., "record": "R2026-01" | incident id, "file": ...,
                "parties": [...]}]}

Items come overdue first, then by when they are due; an empty agenda has no items.
`calendar_feed` writes the same items as an iCalendar (RFC 5545) feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from eta.contracts import AGENDA
from eta.due import KIND_ORDER, DueItem, ItemKind, judge, midnight
from eta.errors import EtaError
from eta.incidents.availability import Period
from eta.incidents.listing import listed_incidents
from eta.plans.state import RELEASES, assess, load_release, read_releases_ahead
from eta.plans.timing import SigningEvidence
from eta.records.agreements import Agreements, load_agreements
from eta.records.cache import kept

if TYPE_CHECKING:
    from eta.contracts.shapes import AgendaDocument

PRODUCT_ID = "-//eta//agenda//EN"

#: An item of the agenda is an item owed, as `eta.due` finds it.
AgendaItem = DueItem
__all__ = ["AgendaItem", "ItemKind"]


@dataclass
class Agenda:
    """Every item of a repository as at `now`, and the records that could not be read."""

    today: dt.date
    now: dt.datetime
    tz: ZoneInfo
    agreements: Agreements
    items: list[AgendaItem]
    #: Record files or folders left out because they are not valid; `eta check` says why.
    skipped: list[str] = field(default_factory=list)

    def select(self, days: int, party: str | None = None) -> list[AgendaItem]:
        """What is overdue or due within `days` days of today (of `party` alone, if given):
        overdue first, then by when it is due."""
        until = self.until(days)
        chosen = [item for item in self.items
                  if (item.overdue or item.day(self.tz) <= until)
                  and (party is None or party in item.parties)]
        return sorted(chosen, key=lambda item: (not item.overdue, item.passes_at(self.tz),
                                                KIND_ORDER[item.kind], item.id))

    def until(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)


def collect(root: Path, at: dt.date | dt.datetime) -> Agenda:
    """The agenda of the repository at `root`, as at the moment `at`, or as at the start of
    the day `at` in the service levels' time zone; each record is read once
    (`eta.records.snapshot`), and parsed only when it changed since an earlier run
    (`eta.records.cache`)."""
    with kept(root):
        return _collect(root, at)


def _collect(root: Path, at: dt.date | dt.datetime) -> Agenda:
    agreements = load_agreements(root)
    tz = agreements.tz
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise ValueError("the moment of an agenda needs a time zone")
        now = at.astimezone(tz)
    else:
        now = midnight(at, tz)
    today = now.date()
    items: list[AgendaItem] = []
    skipped: list[str] = []
    evidence = SigningEvidence.of(root)
    release_ids = _release_ids(root)
    read_releases_ahead(root, release_ids)
    for release_id in release_ids:
        try:
            files = load_release(root, release_id)
        except EtaError:
            skipped.append(f"{RELEASES}/{release_id}/")
            continue
        items.extend(assess(files, agreements.parties, today, evidence).due)
    # What is owed for each incident and its outages, kept from an earlier run where its
    # file is unchanged; in the order of the incidents' ids, as every view lists them.
    listed, invalid = listed_incidents(root, agreements)
    skipped.extend(invalid)
    for row in listed:
        items.extend(row.owed)
    items.extend(_availability_items([p for row in listed for p in row.periods],
                                     agreements, now))
    return Agenda(today, now, tz, agreements, judge(items, now), skipped)


def _release_ids(root: Path) -> list[str]:
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir()
                  if path.is_dir() and not path.name.startswith("."))


def _availability_items(periods: list[Period], agreements: Agreements, now: dt.datetime
                        ) -> Iterator[AgendaItem]:
    """A party below its target in the month that ended last accounts for it by the end of
    the month after (as `eta check` warns until then)."""
    from eta.incidents.availability import Month, month_availability, shown_percent

    if not periods:
        return
    month = Month.of(now.date()).previous()
    figures = month_availability(month, periods, agreements.parties,
                                 agreements.service_levels, now)
    last_day = month.next().next().first_day - dt.timedelta(days=1)
    for figure in figures.missed:
        assert figure.party is not None
        title = (f"{shown_percent(figure.percent)}, below the target of "
                 f"{shown_percent(figure.target_percent)}: account for it to the Tactisch "
                 f"Beraad (incidents {', '.join(figure.incidents)})")
        yield AgendaItem(
            f"availability/{month}/{figure.party}/{figure.role}", ItemKind.AVAILABILITY,
            last_day, f"availability of {figure.party} as {figure.role} in {month}: {title}",
            str(month), f"afspraken/parties/{figure.party}.yaml", (figure.party,),
            str(figure.role), title, figure.party)


# -- Output ----------------------------------------------------------------------------------


def due_text(item: AgendaItem, tz: ZoneInfo) -> str:
    """`2027-01-29`, or `2026-11-16T17:30:00+01:00` for a moment."""
    if isinstance(item.due, dt.datetime):
        return item.due.astimezone(tz).isoformat()
    return item.due.isoformat()


def agenda_document(agenda: Agenda, items: Sequence[AgendaItem], days: int,
                    party: str | None) -> AgendaDocument:
    """The agenda as the plain data `eta agenda --format json` prints (see the module)."""
    return {
        "version": AGENDA.version,
        "today": agenda.today.isoformat(),
        "now": agenda.now.isoformat(),
        "timezone": agenda.tz.key,
        "party": party,
        "days": days,
        "until": agenda.until(days).isoformat(),
        "items": [{
            "id": item.id,
            "uid": item.uid,
            "kind": str(item.kind),
            "due": due_text(item, agenda.tz),
            "all_day": item.all_day,
            "overdue": item.overdue,
            "what": item.what,
            "record": item.record,
            "file": item.file,
            "parties": list(item.parties),
        } for item in items],
    }


def calendar_feed(agenda: Agenda, items: Sequence[AgendaItem], party: str | None) -> bytes:
    """The items as an iCalendar (RFC 5545) feed.

    A day is an all-day event; a moment an event at that time with the agenda's time zone
    (its VTIMEZONE is always included: a calendar without any component is not valid).
    DTSTAMP is the start of the agenda's day in UTC, never the clock's time, so that the
    same records on the same day give the same bytes.
    """
    import icalendar

    from eta.escaping import for_terminal

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    name = f"eta agenda: {party}" if party else "eta agenda"
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", agenda.tz.key)
    years = [agenda.today.year, *(item.day(agenda.tz).year for item in items)]
    calendar.add_component(icalendar.Timezone.from_tzinfo(
        agenda.tz, agenda.tz.key, first_date=dt.date(min(years), 1, 1),
        last_date=dt.date(max(years) + 2, 1, 1)))
    stamp = dt.datetime.combine(agenda.today, dt.time(0), tzinfo=dt.UTC)
    for item in items:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        if isinstance(item.due, dt.datetime):
            event.add("dtstart", item.due.astimezone(agenda.tz))
        else:
            event.add("dtstart", item.due)
            event.add("dtend", item.due + dt.timedelta(days=1))
        # Record text without controls: calendar apps show it, and some to a terminal.
        event.add("summary", for_terminal(item.what))
        owed = ", ".join(map(for_terminal, item.parties)) if item.parties else "nobody named"
        event.add("description", f"Owed by: {owed}\nRecord: {for_terminal(item.file)}")
        event.add("categories", [str(item.kind)])
        # A deadline takes no time in anyone's day: it must not show as busy.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    feed: bytes = calendar.to_ical()
    return feed
