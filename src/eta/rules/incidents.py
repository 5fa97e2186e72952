"""Rules about incidents: the clocks they run on, and a record that agrees with itself.

The rules are per record: at 10,000 incidents each must stay cheap. The business-time
tables are built once per set of service levels and shared (`eta.incidents.clock.clock_for`); a
response deadline is worked out only for an incident still open.

`eta check` judges deadlines as at the start of the day it checks for (00:00 in the service
levels' time zone); `eta incident list` shows the same findings at a given moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from eta.catalogue import (
    INCIDENT_CLASSIFICATION_OVERDUE,
    INCIDENT_CLOSED_INCOMPLETE,
    INCIDENT_DATA_BREACH_UNDECIDED,
    INCIDENT_DATA_BREACH_UNRECORDED,
    INCIDENT_DUTY_LATE_WITHOUT_REASON,
    INCIDENT_DUTY_OVERDUE,
    INCIDENT_NOTIFICATION_UNKNOWN,
    INCIDENT_OUTAGE_AFTER_RESOLVED,
    INCIDENT_OUTAGE_BEFORE_START,
    INCIDENT_OUTAGE_ORDER,
    INCIDENT_OUTAGE_ROLE_NOT_HELD,
    INCIDENT_OUTAGE_UNENDED,
    INCIDENT_RESPONSE_TIME_EXCEEDED,
    INCIDENT_STATUS_INCONSISTENT,
    INCIDENT_TIMELINE_BEFORE_START,
    INCIDENT_TIMES_ORDER,
)
from eta.check.result import Context, RecordRule, UnitRule
from eta.diagnostics import Diagnostic, Severity, did_you_mean
from eta.due import classification_due, classification_pending, is_overdue, response_due
from eta.incidents.clock import clock_for, data_breach_deadline, duration
from eta.incidents.duties import StageClock, duty_clocks, shows_clock
from eta.incidents.state import OPEN_STATUSES, closing_problems
from eta.models.agreements import ServiceLevels
from eta.models.duties import ReportingDuties, default_duties
from eta.models.incident import Incident
from eta.models.party import Party
from eta.moments import shown_moment
from eta.records.agreements import Agreements, timezone_of
from eta.records.read import Loaded
from eta.vocabulary import IncidentStatus


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
    return shown_moment(moment, tz)


#: A finding and the moment it holds from: once that moment has passed, as `eta.due`
#: judges it; None where it holds at every moment.
TimedFinding = tuple[dt.datetime | None, Finding]


def holding(timed: Iterable[TimedFinding], now: dt.datetime | None) -> list[Finding]:
    """The findings of `timed` that hold at `now`; without `now`, those that hold at every
    moment: what the record says of itself alone."""
    return [finding for at, finding in timed
            if at is None or (now is not None and is_overdue(at, now))]


def time_findings(
    incident: Incident, levels: ServiceLevels | None, now: dt.datetime,
    duties: ReportingDuties | None = None, agreements: Agreements | None = None, *,
    with_duties: bool = True,
) -> list[Finding]:
    """The time rules at `now` (`timed_findings`)."""
    return holding(timed_findings(incident, levels, duties, agreements,
                                  with_duties=with_duties), now)


def timed_findings(
    incident: Incident, levels: ServiceLevels | None,
    duties: ReportingDuties | None = None, agreements: Agreements | None = None, *,
    with_duties: bool = True,
) -> list[TimedFinding]:
    """The time rules, each finding with the moment it holds from: escalation, the clocks
    of the reporting duties (eta's default duties without `duties`; none without
    `with_duties`), and with the agreements a classification that is overdue. What is
    overdue is `eta.due`'s judgement. They hold the same at every moment after the ones
    they name, so a view may keep them and judge them at any moment later."""
    tz = timezone_of(levels)
    found: list[TimedFinding] = []
    deadline = response_due(incident, levels) if levels is not None else None
    if levels is not None and deadline is not None:
        allowed = clock_for(levels).response_time(incident.priority)
        window = levels.response_times[incident.priority].clock
        found.append((deadline, _warning(
            ("priority",), INCIDENT_RESPONSE_TIME_EXCEEDED.code,
            f"not resolved within the response time of {duration(allowed)} "
            f"({window} window) for {incident.priority}, which ran out at "
            f"{_show(deadline, tz)}: flagged for "
            "escalation",
            "the Beheerorganisatie decides whether to escalate; record the decision "
            "with `eta incident log`",
        )))
    found.extend(_data_breach_findings(incident, tz))
    if with_duties:
        found.extend(timed_duty_findings(incident, duties or default_duties(), tz))
    if agreements is not None:
        found.extend(_classification_findings(incident, agreements))
    return found


def _data_breach_findings(incident: Incident, tz: ZoneInfo) -> Iterator[TimedFinding]:
    """What the data-breach duty's clock needs: its moment of awareness, and a decision."""
    reportable = incident.facts.reportable_data_breach
    breach = incident.data_breach
    if breach is None:
        if reportable:
            yield None, _error(
                ("facts", "reportable_data_breach"), INCIDENT_DATA_BREACH_UNRECORDED.code,
                "a reportable data breach needs `data_breach.aware_at`: the 72-hour "
                "notification deadline runs from it",
                "record it with `eta incident update ID --aware-at TIME`")
        return
    if breach.notified_at is None and reportable is None:
        yield data_breach_deadline(breach.aware_at), _warning(
            ("data_breach", "aware_at"), INCIDENT_DATA_BREACH_UNDECIDED.code,
            "72 hours have passed since awareness of a possible data breach "
            f"({_show(breach.aware_at, tz)}) and whether it must be reported "
            "is still not decided",
            "set `facts.reportable_data_breach`")


def _stage_words(clock: StageClock) -> str:
    return (f"{clock.duty.name} ({clock.duty.recipient}), {clock.stage.name.lower()} "
            f"(`{clock.duty.id}`/`{clock.stage.id}`)")


#: What each moment a duty's clock can start from is called in a message.
_CLOCK_START = {"detected": "detection", "reported": "the report",
                "phoned": "the telephone report", "started": "the start of the disruption",
                "data_breach.aware_at": "awareness"}


def _reckoning(clock: StageClock, tz: ZoneInfo) -> str:
    """How a stage's deadline is reckoned: `72 hours after awareness at 2026-03-27 10:00
    CET`."""
    stage = clock.stage
    span = (f"{stage.within_hours:g} hour{'' if stage.within_hours == 1 else 's'}"
            if stage.within_hours is not None else
            f"{stage.within_months} month{'' if stage.within_months == 1 else 's'}")
    before = clock.duty.stage(stage.after) if stage.after is not None else None
    start = (f"the {before.name.lower()}" if before is not None
             else _CLOCK_START[clock.duty.clock_from])
    assert clock.start is not None
    return f"{span} after {start} at {_show(clock.start, tz)}"


def _clock_path(clock: StageClock, incident: Incident) -> tuple[str | int, ...]:
    """Where the clock of a stage starts in the record: the earlier stage's notification,
    or the moment the duty's clock runs from."""
    if clock.stage.after is not None:
        index = next(i for i, n in enumerate(incident.notifications)
                     if n.duty == clock.duty.id and n.stage == clock.stage.after)
        return ("notifications", index, "at")
    if clock.duty.clock_from == "data_breach.aware_at":
        return ("data_breach", "aware_at")
    return ("times", clock.duty.clock_from)


def duty_findings(incident: Incident, duties: ReportingDuties, tz: ZoneInfo,
                  now: dt.datetime | None) -> list[Finding]:
    """The reporting duties at `now` (`timed_duty_findings`). Without `now`, what the
    record says of itself alone: what an edit must not leave it saying
    (`eta.incidents.edits`)."""
    return holding(timed_duty_findings(incident, duties, tz), now)


def timed_duty_findings(incident: Incident, duties: ReportingDuties, tz: ZoneInfo
                        ) -> Iterator[TimedFinding]:
    """The reporting duties: a stage overdue once its deadline has passed, notified late
    without its reason, notified before its clock started or before the stage it
    follows, and notifications that name no duty or stage."""
    for index, entry in enumerate(incident.notifications):
        duty = duties.duty(entry.duty)
        if duty is None:
            yield None, _error(
                ("notifications", index, "duty"), INCIDENT_NOTIFICATION_UNKNOWN.code,
                f"no reporting duty `{entry.duty}` in afspraken/reporting-duties.yaml",
                did_you_mean(entry.duty, [d.id for d in duties.duties]))
        elif duty.stage(entry.stage) is None:
            yield None, _error(
                ("notifications", index, "stage"), INCIDENT_NOTIFICATION_UNKNOWN.code,
                f"the duty `{duty.id}` has no stage `{entry.stage}`",
                did_you_mean(entry.stage, [s.id for s in duty.stages]))
    for clock in duty_clocks(incident, duties, tz, every=True):
        where = clock.recorded_at_path
        # An entry of `notifications` is judged whether or not its duty applies as the
        # record now stands; a field that keeps a notification too (`times.phoned`) has its
        # own order in the record's times, and is judged as its duty's only where it applies.
        if not shows_clock(clock.duty, clock.applies, incident) and (
                where is None or where[0] != "notifications"):
            continue
        # A clock that runs has no notification, so none of the findings below.
        if clock.runs:
            assert clock.due is not None
            yield clock.due, _error(
                _clock_path(clock, incident), INCIDENT_DUTY_OVERDUE.code,
                f"{_stage_words(clock)} was due by {_show(clock.due, tz)} "
                f"({_reckoning(clock, tz)}) and no notification is recorded",
                "notify now, then record it with `eta incident update ID --notification "
                f"{clock.duty.id}:{clock.stage.id} --notified-at TIME`"
                + (" and --delay-reason TEXT" if clock.stage.reason_when_late else ""))
        elif where is not None and clock.notified_at is not None and clock.start is not None \
                and clock.notified_at < clock.start:
            yield None, _error(where, INCIDENT_TIMES_ORDER.code,
                               f"{_stage_words(clock)} is notified before its clock started "
                               f"({_show(clock.start, tz)})")
        elif where is not None and clock.notified_at is not None and clock.start is None \
                and clock.stage.after is not None:
            earlier = clock.duty.stage(clock.stage.after)
            assert earlier is not None
            yield None, _error(where, INCIDENT_TIMES_ORDER.code,
                               f"{_stage_words(clock)} is notified, but the stage it follows, "
                               f"{earlier.name.lower()} (`{clock.duty.id}`/`{earlier.id}`), has no "
                               "notification", f"record that one first with `eta incident update "
                               f"{incident.id} --notification {clock.duty.id}:{earlier.id} "
                               "--notified-at TIME`")
        elif where is not None and clock.late_without_reason and clock.applies is not False:
            assert clock.due is not None and clock.notified_at is not None
            yield None, _error(where, INCIDENT_DUTY_LATE_WITHOUT_REASON.code,
                               f"{_stage_words(clock)} was notified "
                               f"{duration(clock.notified_at - clock.due)} after its deadline of "
                               f"{_show(clock.due, tz)} without a `delay_reason`; a late "
                               "notification must give the reasons for the delay")


def _classification_findings(incident: Incident, agreements: Agreements
                             ) -> Iterator[TimedFinding]:
    due = classification_due(incident, agreements.service_levels)
    if due is None:
        return
    pending = classification_pending(incident, agreements)
    if pending is not None:
        yield due, _warning(("status",), INCIDENT_CLASSIFICATION_OVERDUE.code,
                            f"the classification was due when the response time ran out, at "
                            f"{_show(due, agreements.tz)}: {pending}",
                            f"`eta incident classify {incident.id}`")


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
    yield from _outage_time_findings(incident)
    if incident.status is IncidentStatus.CLOSED:
        yield from _closing_findings(incident)


def _outage_time_findings(incident: Incident) -> Iterator[Finding]:
    """Each outage lies within the incident: not before the disruption began (or, without a
    start, before detection), not after its resolution, and has ended once it is resolved."""
    times = incident.times
    began = times.started or times.detected
    began_name = "times.started" if times.started is not None else "times.detected"
    for index, outage in enumerate(incident.outages):
        where = ("outages", index)
        if outage.start < began:
            yield _error((*where, "start"), INCIDENT_OUTAGE_BEFORE_START.code,
                         f"outage {index + 1} starts before `{began_name}` "
                         f"({began.isoformat()})",
                         None if times.started is not None else
                         "when the disruption began before it was detected, set "
                         "`times.started` first")
        for name in ("expected_end", "end"):
            moment = getattr(outage, name)
            if moment is not None and moment <= outage.start:
                yield _error((*where, name), INCIDENT_OUTAGE_ORDER.code,
                             f"`outages[{index}].{name}` is not after its start")
        if outage.end is not None and times.resolved is not None and outage.end > times.resolved:
            yield _error((*where, "end"), INCIDENT_OUTAGE_AFTER_RESOLVED.code,
                         f"outage {index + 1} ends after the incident was resolved "
                         f"({times.resolved.isoformat()})")
        if outage.end is None and times.resolved is not None:
            yield _error(where, INCIDENT_OUTAGE_UNENDED.code,
                         f"the incident is resolved, but outage {index + 1} "
                         f"({outage.party} as {outage.role}) has no `end`",
                         "record when it ended with `eta incident update ID --outage "
                         f"{outage.party}:{outage.role} --outage-ended-at TIME`")


def outage_register_findings(incident: Incident, parties: Mapping[str, Party]
                             ) -> Iterator[Finding]:
    """Each outage names a role its party holds in the register."""
    for index, outage in enumerate(incident.outages):
        party = parties.get(outage.party)
        if party is None:
            continue  # an unknown party is `ref.unknown-party`
        if outage.role not in party.roles:
            held = ", ".join(str(r) for r in party.roles)
            yield _error(("outages", index, "role"), INCIDENT_OUTAGE_ROLE_NOT_HELD.code,
                         f"{outage.party} does not hold the role {outage.role} in the register "
                         f"(afspraken/parties/{outage.party}.yaml)",
                         f"its roles: {held}")


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
    levels, criteria = context.service_levels, context.criteria
    agreements = (Agreements(context.parties, levels, criteria,
                             context.duties or default_duties())
                  if levels is not None and criteria is not None else None)
    found = [*consistency_findings(incident),
             *outage_register_findings(incident, context.parties),
             # Without its duties (their file is not valid, and its errors say why), no
             # clock is judged: eta's default duties would find every notification unknown.
             *time_findings(incident, levels, now, context.duties, agreements,
                            with_duties=context.duties is not None)]
    diagnostics = []
    for finding in found:
        pos = loaded.position(*finding.path, key=finding.key)
        diagnostics.append(Diagnostic(loaded.file, pos.line, pos.column, finding.severity,
                                      finding.code, finding.message, finding.hint))
    return diagnostics


RECORD_RULES: dict[str, tuple[RecordRule, ...]] = {"incident": (incident_rules,)}
RULES: tuple[UnitRule, ...] = ()
