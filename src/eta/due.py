"""What is due, by whom, and whether it is overdue: the one judgement of deadlines that the
agenda, the reports, `eta plan status`, `eta incident list` and `eta check` all read.

What someone still owes, each with the moment or the day it is due, and the parties that
owe it:

- `milestone`: its date, until it is done; owed by the parties it names, or by every
  implementing party when it names none.
- `deadline` of a plan: its date, until the roll-out is complete; every implementing party.
- `measure`: its deadline, until it is done; the party whose part of the plan it is.
- `signature`: while the plan is not in force, each signature missing, stale or invalid; due
  by the plan's first open date (a milestone, deadline or measure not done, or in a draft
  the day a party's planning starts), else by the date the release was decided, else
  the day judged; owed by the party that must sign.
- `evaluation`: two months after the implementation was complete, until it is recorded;
  the Beheerorganisatie (its releasemanager holds it with the parties).
- `response-time`: when the response time of an open, unresolved incident runs out; the
  reporter, and the Beheerorganisatie, which then decides on escalation.
- `reporting-duty`: each stage of a reporting duty of afspraken/reporting-duties.yaml (the
  telephone report to the Beheerorganisatie, the data breach to the Autoriteit
  Persoonsgegevens, the stages of NIS2) that applies or may yet apply, by its deadline, until
  its notification is recorded; the reporter (`eta.incidents.duties` keeps the clocks).
- `classification`: for an incident not closed that has no classification, one that no
  longer fits its facts or the criteria, or one that leaves criteria unanswered; due when
  the response time runs out, as escalation rests on the class; the Beheerorganisatie.

A day (a milestone, a measure) is overdue once it has passed; a moment (an incident's
deadline) once it has passed (`is_overdue`). A reportable data breach without
`data_breach.aware_at` has no deadline to give: `eta check` reports it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from zoneinfo import ZoneInfo

from eta.errors import EtaError
from eta.incidents.classify import classify_by
from eta.incidents.duties import duty_clocks
from eta.incidents.state import classification_entry, is_open, response_deadline
from eta.models.agreements import ServiceLevels
from eta.models.incident import Incident
from eta.models.party import Party, beheerorganisatie
from eta.models.release import Plan, PlanParty, Release
from eta.overdue import is_overdue as is_overdue  # the views and rules import it from here
from eta.records.agreements import Agreements
from eta.vocabulary import IncidentStatus, MeasureStatus, ReleaseStatus

#: The suffix of every iCalendar UID: an item's id says which item, this says whose ids.
UID_DOMAIN = "eta.eherkenning"

#: How long after the implementation is complete the evaluation must be held, in months.
EVALUATION_MONTHS = 2


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
KIND_ORDER = {kind: rank for rank, kind in enumerate(ItemKind)}


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing owed: what, by whom, by when, and in which record file.

    Every item has an id made of its record and the item in it (`release/R2026-01/measure/
    poortwachter/metadata-inlezen`), never of the time of a run or of the order of the
    records: a calendar app that reads a feed twice updates an item instead of adding it.
    """

    id: str
    kind: ItemKind
    #: A day (`date`) or a moment (an aware `datetime`).
    due: dt.date | dt.datetime
    #: The item in a sentence, with its record: `R2026-01 milestone m1: ...`.
    what: str
    #: The release id or the incident id.
    record: str
    file: str
    parties: tuple[str, ...]
    #: The item's id within its record (a milestone's or measure's id, or its kind).
    name: str
    #: What the record calls it: a milestone's title, a measure's description.
    title: str
    #: The one party whose part of the plan it is (a measure, a signature), if any.
    party: str | None = None
    #: Judged by `judge` as at a moment.
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
        return midnight(self.due + dt.timedelta(days=1), tz)


def midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def judge(items: Iterable[DueItem], at: dt.date | dt.datetime) -> list[DueItem]:
    """The items, each with `overdue` as at `at`: an item already judged so is itself."""
    judged = []
    for item in items:
        overdue = is_overdue(item.due, at)
        judged.append(item if item.overdue is overdue else replace(item, overdue=overdue))
    return judged


# -- Releases and their plans ---------------------------------------------------------------


def evaluation_deadline(completed_on: dt.date) -> dt.date:
    """Two calendar months after the implementation was complete."""
    month = completed_on.month - 1 + EVALUATION_MONTHS
    year, month = completed_on.year + month // 12, month % 12 + 1
    return completed_on.replace(year=year, month=month,
                                day=min(completed_on.day, calendar.monthrange(year, month)[1]))


def rolled_out(release: Release) -> bool:
    completed = release.rollout is not None and release.rollout.completed_on is not None
    return completed or release.status in (ReleaseStatus.ROLLED_OUT, ReleaseStatus.EVALUATED)


@dataclass(frozen=True, slots=True)
class PartyPart:
    """What the release items need of one implementing party."""

    party: str
    #: Its part of the plan, if written; and the file it is in.
    record: PlanParty | None
    file: str
    #: What it must do about its signature for the plan to come into force, if anything.
    signature_action: str | None
    #: The file of its signature, or of the plan where it has none.
    signature_file: str


@dataclass(frozen=True, slots=True)
class ReleaseRecords:
    """What the release items are made of: the release, its plan and the parties' parts."""

    release_id: str
    release: Release
    release_file: str
    plan: Plan | None
    plan_file: str | None
    parties: Sequence[PartyPart]
    in_force: bool


def release_items(records: ReleaseRecords, register: Mapping[str, Party], today: dt.date
                  ) -> list[DueItem]:
    """Everything owed for a release, judged as at the start of `today`."""
    return judge(_release_items(records, register, today), today)


def _release_items(records: ReleaseRecords, register: Mapping[str, Party], today: dt.date
                   ) -> Iterator[DueItem]:
    release, release_id = records.release, records.release_id
    prefix = f"release/{release_id}"
    plan = records.plan
    if plan is not None and records.plan_file is not None:
        plan_file = records.plan_file
        implementing = tuple(plan.parties)
        for milestone in plan.milestones:
            if milestone.done_on is None:
                yield DueItem(f"{prefix}/milestone/{milestone.id}", ItemKind.MILESTONE,
                              milestone.date,
                              f"{release_id} milestone {milestone.id}: {milestone.title}",
                              release_id, plan_file, tuple(milestone.parties) or implementing,
                              milestone.id, milestone.title)
        if not rolled_out(release):
            for deadline in plan.deadlines:
                yield DueItem(f"{prefix}/deadline/{deadline.id}", ItemKind.DEADLINE,
                              deadline.date,
                              f"{release_id} deadline {deadline.id}: {deadline.title}",
                              release_id, plan_file, implementing, deadline.id, deadline.title)
        for part in records.parties:
            for measure in part.record.measures if part.record is not None else []:
                if measure.status is MeasureStatus.DONE:
                    continue
                yield DueItem(f"{prefix}/measure/{part.party}/{measure.id}",
                              ItemKind.MEASURE, measure.deadline,
                              f"{release_id} measure {measure.id} ({measure.status}): "
                              f"{measure.description}",
                              release_id, part.file, (part.party,), measure.id,
                              measure.description, part.party)
        yield from _signature_items(records, plan, today)
    completed = release.rollout.completed_on if release.rollout else None
    if completed is not None and release.evaluation is None:
        title = (f"hold the evaluation with the implementing parties (implementation "
                 f"complete on {completed})")
        yield DueItem(f"{prefix}/evaluation", ItemKind.EVALUATION,
                      evaluation_deadline(completed), f"{release_id}: {title}",
                      release_id, records.release_file, beheerorganisatie(register),
                      "evaluation", title)


def _signature_items(records: ReleaseRecords, plan: Plan, today: dt.date
                     ) -> Iterator[DueItem]:
    """A signature the plan still needs to come into force."""
    if records.in_force:
        return
    release = records.release
    due = _first_open_date(records, plan) or release.decided_on or today
    for part in records.parties:
        if part.signature_action is None:
            continue
        yield DueItem(f"release/{records.release_id}/signature/{part.party}",
                      ItemKind.SIGNATURE, due, f"{records.release_id}: {part.signature_action}",
                      records.release_id, part.signature_file, (part.party,), "signature",
                      part.signature_action, part.party)


def _first_open_date(records: ReleaseRecords, plan: Plan) -> dt.date | None:
    """The first date the plan sets that is still open, or, for a draft, the first day a
    party starts its work: the plan must be in force by then."""
    release = records.release
    dates = [m.date for m in plan.milestones if m.done_on is None]
    if not rolled_out(release):
        dates += [d.date for d in plan.deadlines]
    for part in records.parties:
        if part.record is None:
            continue
        dates += [m.deadline for m in part.record.measures if m.status is not MeasureStatus.DONE]
        # A party starts its work under the plan, which must bind by then; once the
        # release is under way, the work has begun and only what is still open counts.
        planning = part.record.planning
        if release.status is ReleaseStatus.DRAFT and planning is not None \
                and planning.start_on is not None:
            dates.append(planning.start_on)
    return min(dates, default=None)


# -- Incidents ------------------------------------------------------------------------------


def response_due(incident: Incident, levels: ServiceLevels) -> dt.datetime | None:
    """When the response time of an open, unresolved incident runs out; None for another."""
    if not is_open(incident) or incident.times.resolved is not None:
        return None
    return response_deadline(incident, levels)


def incident_owed(incident: Incident, file: str, agreements: Agreements) -> list[DueItem]:
    """Everything owed for an incident, not yet judged: the same at every moment."""
    return list(_incident_items(incident, file, agreements))


def _incident_items(incident: Incident, file: str, agreements: Agreements
                    ) -> Iterator[DueItem]:
    tz = agreements.tz
    levels = agreements.service_levels
    prefix = f"incident/{incident.id}"
    bo = agreements.beheerorganisatie
    for clock in duty_clocks(incident, agreements.duties, tz):
        if clock.notified_at is not None or clock.due is None:
            continue
        undecided = (" (whether the duty applies is not decided yet)"
                     if clock.applies is None else "")
        yield DueItem(f"{prefix}/duty/{clock.duty.id}/{clock.stage.id}",
                      ItemKind.REPORTING_DUTY, clock.due.astimezone(tz),
                      f"incident {incident.id}: {clock.stage.name.lower()} to "
                      f"{clock.duty.recipient} ({clock.duty.name}){undecided}: "
                      f"{incident.title}",
                      incident.id, file, (incident.reporter,),
                      f"{clock.duty.id}/{clock.stage.id}",
                      f"{clock.stage.name}: {clock.duty.name} ({clock.duty.recipient})")
    deadline = classification_due(incident, levels)
    if deadline is None:
        return
    deadline = deadline.astimezone(tz)
    if response_due(incident, levels) is not None:
        title = f"resolve within the response time ({incident.priority})"
        yield DueItem(f"{prefix}/response-time", ItemKind.RESPONSE_TIME, deadline,
                      f"incident {incident.id} ({incident.priority}): resolve within the "
                      f"response time: {incident.title}",
                      incident.id, file, tuple(dict.fromkeys((incident.reporter, *bo))),
                      "response-time", title)
    pending = classification_pending(incident, agreements)
    if pending is not None:
        yield DueItem(f"{prefix}/classification", ItemKind.CLASSIFICATION, deadline,
                      f"incident {incident.id}: {pending}: {incident.title}",
                      incident.id, file, bo, "classification", pending)


def classification_due(incident: Incident, levels: ServiceLevels) -> dt.datetime | None:
    """When the classification of an incident not closed is due: when the response time
    runs out, as escalation rests on the class; None for a closed incident."""
    if incident.status is IncidentStatus.CLOSED:
        return None
    return response_deadline(incident, levels)


def classification_pending(incident: Incident, agreements: Agreements) -> str | None:
    """What the classification of `incident` still waits for, or None when it is final: at
    every moment alike.

    Whether the last classification still fits is `classification_entry`'s judgement: it
    writes a new entry exactly when the facts or the criteria's answers have changed.
    """
    current = incident.classification
    if current is None:
        return "classify the incident (not classified yet)"
    outcome = classify_by(agreements, incident)
    try:
        # The moment an entry is given only stamps it: any moment tells whether one is due.
        changed = classification_entry(outcome, incident, incident.times.detected,
                                       lambda: "", None) is not None
    except EtaError:  # a lower class, which needs a reason: a new classification all the same
        changed = True
    if changed:
        return "classify the incident again (its facts or the criteria changed since)"
    if outcome.unanswered:
        waits = "; ".join(f"{a.criterion.id} waits for {', '.join(a.needs)}"
                          for a in outcome.unanswered)
        return f"complete the classification ({waits})"
    return None
