"""Changes to an incident record: what `eta incident update` and `eta incident log` decide
and write. The command line parses its options into an `IncidentUpdate` and prints what
`update_incident` reports; every rule of the status flow, of reopening and closing, and of
a record that must keep agreeing with itself is decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap

from eta.editing import add_item, changeset, child, put
from eta.errors import EtaError, Refused
from eta.incidents.corrections import (
    FactChange,
    changed_facts,
    correction_entry,
    entry_words,
    moment_of,
)
from eta.incidents.outages import OutageChange
from eta.incidents.state import (
    OPEN_STATUSES,
    closing_problems,
    incident_path,
    status_change_problem,
    timestamp,
)
from eta.models.incident import DataBreach, Facts, Incident, Notification, Outage, Times
from eta.moments import shown_moment
from eta.records.agreements import Agreements
from eta.records.layout import relative
from eta.vocabulary import IncidentStatus, Priority

if TYPE_CHECKING:
    from eta.contracts.shapes import TimelineEntry

#: The times an update may set, in the order a summary names them.
TIME_FIELDS = ("detected", "reported", "phoned", "started", "resolved")
#: The flag facts an update may set or clear.
FLAG_FACTS = ("direct_serious_hindrance", "confidentiality_integrity_impact",
              "reportable_data_breach", "major_image_impact", "political_implications",
              "fundamental_vulnerability")
#: The data-breach notification's fields an update may set.
BREACH_FIELDS = ("aware_at", "notified_at", "reference", "delay_reason",
                 "subjects_informed_at")


@dataclass(frozen=True, slots=True)
class IncidentUpdate:
    """What an update asks for; a field left None (or out of a mapping) stays as it is."""

    status: IncidentStatus | None = None
    priority: Priority | None = None
    title: str | None = None
    resolution: str | None = None
    #: Every party affected: replaces the list.
    affected: list[str] | None = None
    #: More parties affected, after `affected` (or the record's list).
    add_affected: list[str] | None = None
    #: Of `TIME_FIELDS`.
    times: Mapping[str, dt.datetime] = field(default_factory=dict)
    expected_end: dt.datetime | None = None
    #: Of `FLAG_FACTS`: True or False sets a fact, None makes it unknown again.
    facts: Mapping[str, bool | None] = field(default_factory=dict)
    #: Of `BREACH_FIELDS`: a moment, or the text of `reference` and `delay_reason`.
    breach: Mapping[str, dt.datetime | str] = field(default_factory=dict)
    #: Why the status or priority changes; required to reopen a closed incident.
    reason: str | None = None
    #: An outage to record or update (`eta.incidents.outages`).
    outage: OutageChange | None = None
    #: A notification under a reporting duty: the index of the one recorded for that stage
    #: (None for a new one) and the values to write (`eta.incidents.duties`).
    notification: tuple[int | None, dict[str, object]] | None = None


@dataclass(frozen=True, slots=True)
class Updated:
    """What an update wrote: the record file, and the fields it changed, in order."""

    path: Path
    changed: list[str]
    #: What the person who ran it should know of what the update did not change.
    notes: list[str] = field(default_factory=list)


def closed_message(incident_id: str) -> str:
    return (f"{incident_id} is closed, and a closed incident is not edited; reopen it first "
            f"with `eta incident update {incident_id} --status in_progress --reason TEXT`")


def refuse_closed(incident: Incident) -> None:
    if incident.status is IncidentStatus.CLOSED:
        raise Refused(closed_message(incident.id))


def refuse_contradictions(root: Path, before: Incident, after: Any,
                          agreements: Agreements | None = None) -> None:
    """Refuse a change that leaves the incident contradicting itself where it did not, by
    the judgement of `eta check`: its times, its outages (with the agreements: against the
    register), and its notifications against the clocks of the reporting duties."""
    from eta.diagnostics import Severity

    known = {f.message for f in self_findings(before, agreements)}
    new_problems = [f.message + (f" ({f.hint})" if f.hint else "")
                    for f in self_findings(after, agreements)
                    if f.severity is Severity.ERROR and f.message not in known]
    if new_problems:
        path = relative(root, incident_path(root, before.id))
        raise Refused(f"the change would leave {path} contradicting itself: "
                      + "; ".join(new_problems))


def self_findings(incident: Incident, agreements: Agreements | None) -> list[Any]:
    """What `eta check` finds in the record whatever the moment it judges at."""
    from eta.rules.incidents import (
        consistency_findings,
        duty_findings,
        outage_register_findings,
    )

    found: list[Any] = list(consistency_findings(incident))
    if agreements is not None:
        found.extend(outage_register_findings(incident, agreements.parties))
        found.extend(duty_findings(incident, agreements.duties, agreements.tz, None))
    return found


def edit_incident(root: Path, incident: Incident, now: dt.datetime,
                  change: Callable[[CommentedMap], None]) -> None:
    """Write `change` to `incident`, made at `now`, unless it leaves the record
    contradicting itself where it did not."""
    with changeset(root, now) as changes:
        record = changes.edit(incident_path(root, incident.id), change)
        refuse_contradictions(root, incident, record)


def log_incident(root: Path, incident: Incident, text: str, at: dt.datetime,
                 recorded: dt.datetime, by: str) -> TimelineEntry:
    """Append `text` to the timeline of an incident not closed: it happened `at`, and is
    written down at `recorded` by `by`. Returns the entry written."""
    refuse_closed(incident)
    entry: TimelineEntry = {"at": timestamp(at), "recorded_at": timestamp(recorded),
                            "by": by, "text": text}
    edit_incident(root, incident, recorded,
                  lambda data: add_item(data, "timeline", entry, Incident))
    return entry


# -- eta incident update ----------------------------------------------------------------------


def update_incident(root: Path, agreements: Agreements, incident: Incident,
                    update: IncidentUpdate, now: dt.datetime,
                    identity: Callable[[], str]) -> Updated:
    """Apply `update` to `incident` as at `now`, or refuse it with an `EtaError` and leave
    the record as it was. `identity` names who changes a status or priority (asked only
    then): the timeline and a reopening record it."""
    parties = _affected(incident, update, agreements)
    target = update.status
    events = _events(incident, update)
    _check_moves(incident, target, update.reason)
    times = _times(incident, update, target, now)
    # The 72 hours run from awareness, which only the user knows: without --aware-at it
    # stays open, and `eta check` asks for it (incident.data-breach.unrecorded).
    breach = dict(update.breach)
    by = identity() if events else None
    plan = _Plan(incident, update, target, parties, times, breach, now, by, events)
    path = incident_path(root, incident.id)
    with changeset(root, now) as changes:
        record = changes.edit(path, plan.apply)
        if not plan.changed:
            raise EtaError("nothing to update: give at least one option (see --help)")
        assert isinstance(record, Incident)
        if target is IncidentStatus.CLOSED and incident.status is not IncidentStatus.CLOSED:
            problems = closing_problems(record)
            if problems:
                raise Refused(f"{incident.id} cannot be closed: " + "; ".join(problems))
        refuse_contradictions(root, incident, record, agreements)
        corrected = changed_facts(_as_data(incident), _as_data(record))
        if corrected:
            reason = update.reason
            if reason is None:
                raise Refused(overwrite_message(incident, corrected, agreements))
            entries = [correction_entry(change, timestamp(now), by or identity(), reason)
                       for change in corrected]
            changes.edit(path, lambda data: _append(data, "corrections", entries))
            plan.changed.append("corrections")
        elif update.reason is not None and not events:
            raise EtaError("--reason explains a change of status or priority, or the "
                           "correction of a recorded notification or outage; for a note, "
                           "use `eta incident log`")
    return Updated(path, list(dict.fromkeys(plan.changed)), _breach_notes(incident, update))


def _as_data(incident: Incident) -> dict[str, Any]:
    """The record as its file holds it, for `eta.incidents.corrections`."""
    return incident.model_dump(mode="json", by_alias=True, exclude_none=True)


def _append(data: CommentedMap, key: str, entries: list[dict[str, str]]) -> None:
    for entry in entries:
        add_item(data, key, entry, Incident)


def overwrite_message(incident: Incident, changes: list[FactChange],
                      agreements: Agreements) -> str:
    """Why an update that would overwrite recorded facts is refused: each fact, whose it
    is, and what it holds."""
    said = []
    for change in changes:
        if change.now is None:  # pragma: no cover - an update removes no entry
            said.append(f"`{change.name}` would be removed")
            continue
        moment = moment_of(change.was)
        value = (shown_moment(moment, agreements.tz) if moment is not None
                 else f"`{change.was}`")
        said.append(f"{_whose(incident, change, agreements)}: `{change.name}` is recorded as "
                    f"{value}")
    return ("; ".join(said) + "; a recorded notification or outage is corrected, not "
            "overwritten: give --reason TEXT to correct it, and `corrections` keeps the "
            "value it had, with who corrected it, when and why")


def _whose(incident: Incident, change: FactChange, agreements: Agreements) -> str:
    """The notification or outage a fact belongs to: `the notification of nis2:melding`."""
    head = change.path[0]
    if head in ("notifications", "outages"):
        index = change.path[1]
        assert isinstance(index, int)
        entry = _as_data(incident)[str(head)][index]
        what = "notification" if head == "notifications" else "outage"
        return f"the {what} of {entry_words(str(head), entry)}"
    home = "times.phoned" if head == "times" else "data_breach.notified_at"
    stages = [f"{duty.id}:{stage.id}" for duty in agreements.duties.duties
              for stage in duty.stages if stage.recorded_as == home]
    return f"the notification of {stages[0]}" if stages else f"`{head}`"


def _affected(incident: Incident, update: IncidentUpdate, agreements: Agreements
              ) -> list[str] | None:
    """The new list of affected parties, each in the register; None when it stays."""
    parties = update.affected
    if update.add_affected is not None:
        base = parties if parties is not None else list(incident.affected)
        parties = list(dict.fromkeys([*base, *update.add_affected]))
    option = "--affected" if update.affected is not None else "--add-affected"
    for party in parties or []:
        agreements.check_party(party, option)
    return parties


def _events(incident: Incident, update: IncidentUpdate) -> list[str]:
    """The changes of status and priority, as the timeline tells them."""
    events = []
    if update.status is not None and update.status is not incident.status:
        problem = status_change_problem(incident, update.status)
        if problem is not None:
            raise Refused(problem)
        events.append(f"Status {incident.status} -> {update.status}.")
    if update.priority is not None and update.priority != incident.priority:
        events.append(f"Priority {incident.priority} -> {update.priority}.")
    return events


def _check_moves(incident: Incident, target: IncidentStatus | None, reason: str | None
                 ) -> None:
    """A closed incident changes only by a reopening with a reason."""
    if incident.status is IncidentStatus.CLOSED:
        if target is not IncidentStatus.IN_PROGRESS:
            raise Refused(closed_message(incident.id))
        if reason is None:
            raise Refused("reopening a closed incident needs --reason")


def _times(incident: Incident, update: IncidentUpdate, target: IncidentStatus | None,
           now: dt.datetime) -> dict[str, dt.datetime]:
    """The times to set: those given, and the time of resolution when it is resolved now."""
    times = dict(update.times)
    if target is IncidentStatus.RESOLVED and "resolved" not in times \
            and incident.times.resolved is None:
        times["resolved"] = now
    if "resolved" in times and (target or incident.status) in OPEN_STATUSES:
        raise EtaError("--resolved-at: only a resolved incident has a time of resolution; "
                       "add --status resolved")
    return times


@dataclass
class _Plan:
    """The decided change, applied to the record's data by `apply`, which notes each field
    it changes in `changed`."""

    incident: Incident
    update: IncidentUpdate
    target: IncidentStatus | None
    parties: list[str] | None
    times: dict[str, dt.datetime]
    breach: dict[str, dt.datetime | str]
    now: dt.datetime
    by: str | None
    events: list[str]
    changed: list[str] = field(default_factory=list)

    def apply(self, data: CommentedMap) -> None:
        self._fields(data)
        self._times(data)
        self._facts(data)
        self._breach(data)
        self._notification(data)
        self._outage(data)
        self._history(data)

    def _fields(self, data: CommentedMap) -> None:
        update = self.update
        for key, value in (("title", update.title),
                           ("priority", update.priority and str(update.priority)),
                           ("status", self.target and str(self.target)),
                           ("resolution", update.resolution)):
            if value is not None and data.get(key) != value:
                put(data, key, value, Incident)
                self.changed.append(key)
        if self.parties is not None and list(data.get("affected") or []) != self.parties:
            _replace_list(data, "affected", self.parties)
            self.changed.append("affected")

    def _times(self, data: CommentedMap) -> None:
        recorded = self.incident.times
        if self.target is IncidentStatus.IN_PROGRESS and recorded.resolved is not None:
            del data["times"]["resolved"]  # reopened: it is no longer resolved
            self.changed.append("times.resolved")
        for name in TIME_FIELDS:
            value = self.times.get(name)
            if value is not None and getattr(recorded, name) != value:
                put(child(data, "times", Incident), name, timestamp(value), Times)
                self.changed.append(f"times.{name}")
        expected = self.update.expected_end
        if expected is not None and self.incident.facts.expected_end != expected:
            put(child(data, "facts", Incident), "expected_end", timestamp(expected), Facts)
            self.changed.append("facts.expected_end")

    def _facts(self, data: CommentedMap) -> None:
        for name in FLAG_FACTS:
            if name not in self.update.facts:
                continue
            flag = self.update.facts[name]
            if getattr(self.incident.facts, name) is flag:
                continue
            self.changed.append(f"facts.{name}")
            if flag is None:
                del data["facts"][name]
                if not data["facts"]:
                    del data["facts"]
            else:
                put(child(data, "facts", Incident), name, flag, Facts)

    def _breach(self, data: CommentedMap) -> None:
        current = self.incident.data_breach
        for name in BREACH_FIELDS:
            value = self.breach.get(name)
            old = None if current is None else getattr(current, name)
            if value is not None and old != value:
                written = timestamp(value) if isinstance(value, dt.datetime) else value
                put(child(data, "data_breach", Incident), name, written, DataBreach)
                self.changed.append(f"data_breach.{name}")

    def _notification(self, data: CommentedMap) -> None:
        if self.update.notification is None or not self.update.notification[1]:
            return
        index, values = self.update.notification
        if index is None:
            add_item(data, "notifications", values, Incident)
            self.changed.append("notifications")
            return
        for name, value in values.items():
            put(data["notifications"][index], name, value, Notification)
        self.changed.append(f"notifications[{index}]")

    def _outage(self, data: CommentedMap) -> None:
        edit = self.update.outage
        if edit is None or not edit.values:
            return
        if edit.index is None:
            add_item(data, "outages", edit.values, Incident)
        else:
            for name, value in edit.values.items():
                put(data["outages"][edit.index], name, value, Outage)
        self.changed.append(edit.name)

    def _history(self, data: CommentedMap) -> None:
        """A reopening and a change of status or priority are written down: who, when, why."""
        reason = self.update.reason
        at = timestamp(self.now)
        if self.incident.status is IncidentStatus.CLOSED \
                and self.target is IncidentStatus.IN_PROGRESS:
            add_item(data, "reopenings", {"at": at, "by": self.by, "reason": reason}, Incident)
            self.changed.append("reopenings")
        if self.events:
            text = " ".join([*self.events, *([reason] if reason is not None else [])])
            add_item(data, "timeline", {"at": at, "recorded_at": at, "by": self.by,
                                        "text": text}, Incident)


def _replace_list(data: CommentedMap, key: str, values: list[str]) -> None:
    existing = data.get(key)
    if isinstance(existing, list) and values:
        existing[:] = values  # in place: the list keeps its flow or block style
    elif values:
        put(data, key, values, Incident)
    elif key in data:
        del data[key]


def _breach_notes(incident: Incident, update: IncidentUpdate) -> list[str]:
    """What becomes of a data breach's recorded times when it is no longer held reportable,
    and that awareness stays open when it becomes reportable without it."""
    if "reportable_data_breach" not in update.facts:
        return []
    reportable = update.facts["reportable_data_breach"]
    was = incident.facts.reportable_data_breach
    breach = incident.data_breach
    if reportable is True:
        if breach is None and "aware_at" not in update.breach:
            return ["the 72 hours to notify the Autoriteit Persoonsgegevens run from the "
                    "moment of awareness, which is not recorded: give it with --aware-at TIME "
                    "(`eta check` reports it until then)"]
        return []
    if was is not True or breach is None:
        return []
    recorded = ", ".join(f"data_breach.{name}" for name in BREACH_FIELDS
                         if getattr(breach, name) is not None)
    if reportable is False:
        return [f"{recorded} stay recorded, as the documentation of a breach that need not be "
                "reported (GDPR art. 33(5)); no notification is due any more"]
    return [f"{recorded} stay recorded; while it is undecided whether the breach must be "
            "reported, `eta check` warns once 72 hours have passed since awareness"]
