"""The changes that `eta release` and `eta plan` make to the records.

Every function here reads what it needs, refuses with an EtaError before anything is
written when the change is not allowed, and writes through one changeset: all files change,
or none. New keys land where the model's field order puts them, so that a record a command
wrote looks like one written by hand, and a hand-written one keeps its comments and layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from eta import signing
from eta.diagnostics import did_you_mean
from eta.editing import (
    Changeset,
    YamlDate,
    YamlTimestamp,
    add_item,
    changeset,
    put,
    remove_item,
    update,
)
from eta.errors import EtaError, Refused
from eta.git import head_commit
from eta.models.common import is_identifier
from eta.models.party import Contact, Party, beheerorganisatie
from eta.models.release import (
    Deadline,
    Measure,
    Milestone,
    Person,
    Plan,
    PlanParty,
    Release,
    Signature,
)
from eta.plans.digest import ReleaseFiles, plan_digest
from eta.plans.state import (
    PlanState,
    SignatureState,
    assess,
    authorisation_period,
    blockers,
    check_signature,
    key_holders,
    load_release,
    next_status,
    release_folder,
)
from eta.plans.timing import SigningEvidence, signing_date
from eta.records.agreements import load_register, repository_zone
from eta.records.layout import relative
from eta.records.validation import field_names
from eta.vocabulary import ImpactLevel, MeasureStatus, ReleaseStatus


@dataclass
class Outcome:
    """What a command did, for the person who ran it."""

    summary: str
    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _date(day: dt.date) -> YamlDate:
    return YamlDate(day.isoformat())


def _identifier(value: str, what: str) -> str:
    if not is_identifier(value):
        raise EtaError(f"`{value}` is not a valid {what}: use letters, digits, `.`, `_` and "
                       "`-`, starting with a letter or digit, at most 64 characters")
    return value


def next_id(prefix: str, taken: set[str]) -> str:
    number = 1
    while f"{prefix}-{number}" in taken:
        number += 1
    return f"{prefix}-{number}"


# -- Reading what a command needs ---------------------------------------------------------


@dataclass
class Work:
    """A release's records and the changes a command stages for them."""

    root: Path
    files: ReleaseFiles
    changes: Changeset

    @property
    def release(self) -> Release:
        assert self.files.release is not None and isinstance(self.files.release.record,
                                                              Release)
        return self.files.release.record

    @property
    def plan(self) -> Plan | None:
        if self.files.plan is None:
            return None
        assert isinstance(self.files.plan.record, Plan)
        return self.files.plan.record

    @property
    def folder(self) -> Path:
        return release_folder(self.root, self.files.release_id)

    def party_path(self, party: str) -> Path:
        return self.folder / "parties" / f"{party}.yaml"

    def edit(self, path: Path, change: Callable[[CommentedMap], None]) -> None:
        self.changes.edit(path, change)

    def edit_party(self, party: str, change: Callable[[CommentedMap], None]) -> None:
        """Change the party's part of the plan, starting it if it has no file yet."""
        path = self.party_path(party)
        if path.exists() or path in self.changes.texts:
            self.changes.edit(path, change)
            return
        data = CommentedMap([("party", party)])
        change(data)
        self.changes.create(path, data)

    def signature_path(self, party: str) -> Path:
        return self.folder / "signatures" / f"{party}.yaml"

    def written(self) -> list[str]:
        return [relative(self.root, path) for path in self.changes.write()]

    def removed(self) -> list[str]:
        return sorted(relative(self.root, path) for path in self.changes.removed)


def _work(root: Path, release_id: str, *, now: dt.datetime | None = None,
          even_evaluated: bool = False) -> Work:
    """The release's records, for a change made at `now` (the clock's by default).

    An evaluated release is history: only a command that reopens it, or says why it
    cannot move, takes it (`even_evaluated`)."""
    work = Work(root, load_release(root, release_id), Changeset(root, now=now))
    if work.release.status is ReleaseStatus.EVALUATED and not even_evaluated:
        raise Refused(f"release {release_id} is evaluated: its records are history and are "
                       f"not edited; reopen it first with `eta release reopen {release_id} "
                       "--reason TEXT`")
    return work


def _registered(register: Mapping[str, Party], party: str) -> Party:
    if party not in register:
        hint = did_you_mean(party, sorted(register))
        raise EtaError(f"there is no party `{party}` in afspraken/parties/"
                       + (f"; {hint}" if hint else ""))
    return register[party]


def _drafting(work: Work) -> Plan:
    """The plan, when its content may still change."""
    release = work.release
    if not release.chain_dependencies:
        raise EtaError(f"release {release.id} has no chain dependencies, so it has no "
                       "implementation plan; set `chain_dependencies: true` in its "
                       "release.yaml if it needs one")
    if release.status is not ReleaseStatus.DRAFT:
        raise Refused(f"release {release.id} is {release.status}: its implementation plan "
                       "was brought into force and binds every party; eta does not change it. "
                       "An amendment the parties agree on is edited by hand and signed again "
                       "by every party")
    plan = work.plan
    if plan is None:
        raise EtaError(f"release {release.id} has no implementation plan yet; start it with "
                       f"`eta plan add-party {release.id} PARTY ...`")
    return plan


def _implementing(plan: Plan, party: str) -> None:
    if party not in plan.parties:
        listed = ", ".join(plan.parties) or "none yet"
        raise EtaError(f"{party} is not an implementing party of the plan of {plan.release} "
                       f"(implementing parties: {listed})")


def _with_plan(work: Work) -> Plan:
    plan = work.plan
    if plan is None:
        raise EtaError(f"release {work.release.id} has no implementation plan")
    return plan


def _content_edit(work: Work, summary: str, register: Mapping[str, Party]) -> Outcome:
    """Write a change to what the signatures cover, noting the signatures it makes stale."""
    before = assess(work.files, register, dt.date.min, SigningEvidence.of(work.root))
    # A signature the change removes goes with its party: it does not become stale.
    signed_before = [p.party for p in before.parties
                     if p.signature.state is SignatureState.VALID
                     and work.signature_path(p.party) not in work.changes.removed]
    release = work.changes.records.get(work.folder / "release.yaml") or work.release
    plan = work.changes.records.get(work.folder / "plan.yaml") or work.plan
    assert isinstance(release, Release) and (plan is None or isinstance(plan, Plan))
    parties = {party: record for party, record in work.files.plan_parties.items()
               if work.party_path(party) not in work.changes.removed}
    for path, record in work.changes.records.items():
        if isinstance(record, PlanParty) and path.parent == work.folder / "parties":
            parties[record.party] = record
    after = None if plan is None else plan_digest(release, plan, parties)
    outcome = Outcome(summary, work.written(), removed=work.removed())
    if (outcome.written or outcome.removed) and before.digest != after and signed_before:
        outcome.notes.append(
            f"the plan changed: the signatures of {', '.join(signed_before)} are now stale; "
            "they must sign again")
    return outcome


# -- Releases ------------------------------------------------------------------------------


def releasemanager_from_register(register: Mapping[str, Party]) -> Person | None:
    """The Beheerorganisatie's contact whose function is releasemanager."""
    for party_id in beheerorganisatie(register):
        for contact in register[party_id].contacts:
            if (contact.function or "").lower() == "releasemanager":
                return Person(name=contact.name, email=contact.email)
    return None


def new_release(root: Path, release_id: str, *, title: str, chain_dependencies: bool,
                framework_version: str | None, releasemanager: Person | None,
                decided_on: dt.date | None) -> Outcome:
    _identifier(release_id, "release id")
    folder = release_folder(root, release_id)
    if folder.exists():
        raise EtaError(f"release {release_id} exists already (releases/{release_id}/)")
    if releasemanager is None:
        releasemanager = releasemanager_from_register(load_register(root))
        if releasemanager is None:
            raise EtaError("name the releasemanager with --releasemanager-name and "
                           "--releasemanager-email: the Beheerorganisatie has no contact "
                           "with function `releasemanager` in afspraken/parties/")
    data: dict[str, Any] = {"id": release_id, "title": title}
    if framework_version is not None:
        data["framework_version"] = framework_version
    if decided_on is not None:
        data["decided_on"] = _date(decided_on)
    data["chain_dependencies"] = chain_dependencies
    data["releasemanager"] = {"name": releasemanager.name, "email": releasemanager.email}
    data["status"] = str(ReleaseStatus.DRAFT)
    with changeset(root) as changes:
        changes.create(folder / "release.yaml", data)
        if chain_dependencies:
            changes.create(folder / "plan.yaml", {"release": release_id, "parties": [],
                                                  "milestones": [], "deadlines": []})
    written = [relative(root, path) for path in sorted(changes.texts)]
    kind = ("with a draft implementation plan" if chain_dependencies
            else "without chain dependencies")
    return Outcome(f"created release {release_id}, {kind}", written)


def decide(root: Path, release_id: str, on: dt.date) -> Outcome:
    work = _work(root, release_id)
    work.edit(work.folder / "release.yaml",
              lambda data: put(data, "decided_on", _date(on), Release))
    return _content_edit(work, f"release {release_id}: decided by the Tactisch Beraad on {on}",
                         load_register(root))


def advance(root: Path, release_id: str, *, target: ReleaseStatus | None, today: dt.date
            ) -> Outcome:
    """Move the release to its next status, if every precondition holds."""
    work = _work(root, release_id, even_evaluated=True)
    register = load_register(root)
    release = work.release
    following = next_status(release.status)
    if following is None:
        raise Refused(f"release {release_id} is {release.status}: the release process is "
                       "complete")
    if target is not None and target is not following:
        raise EtaError(f"release {release_id} is {release.status}; its next status is "
                       f"{following}, not {target}")
    state = assess(work.files, register, today, SigningEvidence.of(work.root))
    found = blockers(state, following, register)
    if found:
        reasons = "\n  - ".join(blocker.message for blocker in found)
        raise Refused(f"release {release_id} cannot move from {release.status} to "
                       f"{following}:\n  - {reasons}")
    work.edit(work.folder / "release.yaml",
              lambda data: put(data, "status", str(following), Release))
    return Outcome(f"release {release_id}: {release.status} -> {following}", work.written())


def reopen(root: Path, release_id: str, *, reason: str, by: str, now: dt.datetime
           ) -> Outcome:
    """Reopen an evaluated release: back to rolled_out, with who reopened it, when and why
    recorded in `reopenings`, so that the change may edit it (`eta check --base`)."""
    work = _work(root, release_id, now=now, even_evaluated=True)
    release = work.release
    if release.status is not ReleaseStatus.EVALUATED:
        raise Refused(f"release {release_id} is {release.status}, not evaluated: only an "
                       "evaluated release is reopened")
    entry = {"at": YamlTimestamp(now.replace(microsecond=0).isoformat()), "by": by,
             "reason": reason}

    def change(data: CommentedMap) -> None:
        put(data, "status", str(ReleaseStatus.ROLLED_OUT), Release)
        add_item(data, "reopenings", entry, Release)

    work.edit(work.folder / "release.yaml", change)
    return Outcome(f"release {release_id}: {release.status} -> {ReleaseStatus.ROLLED_OUT}, "
                   f"reopened: {reason}", work.written())


def record_communication_plan(root: Path, release_id: str, *, delivered_on: dt.date,
                              document: str | None, summary: str | None) -> Outcome:
    work = _work(root, release_id)
    value: dict[str, Any] = {"delivered_on": _date(delivered_on)}
    if document is not None:
        value["document"] = document
    if summary is not None:
        value["summary"] = summary
    work.edit(work.folder / "release.yaml",
              lambda data: put(data, "communication_plan", value, Release))
    return Outcome(f"release {release_id}: communication plan delivered on {delivered_on}",
                   work.written())


def record_rollout(root: Path, release_id: str, *, planned_on: dt.date | None,
                   completed_on: dt.date | None) -> Outcome:
    if planned_on is None and completed_on is None:
        raise EtaError("give --planned-on, --completed-on or both")
    work = _work(root, release_id)
    current = work.release.rollout
    value: dict[str, Any] = {}
    planned = planned_on or (current.planned_on if current else None)
    completed = completed_on or (current.completed_on if current else None)
    if planned is not None:
        value["planned_on"] = _date(planned)
    if completed is not None:
        value["completed_on"] = _date(completed)
    work.edit(work.folder / "release.yaml",
              lambda data: put(data, "rollout", value, Release))
    parts = [f"planned on {planned}" if planned else "",
             f"completed on {completed}" if completed else ""]
    return Outcome(f"release {release_id}: roll-out {' and '.join(p for p in parts if p)}",
                   work.written())


def record_evaluation(root: Path, release_id: str, *, held_on: dt.date,
                      participants: list[str], findings: list[str]) -> Outcome:
    work = _work(root, release_id)
    register = load_register(root)
    for party in participants:
        _registered(register, party)
    if not participants:
        raise EtaError("name the parties that took part with --participant")
    value: dict[str, Any] = {"held_on": _date(held_on), "participants": list(participants)}
    if findings:
        value["findings"] = list(findings)
    work.edit(work.folder / "release.yaml",
              lambda data: put(data, "evaluation", value, Release))
    return Outcome(f"release {release_id}: evaluation held on {held_on} with "
                   f"{', '.join(participants)}", work.written())


# -- Drafting the plan ---------------------------------------------------------------------


def contact_value(contact: Contact) -> dict[str, Any]:
    return contact.model_dump(exclude_defaults=True)


def add_party(root: Path, release_id: str, party: str, contact: Contact) -> Outcome:
    work = _work(root, release_id)
    register = load_register(root)
    _registered(register, party)
    release = work.release
    plan_path = work.folder / "plan.yaml"
    if work.plan is None and release.chain_dependencies:
        if release.status is not ReleaseStatus.DRAFT:
            _drafting(work)
        work.changes.create(plan_path, {"release": release_id, "parties": [party],
                                        "milestones": [], "deadlines": []})
    else:
        plan = _drafting(work)
        if party in plan.parties:
            raise EtaError(f"{party} is an implementing party of the plan of {release_id} "
                           "already; change its contact with `eta plan contact`")
        work.edit(plan_path, lambda data: add_item(data, "parties", party, Plan))
    work.edit_party(party, lambda data: put(data, "contact", contact_value(contact),
                                            PlanParty))
    return _content_edit(work, f"{party} implements release {release_id}; contact "
                         f"{contact.name}", register)


def set_contact(root: Path, release_id: str, party: str, contact: Contact) -> Outcome:
    work = _work(root, release_id)
    _implementing(_drafting(work), party)
    work.edit_party(party, lambda data: put(data, "contact", contact_value(contact),
                                            PlanParty))
    return _content_edit(work, f"{party}: contact {contact.name}", load_register(root))


def set_impact_analysis(root: Path, release_id: str, party: str, *, summary: str,
                        level: ImpactLevel, components: list[str], document: str | None
                        ) -> Outcome:
    work = _work(root, release_id)
    _implementing(_drafting(work), party)
    value: dict[str, Any] = {"summary": summary, "level": str(level)}
    if components:
        value["components"] = list(components)
    if document is not None:
        value["document"] = document
    work.edit_party(party, lambda data: put(data, "impact_analysis", value, PlanParty))
    return _content_edit(work, f"{party}: impact analysis recorded (impact {level})",
                         load_register(root))


def set_planning(root: Path, release_id: str, party: str, *, summary: str,
                 ready_on: dt.date, start_on: dt.date | None, document: str | None
                 ) -> Outcome:
    work = _work(root, release_id)
    _implementing(_drafting(work), party)
    value: dict[str, Any] = {"summary": summary}
    if start_on is not None:
        value["start_on"] = _date(start_on)
    value["ready_on"] = _date(ready_on)
    if document is not None:
        value["document"] = document
    work.edit_party(party, lambda data: put(data, "planning", value, PlanParty))
    return _content_edit(work, f"{party}: planning recorded (ready on {ready_on})",
                         load_register(root))


def add_measure(root: Path, release_id: str, party: str, *, description: str,
                deadline: dt.date, measure_id: str | None) -> Outcome:
    work = _work(root, release_id)
    _implementing(_drafting(work), party)
    existing = work.files.plan_parties.get(party)
    taken = {m.id for m in existing.measures} if existing else set()
    chosen = _identifier(measure_id, "measure id") if measure_id else next_id("measure", taken)
    if chosen in taken:
        raise EtaError(f"{party} has a measure `{chosen}` already")
    item = {"id": chosen, "description": description, "deadline": _date(deadline)}
    work.edit_party(party, lambda data: add_item(data, "measures", item, PlanParty))
    return _content_edit(work, f"{party}: measure {chosen} added, due {deadline}",
                         load_register(root))


def _plan_item_ids(plan: Plan) -> set[str]:
    return {m.id for m in plan.milestones} | {d.id for d in plan.deadlines}


def add_milestone(root: Path, release_id: str, *, date: dt.date, title: str,
                  parties: list[str], milestone_id: str | None) -> Outcome:
    work = _work(root, release_id)
    plan = _drafting(work)
    for party in parties:
        _implementing(plan, party)
    taken = _plan_item_ids(plan)
    chosen = (_identifier(milestone_id, "milestone id") if milestone_id
              else next_id("milestone", taken))
    if chosen in taken:
        raise EtaError(f"the plan of {release_id} has an item `{chosen}` already")
    item: dict[str, Any] = {"id": chosen, "date": _date(date), "title": title}
    if parties:
        item["parties"] = list(parties)
    work.edit(work.folder / "plan.yaml", lambda data: add_item(data, "milestones", item, Plan))
    return _content_edit(work, f"release {release_id}: milestone {chosen} on {date}",
                         load_register(root))


def set_deadline(root: Path, release_id: str, *, date: dt.date, title: str,
                 deadline_id: str | None) -> Outcome:
    work = _work(root, release_id)
    plan = _drafting(work)
    known = {d.id: index for index, d in enumerate(plan.deadlines)}
    if deadline_id is not None and deadline_id in known:
        index = known[deadline_id]

        def change(data: CommentedMap) -> None:
            item = data["deadlines"][index]
            put(item, "date", _date(date), Deadline)
            put(item, "title", title, Deadline)

        work.edit(work.folder / "plan.yaml", change)
        summary = f"release {release_id}: deadline {deadline_id} set to {date}"
    else:
        taken = _plan_item_ids(plan)
        chosen = (_identifier(deadline_id, "deadline id") if deadline_id
                  else next_id("deadline", taken))
        if chosen in taken:
            raise EtaError(f"the plan of {release_id} has a milestone `{chosen}` already")
        item = {"id": chosen, "date": _date(date), "title": title}
        work.edit(work.folder / "plan.yaml", lambda data: add_item(data, "deadlines", item, Plan))
        summary = f"release {release_id}: deadline {chosen} on {date}"
    return _content_edit(work, summary, load_register(root))


# -- Undoing a draft ----------------------------------------------------------------------


def _undoable(work: Work, register: Mapping[str, Party]) -> Plan:
    """The plan, when an item may still be taken out of it: a draft not yet signed by all.

    What every implementing party signed was agreed; it is not undone, even before the
    release is moved into force."""
    release = work.release
    if release.chain_dependencies and release.status is not ReleaseStatus.DRAFT:
        raise Refused(f"release {release.id} is {release.status}: its implementation plan "
                      "was brought into force and binds every party; what they agreed is "
                      "not taken back")
    plan = _drafting(work)
    state = assess(work.files, register, dt.date.min, SigningEvidence.of(work.root))
    if state.in_force:
        raise Refused(f"the plan of {plan.release} is in force: every implementing party "
                      f"signed it ({', '.join(plan.parties)}); what they agreed is not "
                      "taken back. An amendment the parties agree on is edited by hand and "
                      "signed again by every party")
    return plan


def _index_of(ids: list[str], wanted: str, what: str) -> int:
    if wanted not in ids:
        hint = did_you_mean(wanted, ids)
        raise EtaError(f"{what} `{wanted}`" + (f"; {hint}" if hint else
                                               f" (there are: {', '.join(ids) or 'none'})"))
    return ids.index(wanted)


def remove_measure(root: Path, release_id: str, party: str, measure_id: str) -> Outcome:
    work = _work(root, release_id)
    register = load_register(root)
    _implementing(_undoable(work, register), party)
    record = work.files.plan_parties.get(party)
    index = _index_of([m.id for m in record.measures] if record else [], measure_id,
                      f"{party} has no measure in the plan of {release_id} named")
    work.edit(work.party_path(party), lambda data: remove_item(data["measures"], index))
    return _content_edit(work, f"{party}: measure {measure_id} removed", register)


def remove_party(root: Path, release_id: str, party: str) -> Outcome:
    """Take an implementing party out of a draft plan: out of the plan's parties and its
    milestones, with its part of the plan (parties/PARTY.yaml) and its signature, which
    would count for nothing, in one change."""
    work = _work(root, release_id)
    register = load_register(root)
    plan = _undoable(work, register)
    _implementing(plan, party)
    index = plan.parties.index(party)
    involving = [(number, milestone.parties.index(party))
                 for number, milestone in enumerate(plan.milestones)
                 if party in milestone.parties]

    def change(data: CommentedMap) -> None:
        remove_item(data["parties"], index)
        for number, position in involving:
            milestone = data["milestones"][number]
            if len(milestone["parties"]) == 1:
                del milestone["parties"]  # a milestone of no party in particular
            else:
                remove_item(milestone["parties"], position)

    work.edit(work.folder / "plan.yaml", change)
    work.changes.remove(work.party_path(party))
    work.changes.remove(work.signature_path(party))
    return _content_edit(work, f"release {release_id}: {party} no longer implements the plan",
                         register)


def remove_milestone(root: Path, release_id: str, milestone_id: str) -> Outcome:
    return _remove_plan_item(root, release_id, "milestones", "milestone", milestone_id)


def remove_deadline(root: Path, release_id: str, deadline_id: str) -> Outcome:
    return _remove_plan_item(root, release_id, "deadlines", "deadline", deadline_id)


def _remove_plan_item(root: Path, release_id: str, key: str, what: str, item_id: str
                      ) -> Outcome:
    """Take the item `item_id` out of the plan's list `key` (milestones or deadlines)."""
    work = _work(root, release_id)
    register = load_register(root)
    items: list[Milestone] | list[Deadline] = getattr(_undoable(work, register), key)
    index = _index_of([item.id for item in items], item_id,
                      f"the plan of {release_id} has no {what}")
    work.edit(work.folder / "plan.yaml", lambda data: remove_item(data[key], index))
    return _content_edit(work, f"release {release_id}: {what} {item_id} removed", register)


# -- Progress ------------------------------------------------------------------------------


def set_measure_status(root: Path, release_id: str, party: str, measure_id: str, *,
                       status: MeasureStatus, on: dt.date) -> Outcome:
    work = _work(root, release_id)
    _implementing(_with_plan(work), party)
    record = work.files.plan_parties.get(party)
    ids = [m.id for m in record.measures] if record else []
    if measure_id not in ids:
        hint = did_you_mean(measure_id, ids)
        raise EtaError(f"{party} has no measure `{measure_id}` in the plan of {release_id}"
                       + (f"; {hint}" if hint else f" (its measures: {', '.join(ids) or 'none'})"))
    index = ids.index(measure_id)

    def change(data: CommentedMap) -> None:
        item = data["measures"][index]
        put(item, "status", str(status), Measure)
        put(item, "status_on", _date(on), Measure)

    work.edit(work.party_path(party), change)
    return Outcome(f"{party}: measure {measure_id} is {status} as of {on}", work.written())


def mark_milestone_done(root: Path, release_id: str, milestone_id: str, on: dt.date
                        ) -> Outcome:
    work = _work(root, release_id)
    plan = _with_plan(work)
    ids = [m.id for m in plan.milestones]
    if milestone_id not in ids:
        hint = did_you_mean(milestone_id, ids)
        raise EtaError(f"the plan of {release_id} has no milestone `{milestone_id}`"
                       + (f"; {hint}" if hint else ""))
    index = ids.index(milestone_id)
    work.edit(work.folder / "plan.yaml", lambda data: put(
        data["milestones"][index], "done_on", _date(on), Milestone))
    return Outcome(f"release {release_id}: milestone {milestone_id} done on {on}",
                   work.written())


def record_joining(root: Path, release_id: str, party: str, on: dt.date) -> Outcome:
    work = _work(root, release_id)
    _implementing(_with_plan(work), party)
    registered = _registered(load_register(root), party)
    if not registered.is_deelnemer:
        raise EtaError(f"{party} is the Beheerorganisatie, not a deelnemer: it does not join "
                       "a framework version")
    work.edit_party(party, lambda data: put(data, "joined_on", _date(on), PlanParty))
    version = work.release.framework_version or "the new version"
    return Outcome(f"{party} joined framework version {version} on {on}", work.written())


# -- Signing -------------------------------------------------------------------------------


def sign_plan(root: Path, release_id: str, party: str, key: signing.SigningKey,
              now: dt.datetime) -> Outcome:
    """Have the representative whose key this is sign the plan for `party`, at `now`: the
    moment of signing, which the command line takes from the clock and nothing else."""
    work = _work(root, release_id)
    register = load_register(root)
    plan = _with_plan(work)
    _implementing(plan, party)
    today = signing_date(now, repository_zone(root))
    state: PlanState = assess(work.files, register, today,
                              SigningEvidence(root, head_commit(root), checked_at=now))
    assert state.times is not None
    lacking = state.lacking()
    if lacking:
        raise Refused(f"the plan of {release_id} is not complete, so it cannot be signed; "
                       "it still lacks:\n  - " + "\n  - ".join(lacking))
    registered = _registered(register, party)
    public_key = key.public_key or signing.public_key_of(key)
    holders = key_holders(register, public_key)
    own = [rep for holder, rep in holders if holder.id == registered.id]
    if not own:
        elsewhere = ", ".join(f"{rep.id} of {holder.id}" for holder, rep in holders)
        raise Refused(f"the key {public_key.fingerprint} is not registered for a "
                       f"representative of {party}"
                       + (f"; it is registered for {elsewhere}" if elsewhere else ""))
    representative = own[0]
    if not representative.authorised_on(today):
        raise Refused(f"{representative.id} may not sign for {party} today ({today}): "
                       f"authorised {authorisation_period(representative)}")
    assert state.digest is not None
    signature_path = work.folder / "signatures" / f"{party}.yaml"
    existing = work.files.signatures.get(party)
    if existing is not None:
        assert isinstance(existing.record, Signature)
        check = check_signature(existing.record, register, state.digest, state.times)
        if check.state is SignatureState.VALID:
            if existing.record.key == public_key.fingerprint:
                return Outcome(f"the plan of {release_id} is signed for {party} by "
                               f"{existing.record.representative} with this key already; "
                               "nothing changed")
            # The audit trail keeps a valid signature: it is replaced only once stale.
            raise Refused(f"the plan of {release_id} is signed for {party} already, validly, "
                           f"by {existing.record.representative}; a valid signature is not "
                           "replaced")
    signed_at = now.replace(microsecond=0).isoformat()
    message = signing.signing_message(release=release_id, party=party,
                                      representative=representative.id,
                                      signed_at=signed_at, digest=state.digest)
    armored = signing.sign(message, key)
    made_by = signing.verify(armored, message)
    if made_by.blob != public_key.blob:
        raise EtaError(f"ssh-keygen signed with key {made_by.fingerprint}, not with "
                       f"{public_key.fingerprint}")
    values: dict[str, Any] = {
        "release": release_id,
        "party": party,
        "representative": representative.id,
        "signed_at": YamlTimestamp(signed_at),
        "digest": state.digest,
        "key": public_key.fingerprint,
        "signature": LiteralScalarString(armored),
    }
    # What is written passes the judgement `eta check` makes of it, or nothing is written.
    made = Signature.model_validate({**values, "signed_at": now.replace(microsecond=0),
                                     "signature": armored})
    check = check_signature(made, register, state.digest, state.times)
    if check.state is not SignatureState.VALID:
        raise Refused(f"the plan of {release_id} cannot be signed now: the signature would "
                       f"be {check.summary}")
    if existing is None:
        work.changes.create(signature_path, values)
    else:
        work.edit(signature_path, lambda data: update(data, values, field_names(Signature, ())))
    return Outcome(f"{representative.name} ({representative.id}) signed the plan of "
                   f"{release_id} for {party}", work.written())
