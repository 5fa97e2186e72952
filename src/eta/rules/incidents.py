"""Rules about incidents: the clocks they run on, and a record that agrees with itself.

The rules are per record: at 10,000 incidents each must stay cheap. The business-time
tables are built once per set of service levels and shared (`eta.incidents.clock.clock_for`); a
response deadline is worked out only for an incident still open.

`eta check` judges deadlines as at the start of the day it checks for (00:00 in the service
levels' time zone); `eta incident list` shows the same findings at a given moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from eta.catalogue import (
    INCIDENT_CLOSED_INCOMPLETE,
    INCIDENT_DATA_BREACH_LATE_WITHOUT_REASON,
    INCIDENT_DATA_BREACH_OVERDUE,
    INCIDENT_DATA_BREACH_UNDECIDED,
    INCIDENT_DATA_BREACH_UNRECORDED,
    INCIDENT_PHONE_REPORT_MISSING,
    INCIDENT_RESPONSE_TIME_EXCEEDED,
    INCIDENT_STATUS_INCONSISTENT,
    INCIDENT_TIMELINE_BEFORE_START,
    INCIDENT_TIMES_ORDER,
)
from eta.check.result import Context, RecordRule, UnitRule
from eta.diagnostics import Diagnostic, Severity
from eta.incidents.clock import clock_for, data_breach_deadline, duration
from eta.incidents.state import OPEN_STATUSES, closing_problems, is_open, response_deadline
from eta.models.agreements import ServiceLevels
from eta.models.incident import Incident
from eta.records.agreements import timezone_of
from eta.records.read import Loaded
from eta.vocabulary import IncidentClass, IncidentStatus


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's finding about one incident, at a path in its record."""

    path: tuple[str | int, ...]
    severity: Severity
    code: str
    message: str
    hint: str | None = None
    #: Point at the key of `path` rather than its value: where something is missing.
    key: bool = False


def _error(path: tuple[str | int, ...], code: str, message: str, hint: str | None = None,
           *, key: bool = False) -> Finding:
    return Finding(path, Severity.ERROR, code, message, hint, key)


def _warning(path: tuple[str | int, ...], code: str, message: str, hint: str | None = None,
             *, key: bool = False) -> Finding:
    return Finding(path, Severity.WARNING, code, message, hint, key)


def _show(moment: dt.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def time_findings(
    incident: Incident, levels: ServiceLevels | None, now: dt.datetime
) -> list[Finding]:
    """The time rules: escalation, the data-breach deadline, the telephone report."""
    tz = timezone_of(levels)
    found: list[Finding] = []
    if levels is not None and is_open(incident) and incident.times.resolved is None:
        deadline = response_deadline(incident, levels)
        if deadline < now:
            allowed = clock_for(levels).response_time(incident.priority)
            window = levels.response_times[incident.priority].clock
            found.append(_warning(
                ("priority",), INCIDENT_RESPONSE_TIME_EXCEEDED.code,
                f"not resolved within the response time of {duration(allowed)} "
                f"({window} window) for {incident.priority}, which ran out at "
                f"{_show(deadline, tz)}: flagged for "
                "escalation",
                "the Beheerorganisatie decides whether to escalate; record the decision "
                "with `eta incident log`",
            ))
    found.extend(_data_breach_findings(incident, tz, now))
    current = incident.classification
    if (current is not None and current.class_.rank >= IncidentClass.CALAMITEIT.rank
            and incident.times.phoned is None):
        found.append(_error(
            ("times",), INCIDENT_PHONE_REPORT_MISSING.code,
            f"a {current.class_} must be reported to the Beheerorganisatie's "
            "incidentmanager by telephone, and `times.phoned` does not record when",
            "record it with `eta incident update ID --phoned-at TIME`", key=True,
        ))
    return found


def _data_breach_findings(incident: Incident, tz: ZoneInfo, now: dt.datetime
                          ) -> Iterator[Finding]:
    reportable = incident.facts.reportable_data_breach
    breach = incident.data_breach
    if breach is None:
        if reportable:
            yield _error(("facts", "reportable_data_breach"), INCIDENT_DATA_BREACH_UNRECORDED.code,
                         "a reportable data breach needs `data_breach.aware_at`: the 72-hour "
                         "notification deadline runs from it",
                         "record it with `eta incident update ID --aware-at TIME`")
        return
    deadline = data_breach_deadline(breach.aware_at)
    if breach.notified_at is None:
        if reportable and deadline < now:
            yield _error(("data_breach", "aware_at"), INCIDENT_DATA_BREACH_OVERDUE.code,
                         "the data breach was due at the Autoriteit Persoonsgegevens by "
                         f"{_show(deadline, tz)} (72 hours after awareness at "
                         f"{_show(breach.aware_at, tz)}) and no notification is recorded",
                         "notify now, then record it with `eta incident update ID "
                         "--notified-at TIME --delay-reason TEXT`")
        elif reportable is None and deadline < now:
            yield _warning(("data_breach", "aware_at"), INCIDENT_DATA_BREACH_UNDECIDED.code,
                           "72 hours have passed since awareness of a possible data breach "
                           f"({_show(breach.aware_at, tz)}) and whether it must be reported "
                           "is still not decided",
                           "set `facts.reportable_data_breach`")
        return
    if breach.notified_at < breach.aware_at:
        yield _error(("data_breach", "notified_at"), INCIDENT_TIMES_ORDER.code,
                     "the data breach was notified before anyone was aware of it")
    elif breach.notified_at > deadline and breach.delay_reason is None:
        late = duration(breach.notified_at - deadline)
        yield _error(("data_breach", "notified_at"), INCIDENT_DATA_BREACH_LATE_WITHOUT_REASON.code,
                     f"notified {late} after the 72-hour deadline of {_show(deadline, tz)} "
                     "without `data_breach.delay_reason`; a late notification must give the "
                     "reasons for the delay (GDPR art. 33(1))")


def consistency_findings(incident: Incident) -> Iterator[Finding]:
    """A record that contradicts itself: times out of order, a status its data denies."""
    times = incident.times
    for name in ("reported", "phoned", "resolved"):
        moment = getattr(times, name)
        if moment is not None and moment < times.detected:
            yield _error(("times", name), INCIDENT_TIMES_ORDER.code,
                         f"`times.{name}` lies before `times.detected`")
    if times.started is not None and times.resolved is not None and times.resolved < times.started:
        yield _error(("times", "resolved"), INCIDENT_TIMES_ORDER.code,
                     "`times.resolved` lies before `times.started`")
    began = min(times.detected, times.started or times.detected)
    for index, entry in enumerate(incident.timeline):
        if entry.at < began:
            yield _error(("timeline", index, "at"), INCIDENT_TIMELINE_BEFORE_START.code,
                         f"timeline entry {index + 1} is dated {entry.at.isoformat()}, before "
                         f"the incident began or was detected ({began.isoformat()}); to log "
                         "what came before, set `times.started` first")
    start = times.started or times.detected
    end = incident.facts.expected_end
    if end is not None and end < start:
        yield _error(("facts", "expected_end"), INCIDENT_TIMES_ORDER.code,
                     "`facts.expected_end` lies before the disruption began",
                     "for an incident without disruption, make it the start")
    if incident.status in OPEN_STATUSES and times.resolved is not None:
        yield _error(("status",), INCIDENT_STATUS_INCONSISTENT.code,
                     f"the status is {incident.status}, but `times.resolved` is set",
                     "set the status with `eta incident update ID --status resolved`")
    if incident.status not in OPEN_STATUSES and times.resolved is None:
        yield _error(("times",), INCIDENT_STATUS_INCONSISTENT.code,
                     f"the status is {incident.status}, but `times.resolved` is missing",
                     key=True)
    if incident.status is IncidentStatus.CLOSED:
        yield from _closing_findings(incident)


def _closing_findings(incident: Incident) -> Iterator[Finding]:
    for problem in closing_problems(incident):
        yield _error(("status",), INCIDENT_CLOSED_INCOMPLETE.code,
                     f"the incident is closed, but {problem}",
                     "a closed incident needs a resolution, a final classification with every "
                     "criterion answered, and for a data breach its notification")


def start_of_day(day: dt.date, levels: ServiceLevels | None) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone_of(levels))


def incident_rules(loaded: Loaded, context: Context) -> Iterable[Diagnostic]:
    incident = loaded.record
    if not isinstance(incident, Incident):  # pragma: no cover - registered for incidents
        return []
    now = context.moment or start_of_day(context.today, context.service_levels)
    found = [*consistency_findings(incident),
             *time_findings(incident, context.service_levels, now)]
    diagnostics = []
    for finding in found:
        pos = loaded.position(*finding.path, key=finding.key)
        diagnostics.append(Diagnostic(loaded.file, pos.line, pos.column, finding.severity,
                                      finding.code, finding.message, finding.hint))
    return diagnostics


RECORD_RULES: dict[str, tuple[RecordRule, ...]] = {"incident": (incident_rules,)}
RULES: tuple[UnitRule, ...] = ()
