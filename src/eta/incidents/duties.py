"""The clocks of an incident's reporting duties: which apply, when each stage is due, and
whether it was met.

- A duty applies when every condition of its `applies` holds; while a fact a condition rests
  on is not known, whether it applies is undecided (`applies` is None).
- A stage's clock starts at the duty's `clock_from` (detection, the report, the telephone
  report, the start of the disruption, or the data breach's `aware_at`), or, with `after`,
  when the earlier stage was notified. Hours are elapsed hours: across a daylight-saving
  change 72 hours stay 72 hours, whatever the wall clock shows. Months are calendar months
  in the agreements' time zone, the same time of day (the last day of a shorter month).
- A stage is notified by an entry of the incident's `notifications` naming the duty and
  the stage, or by the field of the incident the stage names in `recorded_as`
  (`times.phoned`, `data_breach.notified_at`), as records from before the duties keep it.
- Met: notified by the deadline. Late: notified after it; a stage with `reason_when_late`
  needs a `delay_reason` then. Overdue: not notified, the duty applies, and the deadline
  lies before the moment judged at.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from eta.incidents.clock import elapsed_deadline
from eta.models.duties import Applies, Duty, ReportingDuties, Stage
from eta.models.incident import Incident
from eta.overdue import is_overdue


@dataclass(frozen=True, slots=True)
class StageClock:
    duty: Duty
    stage: Stage
    #: Whether the duty applies; None while a fact it rests on is not known.
    applies: bool | None
    #: When its clock started; None while that moment is not recorded.
    start: dt.datetime | None
    due: dt.datetime | None
    notified_at: dt.datetime | None
    reference: str | None
    delay_reason: str | None
    #: Where in the record the notification is: ("notifications", 2) or ("times", "phoned").
    recorded_at_path: tuple[str | int, ...] | None

    @property
    def met(self) -> bool | None:
        """Notified by the deadline; None while not notified or without a deadline."""
        if self.notified_at is None or self.due is None:
            return None
        # In UTC: two moments of one zone compare by their wall clocks, which the hour
        # repeated in autumn makes wrong.
        return self.notified_at.astimezone(dt.UTC) <= self.due.astimezone(dt.UTC)

    @property
    def late_without_reason(self) -> bool:
        return self.met is False and self.stage.reason_when_late and self.delay_reason is None

    @property
    def runs(self) -> bool:
        """Whether the clock runs toward its deadline: the duty applies, a deadline is
        set and no notification is recorded. It is overdue once the deadline has passed."""
        return self.applies is True and self.notified_at is None and self.due is not None

    def overdue(self, now: dt.datetime) -> bool:
        return self.runs and self.due is not None and is_overdue(self.due, now)


def applies(condition: Applies, incident: Incident) -> bool | None:
    current = incident.classification
    answers: list[bool | None] = []
    if condition.types is not None:
        answers.append(incident.type in condition.types)
    if condition.class_at_least is not None:
        answers.append(current is not None
                       and current.class_.rank >= condition.class_at_least.rank)
    if condition.criteria is not None:
        answers.append(current is not None
                       and any(c in current.criteria for c in condition.criteria))
    if condition.fact is not None:
        answers.append(getattr(incident.facts, str(condition.fact)))
    if False in answers:
        return False
    return None if None in answers else True


def clock_start(duty: Duty, incident: Incident) -> dt.datetime | None:
    if duty.clock_from == "data_breach.aware_at":
        return incident.data_breach.aware_at if incident.data_breach is not None else None
    moment: dt.datetime | None = getattr(incident.times, duty.clock_from)
    return moment


def add_months(moment: dt.datetime, months: int, tz: ZoneInfo) -> dt.datetime:
    """The same time of day `months` calendar months later in `tz`."""
    local = moment.astimezone(tz)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    wall = dt.datetime.combine(dt.date(year, month, day), local.time().replace(tzinfo=None))
    return wall.replace(tzinfo=tz)


def _notification(incident: Incident, duty: Duty, stage: Stage
                  ) -> tuple[dt.datetime | None, str | None, str | None,
                             tuple[str | int, ...] | None]:
    for index, entry in enumerate(incident.notifications):
        if entry.duty == duty.id and entry.stage == stage.id:
            return entry.at, entry.reference, entry.delay_reason, ("notifications", index)
    if stage.recorded_as == "times.phoned" and incident.times.phoned is not None:
        return incident.times.phoned, None, None, ("times", "phoned")
    breach = incident.data_breach
    if (stage.recorded_as == "data_breach.notified_at" and breach is not None
            and breach.notified_at is not None):
        return (breach.notified_at, breach.reference, breach.delay_reason,
                ("data_breach", "notified_at"))
    return None, None, None, None


def shows_clock(duty: Duty, verdict: bool | None, incident: Incident) -> bool:
    """Whether a duty that applies as `verdict` says has a clock to show: it applies, or it
    may yet apply and the moment its clock runs from is recorded."""
    return verdict is True or (verdict is None and clock_start(duty, incident) is not None)


def duty_clocks(incident: Incident, duties: ReportingDuties, tz: ZoneInfo,
                *, every: bool = False) -> list[StageClock]:
    """The clock of each stage of each duty that applies or may yet apply to `incident`;
    with `every`, of the duties that do not apply too."""
    found: list[StageClock] = []
    for duty in duties.duties:
        verdict = applies(duty.applies, incident)
        if not every and not shows_clock(duty, verdict, incident):
            continue
        done: dict[str, dt.datetime | None] = {}
        for stage in duty.stages:
            start = done[stage.after] if stage.after is not None else clock_start(duty, incident)
            due = None
            if start is not None:
                due = (elapsed_deadline(start, dt.timedelta(hours=stage.within_hours))
                       if stage.within_hours is not None
                       else add_months(start, stage.within_months or 0, tz)).astimezone(tz)
            at, reference, reason, path = _notification(incident, duty, stage)
            done[stage.id] = at
            found.append(StageClock(duty, stage, verdict, start, due, at, reference, reason,
                                    path))
    return found


@dataclass(frozen=True, slots=True)
class NotificationChange:
    """What `eta incident update --notification DUTY:STAGE` writes.

    A stage whose duty says it is `recorded_as` a field of the incident is written there
    alone (`home`), so that one notification has one place: `times.phoned` or the data
    breach's `notified_at`. Any other is an entry of `notifications`: the one already
    recorded for that stage (`index`), or a new one (None), with the `values` to write."""

    home: str
    index: int | None = None
    values: dict[str, object] = field(default_factory=dict)


def notification_change(incident: Incident, duties: ReportingDuties, which: str,
                        at: dt.datetime | None, reference: str | None,
                        delay_reason: str | None) -> NotificationChange:
    """Where and what `--notification DUTY:STAGE` records: a usage error names the duty or
    stage that does not exist, or a value the stage's home has no field for."""
    from eta.diagnostics import did_you_mean
    from eta.errors import EtaError
    from eta.incidents.state import timestamp

    duty_id, colon, stage_id = which.strip().partition(":")
    duty = duties.duty(duty_id)
    if not colon or duty is None:
        hint = did_you_mean(duty_id, [d.id for d in duties.duties])
        known = ", ".join(f"{d.id}:{s.id}" for d in duties.duties for s in d.stages)
        raise EtaError(f"--notification: write the duty and its stage as DUTY:STAGE, one of "
                       f"{known}" + (f"; {hint}" if hint else ""))
    stage = duty.stage(stage_id)
    if stage is None:
        raise EtaError(f"--notification: the duty `{duty_id}` has no stage `{stage_id}`; its "
                       f"stages: {', '.join(s.id for s in duty.stages)}")
    index = next((i for i, n in enumerate(incident.notifications)
                  if n.duty == duty_id and n.stage == stage_id), None)
    if stage.recorded_as is not None and index is None:
        if stage.recorded_as == "times.phoned":
            for option, text in (("--notification-reference", reference),
                                 ("--delay-reason", delay_reason)):
                if text is not None:
                    raise EtaError(f"{option}: {which} is recorded as `times.phoned`, which "
                                   "holds the time alone")
            if at is None:
                raise EtaError(f"--notification {which}: give --notified-at, when it was "
                               "notified")
        return NotificationChange(stage.recorded_as)
    if index is None and at is None:
        raise EtaError(f"--notification {which}: give --notified-at, when it was notified")
    values: dict[str, object] = {}
    if index is None:
        values.update({"duty": duty_id, "stage": stage_id})
    current = incident.notifications[index] if index is not None else None
    for name, value in (("at", at), ("reference", reference), ("delay_reason", delay_reason)):
        if value is not None and (current is None or getattr(current, name) != value):
            values[name] = timestamp(value) if isinstance(value, dt.datetime) else value
    return NotificationChange("notifications", index, values)
