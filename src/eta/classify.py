"""Classifying an incident as incident, calamiteit or crisis by the framework's criteria.

`classify` is a pure function of an incident's facts, the criteria (afspraken/criteria.yaml)
and the service levels: the same facts always give the same class. Every criterion is
answered with met, not met or unknown, with the facts it rested on. An incident meeting any
one crisis criterion is a crisis; otherwise one meeting any one calamiteit criterion is a
calamiteit; otherwise it stays an incident. Meeting one more criterion therefore never
lowers the class.

How each rule reads the facts (our reading, where the framework leaves room):

- `flag`: the named yes/no fact; left out, it is unknown.
- `disruption-exceeds-response-time` (C1): the expected disruption runs from `times.started`
  (or, when the start is not recorded, from `times.detected`) to `facts.expected_end`. It is
  counted within the availability window (the availability windows minus the maintenance
  windows) and must be longer than the response time of the incident's priority; exactly the
  response time does not exceed it. Without `facts.expected_end` it is unknown.
- `disruption-exceeds-hours` (K2): the same disruption in real elapsed hours, longer than the
  threshold; exactly 48 hours is not longer than 48.
- `min-deelnemers` (C2): the involved deelnemers are the distinct parties among the reporter
  and the affected parties that hold a deelnemer role. The Beheerorganisatie is a party but no
  deelnemer, so it never counts. The list of parties is always known, so this criterion is
  never unknown; parties added later can still make it met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from eta.clock import clock_for
from eta.models.agreements import Criteria, Criterion, ServiceLevels
from eta.models.incident import Incident
from eta.models.party import Party
from eta.vocabulary import IncidentClass, Rule


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Assessment:
    """One criterion answered: its verdict, and what that rested on."""

    criterion: Criterion
    level: IncidentClass
    verdict: Verdict
    grounds: str
    #: The facts (as record paths) that would answer it, when it is unknown.
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    incident_class: IncidentClass
    assessments: tuple[Assessment, ...]

    @property
    def met(self) -> tuple[Assessment, ...]:
        return tuple(a for a in self.assessments if a.verdict is Verdict.MET)

    @property
    def unanswered(self) -> tuple[Assessment, ...]:
        return tuple(a for a in self.assessments if a.verdict is Verdict.UNKNOWN)

    @property
    def unknown_facts(self) -> tuple[str, ...]:
        """The facts not yet known that a criterion waits for, each named once."""
        return tuple(dict.fromkeys(fact for a in self.unanswered for fact in a.needs))

    @property
    def could_raise(self) -> tuple[Assessment, ...]:
        """Unanswered criteria of a class above the present one: answered yes, they raise it."""
        rank = self.incident_class.rank
        return tuple(a for a in self.unanswered if a.level.rank > rank)


def deelnemers(parties: Mapping[str, Party]) -> frozenset[str]:
    """The ids of the parties that are deelnemers (not only the Beheerorganisatie)."""
    return frozenset(party_id for party_id, party in parties.items() if party.is_deelnemer)


def involved_deelnemers(incident: Incident, deelnemer_ids: Collection[str]) -> list[str]:
    """The distinct deelnemers among the reporter and the affected parties, in order."""
    named = dict.fromkeys([incident.reporter, *incident.affected])
    return [party for party in named if party in deelnemer_ids]


def classify(
    incident: Incident,
    criteria: Criteria,
    levels: ServiceLevels,
    deelnemer_ids: Collection[str],
) -> Outcome:
    """The class of `incident` by `criteria`, with every criterion answered."""
    assessments = tuple(
        _assess(criterion, level, incident, levels, deelnemer_ids)
        for level, group in ((IncidentClass.CALAMITEIT, criteria.calamiteit),
                             (IncidentClass.CRISIS, criteria.crisis))
        for criterion in group
    )
    met_levels = [a.level for a in assessments if a.verdict is Verdict.MET]
    incident_class = max(met_levels, key=lambda level: level.rank,
                         default=IncidentClass.INCIDENT)
    return Outcome(incident_class, assessments)


def _assess(
    criterion: Criterion,
    level: IncidentClass,
    incident: Incident,
    levels: ServiceLevels,
    deelnemer_ids: Collection[str],
) -> Assessment:
    if criterion.rule is Rule.FLAG:
        assert criterion.fact is not None  # the model requires it for this rule
        path = f"facts.{criterion.fact}"
        value = getattr(incident.facts, criterion.fact)
        if value is None:
            return Assessment(criterion, level, Verdict.UNKNOWN, f"{path} is not known yet",
                              (path,))
        return Assessment(criterion, level, Verdict.MET if value else Verdict.NOT_MET,
                          f"{path} is {'true' if value else 'false'}")
    if criterion.rule is Rule.MIN_DEELNEMERS:
        assert criterion.threshold is not None
        involved = involved_deelnemers(incident, deelnemer_ids)
        needed = _number(criterion.threshold)
        named = f" ({', '.join(involved)})" if involved else ""
        count = f"{len(involved)} deelnemer{'' if len(involved) == 1 else 's'} involved{named}"
        met = len(involved) >= criterion.threshold
        return Assessment(criterion, level, Verdict.MET if met else Verdict.NOT_MET,
                          f"{count}; the criterion needs at least {needed}")
    return _assess_disruption(criterion, level, incident, levels)


def _assess_disruption(
    criterion: Criterion, level: IncidentClass, incident: Incident, levels: ServiceLevels
) -> Assessment:
    end = incident.facts.expected_end
    if end is None:
        return Assessment(criterion, level, Verdict.UNKNOWN,
                          "facts.expected_end is not known yet", ("facts.expected_end",))
    clock = clock_for(levels)
    start = incident.times.started or incident.times.detected
    since = "the start" if incident.times.started is not None else "detection"
    span = f"from {since} at {_moment(clock.local(start))} to {_moment(clock.local(end))}"
    if criterion.rule is Rule.DISRUPTION_EXCEEDS_RESPONSE_TIME:
        disruption = clock.availability_time(start, end)
        limit = clock.response_time(incident.priority)
        met = disruption > limit
        grounds = (f"{duration(disruption)} of expected disruption within the availability "
                   f"window ({span}) {'exceed' if met else 'do not exceed'} the response "
                   f"time of {duration(limit)} for {incident.priority}")
    else:
        assert criterion.threshold is not None
        disruption = max(end - start, dt.timedelta(0))
        limit = dt.timedelta(hours=criterion.threshold)
        met = disruption > limit
        grounds = (f"{duration(disruption)} of expected disruption ({span}) "
                   f"{'is longer' if met else 'is not longer'} than {duration(limit)}")
    return Assessment(criterion, level, Verdict.MET if met else Verdict.NOT_MET, grounds)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _moment(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z")


def duration(span: dt.timedelta) -> str:
    """`9 hours 30 minutes`, `1 hour`, `0 hours`, `4 hours 0 minutes 1 second`."""
    seconds = int(span.total_seconds())
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{hours} hour{'' if hours == 1 else 's'}"
    if minute or second:
        text += f" {minute} minute{'' if minute == 1 else 's'}"
    if second:
        text += f" {second} second{'' if second == 1 else 's'}"
    return text
