"""The monthly report for the Tactisch Beraad as data: one calendar month of incidents,
response times, reporting duties, availability and releases.

What counts in a month, in the agreements' time zone:

- opened: the incidents detected in it; resolved: those whose `times.resolved` lies in it;
- response times: of the incidents resolved in it, resolved by their response deadline or
  not;
- reporting duties: each stage of a duty that applies whose deadline lies in it: met, late,
  or not notified (overdue once the deadline has passed by the report's day);
- availability: as `eta report availability` shows it;
- releases: every release by its status now; what became overdue: each milestone, deadline,
  measure or evaluation of a release due in the month and not done by the report's day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from eta.incidents.availability import Month, months_touched
from eta.incidents.duties import StageClock, duty_clocks
from eta.incidents.state import load_incidents, response_deadline
from eta.models.incident import Incident
from eta.records.agreements import load_agreements
from eta.records.snapshot import once
from eta.reports import labels
from eta.reports.availability import (
    availability_context,
    availability_figures,
    judged_at,
    month_figures,
    month_label,
    outage_periods,
)
from eta.vocabulary import IncidentClass, IncidentType

if TYPE_CHECKING:
    from eta.contracts.shapes import IncidentCount, MonthDocument

Data = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _ByMonth:
    """Each month's share of a run's incidents, in their order: those detected in it, those
    resolved in it, and each stage of a duty that applies whose deadline lies in it."""

    opened: dict[Month, list[Incident]]
    resolved: dict[Month, list[Incident]]
    due: dict[Month, list[tuple[Incident, StageClock]]]


def _by_month(clocks: list[tuple[Incident, list[StageClock]]], tz: ZoneInfo) -> _ByMonth:
    """The months of every incident and deadline, found in one pass over them: the report of
    each month would otherwise go through them all again."""
    found = _ByMonth({}, {}, {})
    due = [(incident, clock, clock.due) for incident, of_incident in clocks
           for clock in of_incident if clock.applies is True and clock.due is not None]
    moments = [moment for incident, _ in clocks
               for moment in (incident.times.detected, incident.times.resolved)
               if moment is not None]
    moments += [deadline for _, _, deadline in due]
    if not moments:
        return found
    # A moment lies in the month whose start it is at or after and whose end it is before,
    # compared as instants: bisected among the starts of every month the moments span.
    months = [Month.of(min(moments).astimezone(tz)).previous()]
    last = Month.of(max(moments).astimezone(tz)).next().next()
    while months[-1] != last:
        months.append(months[-1].next())
    starts = [month.start(tz) for month in months]

    def month_of(moment: dt.datetime) -> Month:
        index = bisect.bisect_right(starts, moment) - 1
        assert 0 <= index < len(months) - 1
        return months[index]

    for incident, _ in clocks:
        for moment, of_month in ((incident.times.detected, found.opened),
                                 (incident.times.resolved, found.resolved)):
            if moment is not None:
                of_month.setdefault(month_of(moment), []).append(incident)
    for incident, clock, deadline in due:
        found.due.setdefault(month_of(deadline), []).append((incident, clock))
    return found


def _class(incident: Incident) -> IncidentClass | None:
    current = incident.classification
    return current.class_ if current is not None else None


def month_context(root: Path, month_text: str, today: dt.date,
                  now: dt.datetime | None = None) -> tuple[Data, list[str]]:
    """The data of the monthly report of `month_text`, judged at `now` or the start of
    `today`, with the record files and folders it shows."""
    data, paths, _ = _month(root, month_text, today, now)
    return {"report": data, "timezone": data["timezone"]}, paths


def _month(root: Path, month_text: str, today: dt.date, given: dt.datetime | None
           ) -> tuple[Data, list[str], Data]:
    from eta.reports.context import overview_context

    month = Month.parse(month_text)
    agreements = load_agreements(root)
    tz = agreements.tz
    incidents, invalid = load_incidents(root)
    now = judged_at(today, given, agreements)
    end = month.end(tz)
    # Every incident's clocks and months are the same for each month of a run: found once.
    by_month = once(("incidents by month", str(root)), lambda: _by_month(
        [(incident, duty_clocks(incident, agreements.duties, tz)) for incident in incidents],
        tz))
    opened = by_month.opened.get(month, [])
    resolved = by_month.resolved.get(month, [])

    def counts(found: list[Incident]) -> list[Data]:
        rows = []
        for kind in IncidentType:
            of_kind = [i for i in found if i.type is kind]
            rows.append({"type": str(kind), "label": labels.INCIDENT_TYPE[kind],
                         "total": len(of_kind),
                         **{str(c): sum(1 for i in of_kind if _class(i) is c)
                            for c in IncidentClass},
                         "unclassified": sum(1 for i in of_kind if _class(i) is None)})
        return rows

    responses = []
    for incident in resolved:
        deadline = response_deadline(incident, agreements.service_levels)
        assert incident.times.resolved is not None
        responses.append({"id": incident.id, "title": incident.title,
                          "priority": str(incident.priority),
                          "deadline": deadline.astimezone(tz),
                          "resolved": incident.times.resolved.astimezone(tz),
                          "met": incident.times.resolved <= deadline})
    duties: list[Data] = []
    for incident, clock in by_month.due.get(month, []):
        assert clock.due is not None
        verdict = ("op tijd" if clock.met else "te laat" if clock.met is False
                   else "niet gemeld, termijn verstreken" if clock.overdue(now)
                   else "nog niet gemeld")
        duties.append({"incident": incident.id, "duty_id": clock.duty.id,
                       "stage_id": clock.stage.id, "duty": clock.duty.name,
                       "recipient": clock.duty.recipient, "stage": clock.stage.name,
                       "due": clock.due.astimezone(tz),
                       "notified_at": None if clock.notified_at is None
                       else clock.notified_at.astimezone(tz),
                       "met": clock.met, "overdue": clock.overdue(now),
                       "verdict": verdict})
    duties.sort(key=lambda d: (d["due"], d["incident"], d["duty"]))

    overview = overview_context(root, today, given)
    first, last = month.first_day, end.date() - dt.timedelta(days=1)
    overdue = [item for item in overview["overdue"] if first <= item["due"] <= last]
    by_status: dict[tuple[str, str], int] = {}
    for release in overview["releases"]:
        key = (release["release"]["status"], release["release"]["status_label"])
        by_status[key] = by_status.get(key, 0) + 1

    figures = month_figures(root, month, now, agreements)
    data: Data = {
        "month": str(month),
        "month_label": month_label(month),
        "timezone": tz.key,
        "closed": end <= now,
        "opened": counts(opened),
        "opened_total": len(opened),
        "opened_ids": [i.id for i in opened],
        "resolved": counts(resolved),
        "resolved_ids": [i.id for i in resolved],
        "resolved_total": len(resolved),
        "classes": [{"key": str(c), "label": str(c)} for c in IncidentClass],
        "responses": responses,
        "responses_met": sum(1 for r in responses if r["met"]),
        "duties": duties,
        "duties_met": sum(1 for d in duties if d["met"]),
        "duties_missed": sum(1 for d in duties if d["met"] is False or d["overdue"]),
        "availability": availability_context(figures, agreements, invalid),
        "releases_by_status": [{"status": status, "label": label, "count": count}
                               for (status, label), count in by_status.items()],
        "overdue": overdue,
    }
    shown: set[str] = {i.id for i in (*opened, *resolved)}
    shown.update(str(d["incident"]) for d in duties)
    shown.update(i for f in figures.roles for i in f.incidents)
    facts = {"now": now, "figures": availability_figures(figures, agreements, invalid)}
    return (data, ["afspraken", "releases", *(f"incidents/{i}.yaml" for i in sorted(shown))],
            facts)


def _counts(rows: list[Data]) -> list[IncidentCount]:
    return [{"type": row["type"], "total": row["total"],
             "classes": {str(c): row[str(c)] for c in IncidentClass},
             "unclassified": row["unclassified"]} for row in rows]


def month_json(root: Path, month_text: str, today: dt.date,
               now: dt.datetime | None = None) -> MonthDocument:
    """What `eta report month --format json` prints."""
    from eta.contracts import MONTH

    data, _, facts = _month(root, month_text, today, now)
    return {
        "version": MONTH.version,
        "month": data["month"],
        "timezone": data["timezone"],
        "now": facts["now"].isoformat(),
        "closed": data["closed"],
        "opened": _counts(data["opened"]),
        "opened_ids": data["opened_ids"],
        "resolved": _counts(data["resolved"]),
        "resolved_ids": data["resolved_ids"],
        "responses": [{"incident": r["id"], "priority": r["priority"],
                       "deadline": r["deadline"].isoformat(),
                       "resolved": r["resolved"].isoformat(), "met": r["met"]}
                      for r in data["responses"]],
        "duties": [{"incident": d["incident"], "duty": d["duty_id"], "stage": d["stage_id"],
                    "recipient": d["recipient"], "due": d["due"].isoformat(),
                    "notified_at": None if d["notified_at"] is None
                    else d["notified_at"].isoformat(),
                    "met": d["met"], "overdue": d["overdue"]} for d in data["duties"]],
        "availability": facts["figures"],
        "releases_by_status": [{"status": s["status"], "count": s["count"]}
                               for s in data["releases_by_status"]],
        "overdue": [{"release": o["release"], "kind": o.get("kind", "evaluation"),
                     "id": o["id"], "party": o["party"]["id"] if o["party"] else None,
                     "what": o["what"], "due": o["due"].isoformat()} for o in data["overdue"]],
    }


def record_months(root: Path, today: dt.date, given: dt.datetime | None = None) -> list[str]:
    """Every month with records of incidents: one detected or resolved in it, or an outage
    lying in it, up to `given` or the start of `today`."""
    agreements = load_agreements(root)
    incidents, _ = load_incidents(root)
    tz = agreements.tz
    now = judged_at(today, given, agreements)
    found = set(months_touched(outage_periods(root), tz, now))
    for incident in incidents:
        for moment in (incident.times.detected, incident.times.resolved):
            if moment is not None and moment < now:
                found.add(Month.of(moment.astimezone(tz)))
    return [str(m) for m in sorted(found, key=lambda m: (m.year, m.month))]
