"""The classifier: a pure function of an incident's facts and the agreed criteria."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROJECT
from eta.incidents.classify import (
    DeelnemersBasis,
    FlagBasis,
    HoursBasis,
    Outcome,
    ResponseTimeBasis,
    Since,
    UnknownEndBasis,
    classify,
    involved_deelnemers,
)
from eta.models.agreements import Criteria, Criterion, ServiceLevels
from eta.models.incident import Facts, Incident
from eta.models.party import Party, deelnemers
from eta.records.read import load_record
from eta.vocabulary import FlagFact, IncidentClass, Priority, Rule, Verdict


def _agreement(name: str) -> Any:
    result = load_record(PROJECT, PROJECT / "afspraken" / name, f"afspraken/{name}")
    assert result.loaded is not None, result.diagnostics
    return result.loaded.record


CRITERIA: Criteria = _agreement("criteria.yaml")
LEVELS: ServiceLevels = _agreement("service-levels.yaml")
PARTIES: dict[str, Party] = {
    path.stem: _agreement(f"parties/{path.name}")
    for path in sorted((PROJECT / "afspraken" / "parties").glob("*.yaml"))
}
DEELNEMERS = deelnemers(PARTIES)

#: A Monday morning in winter: the availability window is open from 06:00 to midnight.
MONDAY = dt.datetime.fromisoformat("2026-03-02T10:00:00+01:00")
ALL_NO = {name: False for name in Facts.model_fields if name != "expected_end"}


def incident(
    *,
    facts: dict[str, Any] | None = None,
    affected: tuple[str, ...] = (),
    reporter: str = "sleutelbrug",
    priority: str = "P1",
    detected: dt.datetime = MONDAY,
    started: dt.datetime | None = None,
    disruption: dt.timedelta | None = dt.timedelta(0),
) -> Incident:
    """An incident answering every criterion with no, unless told otherwise."""
    known: dict[str, Any] = dict(ALL_NO)
    if disruption is not None:
        known["expected_end"] = (started or detected) + disruption
    known.update(facts or {})
    return Incident.model_validate({
        "id": "2026-03-02-test01", "title": "Test", "type": "verstoring",
        "reporter": reporter, "affected": list(affected), "priority": priority,
        "times": {"detected": detected, **({"started": started} if started else {})},
        "facts": {key: value for key, value in known.items() if value is not None},
    })


def run(subject: Incident) -> Outcome:
    return classify(subject, CRITERIA, LEVELS, DEELNEMERS)


def met(outcome: Outcome) -> tuple[str, ...]:
    return tuple(a.criterion.id for a in outcome.met)


H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
SATURDAY_EVENING = dt.datetime.fromisoformat("2026-03-07T18:00:00+01:00")
# 48 hours of real time that are 47 or 49 hours on the wall clock: the clocks change.
OCTOBER_FRIDAY = dt.datetime.fromisoformat("2026-10-23T12:00:00+02:00")
MARCH_FRIDAY = dt.datetime.fromisoformat("2026-03-27T12:00:00+01:00")

CASES: list[tuple[str, dict[str, Any], IncidentClass, tuple[str, ...]]] = [
    ("nothing", {}, IncidentClass.INCIDENT, ()),
    # C1 alone, and its boundary: exactly the response time does not exceed it.
    ("C1 over the response time", {"disruption": 4 * H + 60 * S}, IncidentClass.CALAMITEIT,
     ("C1",)),
    ("C1 exactly at the response time", {"disruption": 4 * H}, IncidentClass.INCIDENT, ()),
    ("C1 one second over", {"disruption": 4 * H + S}, IncidentClass.CALAMITEIT, ("C1",)),
    ("C1 by priority P2", {"priority": "P2", "disruption": 6 * H}, IncidentClass.INCIDENT,
     ()),
    ("C1 for P2 over 8 hours", {"priority": "P2", "disruption": 8 * H + S},
     IncidentClass.CALAMITEIT, ("C1",)),
    # Saturday 18:00 to Sunday 08:00: 14 hours, of which 4 in the availability window.
    ("C1 counts only the availability window",
     {"started": SATURDAY_EVENING, "disruption": 14 * H}, IncidentClass.INCIDENT, ()),
    ("C1 one second into the window",
     {"started": SATURDAY_EVENING, "disruption": 14 * H + S}, IncidentClass.CALAMITEIT,
     ("C1",)),
    # C2: distinct deelnemers among reporter and affected; the Beheerorganisatie is none.
    ("C2 two deelnemers", {"affected": ("kenniskaart",)}, IncidentClass.CALAMITEIT, ("C2",)),
    ("C2 one deelnemer", {"affected": ()}, IncidentClass.INCIDENT, ()),
    ("C2 the Beheerorganisatie does not count", {"affected": ("logius",)},
     IncidentClass.INCIDENT, ()),
    ("C2 the reporter named again counts once", {"affected": ("sleutelbrug",)},
     IncidentClass.INCIDENT, ()),
    ("C2 reported by the Beheerorganisatie", {"reporter": "logius",
                                              "affected": ("grensweg", "volmacht")},
     IncidentClass.CALAMITEIT, ("C2",)),
    ("C2 BO reports for one deelnemer", {"reporter": "logius", "affected": ("grensweg",)},
     IncidentClass.INCIDENT, ()),
    ("C3 alone", {"facts": {"direct_serious_hindrance": True}}, IncidentClass.CALAMITEIT,
     ("C3",)),
    ("C4 alone", {"facts": {"confidentiality_integrity_impact": True}},
     IncidentClass.CALAMITEIT, ("C4",)),
    ("C5 alone", {"facts": {"reportable_data_breach": True}}, IncidentClass.CALAMITEIT,
     ("C5",)),
    ("K1 alone", {"facts": {"major_image_impact": True}}, IncidentClass.CRISIS, ("K1",)),
    ("K3 alone", {"facts": {"political_implications": True}}, IncidentClass.CRISIS, ("K3",)),
    ("K4 alone", {"facts": {"fundamental_vulnerability": True}}, IncidentClass.CRISIS,
     ("K4",)),
    # K2: longer than 48 hours of real time; 48 hours exactly is not longer.
    ("K2 exactly 48 hours", {"disruption": 48 * H}, IncidentClass.CALAMITEIT, ("C1",)),
    ("K2 a minute over 48 hours", {"disruption": 48 * H + 60 * S}, IncidentClass.CRISIS,
     ("C1", "K2")),
    ("K2 exactly 48 hours over the October clock change",
     {"detected": OCTOBER_FRIDAY, "disruption": 48 * H}, IncidentClass.CALAMITEIT, ("C1",)),
    ("K2 over 48 hours over the October clock change",
     {"detected": OCTOBER_FRIDAY, "disruption": 48 * H + S}, IncidentClass.CRISIS,
     ("C1", "K2")),
    ("K2 exactly 48 hours over the March clock change",
     {"detected": MARCH_FRIDAY, "disruption": 48 * H}, IncidentClass.CALAMITEIT, ("C1",)),
    # Combinations.
    ("C1, C2 and C3", {"disruption": 5 * H, "affected": ("poortwachter",),
                       "facts": {"direct_serious_hindrance": True}},
     IncidentClass.CALAMITEIT, ("C1", "C2", "C3")),
    ("C4 and C5: a data breach", {"facts": {"confidentiality_integrity_impact": True,
                                            "reportable_data_breach": True}},
     IncidentClass.CALAMITEIT, ("C4", "C5")),
    ("C4 and K4: a vulnerability", {"facts": {"confidentiality_integrity_impact": True,
                                              "fundamental_vulnerability": True}},
     IncidentClass.CRISIS, ("C4", "K4")),
    ("a crisis criterion without any calamiteit criterion",
     {"facts": {"political_implications": True}}, IncidentClass.CRISIS, ("K3",)),
    ("every criterion", {"disruption": 60 * H, "affected": ("volmacht",),
                         "facts": dict.fromkeys(ALL_NO, True)},
     IncidentClass.CRISIS, ("C1", "C2", "C3", "C4", "C5", "K1", "K2", "K3", "K4")),
]


@pytest.mark.parametrize(("case", "changes", "expected", "expected_met"), CASES,
                         ids=[case[0] for case in CASES])
def test_classification_table(case: str, changes: dict[str, Any], expected: IncidentClass,
                              expected_met: tuple[str, ...]) -> None:
    outcome = run(incident(**changes))
    assert (outcome.incident_class, met(outcome)) == (expected, expected_met)
    assert outcome.unanswered == ()
    assert outcome.unknown_facts == ()


def test_every_fact_unknown() -> None:
    outcome = run(incident(facts=dict.fromkeys(ALL_NO), disruption=None))
    assert outcome.incident_class is IncidentClass.INCIDENT
    assert [a.criterion.id for a in outcome.unanswered] == [
        "C1", "C3", "C4", "C5", "K1", "K2", "K3", "K4"]
    assert outcome.unknown_facts == (
        "facts.expected_end", "facts.direct_serious_hindrance",
        "facts.confidentiality_integrity_impact", "facts.reportable_data_breach",
        "facts.major_image_impact", "facts.political_implications",
        "facts.fundamental_vulnerability")
    # Every unanswered criterion could raise an incident.
    assert [a.criterion.id for a in outcome.could_raise] == [
        "C1", "C3", "C4", "C5", "K1", "K2", "K3", "K4"]
    # C2 rests on the parties named, which are always known.
    c2 = next(a for a in outcome.assessments if a.criterion.id == "C2")
    assert (c2.verdict, c2.grounds) == (
        Verdict.NOT_MET, "1 deelnemer involved (sleutelbrug); the criterion needs at least 2")


def test_unknown_facts_that_cannot_raise_the_class_are_named_but_not_as_raising() -> None:
    outcome = run(incident(affected=("grensweg",),
                           facts={"direct_serious_hindrance": None, "major_image_impact": None}))
    assert outcome.incident_class is IncidentClass.CALAMITEIT
    assert outcome.unknown_facts == ("facts.direct_serious_hindrance",
                                     "facts.major_image_impact")
    assert [a.criterion.id for a in outcome.could_raise] == ["K1"]


def test_an_unknown_expected_end_leaves_both_duration_criteria_open() -> None:
    outcome = run(incident(disruption=None))
    assert [(a.criterion.id, a.verdict) for a in outcome.unanswered] == [
        ("C1", Verdict.UNKNOWN), ("K2", Verdict.UNKNOWN)]
    assert outcome.unknown_facts == ("facts.expected_end",)
    assert outcome.unanswered[0].grounds == "facts.expected_end is not known yet"


def test_a_crisis_leaves_nothing_that_could_raise_it() -> None:
    outcome = run(incident(facts={"political_implications": True, "major_image_impact": None}))
    assert outcome.incident_class is IncidentClass.CRISIS
    assert outcome.unknown_facts == ("facts.major_image_impact",)
    assert outcome.could_raise == ()


def test_grounds_name_the_facts_a_criterion_rested_on() -> None:
    outcome = run(incident(started=SATURDAY_EVENING, disruption=14 * H + S,
                           affected=("logius", "grensweg"), detected=SATURDAY_EVENING + H))
    grounds = {a.criterion.id: a.grounds for a in outcome.assessments}
    assert grounds["C1"] == (
        "4 hours 0 minutes 1 second of expected disruption within the availability window "
        "(from the start at 2026-03-07 18:00 CET to 2026-03-08 08:00 CET) exceed the "
        "response time of 4 hours for P1")
    assert grounds["K2"] == (
        "14 hours 0 minutes 1 second of expected disruption (from the start at 2026-03-07 "
        "18:00 CET to 2026-03-08 08:00 CET) is not longer than 48 hours")
    assert grounds["C2"] == (
        "2 deelnemers involved (sleutelbrug, grensweg); the criterion needs at least 2")
    assert grounds["C3"] == "facts.direct_serious_hindrance is false"


def test_each_verdict_rests_on_its_facts_as_data() -> None:
    """The same case as above: the basis holds what the English grounds say."""
    outcome = run(incident(started=SATURDAY_EVENING, disruption=14 * H + S,
                           affected=("logius", "grensweg"), detected=SATURDAY_EVENING + H))
    basis = {a.criterion.id: a.basis for a in outcome.assessments}
    end = SATURDAY_EVENING + 14 * H + S
    assert basis["C1"] == ResponseTimeBasis(Since.START, SATURDAY_EVENING, end, 4 * H + S,
                                            4 * H, Priority.P1)
    assert basis["K2"] == HoursBasis(Since.START, SATURDAY_EVENING, end, 14 * H + S, 48 * H)
    assert basis["C2"] == DeelnemersBasis(("sleutelbrug", "grensweg"), 2.0)
    assert basis["C3"] == FlagBasis(FlagFact.DIRECT_SERIOUS_HINDRANCE, False)
    c1 = basis["C1"]
    assert isinstance(c1, ResponseTimeBasis)
    assert str(c1.start.tzinfo) == str(c1.end.tzinfo) == "Europe/Amsterdam"
    assert [a.verdict for a in outcome.assessments if a.criterion.id in ("C1", "K2", "C2")] == [
        Verdict.MET, Verdict.MET, Verdict.NOT_MET]

    unknown = run(incident(facts={"major_image_impact": None}, disruption=None))
    bases = {a.criterion.id: a.basis for a in unknown.assessments}
    assert bases["C1"] == bases["K2"] == UnknownEndBasis()
    assert bases["K1"] == FlagBasis(FlagFact.MAJOR_IMAGE_IMPACT, None)
    assert [(a.criterion.id, a.needs) for a in unknown.unanswered] == [
        ("C1", ("facts.expected_end",)), ("K1", ("facts.major_image_impact",)),
        ("K2", ("facts.expected_end",))]


def test_without_a_start_the_disruption_counts_from_detection() -> None:
    outcome = run(incident(disruption=5 * H))
    c1 = outcome.assessments[0]
    assert isinstance(c1.basis, ResponseTimeBasis)
    assert (c1.basis.since, c1.basis.start) == (Since.DETECTION, MONDAY)
    assert c1.grounds == (
        "5 hours of expected disruption within the availability window (from detection at "
        "2026-03-02 10:00 CET to 2026-03-02 15:00 CET) exceed the response time of 4 hours "
        "for P1")


def test_an_expected_end_before_the_start_is_no_disruption() -> None:
    outcome = run(incident(disruption=-3 * H))
    assert outcome.incident_class is IncidentClass.INCIDENT


def test_thresholds_are_data() -> None:
    """A different threshold in criteria.yaml changes the class, not the code."""
    stricter = CRITERIA.model_copy(update={"crisis": [
        c.model_copy(update={"threshold": 24.0}) if c.rule is Rule.DISRUPTION_EXCEEDS_HOURS
        else c for c in CRITERIA.crisis]})
    subject = incident(disruption=30 * H)
    assert run(subject).incident_class is IncidentClass.CALAMITEIT
    assert classify(subject, stricter, LEVELS, DEELNEMERS).incident_class is IncidentClass.CRISIS
    longer = LEVELS.model_copy(update={"response_times": {
        **LEVELS.response_times,
        Priority.P1: LEVELS.response_times[Priority.P1].model_copy(update={"hours": 6.0})}})
    assert classify(incident(disruption=5 * H), CRITERIA, longer, DEELNEMERS).met == ()


def test_deelnemers_are_the_parties_with_a_deelnemer_role() -> None:
    assert sorted(DEELNEMERS) == ["grensweg", "kenniskaart", "poortwachter", "sleutelbrug",
                                  "tokenfabriek", "volmacht"]
    subject = incident(reporter="logius", affected=("volmacht", "logius", "volmacht", "grensweg"))
    assert involved_deelnemers(subject, DEELNEMERS) == ["volmacht", "grensweg"]


# --- properties ----------------------------------------------------------------------------

ANSWER = st.sampled_from([None, True, False])
PARTY = st.sampled_from(sorted(PARTIES))


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    detected = MONDAY + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 400)))
    started = (detected - dt.timedelta(minutes=draw(st.integers(0, 600)))
               if draw(st.booleans()) else None)
    hours = draw(st.none() | st.integers(0, 60 * 80))
    return incident(
        facts={name: draw(ANSWER) for name in ALL_NO},
        affected=tuple(draw(st.lists(PARTY, max_size=4))),
        reporter=draw(PARTY),
        priority=draw(st.sampled_from(["P1", "P2", "P3", "P4"])),
        detected=detected,
        started=started,
        disruption=None if hours is None else dt.timedelta(minutes=hours),
    )


def meeting(subject: Incident, criterion: Criterion) -> Incident:
    """`subject` changed just enough to meet `criterion`."""
    if criterion.rule is Rule.FLAG:
        assert criterion.fact is not None
        facts = subject.facts.model_copy(update={criterion.fact: True})
        return subject.model_copy(update={"facts": facts})
    if criterion.rule is Rule.MIN_DEELNEMERS:
        return subject.model_copy(update={"affected": [*subject.affected, *sorted(DEELNEMERS)]})
    start = subject.times.started or subject.times.detected
    facts = subject.facts.model_copy(update={"expected_end": start + dt.timedelta(days=30)})
    return subject.model_copy(update={"facts": facts})


@settings(max_examples=300, deadline=None)
@given(incidents())
def test_meeting_one_more_criterion_never_lowers_the_class(subject: Incident) -> None:
    before = run(subject)
    for assessment in before.assessments:
        if assessment.verdict is Verdict.MET:
            continue
        after = run(meeting(subject, assessment.criterion))
        now_met = {a.criterion.id for a in after.met}
        assert assessment.criterion.id in now_met
        assert {a.criterion.id for a in before.met} <= now_met
        assert after.incident_class.rank >= before.incident_class.rank
        assert after.incident_class.rank >= assessment.level.rank


@settings(max_examples=200, deadline=None)
@given(incidents())
def test_the_class_is_the_highest_level_of_any_criterion_met(subject: Incident) -> None:
    outcome = run(subject)
    assert outcome == run(subject)  # pure: the same facts, the same answer
    levels = [a.level.rank for a in outcome.met]
    assert outcome.incident_class.rank == max(levels, default=0)
    unknown = {fact for a in outcome.unanswered for fact in a.needs}
    assert set(outcome.unknown_facts) == unknown
    assert all(a.level.rank > outcome.incident_class.rank for a in outcome.could_raise)
