"""The agenda: what each record still asks of whom, and by when."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agenda_helpers import BREACH, BREACH_RECORD, WEEKEND, WEEKEND_RECORD, add_incident
from conftest import run_eta
from eta.agenda import Agenda, AgendaItem, ItemKind, collect
from plan_helpers import example_key, replace_in, write_signature

AMS = ZoneInfo("Europe/Amsterdam")
EVERYTHING = 10_000


def rows(items: list[AgendaItem]) -> list[tuple[str, bool, str, str]]:
    """Each item as (due, overdue, id, owed by)."""
    return [(item.due.isoformat(), item.overdue, item.id, ",".join(item.parties))
            for item in items]


def item(agenda: Agenda, item_id: str) -> AgendaItem:
    found = [entry for entry in agenda.items if entry.id == item_id]
    assert len(found) == 1, [entry.id for entry in agenda.items]
    return found[0]


def ids_of(agenda: Agenda, kind: ItemKind) -> list[str]:
    return sorted(entry.id for entry in agenda.items if entry.kind is kind)


def assert_clean(root: Path, today: str, *incidents: str) -> None:
    """The incidents a test made are valid: the agenda is judged on records `eta check`
    takes. Only they are checked: the other examples record facts after `today`."""
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", today,
                      *(str(root / "incidents" / f"{incident}.yaml") for incident in incidents))
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


# -- The example records --------------------------------------------------------------------


def test_everything_the_example_records_ask(repo: Path) -> None:
    agenda = collect(repo, dt.date(2026, 11, 28))
    assert agenda.now == dt.datetime(2026, 11, 28, tzinfo=AMS)
    assert agenda.skipped == []
    assert rows(agenda.select(EVERYTHING)) == [
        ("2026-11-16T17:30:00+01:00", True, "incident/2026-11-16-q738dq/classification",
         "logius"),
        # Below its target in October, volmacht accounts for it in November.
        ("2026-11-30", False, "availability/2026-10/volmacht/machtigingenregister", "volmacht"),
        # R2026-02 is a draft: logius starts its work under the plan on 2027-01-04.
        ("2027-01-04", False, "release/R2026-02/signature/kenniskaart", "kenniskaart"),
        ("2027-01-04", False, "release/R2026-02/signature/tokenfabriek", "tokenfabriek"),
        ("2027-01-29", False, "release/R2026-01/measure/poortwachter/metadata-inlezen",
         "poortwachter"),
        ("2027-01-29", False, "release/R2026-01/measure/volmacht/metadata-inlezen", "volmacht"),
        ("2027-02-12", False, "release/R2026-01/milestone/ketentest",
         "poortwachter,sleutelbrug,volmacht"),
        ("2027-02-26", False, "release/R2026-01/deadline/maatregelen-gereed",
         "logius,poortwachter,sleutelbrug,volmacht"),
        ("2027-02-26", False, "release/R2026-01/measure/logius/communicatie", "logius"),
        ("2027-02-26", False, "release/R2026-01/measure/poortwachter/sleutelrollover",
         "poortwachter"),
        # Of items due on one day, milestones come first, then deadlines and measures.
        ("2027-03-31", False, "release/R2026-02/milestone/toetsingskader", "logius"),
        ("2027-03-31", False, "release/R2026-01/deadline/uitrol",
         "logius,poortwachter,sleutelbrug,volmacht"),
        ("2027-03-31", False, "release/R2026-02/measure/logius/toetsingskader", "logius"),
        ("2027-03-31", False, "release/R2026-03/measure/logius/toetsingskader", "logius"),
        # R2026-03 names no start of work: its first open date is logius's measure.
        ("2027-03-31", False, "release/R2026-03/signature/logius", "logius"),
        ("2027-03-31", False, "release/R2026-03/signature/poortwachter", "poortwachter"),
        ("2027-03-31", False, "release/R2026-03/signature/sleutelbrug", "sleutelbrug"),
        ("2027-06-30", False, "release/R2026-02/measure/logius/metadata", "logius"),
        ("2027-07-30", False, "release/R2026-02/measure/tokenfabriek/registratie",
         "tokenfabriek"),
        ("2027-08-31", False, "release/R2026-02/measure/grensweg/wallet-koppelvlak", "grensweg"),
        ("2027-08-31", False, "release/R2026-02/measure/kenniskaart/wallet-middel",
         "kenniskaart"),
        ("2027-09-15", False, "release/R2026-02/milestone/ketentest", "grensweg,kenniskaart"),
        ("2027-09-30", False, "release/R2026-02/deadline/implementatie-gereed",
         "logius,grensweg,kenniskaart,tokenfabriek"),
        ("2027-12-17", False, "release/R2026-03/deadline/sha1-uit",
         "logius,poortwachter,sleutelbrug"),
    ]


def test_each_item_says_what_and_where(repo: Path) -> None:
    agenda = collect(repo, dt.date(2026, 11, 28))
    said = {entry.id: (entry.what, entry.record, entry.file) for entry in agenda.items}
    assert said["release/R2026-01/measure/poortwachter/sleutelrollover"] == (
        "R2026-01 measure sleutelrollover (open): Sleutelrollover-procedure aanpassen aan de "
        "nieuwe metadata", "R2026-01", "releases/R2026-01/parties/poortwachter.yaml")
    assert said["release/R2026-01/milestone/ketentest"] == (
        "R2026-01 milestone ketentest: Ketentest met alle deelnemers afgerond", "R2026-01",
        "releases/R2026-01/plan.yaml")
    assert said["release/R2026-03/signature/sleutelbrug"] == (
        "R2026-03: sign the implementation plan; its part still lacks: impact analysis, "
        "planning, measures", "R2026-03", "releases/R2026-03/plan.yaml")
    assert said["incident/2026-11-16-q738dq/classification"] == (
        "incident 2026-11-16-q738dq: complete the classification (K1 waits for "
        "facts.major_image_impact): Phishingcampagne met nagemaakte inlogpagina van "
        "KennisKaart", "2026-11-16-q738dq", "incidents/2026-11-16-q738dq.yaml")


def test_done_work_leaves_the_agenda(repo: Path) -> None:
    agenda = collect(repo, dt.date(2026, 11, 28))
    ids = {entry.id for entry in agenda.items}
    # Done milestones and measures, and the signatures of a plan in force, are not owed.
    assert "release/R2026-01/milestone/specificatie" not in ids
    assert "release/R2026-01/measure/sleutelbrug/metadata-inlezen" not in ids
    assert ids_of(agenda, ItemKind.SIGNATURE) == [
        "release/R2026-02/signature/kenniskaart", "release/R2026-02/signature/tokenfabriek",
        "release/R2026-03/signature/logius", "release/R2026-03/signature/poortwachter",
        "release/R2026-03/signature/sleutelbrug"]
    # The closed incidents ask nothing more; their data breach was notified in time.
    assert {entry.record for entry in agenda.items if entry.id.startswith("incident/")} == {
        "2026-11-16-q738dq"}


# -- Signatures --------------------------------------------------------------------------------


def test_a_change_to_a_plan_in_force_asks_every_party_to_sign_again(repo: Path) -> None:
    replace_in(repo / "releases/R2026-01/plan.yaml", "title: Ketentest met alle deelnemers",
               "title: Ketentest met alle vier de partijen")
    agenda = collect(repo, dt.date(2026, 11, 28))
    signatures = [entry for entry in agenda.select(EVERYTHING)
                  if entry.kind is ItemKind.SIGNATURE and entry.record == "R2026-01"]
    # The work is under way: the first date still open is the measures' 2027-01-29.
    assert [(e.due, e.parties, e.file, e.what) for e in signatures] == [
        (dt.date(2027, 1, 29), (party,), f"releases/R2026-01/signatures/{party}.yaml",
         "R2026-01: sign the implementation plan again (the plan changed after it was "
         "signed)")
        for party in ("logius", "poortwachter", "sleutelbrug", "volmacht")]


def test_an_invalid_signature_is_owed_again(repo: Path) -> None:
    source = (repo / "releases/R2026-01/signatures/volmacht.yaml").read_text()
    forged = source.replace("release: R2026-01", "release: R2026-02").replace(
        "party: volmacht", "party: tokenfabriek")
    (repo / "releases/R2026-02/signatures/tokenfabriek.yaml").write_text(forged)
    entry = item(collect(repo, dt.date(2026, 11, 28)), "release/R2026-02/signature/tokenfabriek")
    assert entry.file == "releases/R2026-02/signatures/tokenfabriek.yaml"
    assert entry.what.startswith(
        "R2026-02: sign the implementation plan again (the signature is invalid: it does not "
        "verify")


def test_the_last_signatures_bring_the_plan_into_force(repo: Path) -> None:
    signed_at = dt.datetime(2026, 11, 30, 10, 0, tzinfo=AMS)
    write_signature(repo, "R2026-02", "kenniskaart", "lvisser",
                    example_key("kenniskaart", "lvisser"), signed_at)
    assert ids_of(collect(repo, dt.date(2026, 12, 1)), ItemKind.SIGNATURE) == [
        "release/R2026-02/signature/tokenfabriek", "release/R2026-03/signature/logius",
        "release/R2026-03/signature/poortwachter", "release/R2026-03/signature/sleutelbrug"]
    write_signature(repo, "R2026-02", "tokenfabriek", "nmulder",
                    example_key("tokenfabriek", "nmulder"), signed_at)
    assert ids_of(collect(repo, dt.date(2026, 12, 1)), ItemKind.SIGNATURE) == [
        "release/R2026-03/signature/logius", "release/R2026-03/signature/poortwachter",
        "release/R2026-03/signature/sleutelbrug"]


def test_a_plan_without_dates_is_signed_by_the_decision_or_else_today(repo: Path) -> None:
    plan = repo / "releases/R2026-03/plan.yaml"
    replace_in(plan, "deadlines:\n  - id: sha1-uit\n    date: 2027-12-17\n"
               "    title: Geen SHA-1 meer in het netwerk\n", "deadlines: []\n")
    replace_in(repo / "releases/R2026-03/parties/logius.yaml",
               "measures:\n  - id: toetsingskader\n    description: SHA-1 uit het "
               "toetsingskader verwijderen\n    deadline: 2027-03-31\n", "")
    entry = item(collect(repo, dt.date(2026, 11, 28)), "release/R2026-03/signature/logius")
    assert (entry.due, entry.overdue) == (dt.date(2026, 11, 10), True)
    replace_in(repo / "releases/R2026-03/release.yaml", "decided_on: 2026-11-10\n", "")
    entry = item(collect(repo, dt.date(2026, 11, 28)), "release/R2026-03/signature/logius")
    assert (entry.due, entry.overdue) == (dt.date(2026, 11, 28), False)


# -- The evaluation -------------------------------------------------------------------------


def test_the_evaluation_is_due_two_months_after_the_implementation(repo: Path) -> None:
    release = repo / "releases/R2026-01/release.yaml"
    replace_in(release, "  planned_on: 2027-03-31\n",
               "  planned_on: 2027-03-31\n  completed_on: 2027-03-31\n")
    agenda = collect(repo, dt.date(2027, 4, 1))
    entry = item(agenda, "release/R2026-01/evaluation")
    # Two calendar months after 31 March: the last day of May.
    assert (entry.due, entry.parties, entry.file, entry.overdue) == (
        dt.date(2027, 5, 31), ("logius",), "releases/R2026-01/release.yaml", False)
    assert entry.what == ("R2026-01: hold the evaluation with the implementing parties "
                          "(implementation complete on 2027-03-31)")
    # The roll-out is complete: the plan's deadlines are behind it.
    assert ids_of(agenda, ItemKind.DEADLINE) == [
        "release/R2026-02/deadline/implementatie-gereed", "release/R2026-03/deadline/sha1-uit"]
    assert item(collect(repo, dt.date(2027, 6, 1)), "release/R2026-01/evaluation").overdue
    replace_in(release, "  completed_on: 2027-03-31\n",
               "  completed_on: 2027-03-31\nevaluation:\n  held_on: 2027-05-20\n"
               "  participants: [logius, poortwachter]\n")
    assert ids_of(collect(repo, dt.date(2027, 6, 1)), ItemKind.EVALUATION) == []


# -- Incidents ------------------------------------------------------------------------------


def test_incident_deadlines_keep_their_time_zone_across_the_clock_change(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    add_incident(repo, BREACH, BREACH_RECORD)
    assert_clean(repo, "2026-10-24", WEEKEND, BREACH)
    agenda = collect(repo, dt.date(2026, 10, 24))
    incidents = [entry for entry in agenda.select(5) if entry.record in (WEEKEND, BREACH)]
    assert rows(incidents) == [
        # Reported at 18:00 CEST; 2 hours until the maintenance window at 20:00, then 6 from
        # 06:00 on Sunday, which is CET by then.
        ("2026-10-25T12:00:00+01:00", False, f"incident/{WEEKEND}/response-time",
         "volmacht,logius"),
        ("2026-10-25T12:00:00+01:00", False, f"incident/{WEEKEND}/classification", "logius"),
        # 72 real hours from 16:00 CEST on Friday: one of them is the hour the clocks repeat.
        ("2026-10-26T15:00:00+01:00", False, f"incident/{BREACH}/duty/datalek/melding",
         "tokenfabriek"),
        # P3: 16 hours of support time (working days 09:00-17:00) from Friday 16:10.
        ("2026-10-27T16:10:00+01:00", False, f"incident/{BREACH}/response-time",
         "tokenfabriek,logius"),
        ("2026-10-27T16:10:00+01:00", False, f"incident/{BREACH}/classification", "logius"),
    ]
    for entry in incidents:
        assert isinstance(entry.due, dt.datetime)
        assert entry.due.tzinfo == AMS
    assert item(agenda, f"incident/{BREACH}/duty/datalek/melding").what == (
        f"incident {BREACH}: melding to Autoriteit Persoonsgegevens (Meldplicht datalekken): "
        "Export met aanvraaggegevens naar een verkeerde ontvanger gemaild")
    assert item(agenda, f"incident/{WEEKEND}/response-time").what == (
        f"incident {WEEKEND} (P2): resolve within the response time: Machtigingenregister "
        "traag in het weekend")


def test_a_moment_is_overdue_once_it_has_passed(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    deadline = f"incident/{WEEKEND}/response-time"
    at_noon = dt.datetime(2026, 10, 25, 11, 0, tzinfo=dt.UTC)  # 12:00 CET
    assert not item(collect(repo, at_noon), deadline).overdue
    assert item(collect(repo, at_noon + dt.timedelta(minutes=1)), deadline).overdue
    # A day passes at its end: on the day itself, a measure is due, not overdue.
    measure = "release/R2026-01/measure/volmacht/metadata-inlezen"
    assert not item(collect(repo, dt.date(2027, 1, 29)), measure).overdue
    assert item(collect(repo, dt.date(2027, 1, 30)), measure).overdue


@pytest.mark.parametrize(("reportable", "notified", "expected"), [
    ("true", False, "(Meldplicht datalekken): "),
    ("null", False, "(Meldplicht datalekken) (whether the duty applies is not decided yet): "),
    ("false", False, None),
    ("true", True, None),
])
def test_a_data_breach_is_owed_until_it_is_notified(
        repo: Path, reportable: str, notified: bool, expected: str | None) -> None:
    record = BREACH_RECORD.replace("reportable_data_breach: true",
                                   f"reportable_data_breach: {reportable}")
    if notified:
        record += "  notified_at: 2026-10-26T11:00:00+01:00\n"
    add_incident(repo, BREACH, record)
    agenda = collect(repo, dt.date(2026, 10, 24))
    found = [entry for entry in agenda.items
             if entry.id == f"incident/{BREACH}/duty/datalek/melding"]
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0].what


def test_a_data_breach_notified_late_is_no_longer_owed_even_once_closed(repo: Path) -> None:
    add_incident(repo, BREACH, BREACH_RECORD.replace("status: new", "status: closed"))
    agenda = collect(repo, dt.date(2026, 11, 28))
    assert [entry.id for entry in agenda.items if entry.record == BREACH] == [
        f"incident/{BREACH}/duty/datalek/melding"]
    assert item(agenda, f"incident/{BREACH}/duty/datalek/melding").overdue


CLASSIFIED = """\
  phoned: 2026-10-24T18:05:00+02:00
facts:
  expected_end: 2026-10-24T19:00:00+02:00
  direct_serious_hindrance: false
  confidentiality_integrity_impact: false
  reportable_data_breach: false
  major_image_impact: false
  political_implications: false
  fundamental_vulnerability: false
classifications:
  - class: calamiteit
    criteria: [C2]
    grounds:
      C2: 2 deelnemers involved (volmacht, poortwachter); the criterion needs at least 2
    facts:
      expected_end: 2026-10-24T19:00:00+02:00
      direct_serious_hindrance: false
      confidentiality_integrity_impact: false
      reportable_data_breach: false
      major_image_impact: false
      political_implications: false
      fundamental_vulnerability: false
    at: 2026-10-24T18:20:00+02:00
    by: Sanne Verbeek <s.verbeek@beheer.example.nl>
"""


def classification_of(repo: Path, record: str) -> str | None:
    add_incident(repo, WEEKEND, record)
    agenda = collect(repo, dt.date(2026, 10, 24))
    found = [entry for entry in agenda.items if entry.id == f"incident/{WEEKEND}/classification"]
    return found[0].what if found else None


def test_a_final_classification_is_owed_nothing(repo: Path) -> None:
    assert classification_of(repo, WEEKEND_RECORD + CLASSIFIED) is None
    assert_clean(repo, "2026-10-24", WEEKEND)


def test_a_classification_the_facts_overtook_is_owed_again(repo: Path) -> None:
    record = WEEKEND_RECORD + CLASSIFIED.replace(
        "  direct_serious_hindrance: false\n", "  direct_serious_hindrance: true\n", 1)
    assert classification_of(repo, record) == (
        f"incident {WEEKEND}: classify the incident again (its facts or the criteria changed "
        "since): Machtigingenregister traag in het weekend")


def test_a_classification_that_leaves_criteria_open_is_owed_until_complete(repo: Path) -> None:
    record = WEEKEND_RECORD + CLASSIFIED.replace(
        "\n  political_implications: false\n", "\n").replace(
        "\n      political_implications: false\n", "\n").replace(
        "    facts:\n", "    unanswered: [K3]\n    facts:\n")
    assert classification_of(repo, record) == (
        f"incident {WEEKEND}: complete the classification (K3 waits for "
        "facts.political_implications): Machtigingenregister traag in het weekend")
    assert_clean(repo, "2026-10-24", WEEKEND)


def test_a_resolved_incident_has_no_response_time_left(repo: Path) -> None:
    record = WEEKEND_RECORD.replace("status: in_progress", "status: resolved") \
        + "  resolved: 2026-10-24T19:00:00+02:00\n"
    add_incident(repo, WEEKEND, record)
    agenda = collect(repo, dt.date(2026, 10, 24))
    assert [entry.id for entry in agenda.items if entry.record == WEEKEND] == [
        f"incident/{WEEKEND}/classification"]


# -- Who owes what, and when --------------------------------------------------------------------


def test_a_party_sees_what_it_owes(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    add_incident(repo, BREACH, BREACH_RECORD)
    agenda = collect(repo, dt.date(2026, 10, 24))
    assert [entry.id for entry in agenda.select(EVERYTHING, "volmacht")] == [
        f"incident/{WEEKEND}/response-time",
        "release/R2026-01/measure/volmacht/metadata-inlezen",
        "release/R2026-01/milestone/ketentest",
        "release/R2026-01/deadline/maatregelen-gereed",
        "release/R2026-01/deadline/uitrol",
    ]
    # An affected party owes nothing of the incident; the Beheerorganisatie classifies it
    # and decides on escalation; the reporter notifies its data breach.
    poortwachter = {entry.id for entry in agenda.select(EVERYTHING, "poortwachter")}
    assert not any(WEEKEND in entry_id for entry_id in poortwachter)
    logius = {entry.id for entry in agenda.select(EVERYTHING, "logius")}
    assert {f"incident/{WEEKEND}/response-time", f"incident/{WEEKEND}/classification",
            f"incident/{BREACH}/classification"} <= logius
    assert f"incident/{BREACH}/duty/datalek/melding" not in logius
    assert [entry.id for entry in agenda.select(EVERYTHING, "tokenfabriek")][:2] == [
        f"incident/{BREACH}/duty/datalek/melding", f"incident/{BREACH}/response-time"]
    assert agenda.select(EVERYTHING, "nobody") == []


def test_the_window_holds_the_last_day_and_everything_overdue(repo: Path) -> None:
    agenda = collect(repo, dt.date(2026, 11, 28))
    assert [entry.id for entry in agenda.select(37, "kenniskaart")] == [
        "release/R2026-02/signature/kenniskaart"]  # 2027-01-04 is day 37
    assert agenda.select(36, "kenniskaart") == []
    assert [entry.id for entry in agenda.select(0)] == [
        "incident/2026-11-16-q738dq/classification"]


def test_ids_hold_from_day_to_day_and_record_to_record(repo: Path) -> None:
    before = collect(repo, dt.date(2026, 11, 28))
    later = collect(repo, dt.date(2027, 2, 1))
    # Only October's availability is November's to account for.
    assert {entry.id for entry in before.items} == {
        entry.id for entry in later.items} | {"availability/2026-10/volmacht/machtigingenregister"}
    # Another release, listed first, and an incident change the order the records are read
    # in, and no other item.
    shutil.copytree(repo / "releases/R2026-03", repo / "releases/R2025-09")
    for path in (repo / "releases/R2025-09").rglob("*.yaml"):
        path.write_text(path.read_text().replace("R2026-03", "R2025-09"))
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    after = collect(repo, dt.date(2026, 11, 28))
    unchanged = [entry for entry in after.items if entry.record not in ("R2025-09", WEEKEND)]
    assert unchanged == before.items
    assert len({entry.id for entry in after.items}) == len(after.items)


def test_records_that_are_not_valid_are_skipped_and_named(repo: Path) -> None:
    (repo / "incidents/2026-11-16-q738dq.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/incident.schema.json\nid: [\n")
    replace_in(repo / "releases/R2026-03/plan.yaml", "date: 2027-12-17", "date: soon")
    agenda = collect(repo, dt.date(2026, 11, 28))
    assert agenda.skipped == ["releases/R2026-03/", "incidents/2026-11-16-q738dq.yaml"]
    assert {entry.record for entry in agenda.items} == {"R2026-01", "R2026-02", "2026-10"}
