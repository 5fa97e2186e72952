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
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from eta.incidents.clock import clock_for, duration
from eta.models.agreements import Criteria, Criterion, ServiceLevels
from eta.models.incident import Incident
from eta.moments import shown_moment
from eta.vocabulary import FlagFact, IncidentClass, Priority, Rule, Verdict

if TYPE_CHECKING:
    from eta.contracts.shapes import Classification
    from eta.records.agreements import Agreements


class Since(StrEnum):
    """What an expected disruption is counted from."""

    #: `times.started`, the recorded start of the disruption.
    START = "start"
    #: `times.detected`, when the start of the disruption is not recorded.
    DETECTION = "detection"


# -- The bases: what each rule judged, as data ----------------------------------------------
#
# Each basis holds the facts a verdict rests on and decides the verdict from them, so the
# verdict, the English grounds (`explain`) and any other rendering (the Dutch reports) come
# from the one set of values.


@dataclass(frozen=True, slots=True)
class FlagBasis:
    """Rule `flag`: one yes/no fact of the incident, None while it is not known."""

    fact: FlagFact
    value: bool | None

    @property
    def path(self) -> str:
        return f"facts.{self.fact}"

    @property
    def verdict(self) -> Verdict:
        if self.value is None:
            return Verdict.UNKNOWN
        return Verdict.MET if self.value else Verdict.NOT_MET

    @property
    def needs(self) -> tuple[str, ...]:
        return (self.path,) if self.value is None else ()

    def explain(self) -> str:
        if self.value is None:
            return f"{self.path} is not known yet"
        return f"{self.path} is {'true' if self.value else 'false'}"


@dataclass(frozen=True, slots=True)
class DeelnemersBasis:
    """Rule `min-deelnemers`: the deelnemers involved, against the least number needed."""

    involved: tuple[str, ...]
    threshold: float

    @property
    def verdict(self) -> Verdict:
        return Verdict.MET if len(self.involved) >= self.threshold else Verdict.NOT_MET

    @property
    def needs(self) -> tuple[str, ...]:
        return ()

    def explain(self) -> str:
        count = len(self.involved)
        named = f" ({', '.join(self.involved)})" if self.involved else ""
        return (f"{count} deelnemer{'' if count == 1 else 's'} involved{named}; "
                f"the criterion needs at least {_number(self.threshold)}")


@dataclass(frozen=True, slots=True)
class DisruptionBasis:
    """The expected disruption from `start` to `end` (both in the service levels' time zone),
    as long as `disruption`, against `limit`: exactly the limit does not exceed it."""

    since: Since
    start: dt.datetime
    end: dt.datetime
    disruption: dt.timedelta
    limit: dt.timedelta

    @property
    def exceeds(self) -> bool:
        return self.disruption > self.limit

    @property
    def verdict(self) -> Verdict:
        return Verdict.MET if self.exceeds else Verdict.NOT_MET

    @property
    def needs(self) -> tuple[str, ...]:
        return ()

    def span(self) -> str:
        since = "the start" if self.since is Since.START else "detection"
        return f"from {since} at {_moment(self.start)} to {_moment(self.end)}"


@dataclass(frozen=True, slots=True)
class ResponseTimeBasis(DisruptionBasis):
    """Rule `disruption-exceeds-response-time`: the disruption counted within the
    availability window, against the response time of the incident's `priority`."""

    priority: Priority

    def explain(self) -> str:
        return (f"{duration(self.disruption)} of expected disruption within the availability "
                f"window ({self.span()}) {'exceed' if self.exceeds else 'do not exceed'} the "
                f"response time of {duration(self.limit)} for {self.priority}")


@dataclass(frozen=True, slots=True)
class HoursBasis(DisruptionBasis):
    """Rule `disruption-exceeds-hours`: the disruption in real elapsed time, against the
    criterion's threshold in hours."""

    def explain(self) -> str:
        return (f"{duration(self.disruption)} of expected disruption ({self.span()}) "
                f"{'is longer' if self.exceeds else 'is not longer'} than "
                f"{duration(self.limit)}")


@dataclass(frozen=True, slots=True)
class UnknownEndBasis:
    """Either disruption rule while `facts.expected_end` is not known yet."""

    @property
    def verdict(self) -> Verdict:
        return Verdict.UNKNOWN

    @property
    def needs(self) -> tuple[str, ...]:
        return ("facts.expected_end",)

    def explain(self) -> str:
        return "facts.expected_end is not known yet"


Basis = FlagBasis | DeelnemersBasis | ResponseTimeBasis | HoursBasis | UnknownEndBasis


@dataclass(frozen=True, slots=True)
class Assessment:
    """One criterion answered: its verdict, and the facts that rested on."""

    criterion: Criterion
    level: IncidentClass
    #: The facts the verdict rests on, as data.
    basis: Basis

    @property
    def verdict(self) -> Verdict:
        return self.basis.verdict

    @property
    def grounds(self) -> str:
        """The basis in English, as `eta incident classify` prints and records it."""
        return self.basis.explain()

    @property
    def needs(self) -> tuple[str, ...]:
        """The facts (as record paths) that would answer it, when it is unknown."""
        return self.basis.needs


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

    def as_data(self) -> Classification:
        """The classification as plain data: the class, each criterion's verdict and
        grounds, the facts not yet known, and what could still raise the class."""
        raising: dict[str, list[str]] = {}
        for assessment in self.could_raise:
            raising.setdefault(str(assessment.level), []).append(assessment.criterion.id)
        return {
            "class": str(self.incident_class),
            "criteria": [{"id": a.criterion.id, "level": str(a.level), "text": a.criterion.text,
                          "verdict": str(a.verdict), "grounds": a.grounds,
                          "needs": list(a.needs)} for a in self.assessments],
            "unknown_facts": list(self.unknown_facts),
            "could_raise": [{"class": level, "criteria": ids} for level, ids in raising.items()],
        }


def involved_deelnemers(incident: Incident, deelnemer_ids: Collection[str]) -> list[str]:
    """The distinct deelnemers among the reporter and the affected parties, in order."""
    named = dict.fromkeys([incident.reporter, *incident.affected])
    return [party for party in named if party in deelnemer_ids]


def classify_by(agreements: Agreements, incident: Incident) -> Outcome:
    """`classify` by the repository's agreements: its criteria, its service levels, and its
    register's deelnemers."""
    return classify(incident, agreements.criteria, agreements.service_levels,
                    agreements.deelnemers)


def classify(
    incident: Incident,
    criteria: Criteria,
    levels: ServiceLevels,
    deelnemer_ids: Collection[str],
) -> Outcome:
    """The class of `incident` by `criteria`, with every criterion answered."""
    assessments = tuple(_assess(criterion, level, incident, levels, deelnemer_ids)
                        for level, criterion in _levelled(criteria))
    met_levels = [a.level for a in assessments if a.verdict is Verdict.MET]
    incident_class = max(met_levels, key=lambda level: level.rank,
                         default=IncidentClass.INCIDENT)
    return Outcome(incident_class, assessments)


def assess_by(agreements: Agreements, incident: Incident, only: Collection[str]
              ) -> tuple[Assessment, ...]:
    """The criteria of the agreements whose ids are in `only` answered for `incident`, as
    `classify_by` answers them, in the order of the criteria."""
    return tuple(_assess(criterion, level, incident, agreements.service_levels,
                         agreements.deelnemers)
                 for level, criterion in _levelled(agreements.criteria)
                 if criterion.id in only)


def _levelled(criteria: Criteria) -> Iterator[tuple[IncidentClass, Criterion]]:
    for level, group in ((IncidentClass.CALAMITEIT, criteria.calamiteit),
                         (IncidentClass.CRISIS, criteria.crisis)):
        for criterion in group:
            yield level, criterion


def _assess(
    criterion: Criterion,
    level: IncidentClass,
    incident: Incident,
    levels: ServiceLevels,
    deelnemer_ids: Collection[str],
) -> Assessment:
    return Assessment(criterion, level, _basis(criterion, incident, levels, deelnemer_ids))


def _basis(
    criterion: Criterion, incident: Incident, levels: ServiceLevels,
    deelnemer_ids: Collection[str],
) -> Basis:
    if criterion.rule is Rule.FLAG:
        assert criterion.fact is not None  # the model requires it for this rule
        return FlagBasis(criterion.fact, getattr(incident.facts, criterion.fact))
    if criterion.rule is Rule.MIN_DEELNEMERS:
        assert criterion.threshold is not None
        return DeelnemersBasis(tuple(involved_deelnemers(incident, deelnemer_ids)),
                               criterion.threshold)
    end = incident.facts.expected_end
    if end is None:
        return UnknownEndBasis()
    clock = clock_for(levels)
    if incident.times.started is not None:
        start, since = incident.times.started, Since.START
    else:
        start, since = incident.times.detected, Since.DETECTION
    local_start, local_end = clock.local(start), clock.local(end)
    if criterion.rule is Rule.DISRUPTION_EXCEEDS_RESPONSE_TIME:
        return ResponseTimeBasis(since, local_start, local_end,
                                 clock.availability_time(start, end),
                                 clock.response_time(incident.priority), incident.priority)
    assert criterion.threshold is not None
    return HoursBasis(since, local_start, local_end, max(end - start, dt.timedelta(0)),
                      dt.timedelta(hours=criterion.threshold))


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _moment(moment: dt.datetime) -> str:
    return shown_moment(moment)
