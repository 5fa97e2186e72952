"""What each report shows, as plain data for its template.

Every judgement comes from the module that owns it: a plan's state and its signatures from
`eta.plans.state`, an incident's class from `eta.incidents.classify`, its state and deadlines
from `eta.incidents.state` and `eta.incidents.clock`, its findings from `eta.rules.incidents`,
and what is due and overdue from `eta.due`. This module only gathers, orders and labels; it
knows nothing of terminals or of Markdown. Moments are given in the agreements' time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from eta.due import (
    DueItem,
    ItemKind,
    evaluation_deadline,
    is_overdue,
    judge,
    response_due,
)
from eta.errors import EtaError
from eta.incidents.classify import assess_by, classify_by
from eta.incidents.clock import data_breach_deadline, load_calendar
from eta.incidents.duties import duty_clocks
from eta.incidents.listing import listed_incidents
from eta.incidents.state import (
    INCIDENTS,
    closing_problems,
    incident_files,
    is_open,
    load_incident_file,
    load_incidents,
    response_clock_start,
    response_deadline,
)
from eta.models.incident import Classification, Facts, Incident
from eta.models.party import Party
from eta.models.release import Release
from eta.plans.state import (
    RELEASES,
    PartyState,
    PlanState,
    SignatureState,
    assess,
    load_release,
    next_status,
    read_releases_ahead,
    release_files,
)
from eta.plans.timing import SigningEvidence
from eta.records.agreements import Agreements, load_agreements, load_register, repository_zone
from eta.records.read import load_records
from eta.records.snapshot import once
from eta.reports import labels
from eta.reports.grounds import dutch_grounds
from eta.rules.incidents import start_of_day, time_findings
from eta.vocabulary import IncidentClass, IncidentStatus, MeasureStatus, ReportKind, Verdict

Data = dict[str, Any]

#: How far ahead the overview lists what falls due.
DUE_SOON_DAYS = 30


# -- Parties ------------------------------------------------------------------------------


def _party(register: Mapping[str, Party], party_id: str) -> Data:
    party = register.get(party_id)
    if party is None:
        return {"id": party_id, "name": party_id, "roles": [], "deelnemer": False}
    return {"id": party.id, "name": party.name, "roles": [labels.ROLE[r] for r in party.roles],
            "deelnemer": party.is_deelnemer}


def _contact(contact: Any) -> Data | None:
    if contact is None:
        return None
    return {"name": contact.name, "email": contact.email, "phone": contact.phone,
            "function": contact.function, "available_24x7": contact.available_24x7}


# -- Releases -----------------------------------------------------------------------------


def _release(release: Release, register: Mapping[str, Party]) -> Data:
    following = next_status(release.status)
    completed = release.rollout.completed_on if release.rollout else None
    communication = release.communication_plan
    evaluation = release.evaluation
    due = evaluation_deadline(completed) if completed is not None else None
    return {
        "id": release.id,
        "title": release.title,
        "framework_version": release.framework_version,
        "decided_on": release.decided_on,
        "chain_dependencies": release.chain_dependencies,
        "releasemanager": {"name": release.releasemanager.name,
                           "email": release.releasemanager.email},
        "changes": [{"id": c.id, "title": c.title, "description": c.description}
                    for c in release.changes],
        "status": str(release.status),
        "status_label": labels.RELEASE_STATUS[release.status],
        "next_status_label": labels.RELEASE_STATUS[following] if following else None,
        "communication_plan": None if communication is None else {
            "delivered_on": communication.delivered_on, "document": communication.document,
            "summary": communication.summary},
        "rollout": None if release.rollout is None else {
            "planned_on": release.rollout.planned_on, "completed_on": completed},
        "evaluation": None if evaluation is None else {
            "held_on": evaluation.held_on,
            "participants": [_party(register, p) for p in evaluation.participants],
            "findings": list(evaluation.findings),
            "on_time": due is None or evaluation.held_on <= due,
        },
        "evaluation_due": due,
    }


def _signature(state: PartyState, register: Mapping[str, Party], tz: ZoneInfo) -> Data:
    check = state.signature
    signer = None
    if check.representative is not None:
        party = register.get(state.party)
        rep = next((r for r in party.representatives if r.id == check.representative),
                   None) if party else None
        signer = {"id": check.representative,
                  "name": rep.name if rep else check.representative,
                  "email": rep.email if rep else None,
                  "valid_from": rep.valid_from if rep else None,
                  "valid_until": rep.valid_until if rep else None}
    return {
        "state": str(check.state),
        "state_label": labels.SIGNATURE_STATE[check.state],
        "valid": check.state is SignatureState.VALID,
        "problem": labels.SIGNATURE_PROBLEM.get(check.code or "", check.reason)
        if check.state in (SignatureState.STALE, SignatureState.INVALID) else None,
        "signer": signer,
        "signed_at": check.signed_at.astimezone(tz)
        if check.signed_at else None,
        "key": check.key,
    }


def _plan_party(state: PartyState, plan: PlanState, register: Mapping[str, Party],
                tz: ZoneInfo) -> Data:
    record = state.record
    impact = record.impact_analysis if record else None
    planning = record.planning if record else None
    measures = record.measures if record else []
    return {
        **_party(register, state.party),
        "contact": _contact(record.contact if record else None),
        "impact_analysis": None if impact is None else {
            "summary": impact.summary, "level": str(impact.level),
            "level_label": labels.IMPACT_LEVEL[impact.level],
            "components": list(impact.components), "document": impact.document},
        "planning": None if planning is None else {
            "summary": planning.summary, "start_on": planning.start_on,
            "ready_on": planning.ready_on, "document": planning.document},
        "measures": [{
            "id": m.id, "description": m.description, "deadline": m.deadline,
            "status": str(m.status), "status_label": labels.MEASURE_STATUS[m.status],
            "status_on": m.status_on, "done": m.status is MeasureStatus.DONE,
            "overdue": plan.is_overdue(ItemKind.MEASURE, m.id, state.party),
        } for m in measures],
        "measures_done": state.measures_done,
        "overdue": [_due_item(o, register, tz) for o in state.overdue],
        "lacks": [labels.DELIVERABLE.get(what, what) for what in state.lacks],
        "joined_on": record.joined_on if record else None,
        "signature": _signature(state, register, tz),
    }


def _due_item(item: DueItem, register: Mapping[str, Party], tz: ZoneInfo) -> Data:
    """An item owed, as the overview and the progress report list it."""
    what = labels.DUE_WHAT.get(item.kind, item.title)
    return {"kind": str(item.kind), "kind_label": labels.DUE_KIND[item.kind],
            "id": item.name, "what": what, "title": what,
            "due": item.day(tz), "date": item.day(tz), "release": item.record,
            "party": _party(register, item.party) if item.party else None}


def _plan(state: PlanState, register: Mapping[str, Party], tz: ZoneInfo) -> Data | None:
    plan = state.plan
    if plan is None:
        return None
    parties = [_plan_party(p, state, register, tz) for p in state.parties]
    signed = [p.signature.signed_at for p in state.parties
              if p.signature.state is SignatureState.VALID and p.signature.signed_at]
    upcoming = [_due_item(item, register, tz) for item in state.due if not item.overdue]
    upcoming.sort(key=lambda item: (item["date"], item["kind_label"], item["id"]))
    return {
        "digest": state.digest,
        "in_force": state.in_force,
        "in_force_since": max(signed).astimezone(tz).date()
        if state.in_force and signed else None,
        "signed_count": len(signed),
        "party_count": len(state.parties),
        "notes": plan.notes,
        "parties": parties,
        "lacking": bool(state.plan_lacks) or any(p["lacks"] for p in parties),
        "milestones": [{
            "id": m.id, "date": m.date, "title": m.title,
            "parties": [_party(register, p) for p in m.parties],
            "done_on": m.done_on, "done": m.done_on is not None,
            "late": m.done_on is not None and m.done_on > m.date,
            "overdue": state.is_overdue(ItemKind.MILESTONE, m.id),
        } for m in sorted(plan.milestones, key=lambda m: (m.date, m.id))],
        "deadlines": [{"id": d.id, "date": d.date, "title": d.title,
                       "passed": d.date < state.today}
                      for d in sorted(plan.deadlines, key=lambda d: (d.date, d.id))],
        "stray_signatures": [_party(register, p) for p in state.stray_signatures],
        "overdue": [_due_item(o, register, tz) for o in state.overdue],
        "upcoming": upcoming,
    }


def release_context(root: Path, release_id: str, today: dt.date, *,
                    with_incidents: bool = False, now: dt.datetime | None = None) -> Data:
    """The release, its plan as it stands on `today`, and (for the evaluation) the incidents
    that relate to it."""
    files = load_release(root, release_id)
    register = load_register(root)
    state = assess(files, register, today, SigningEvidence.of(root))
    assert state.release is not None
    data: Data = {
        "release": _release(state.release, register),
        "plan": _plan(state, register, repository_zone(root)),
    }
    if with_incidents:
        agreements = load_agreements(root)
        moment = now or start_of_day(today, agreements.service_levels)
        data["incidents"] = [_incident_summary(i, agreements, moment)
                             for i in incidents_by_release(root).get(release_id, [])]
    return data


def incidents_by_release(root: Path) -> dict[str, list[Incident]]:
    """The valid incidents at `root` that relate to a release, by release, in their order;
    found once in a run's snapshot, for the evaluation of every release."""
    def grouped() -> dict[str, list[Incident]]:
        found: dict[str, list[Incident]] = {}
        for incident in load_incidents(root)[0]:
            if incident.release is not None:
                found.setdefault(incident.release, []).append(incident)
        return found

    return once(("incidents by release", str(root)), grouped)


#: The reports that read every incident.
OVER_MANY = frozenset({ReportKind.OVERVIEW, ReportKind.EVALUATION, ReportKind.AVAILABILITY,
                        ReportKind.MONTH})


def read_ahead(root: Path, kinds: Collection[ReportKind]) -> None:
    """Read into the run's snapshot what reports of `kinds` share: the agreements, and for
    the reports over many records (the overview, the evaluations, availability and the
    month) every release and incident; and the calendar of the support window. A record
    that cannot be read is passed over here; the snapshot raises its error again in each
    report."""
    with suppress(EtaError):
        load_register(root)
    with suppress(EtaError):
        load_calendar(load_agreements(root).service_levels.support_window.holidays)
    if not OVER_MANY & set(kinds):
        return
    releases = release_ids(root)
    # Every file at once: one pool of workers shares them all, and none waits between the
    # incidents and the releases for the other.
    with suppress(EtaError):
        load_records(root, [*incident_files(root), *release_files(root, releases)])
    load_incidents(root)
    SigningEvidence.of(root).read_ahead()


def release_paths(release_id: str, context: Data) -> list[str]:
    """The records a release report shows, for its audit trail."""
    parties = [p["id"] for p in context["plan"]["parties"]] if context["plan"] else []
    paths = [f"{RELEASES}/{release_id}"]
    paths += [f"afspraken/parties/{party}.yaml" for party in parties]
    paths += [f"incidents/{i['id']}.yaml" for i in context.get("incidents", [])]
    return paths


def release_ids(root: Path) -> list[str]:
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_dir() and (p / "release.yaml").is_file())


# -- Incidents ----------------------------------------------------------------------------


def _moment(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    return None if value is None else value.astimezone(tz)


def _facts(facts: Facts) -> list[Data]:
    return [{"name": name, "label": label, "value": getattr(facts, name),
             "value_label": labels.yes_no(getattr(facts, name))}
            for name, label in labels.FACT.items()]


def _findings(incident: Incident, agreements: Agreements, now: dt.datetime) -> list[Data]:
    return [{"severity": str(f.severity), "code": f.code,
             "label": labels.INCIDENT_FINDING.get(f.code, f.message)}
            for f in time_findings(incident, agreements.service_levels, now,
                                   agreements.duties, agreements)]


def _stored_grounds(incident: Incident, entry: Classification, agreements: Agreements
                    ) -> dict[str, str]:
    """The Dutch grounds of the criteria a stored classification met, by criterion, for
    those it can be told of faithfully.

    A classification records its grounds in English and its flag facts, but not the parties,
    times and priority, nor the agreements, that its other grounds rest on. So the incident
    is classified again on the facts stored with the classification, and a criterion's Dutch
    grounds are given only where that gives exactly the English grounds it recorded: the same
    basis, told in Dutch. A criterion left out has changed grounds since (or none recorded).
    """
    again = assess_by(agreements, incident.model_copy(update={"facts": entry.facts}),
                      entry.grounds)
    return {a.criterion.id: dutch_grounds(a.basis) for a in again
            if a.verdict is Verdict.MET and entry.grounds[a.criterion.id] == a.grounds}


def _incident_summary(incident: Incident, agreements: Agreements, now: dt.datetime) -> Data:
    tz = agreements.tz
    current = incident.classification
    due = response_deadline(incident, agreements.service_levels) if is_open(incident) else None
    response = response_due(incident, agreements.service_levels)
    return {
        "id": incident.id, "title": incident.title,
        "type_label": labels.INCIDENT_TYPE[incident.type],
        "priority": str(incident.priority),
        "status_label": labels.INCIDENT_STATUS[incident.status],
        "open": is_open(incident),
        "class_label": labels.INCIDENT_CLASS[current.class_] if current else None,
        "reporter": _party(agreements.parties, incident.reporter),
        "detected": _moment(incident.times.detected, tz),
        "resolved": _moment(incident.times.resolved, tz),
        "response_deadline": _moment(due, tz),
        "response_exceeded": response is not None and is_overdue(response, now),
        "attention": _findings(incident, agreements, now),
    }


def _criteria_texts(agreements: Agreements) -> dict[str, Data]:
    criteria = agreements.criteria
    return {c.id: {"id": c.id, "text": c.text, "level": level}
            for level, group in (("calamiteit", criteria.calamiteit),
                                 ("crisis", criteria.crisis))
            for c in group}


def incident_context(root: Path, file: str, today: dt.date,
                     now: dt.datetime | None = None) -> Data:
    """The incident of `file` (`incident_file`) as it stands at `now`, or at the start of
    `today`."""
    agreements = load_agreements(root)
    incident = load_incident_file(root, file)
    return _incident(incident, agreements,
                     now or start_of_day(today, agreements.service_levels))


def duty_rows(incident: Incident, agreements: Agreements, now: dt.datetime) -> list[Data]:
    """Each stage of each reporting duty that applies or may yet apply, with its clock and
    whether it was met, for the reports."""
    tz = agreements.tz
    rows = []
    for clock in duty_clocks(incident, agreements.duties, tz):
        if clock.notified_at is not None:
            verdict = "op tijd" if clock.met else (
                "te laat, zonder reden" if clock.late_without_reason else "te laat")
        elif clock.overdue(now):
            verdict = "niet gemeld, termijn verstreken"
        elif clock.due is None:
            verdict = "termijn begint later"
        else:
            verdict = "nog niet gemeld"
        rows.append({"duty": clock.duty.id, "name": clock.duty.name,
                     "recipient": clock.duty.recipient, "stage": clock.stage.name,
                     "undecided": clock.applies is None,
                     "due": _moment(clock.due, tz), "notified_at": _moment(clock.notified_at, tz),
                     "reference": clock.reference, "delay_reason": clock.delay_reason,
                     "met": clock.met, "overdue": clock.overdue(now), "verdict": verdict})
    return rows


def _incident(incident: Incident, agreements: Agreements, now: dt.datetime) -> Data:
    tz = agreements.tz
    register = agreements.parties
    levels = agreements.service_levels
    texts = _criteria_texts(agreements)
    outcome = classify_by(agreements, incident)
    current = incident.classification
    times = incident.times

    deadline = response_deadline(incident, levels)
    response_time = levels.response_times[incident.priority]
    met = None if times.resolved is None else times.resolved <= deadline
    response = {
        "priority": str(incident.priority),
        "hours": response_time.hours,
        "clock_label": labels.CLOCK[response_time.clock],
        "start": _moment(response_clock_start(incident), tz),
        "from_report": times.reported is not None,
        "deadline": _moment(deadline, tz),
        "resolved": _moment(times.resolved, tz),
        "met": met,
        "exceeded": met is False or (met is None and is_overdue(deadline, now)),
    }
    breach = incident.data_breach
    data_breach = None
    if breach is not None:
        due = data_breach_deadline(breach.aware_at)
        data_breach = {
            "aware_at": _moment(breach.aware_at, tz),
            "deadline": _moment(due, tz),
            "notified_at": _moment(breach.notified_at, tz),
            "on_time": None if breach.notified_at is None else breach.notified_at <= due,
            "overdue": breach.notified_at is None and is_overdue(due, now),
            "reference": breach.reference,
            "delay_reason": breach.delay_reason,
            "subjects_informed_at": _moment(breach.subjects_informed_at, tz),
        }

    def classification(entry: Classification) -> Data:
        grounds = _stored_grounds(incident, entry, agreements)
        return {
            "class": str(entry.class_),
            "class_label": labels.INCIDENT_CLASS[entry.class_],
            "at": _moment(entry.at, tz), "by": entry.by, "reason": entry.reason,
            "criteria": [{**texts.get(c, {"id": c, "text": c, "level": "-"}),
                          "grounds": grounds.get(c)} for c in entry.criteria],
            "grounds_complete": all(c in grounds for c in entry.criteria),
            "facts": _facts(entry.facts),
            "expected_end": _moment(entry.facts.expected_end, tz),
            "unanswered": [texts.get(c, {"id": c, "text": c, "level": "-"})
                           for c in entry.unanswered],
        }

    # The current classification is the last one: its data is gathered once for both.
    classifications = [classification(c) for c in incident.classifications]
    return {
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "type": str(incident.type),
            "type_label": labels.INCIDENT_TYPE[incident.type],
            "reporter": _party(register, incident.reporter),
            "affected": [_party(register, p) for p in incident.affected],
            "priority": str(incident.priority),
            "status": str(incident.status),
            "status_label": labels.INCIDENT_STATUS[incident.status],
            "open": is_open(incident),
            "release": incident.release,
            "times": {name: _moment(getattr(times, name), tz)
                      for name in ("detected", "reported", "phoned", "started", "resolved")},
            "expected_end": _moment(incident.facts.expected_end, tz),
            "facts": _facts(incident.facts),
            "classification": classifications[-1] if classifications else None,
            "classifications": classifications,
            "assessment": {
                "class": str(outcome.incident_class),
                "class_label": labels.INCIDENT_CLASS[outcome.incident_class],
                "agrees": current is not None and current.class_ is outcome.incident_class,
                "criteria": [{"id": a.criterion.id, "text": a.criterion.text,
                              "level": str(a.level), "verdict": str(a.verdict),
                              "verdict_label": labels.VERDICT[a.verdict],
                              "grounds": dutch_grounds(a.basis)}
                             for a in outcome.assessments],
            },
            "timeline": _timeline(incident, tz),
            "response": response,
            "phone_required": current is not None
            and current.class_.rank >= IncidentClass.CALAMITEIT.rank,
            "data_breach": data_breach,
            "duties": duty_rows(incident, agreements, now),
            "outages": [{"party": _party(register, o.party), "role_label": labels.ROLE[o.role],
                         "state_label": labels.OUTAGE_STATE[o.state],
                         "start": _moment(o.start, tz), "end": _moment(o.end, tz),
                         "expected_end": _moment(o.expected_end, tz)}
                        for o in incident.outages],
            "reportable_data_breach": incident.facts.reportable_data_breach,
            "attention": _findings(incident, agreements, now),
            "closing_problems": closing_problems(incident)
            if incident.status is IncidentStatus.CLOSED
            else [],
            "resolution": incident.resolution,
        },
        "timezone": tz.key,
    }


def _timeline(incident: Incident, tz: ZoneInfo) -> list[Data]:
    """The timeline in the order of events; an entry appended after one about a later event
    was logged late, and says so."""
    entries: list[tuple[dt.datetime, Data]] = []
    latest: dt.datetime | None = None
    for entry in incident.timeline:
        entries.append((entry.at, {"at": _moment(entry.at, tz), "by": entry.by,
                                   "text": entry.text,
                                   "recorded_at": _moment(entry.recorded_at, tz),
                                   "late": latest is not None and entry.at < latest}))
        latest = entry.at if latest is None else max(latest, entry.at)
    return [data for _, data in sorted(entries, key=lambda pair: pair[0])]


def incident_paths(file: str, context: Data) -> list[str]:
    """The records the report of the incident of `file` shows: that file, the one named as
    the report asks, even where the id it holds (an error `eta check` finds) names another."""
    incident = context["incident"]
    parties = dict.fromkeys([incident["reporter"]["id"],
                             *(p["id"] for p in incident["affected"])])
    return [file, "afspraken/criteria.yaml",
            "afspraken/service-levels.yaml",
            *(f"afspraken/parties/{p}.yaml" for p in parties)]


# -- The overview -------------------------------------------------------------------------


def overview_context(root: Path, today: dt.date, now: dt.datetime | None = None) -> Data:
    """The releases and open incidents, what is overdue and what is due soon, judged at
    `now` or the start of `today`: once in a run (`eta.records.snapshot`), for the
    overview and the monthly reports, which show part of it. Each caller is given a dict
    of its own to add to."""
    return dict(once(("overview", str(root), today, now),
                     lambda: _overview_context(root, today, now)))


def _overview_context(root: Path, today: dt.date, now: dt.datetime | None) -> Data:
    register = load_register(root)
    agreements = load_agreements(root)
    tz = agreements.tz
    releases: list[Data] = []
    owed: list[DueItem] = []
    evidence = SigningEvidence.of(root)
    chosen = release_ids(root)
    read_releases_ahead(root, chosen)
    for release_id in chosen:
        state = assess(load_release(root, release_id), register, today, evidence)
        assert state.release is not None
        plan = _plan(state, register, tz)
        summary = {"release": _release(state.release, register), "plan": plan,
                   "next": plan["upcoming"][0] if plan and plan["upcoming"] else None}
        releases.append(summary)
        owed.extend(state.due)
    # What is owed for each incident, kept from an earlier run where its file is unchanged:
    # only the open incidents are read, for their summaries.
    listed, invalid = listed_incidents(root, agreements)
    moment = now or start_of_day(today, agreements.service_levels)
    for row in listed:
        owed.extend(judge(row.owed, moment))
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    overdue = [_due_item(item, register, tz) for item in owed if item.overdue]
    due_soon = [_due_item(item, register, tz) for item in owed
                if not item.overdue and item.day(tz) <= horizon]
    overdue.sort(key=lambda item: (item["due"], item["release"], item["kind"], item["id"]))
    due_soon.sort(key=lambda item: (item["date"], item["release"], item["kind"], item["id"]))
    open_incidents = [_incident_summary(load_incident_file(root, row.file), agreements, moment)
                      for row in listed if row.open]
    return {
        "releases": releases,
        "overdue": overdue,
        "due_soon": due_soon,
        "due_soon_days": DUE_SOON_DAYS,
        "incidents": open_incidents,
        "invalid_incidents": invalid,
        "timezone": tz.key,
    }


def overview_paths(context: Data) -> list[str]:
    return [RELEASES, *(f"incidents/{i['id']}.yaml" for i in context["incidents"])]


def incident_ids(root: Path) -> list[str]:
    folder = root / INCIDENTS
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("."))
