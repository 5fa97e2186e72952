"""`eta check` on incidents: the clocks they run on, and records that agree with themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES_WARNING, PROJECT, run_eta

NAME = "incidents/2026-03-02-chk001.yaml"

HEADER = """\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: 2026-03-02-chk001
title: Storing bij Sleutelbrug
type: verstoring
reporter: sleutelbrug
priority: {priority}
status: {status}
times:
  detected: {detected}
  reported: {reported}
"""

CLASSIFIED = """\
classifications:
  - class: {klass}
    criteria: [{criteria}]
    facts:
      direct_serious_hindrance: true
    at: 2026-03-02T10:30:00+01:00
    by: Sanne Verbeek <s.verbeek@beheer.example.nl>
"""

ALL_ANSWERED = """\
facts:
  expected_end: 2026-03-02T12:00:00+01:00
  direct_serious_hindrance: false
  confidentiality_integrity_impact: false
  reportable_data_breach: false
  major_image_impact: false
  political_implications: false
  fundamental_vulnerability: false
classifications:
  - class: incident
    criteria: []
    facts:
      expected_end: 2026-03-02T12:00:00+01:00
      direct_serious_hindrance: false
      confidentiality_integrity_impact: false
      reportable_data_breach: false
      major_image_impact: false
      political_implications: false
      fundamental_vulnerability: false
    at: 2026-03-02T12:30:00+01:00
    by: Sanne Verbeek <s.verbeek@beheer.example.nl>
"""

RESOLVED = "  resolved: 2026-03-02T11:30:00+01:00\n"
RESOLUTION = "resolution: Certificaat vervangen.\n"


def unclassified(deadline: str) -> str:
    """The warning of a test incident never classified, once its response time ran out at
    `deadline`: the classification is owed until the incident is closed, resolved or not,
    as the agenda lists it."""
    return (f"{NAME}:7:9: warning [incident.classification.overdue] the classification was "
            f"due when the response time ran out, at {deadline}: classify the incident (not "
            "classified yet)")


def write(repo: Path, *extra: str, priority: str = "P1", status: str = "in_progress",
          detected: str = "2026-03-02T10:00:00+01:00",
          reported: str = "2026-03-02T10:10:00+01:00") -> Path:
    path = repo / NAME
    path.parent.mkdir(exist_ok=True)
    path.write_text(HEADER.format(priority=priority, status=status, detected=detected,
                                  reported=reported) + "".join(extra))
    return path


def check(repo: Path, today: str) -> list[str]:
    """The findings about the test incident, each as its first line."""
    outcome = run_eta("check", "--root", str(repo), "--today", today, str(repo / NAME))
    lines = outcome.stdout.splitlines()
    assert outcome.exit_code == (1 if " error [" in outcome.stdout else 0), outcome.stdout
    return [line for line in lines[:-1] if not line.startswith("    hint: ")]


@pytest.mark.parametrize("today", ["2026-11-28", "2027-06-01", "2031-01-01"])
def test_the_example_incidents_owe_only_the_demo_classification_whenever_checked(
        today: str) -> None:
    # The demo incident's classification waits for a fact; it was due when the response
    # time ran out, and stays owed until it is complete (the agenda lists it too).
    incidents = sorted((PROJECT / "incidents").glob("*.yaml"))
    outcome = run_eta("check", "--root", str(PROJECT), "--today", today,
                      str(PROJECT / "incidents"))
    assert (outcome.exit_code, outcome.stdout) == (
        0, f"{EXAMPLES_WARNING}{len(incidents)} files checked: 0 errors, 1 warning\n")


# --- the response time: flagged for escalation ---------------------------------------------------

def test_response_time_exceeded_is_flagged_for_escalation(repo: Path) -> None:
    write(repo)
    assert check(repo, "2026-03-02") == []
    outcome = run_eta("check", "--root", str(repo), "--today", "2026-03-03", str(repo / NAME))
    assert (outcome.exit_code, outcome.stdout) == (0, (
        f"{NAME}:6:11: warning [incident.response-time.exceeded] not resolved within the "
        "response time of 4 hours (availability window) for P1, which ran out at 2026-03-02 "
        "14:10 CET: flagged for escalation\n"
        "    hint: the Beheerorganisatie decides whether to escalate; record the decision "
        "with `eta incident log`\n"
        f"{unclassified('2026-03-02 14:10 CET')}\n"
        "    hint: `eta incident classify 2026-03-02-chk001`\n"
        "1 file checked: 0 errors, 2 warnings\n"))


def test_the_support_clock_skips_easter(repo: Path) -> None:
    write(repo, priority="P3", detected="2026-04-02T15:30:00+02:00",
          reported="2026-04-02T16:00:00+02:00")
    assert check(repo, "2026-04-08") == []
    assert check(repo, "2026-04-09") == [
        f"{NAME}:6:11: warning [incident.response-time.exceeded] not resolved within the "
        "response time of 16 hours (support window) for P3, which ran out at 2026-04-08 "
        "16:00 CEST: flagged for escalation", unclassified("2026-04-08 16:00 CEST")]


def test_a_resolved_incident_is_no_longer_flagged_for_escalation(repo: Path) -> None:
    write(repo, "  resolved: 2026-03-02T18:00:00+01:00\n", status="resolved")
    # Resolved, it still owes its classification, which closing needs.
    assert check(repo, "2026-03-09") == [unclassified("2026-03-02 14:10 CET")]


# --- the data-breach duty ----------------------------------------------------------------------

BREACH_FACTS = "facts:\n  reportable_data_breach: true\n"
AWARE_BEFORE_THE_CHANGE = "data_breach:\n  aware_at: 2026-03-27T10:00:00+01:00\n"
RESOLVED_FRIDAY = "  resolved: 2026-03-27T12:00:00+01:00\n"
FRIDAY = {"status": "resolved", "detected": "2026-03-27T09:30:00+01:00",
          "reported": "2026-03-27T09:45:00+01:00"}
FRIDAY_UNCLASSIFIED = unclassified("2026-03-27 13:45 CET")


def test_an_overdue_data_breach_notification_is_an_error(repo: Path) -> None:
    write(repo, RESOLVED_FRIDAY, BREACH_FACTS, AWARE_BEFORE_THE_CHANGE, **FRIDAY)
    # 72 real hours end at 11:00 summer time on Monday, after the clocks went forward.
    assert check(repo, "2026-03-30") == [FRIDAY_UNCLASSIFIED]
    assert check(repo, "2026-03-31") == [
        FRIDAY_UNCLASSIFIED,
        f"{NAME}:15:13: error [incident.duty.overdue] Meldplicht datalekken (Autoriteit "
        "Persoonsgegevens), melding (`datalek`/`melding`) was due by 2026-03-30 11:00 CEST (72 "
        "hours after awareness at 2026-03-27 10:00 CET) and no notification is recorded"]


def test_a_deadline_within_the_day_is_judged_at_the_moment_given(repo: Path) -> None:
    write(repo, RESOLVED_FRIDAY, BREACH_FACTS, AWARE_BEFORE_THE_CHANGE, **FRIDAY)
    overdue = [
        FRIDAY_UNCLASSIFIED,
        f"{NAME}:15:13: error [incident.duty.overdue] Meldplicht datalekken (Autoriteit "
        "Persoonsgegevens), melding (`datalek`/`melding`) was due by 2026-03-30 11:00 CEST (72 "
        "hours after awareness at 2026-03-27 10:00 CET) and no notification is recorded"]

    def at(moment: str) -> tuple[int, list[str]]:
        outcome = run_eta("check", "--root", str(repo), "--now", moment, str(repo / NAME))
        lines = outcome.stdout.splitlines()
        return outcome.exit_code, [line for line in lines[:-1]
                                   if not line.startswith("    hint: ")]

    assert at("2026-03-30T10:59") == (0, [FRIDAY_UNCLASSIFIED])
    assert at("2026-03-30T11:00") == (0, [FRIDAY_UNCLASSIFIED])
    assert at("2026-03-30T11:30") == (1, overdue)
    assert at("2026-03-30T09:30:00Z") == (1, overdue)  # 11:30 in summer time
    # The same moment again, from the cache: not the verdict of 10:59.
    assert at("2026-03-30T10:59") == (0, [FRIDAY_UNCLASSIFIED])
    outcome = run_eta("check", "--root", str(repo), "--now", "2026-03-30T11:30", "--today",
                      "2026-03-30", str(repo / NAME))
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: give --now TIME or --today DATE, not both: --now judges at a "
        "moment, --today at the start of a day\n")
    outcome = run_eta("check", "--root", str(repo), "--now", "30-03-2026", str(repo / NAME))
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: --now: '30-03-2026' is no date and time; write it as "
        "2026-03-28T14:30 or 2026-03-28T14:30+01:00\n")


def test_a_fact_after_the_moment_given_lies_in_the_future(repo: Path) -> None:
    write(repo, RESOLVED_FRIDAY, **FRIDAY)
    outcome = run_eta("check", "--root", str(repo), "--now", "2026-03-27T11:00",
                      str(repo / NAME))
    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines()[0] == (
        f"{NAME}:11:13: error [fact.future] `times.resolved` is 2026-03-27T12:00:00+01:00, "
        "after 2026-03-27T11:00:00+01:00, the moment checked for: a fact recorded as having "
        "happened cannot lie in the future")


@pytest.mark.parametrize(("notified", "reason", "expected"), [
    ("2026-03-30T11:00:00+02:00", "", []),
    ("2026-03-30T12:00:00+02:00", "", [
        f"{NAME}:16:16: error [incident.duty.late-without-reason] Meldplicht datalekken "
        "(Autoriteit Persoonsgegevens), melding (`datalek`/`melding`) was notified 1 hour after "
        "its deadline of 2026-03-30 11:00 CEST without a `delay_reason`; a late notification "
        "must give the reasons for the delay"]),
    ("2026-03-30T12:00:00+02:00", "  delay_reason: Omvang pas maandag vastgesteld.\n", []),
    ("2026-03-27T09:00:00+01:00", "", [
        f"{NAME}:16:16: error [incident.times.order] Meldplicht datalekken (Autoriteit "
        "Persoonsgegevens), melding (`datalek`/`melding`) is notified before its clock started "
        "(2026-03-27 10:00 CET)"]),
])
def test_the_notification_must_be_timely_or_say_why_not(
        repo: Path, notified: str, reason: str, expected: list[str]) -> None:
    write(repo, RESOLVED_FRIDAY, BREACH_FACTS, AWARE_BEFORE_THE_CHANGE,
          f"  notified_at: {notified}\n", reason, **FRIDAY)
    # Judged once the notification was made: a notification still to come is no fact.
    assert check(repo, "2026-03-30") == [FRIDAY_UNCLASSIFIED, *expected]


def test_a_reportable_data_breach_needs_its_moment_of_awareness(repo: Path) -> None:
    write(repo, RESOLVED, BREACH_FACTS, status="resolved")
    assert check(repo, "2026-03-02") == [
        f"{NAME}:13:27: error [incident.data-breach.unrecorded] a reportable data breach "
        "needs `data_breach.aware_at`: the 72-hour notification deadline runs from it"]


def test_an_undecided_data_breach_is_a_warning_after_72_hours(repo: Path) -> None:
    write(repo, "  resolved: 2026-03-02T12:00:00+01:00\n",
          "data_breach:\n  aware_at: 2026-03-02T10:00:00+01:00\n", status="resolved")
    assert check(repo, "2026-03-05") == [unclassified("2026-03-02 14:10 CET")]
    assert check(repo, "2026-03-06") == [
        unclassified("2026-03-02 14:10 CET"),
        f"{NAME}:13:13: warning [incident.data-breach.undecided] 72 hours have passed since "
        "awareness of a possible data breach (2026-03-02 10:00 CET) and whether it must be "
        "reported is still not decided"]


# --- the telephone report of a calamiteit or crisis: a reporting duty ---------------------------

PHONE_OVERDUE = (
    f"{NAME}:9:13: error [incident.duty.overdue] Telefonische melding bij de Beheerorganisatie "
    "(Beheerorganisatie (incidentmanager)), telefonische melding "
    "(`beheerorganisatie`/`telefonisch`) was due by 2026-03-02 11:00 CET (1 hour after "
    "detection at 2026-03-02 10:00 CET) and no notification is recorded")


@pytest.mark.parametrize(("klass", "criteria", "phoned", "expected"), [
    ("calamiteit", "C3", "", [PHONE_OVERDUE]),
    ("crisis", "K1", "", [PHONE_OVERDUE]),
    ("calamiteit", "C3", "  phoned: 2026-03-02T10:05:00+01:00\n", []),
    # Phoned late: the report shows it; the duty asks no reason.
    ("calamiteit", "C3", "  phoned: 2026-03-02T12:05:00+01:00\n", []),
    ("incident", "", "", []),
])
def test_a_calamity_or_crisis_must_have_been_phoned_in(
        repo: Path, klass: str, criteria: str, phoned: str, expected: list[str]) -> None:
    write(repo, phoned, RESOLVED, "facts:\n  direct_serious_hindrance: true\n",
          CLASSIFIED.format(klass=klass, criteria=criteria), status="resolved")
    assert check(repo, "2026-03-02") == []
    # Its facts say more than its classification knew: it is owed again, and was due when
    # the response time ran out.
    reclassify = (f"{NAME}:7:9: warning [incident.classification.overdue] the classification "
                  "was due when the response time ran out, at 2026-03-02 14:10 CET: classify "
                  "the incident again (its facts or the criteria changed since)")
    assert check(repo, "2026-03-03") == [reclassify, *expected]


# --- a record that agrees with itself ------------------------------------------------------------

@pytest.mark.parametrize(("extra", "status", "expected"), [
    ("  resolved: 2026-03-02T09:00:00+01:00\n", "resolved", [
        f"{NAME}:11:13: error [incident.times.order] `times.resolved` lies before "
        "`times.detected`"]),
    ("  started: 2026-03-02T09:50:00+01:00\n  resolved: 2026-03-02T09:40:00+01:00\n",
     "resolved", [
        f"{NAME}:12:13: error [incident.times.order] `times.resolved` lies before "
        "`times.detected`",
        f"{NAME}:12:13: error [incident.times.order] `times.resolved` lies before "
        "`times.started`"]),
    ("  phoned: 2026-03-02T09:00:00+01:00\n", "in_progress", [
        f"{NAME}:11:11: error [incident.times.order] `times.phoned` lies before "
        "`times.detected`"]),
    ("facts:\n  expected_end: 2026-03-02T09:00:00+01:00\n", "in_progress", [
        f"{NAME}:12:17: error [incident.times.order] `facts.expected_end` lies before the "
        "disruption began"]),
    ("  resolved: 2026-03-02T12:00:00+01:00\n", "in_progress", [
        f"{NAME}:7:9: error [incident.status.inconsistent] the status is in_progress, but "
        "`times.resolved` is set"]),
    ("", "resolved", [
        f"{NAME}:8:1: error [incident.status.inconsistent] the status is resolved, but "
        "`times.resolved` is missing"]),
])
def test_inconsistent_times_and_status(repo: Path, extra: str, status: str,
                                       expected: list[str]) -> None:
    write(repo, extra, status=status)
    assert check(repo, "2026-03-02") == expected


def test_reported_before_detected(repo: Path) -> None:
    write(repo, reported="2026-03-02T09:00:00+01:00")
    assert check(repo, "2026-03-02") == [
        f"{NAME}:10:13: error [incident.times.order] `times.reported` lies before "
        "`times.detected`"]


def closed_problem(problem: str) -> str:
    return f"{NAME}:7:9: error [incident.closed.incomplete] the incident is closed, but {problem}"


@pytest.mark.parametrize(("parts", "expected"), [
    ((RESOLVED, ALL_ANSWERED, RESOLUTION), []),
    ((RESOLVED, ALL_ANSWERED), [closed_problem("it has no `resolution`")]),
    ((RESOLVED, RESOLUTION), [closed_problem("it was never classified")]),
    ((RESOLVED, ALL_ANSWERED.replace("  major_image_impact: false\n  political",
                                     "  major_image_impact: true\n  political"), RESOLUTION),
     [closed_problem("its facts changed after the last classification")]),
    ((RESOLVED, ALL_ANSWERED.replace("    by: Sanne", "    unanswered: [K4]\n    by: Sanne"),
      RESOLUTION),
     [closed_problem("its last classification left criteria unanswered: K4")]),
    ((RESOLVED, ALL_ANSWERED.replace("  reportable_data_breach: false\n  major",
                                     "  reportable_data_breach: true\n  major")
      .replace("      reportable_data_breach: false", "      reportable_data_breach: true")
      .replace("criteria: []", "criteria: [C5]").replace("class: incident", "class: calamiteit"),
      "data_breach:\n  aware_at: 2026-03-02T10:00:00+01:00\n", RESOLUTION,
      ), [
        closed_problem("it is a reportable data breach without a recorded notification "
                       "(`data_breach.notified_at`)"),
        ]),
])
def test_closing_needs_a_resolution_and_a_final_classification(
        repo: Path, parts: tuple[str, ...], expected: list[str]) -> None:
    write(repo, *parts, status="closed")
    assert check(repo, "2026-03-02") == expected
