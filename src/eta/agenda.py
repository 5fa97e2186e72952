"""What is due, and for whom: the agenda across every record of a repository.

The agenda gathers what someone still owes, each with the moment or the day it is due, and
the parties that owe it (what `--party` selects by):

- `milestone`: its date, until it is done; owed by the parties it names, or by every
  implementing party when it names none.
- `deadline` of a plan: its date, until the roll-out is complete; every implementing party.
- `measure`: its deadline, until it is done; the party whose part of the plan it is.
- `signature`: while the plan is not in force, each signature missing, stale or invalid; due
  by the plan's first open date (a milestone, deadline or measure not done, or in a draft
  the day a party's planning starts), else by the date the release was decided, else
  today; owed by the party that must sign.
- `evaluation`: two months after the implementation was complete, until it is recorded;
  the Beheerorganisatie (its releasemanager holds it with the parties).
- `response-time`: when the response time of an open, unresolved incident runs out; the
  reporter, and the Beheerorganisatie, which then decides on escalation.
- `reporting-duty`: each stage of a reporting duty of afspraken/reporting-duties.yaml (the
  telephone report to the Beheerorganisatie, the data breach to the Autoriteit
  Persoonsgegevens, the stages of NIS2) that applies or may yet apply, by its deadline, until
  its notification is recorded; the reporter.
- `classification`: for an incident not closed that has no classification, one that no
  longer fits its facts or the criteria, or one that leaves criteria unanswered; due when
  the response time runs out, as escalation rests on the class; the Beheerorganisatie.
- `availability`: a party below its availability target in the month that ended last, by the
  last day of the month after; that party.

A day (a milestone, a measure) is overdue once it has passed; a moment (an incident's
deadline) once it has passed. Moments are given in the time zone of the service levels,
where daylight saving time applies. A reportable data breach without `data_breach.aware_at`
has no deadline to give: `eta check` reports it.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from eta.contracts import AGENDA
from eta.errors import EtaError
from eta.incidents.duties import duty_clocks
from eta.incidents.state import (
    Agreements,
    classification_entry,
    incident_path,
    is_open,
    load_agreements,
    load_incidents,
    response_deadline,
)
from eta.models.incident import Incident
from eta.models.party import Party, beheerorganisatie
from eta.models.release import Release
from eta.plans.digest import ReleaseFiles
from eta.plans.state import (
    RELEASES,
    PlanState,
    SignatureState,
    assess,
    evaluation_deadline,
    load_release,
)
from eta.plans.timing import SigningEvidence
from eta.records.layout import relative
from eta.vocabulary import IncidentStatus, MeasureStatus, ReleaseStatus

if TYPE_CHECKING:
    from eta.contracts.shapes import AgendaDocument

#: The suffix of every iCalendar UID: an item's id says which item, this says whose ids.
UID_DOMAIN = "eta.eherkenning"
PRODUCT_ID = "-//eta//agenda//EN"


class ItemKind(StrEnum):
    MILESTONE = "milestone"
    DEADLINE = "deadline"
    MEASURE = "measure"
    SIGNATURE = "signature"
    EVALUATION = "evaluation"
    RESPONSE_TIME = "response-time"
    REPORTING_DUTY = "reporting-duty"
    CLASSIFICATION = "classification"
    AVAILABILITY = "availability"


#: Of items due at the same time, the plan's before the incidents', each in this order.
_KIND_ORDER = {kind: rank for rank, kind in enumerate(ItemKind)}


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One thing owed: what, by whom, by when, and in which record file."""

    id: str
    kind: ItemKind
    #: A day (`date`) or a moment (an aware `datetime` in the agenda's time zone).
    due: dt.date | dt.datetime
    what: str
    record: str
    file: str
    parties: tuple[str, ...]
    #: Judged by `collect` as at the agenda's moment.
    overdue: bool = False

    @property
    def all_day(self) -> bool:
        return not isinstance(self.due, dt.datetime)

    @property
    def uid(self) -> str:
        return f"{self.id}@{UID_DOMAIN}"

    def day(self, tz: ZoneInfo) -> dt.date:
        """The calendar day it is due on, in `tz`."""
        return self.due.astimezone(tz).date() if isinstance(self.due, dt.datetime) else self.due

    def passes_at(self, tz: ZoneInfo) -> dt.datetime:
        """The moment it runs out: for a day, the midnight that ends it."""
        if isinstance(self.due, dt.datetime):
            return self.due
        return _midnight(self.due + dt.timedelta(days=1), tz)


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
                                                _KIND_ORDER[item.kind], item.id))

    def until(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def collect(root: Path, at: dt.date | dt.datetime) -> Agenda:
    """The agenda of the repository at `root`, as at the moment `at`, or as at the start of
    the day `at` in the service levels' time zone."""
    agreements = load_agreements(root)
    tz = agreements.tz
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise ValueError("the moment of an agenda needs a time zone")
        now = at.astimezone(tz)
    else:
        now = _midnight(at, tz)
    today = now.date()
    items: list[AgendaItem] = []
    skipped: list[str] = []
    evidence = SigningEvidence.of(root)
    for release_id in _release_ids(root):
        try:
            files = load_release(root, release_id)
        except EtaError:
            skipped.append(f"{RELEASES}/{release_id}/")
            continue
        items.extend(_release_items(files, agreements.parties, today, evidence))
    incidents, invalid = load_incidents(root)
    skipped.extend(invalid)
    for incident in incidents:
        items.extend(_incident_items(root, incident, agreements, now))
    items.extend(_availability_items(root, incidents, agreements, now))
    judged = [replace(item, overdue=_is_overdue(item.due, now)) for item in items]
    return Agenda(today, now, tz, agreements, judged, skipped)


def _is_overdue(due: dt.date | dt.datetime, now: dt.datetime) -> bool:
    """A moment is overdue once it has passed; a day once the day after it has begun."""
    if isinstance(due, dt.datetime):
        return due < now
    return due < now.date()


def _release_ids(root: Path) -> list[str]:
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir()
                  if path.is_dir() and not path.name.startswith("."))


# -- Releases and their plans ---------------------------------------------------------------


def _release_items(files: ReleaseFiles, parties: Mapping[str, Party], today: dt.date,
                   evidence: SigningEvidence) -> Iterator[AgendaItem]:
    state = assess(files, parties, today, evidence)
    release = state.release
    assert release is not None and files.release is not None
    release_id = files.release_id
    prefix = f"release/{release_id}"
    plan = state.plan
    if plan is not None and files.plan is not None:
        plan_file = files.plan.file
        implementing = tuple(plan.parties)
        rolled_out = _rolled_out(release)
        for milestone in plan.milestones:
            if milestone.done_on is None:
                yield AgendaItem(f"{prefix}/milestone/{milestone.id}", ItemKind.MILESTONE,
                                 milestone.date,
                                 f"{release_id} milestone {milestone.id}: {milestone.title}",
                                 release_id, plan_file,
                                 tuple(milestone.parties) or implementing)
        if not rolled_out:
            for deadline in plan.deadlines:
                yield AgendaItem(f"{prefix}/deadline/{deadline.id}", ItemKind.DEADLINE,
                                 deadline.date,
                                 f"{release_id} deadline {deadline.id}: {deadline.title}",
                                 release_id, plan_file, implementing)
        for party in state.parties:
            if party.record is None:
                continue
            for measure in party.record.measures:
                if measure.status is MeasureStatus.DONE:
                    continue
                yield AgendaItem(f"{prefix}/measure/{party.party}/{measure.id}",
                                 ItemKind.MEASURE, measure.deadline,
                                 f"{release_id} measure {measure.id} ({measure.status}): "
                                 f"{measure.description}",
                                 release_id, files.parties[party.party].file, (party.party,))
        yield from _signature_items(files, state, release, plan_file, today)
    completed = release.rollout.completed_on if release.rollout else None
    if completed is not None and release.evaluation is None:
        yield AgendaItem(f"{prefix}/evaluation", ItemKind.EVALUATION,
                         evaluation_deadline(completed),
                         f"{release_id}: hold the evaluation with the implementing parties "
                         f"(implementation complete on {completed})",
                         release_id, files.release.file, beheerorganisatie(parties))


def _rolled_out(release: Release) -> bool:
    completed = release.rollout is not None and release.rollout.completed_on is not None
    return completed or release.status in (ReleaseStatus.ROLLED_OUT, ReleaseStatus.EVALUATED)


def _signature_items(files: ReleaseFiles, state: PlanState, release: Release, plan_file: str,
                     today: dt.date) -> Iterator[AgendaItem]:
    """A signature the plan still needs to come into force."""
    if state.in_force:
        return
    due = _first_open_date(state, release) or release.decided_on or today
    for party in state.parties:
        signature = party.signature
        if signature.state is SignatureState.VALID:
            continue
        if signature.state is SignatureState.MISSING:
            action = "sign the implementation plan"
        elif signature.state is SignatureState.STALE:
            action = f"sign the implementation plan again ({signature.reason})"
        else:
            action = (f"sign the implementation plan again (the signature is invalid: "
                      f"{signature.reason})")
        lacks = f"; its part still lacks: {', '.join(party.lacks)}" if party.lacks else ""
        signed = files.signatures.get(party.party)
        yield AgendaItem(f"release/{files.release_id}/signature/{party.party}",
                         ItemKind.SIGNATURE, due, f"{files.release_id}: {action}{lacks}",
                         files.release_id, signed.file if signed is not None else plan_file,
                         (party.party,))


def _first_open_date(state: PlanState, release: Release) -> dt.date | None:
    """The first date the plan sets that is still open, or, for a draft, the first day a
    party starts its work: the plan must be in force by then."""
    plan = state.plan
    assert plan is not None
    dates = [m.date for m in plan.milestones if m.done_on is None]
    if not _rolled_out(release):
        dates += [d.date for d in plan.deadlines]
    for party in state.parties:
        if party.record is None:
            continue
        dates += [m.deadline for m in party.record.measures if m.status is not MeasureStatus.DONE]
        # A party starts its work under the plan, which must bind by then; once the
        # release is under way, the work has begun and only what is still open counts.
        planning = party.record.planning
        if release.status is ReleaseStatus.DRAFT and planning is not None \
                and planning.start_on is not None:
            dates.append(planning.start_on)
    return min(dates, default=None)


# -- Incidents ------------------------------------------------------------------------------


def _incident_items(root: Path, incident: Incident, agreements: Agreements, now: dt.datetime
                    ) -> Iterator[AgendaItem]:
    tz = agreements.tz
    levels = agreements.service_levels
    prefix = f"incident/{incident.id}"
    file = relative(root, incident_path(root, incident.id))
    bo = beheerorganisatie(agreements.parties)
    for clock in duty_clocks(incident, agreements.duties, tz):
        if clock.notified_at is not None or clock.due is None:
            continue
        undecided = (" (whether the duty applies is not decided yet)"
                     if clock.applies is None else "")
        yield AgendaItem(f"{prefix}/duty/{clock.duty.id}/{clock.stage.id}",
                         ItemKind.REPORTING_DUTY, clock.due.astimezone(tz),
                         f"incident {incident.id}: {clock.stage.name.lower()} to "
                         f"{clock.duty.recipient} ({clock.duty.name}){undecided}: "
                         f"{incident.title}",
                         incident.id, file, (incident.reporter,))
    if incident.status is IncidentStatus.CLOSED:
        return
    deadline = response_deadline(incident, levels).astimezone(tz)
    if is_open(incident) and incident.times.resolved is None:
        yield AgendaItem(f"{prefix}/response-time", ItemKind.RESPONSE_TIME, deadline,
                         f"incident {incident.id} ({incident.priority}): resolve within the "
                         f"response time: {incident.title}",
                         incident.id, file, _distinct((incident.reporter, *bo)))
    pending = classification_pending(incident, agreements, now)
    if pending is not None:
        yield AgendaItem(f"{prefix}/classification", ItemKind.CLASSIFICATION, deadline,
                         f"incident {incident.id}: {pending}: {incident.title}",
                         incident.id, file, bo)


def _availability_items(root: Path, incidents: list[Incident], agreements: Agreements,
                        now: dt.datetime) -> Iterator[AgendaItem]:
    """A party below its target in the month that ended last accounts for it by the end of
    the month after (as `eta check` warns until then)."""
    from eta.incidents.availability import Month, shown_percent
    from eta.reports.availability import all_periods

    periods = all_periods(incidents)
    if not periods:
        return
    month = Month.of(now.date()).previous()
    from eta.incidents.availability import month_availability

    figures = month_availability(month, periods, agreements.parties,
                                 agreements.service_levels, now)
    last_day = month.next().next().first_day - dt.timedelta(days=1)
    for figure in figures.missed:
        assert figure.party is not None
        yield AgendaItem(
            f"availability/{month}/{figure.party}/{figure.role}", ItemKind.AVAILABILITY,
            last_day, f"availability of {figure.party} as {figure.role} in {month}: "
            f"{shown_percent(figure.percent)}, below the target of "
            f"{shown_percent(figure.target_percent)}: account for it to the Tactisch Beraad "
            f"(incidents {', '.join(figure.incidents)})",
            str(month), f"afspraken/parties/{figure.party}.yaml", (figure.party,))


def classification_pending(incident: Incident, agreements: Agreements, now: dt.datetime
                           ) -> str | None:
    """What the classification of `incident` still waits for, or None when it is final.

    Whether the last classification still fits is `classification_entry`'s judgement: it
    writes a new entry exactly when the facts or the criteria's answers have changed.
    """
    current = incident.classification
    if current is None:
        return "classify the incident (not classified yet)"
    outcome = agreements.classify(incident)
    try:
        changed = classification_entry(outcome, incident, now, lambda: "", None) is not None
    except EtaError:  # a lower class, which needs a reason: a new classification all the same
        changed = True
    if changed:
        return "classify the incident again (its facts or the criteria changed since)"
    if outcome.unanswered:
        waits = "; ".join(f"{a.criterion.id} waits for {', '.join(a.needs)}"
                          for a in outcome.unanswered)
        return f"complete the classification ({waits})"
    return None


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


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
