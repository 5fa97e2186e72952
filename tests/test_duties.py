"""Reporting duties as data: hand-computed clocks of each duty and stage, and the findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import EXAMPLES_WARNING, PROJECT, commit, run_eta
from eta.incidents.duties import StageClock, add_months, duty_clocks
from eta.models.duties import ReportingDuties, default_duties
from eta.models.incident import Incident
from eta.records.read import load_record
from eta.rules.incidents import duty_findings
from test_incident_cli import ME, changes, eta, new, path_of

AMS = ZoneInfo("Europe/Amsterdam")


def _duties() -> ReportingDuties:
    # One way to read the example agreements: as the clock tests read the service levels.
    record = load_record(PROJECT, PROJECT / "afspraken" / "reporting-duties.yaml",
                         "afspraken/reporting-duties.yaml").loaded
    assert record is not None and isinstance(record.record, ReportingDuties)
    return record.record


DUTIES = _duties()


def incident(detected: str, *, klass: str | None = None, type_: str = "verstoring",
             **extra: Any) -> Incident:
    data: dict[str, Any] = {"id": "2026-01-01-abcdef", "title": "T", "type": type_,
                            "reporter": "volmacht", "priority": "P1",
                            "times": {"detected": detected}, **extra}
    if klass is not None:
        data["classifications"] = [{"class": klass, "criteria": [], "facts": {},
                                    "at": detected, "by": "X"}]
    return Incident.model_validate(data)


def clocks(item: Incident, duties: ReportingDuties = DUTIES) -> dict[str, StageClock]:
    return {f"{c.duty.id}:{c.stage.id}": c for c in duty_clocks(item, duties, AMS)}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


BREACH: dict[str, Any] = {"facts": {"reportable_data_breach": True}}

# (what, the incident, the stage, its start, its deadline)
CLOCKS = [
    # The night of 29 March has 23 hours: 72 elapsed hours show 73 on the wall clock.
    ("data breach, aware just before the spring change",
     incident("2026-03-28T02:00:00+01:00", **BREACH,
              data_breach={"aware_at": "2026-03-28T02:30:00+01:00"}),
     "datalek:melding", "2026-03-28T02:30:00+01:00", "2026-03-31T03:30:00+02:00"),
    # The night of 25 October has 25 hours: 72 elapsed hours show 71.
    ("data breach, aware just before the autumn change",
     incident("2026-10-24T10:00:00+02:00", **BREACH,
              data_breach={"aware_at": "2026-10-24T10:00:00+02:00"}),
     "datalek:melding", "2026-10-24T10:00:00+02:00", "2026-10-27T09:00:00+01:00"),
    ("NIS2 early warning across the spring change",
     incident("2026-03-28T23:30:00+01:00", klass="crisis"),
     "nis2:vroegtijdige-waarschuwing", "2026-03-28T23:30:00+01:00",
     "2026-03-30T00:30:00+02:00"),
    ("NIS2 notification across the autumn change",
     incident("2026-10-23T16:10:00+02:00", klass="crisis"),
     "nis2:melding", "2026-10-23T16:10:00+02:00", "2026-10-26T15:10:00+01:00"),
    # A month after the notification, at the same time of day, across the spring change.
    ("NIS2 final report a month after the notification",
     incident("2026-03-09T12:00:00+01:00", klass="crisis", notifications=[
         {"duty": "nis2", "stage": "melding", "at": "2026-03-10T12:00:00+01:00"}]),
     "nis2:eindverslag", "2026-03-10T12:00:00+01:00", "2026-04-10T12:00:00+02:00"),
    ("the Beheerorganisatie by telephone, within the hour",
     incident("2026-10-25T02:30:00+02:00", klass="calamiteit"),
     "beheerorganisatie:telefonisch", "2026-10-25T02:30:00+02:00",
     "2026-10-25T02:30:00+01:00"),
]


@pytest.mark.parametrize(("what", "item", "stage", "start", "due"), CLOCKS,
                         ids=[case[0] for case in CLOCKS])
def test_each_clock(what: str, item: Incident, stage: str, start: str, due: str) -> None:
    clock = clocks(item)[stage]
    assert clock.start is not None and clock.due is not None
    assert (clock.start.astimezone(dt.UTC), clock.due.isoformat()) == (
        at(start).astimezone(dt.UTC), due)


def test_the_final_report_waits_for_the_notification() -> None:
    clock = clocks(incident("2026-03-09T12:00:00+01:00", klass="crisis"))["nis2:eindverslag"]
    assert (clock.start, clock.due) == (None, None)


@pytest.mark.parametrize(("start", "months", "due"), [
    ("2026-01-31T10:00:00+01:00", 1, "2026-02-28T10:00:00+01:00"),
    ("2026-10-26T14:00:00+01:00", 1, "2026-11-26T14:00:00+01:00"),
    ("2026-12-15T09:00:00+01:00", 1, "2027-01-15T09:00:00+01:00"),
    ("2028-01-31T23:00:00+01:00", 1, "2028-02-29T23:00:00+01:00"),
])
def test_calendar_months(start: str, months: int, due: str) -> None:
    assert add_months(at(start), months, AMS).isoformat() == due


def test_which_duties_apply() -> None:
    assert sorted(clocks(incident("2026-03-02T10:00:00+01:00"))) == []
    undecided = incident("2026-03-02T10:00:00+01:00",
                         data_breach={"aware_at": "2026-03-02T10:00:00+01:00"})
    assert [c.applies for c in clocks(undecided).values()] == [None]
    assert sorted(clocks(incident("2026-03-02T10:00:00+01:00", klass="calamiteit"))) == [
        "beheerorganisatie:telefonisch"]
    # NIS2 is for a crisis that is a verstoring or a security incident, not for fraud.
    assert sorted(clocks(incident("2026-03-02T10:00:00+01:00", klass="crisis",
                                  type_="fraude"))) == ["beheerorganisatie:telefonisch"]
    assert len(clocks(incident("2026-03-02T10:00:00+01:00", klass="crisis"))) == 4


def findings(item: Incident, now: str, duties: ReportingDuties = DUTIES) -> list[str]:
    return [f"{'.'.join(map(str, f.path))} {f.code}: {f.message}"
            for f in duty_findings(item, duties, AMS, at(now))]


LATE = incident("2026-03-28T02:00:00+01:00", **BREACH,
                data_breach={"aware_at": "2026-03-28T02:30:00+01:00",
                             "notified_at": "2026-03-31T04:00:00+02:00"})


def test_a_late_notification_without_a_reason() -> None:
    assert findings(LATE, "2026-04-01T00:00:00+02:00") == [
        "data_breach.notified_at incident.duty.late-without-reason: Meldplicht datalekken "
        "(Autoriteit Persoonsgegevens), melding (`datalek`/`melding`) was notified 0 hours 30 "
        "minutes after its deadline of 2026-03-31 03:30 CEST without a `delay_reason`; a late "
        "notification must give the reasons for the delay"]
    clock = clocks(LATE)["datalek:melding"]
    assert (clock.met, clock.late_without_reason) == (False, True)


def test_a_late_notification_with_a_reason_or_where_none_is_asked() -> None:
    with_reason = LATE.model_copy(update={"data_breach": LATE.data_breach.model_copy(  # type: ignore[union-attr]
        update={"delay_reason": "Onderzoek naar de omvang liep nog."})})
    assert findings(with_reason, "2026-04-01T00:00:00+02:00") == []
    # NIS2 asks no reason: late is shown, not an error.
    late_nis2 = incident("2026-03-09T12:00:00+01:00", klass="crisis", notifications=[
        {"duty": "nis2", "stage": "vroegtijdige-waarschuwing", "at": "2026-03-10T13:00:00+01:00"},
        {"duty": "nis2", "stage": "melding", "at": "2026-03-10T13:00:00+01:00"},
        {"duty": "nis2", "stage": "eindverslag", "at": "2026-03-11T13:00:00+01:00"},
        {"duty": "beheerorganisatie", "stage": "telefonisch", "at": "2026-03-09T12:30:00+01:00"}])
    assert findings(late_nis2, "2026-04-01T00:00:00+02:00") == []
    assert clocks(late_nis2)["nis2:vroegtijdige-waarschuwing"].met is False


def test_an_overdue_stage_and_an_undecided_duty() -> None:
    item = incident("2026-03-02T10:00:00+01:00", klass="calamiteit")
    assert findings(item, "2026-03-02T11:00:00+01:00") == []
    assert findings(item, "2026-03-02T11:00:01+01:00") == [
        "times.detected incident.duty.overdue: Telefonische melding bij de Beheerorganisatie "
        "(Beheerorganisatie (incidentmanager)), telefonische melding "
        "(`beheerorganisatie`/`telefonisch`) was due by 2026-03-02 11:00 CET (1 hour after "
        "detection at 2026-03-02 10:00 CET) and no notification is recorded"]
    undecided = incident("2026-03-02T10:00:00+01:00",
                         data_breach={"aware_at": "2026-03-02T10:00:00+01:00"})
    assert findings(undecided, "2026-03-09T00:00:00+01:00") == []


def test_a_notification_must_name_a_duty_and_stage_and_follow_its_clock() -> None:
    item = incident("2026-03-02T10:00:00+01:00", klass="crisis", notifications=[
        {"duty": "nis3", "stage": "melding", "at": "2026-03-02T11:00:00+01:00"},
        {"duty": "nis2", "stage": "eind", "at": "2026-03-02T11:00:00+01:00"},
        {"duty": "nis2", "stage": "melding", "at": "2026-03-02T09:00:00+01:00"}])
    assert findings(item, "2026-03-02T10:30:00+01:00") == [
        "notifications.0.duty incident.notification.unknown: no reporting duty `nis3` in "
        "afspraken/reporting-duties.yaml",
        "notifications.1.stage incident.notification.unknown: the duty `nis2` has no stage "
        "`eind`",
        "notifications.2 incident.times.order: Significant incident (NIS2, "
        "Cyberbeveiligingswet) (CSIRT), incidentmelding (`nis2`/`melding`) is notified before "
        "its clock started (2026-03-02 10:00 CET)"]


def test_without_a_file_of_duties_eta_keeps_the_duties_it_always_held() -> None:
    assert [d.id for d in default_duties().duties] == ["beheerorganisatie", "datalek"]
    assert findings(LATE, "2026-04-01T00:00:00+02:00", default_duties()) == findings(
        LATE, "2026-04-01T00:00:00+02:00")


def test_update_records_a_notification_by_duty_and_stage(repo: Path) -> None:
    incident_id = new(repo, "--title", "Storing", "--type", "verstoring", "--reporter",
                      "volmacht", "--detected-at", "2026-10-23T16:10", "--now",
                      "2026-10-23T16:15")
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
               "--notified-at", "2026-10-26T14:00", "--notification-reference", "CSIRT-1",
               "--now", "2026-10-26T14:05") == (
        0, f"updated incidents/{incident_id}.yaml: notifications\n", "")
    assert changes(before, path.read_text()) == [
        "+notifications:", "+  - duty: nis2", "+    stage: melding",
        "+    at: 2026-10-26T14:00:00+01:00", "+    reference: CSIRT-1"]
    middle = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
               "--delay-reason", "Pas maandag bevestigd.", "--now", "2026-10-26T14:10") == (
        0, f"updated incidents/{incident_id}.yaml: notifications[0]\n", "")
    assert changes(middle, path.read_text()) == ["+    delay_reason: Pas maandag bevestigd."]


@pytest.mark.parametrize(("options", "message"), [
    (("--notification", "nis2:eind", "--notified-at", "2026-10-26T14:00"),
     "eta: error: --notification: the duty `nis2` has no stage `eind`; its stages: "
     "vroegtijdige-waarschuwing, melding, eindverslag\n"),
    (("--notification", "nis3:melding", "--notified-at", "2026-10-26T14:00"),
     "eta: error: --notification: write the duty and its stage as DUTY:STAGE, one of "
     "beheerorganisatie:telefonisch, datalek:melding, nis2:vroegtijdige-waarschuwing, "
     "nis2:melding, nis2:eindverslag; did you mean `nis2`?\n"),
    (("--notification", "nis2:melding"), "eta: error: --notification nis2:melding: give "
     "--notified-at, when it was notified\n"),
])
def test_update_refuses_a_notification_of_no_duty(repo: Path, options: tuple[str, ...],
                                                  message: str) -> None:
    incident_id = new(repo, "--title", "Storing", "--type", "verstoring", "--reporter",
                      "volmacht", "--detected-at", "2026-10-23T16:10", "--now",
                      "2026-10-23T16:15")
    before = path_of(repo, incident_id).read_bytes()
    assert eta(repo, "incident", "update", incident_id, *options, "--now",
               "2026-10-26T15:00") == (2, "", message)
    assert path_of(repo, incident_id).read_bytes() == before


@pytest.mark.parametrize(("replace", "by", "expected"), [
    ("        after: melding\n        within_months: 1",
     "        after: eindverslag\n        within_months: 1",
     "afspraken/reporting-duties.yaml:37:5: error [record.value] `duties[2]`: stage "
     "`eindverslag` comes after `eindverslag`, which is no earlier stage of this duty"),
    ("    recipient: CSIRT\n", "    recipient: CSIRT\n    escalate_to: ministerie\n",
     "afspraken/reporting-duties.yaml:40:5: error [record.unknown-key] unknown key "
     "`escalate_to` in `duties[2]`"),
])
def test_a_file_of_duties_that_is_not_valid_is_its_own_error_alone(
    repo: Path, replace: str, by: str, expected: str
) -> None:
    """Its duties are not judged: eta's default duties would call every notification of
    the CSIRT's duty unknown."""
    path = repo / "afspraken" / "reporting-duties.yaml"
    text = path.read_text()
    assert replace in text
    path.write_text(text.replace(replace, by, 1))
    outcome = run_eta("check", "--root", str(repo), "--no-cache", "--today", "2026-12-01")
    assert outcome.exit_code == 1
    assert [line for line in outcome.stdout.splitlines()
            if not line.startswith("    hint:")] == [
        expected, EXAMPLES_WARNING.splitlines()[0],
        f"{len(list(repo.rglob('*.yaml')))} files checked: 1 error, 1 warning"]


def _storing(repo: Path) -> str:
    return new(repo, "--title", "Storing", "--type", "verstoring", "--reporter", "volmacht",
               "--detected-at", "2026-10-23T16:10", "--now", "2026-10-23T16:15")


OVERWRITE = ("; a recorded notification or outage is corrected, not overwritten: give "
             "--reason TEXT to correct it, and `corrections` keeps the value it had, with who "
             "corrected it, when and why\n")


def _base_findings(repo: Path) -> list[str]:
    """What `eta check --base HEAD` says of the change since the last commit."""
    code, out, err = eta(repo, "check", "--base", "HEAD")
    assert err == ""
    found = [line for line in out.splitlines() if " [base." in line]
    assert code == (1 if found else 0), out
    return found


def test_check_base_holds_a_recorded_notification_to_its_corrections(git_repo: Path) -> None:
    """By hand as through `eta incident update`, a notification once committed changes only
    with a correction appended in the same change, and is never removed."""
    incident_id = _storing(git_repo)
    eta(git_repo, "incident", "update", incident_id, "--notification", "nis2:melding",
        "--notified-at", "2026-10-26T14:00", "--notification-reference", "CSIRT-1",
        "--now", "2026-10-26T14:05")
    commit(git_repo, "Melding aan het CSIRT", "2026-10-26T14:10:00+01:00")
    path = path_of(git_repo, incident_id)
    recorded = path.read_text()
    file = f"incidents/{incident_id}.yaml"
    line = recorded.splitlines().index("    at: 2026-10-26T14:00:00+01:00") + 1

    path.write_text(recorded.replace("at: 2026-10-26T14:00", "at: 2026-10-26T13:00"))
    assert _base_findings(git_repo) == [
        f"{file}:{line}:9: error [base.fact.uncorrected] `notifications[0].at` was changed "
        "from 2026-10-26T14:00:00+01:00 to 2026-10-26T13:00:00+01:00 since HEAD without a "
        "correction; a recorded fact is corrected, never overwritten"]

    path.write_text(recorded.replace("  - duty: nis2\n    stage: melding\n"
                                     "    at: 2026-10-26T14:00:00+01:00\n"
                                     "    reference: CSIRT-1\n", ""))
    assert [finding.split(": ", 1)[1] for finding in _base_findings(git_repo)] == [
        "error [base.fact.uncorrected] notifications entry 1 (nis2:melding) was removed since "
        "HEAD; a recorded notification or outage is never removed"]

    path.write_text(recorded)
    assert eta(git_repo, "incident", "update", incident_id, "--notification", "nis2:melding",
               "--notified-at", "2026-10-26T13:00", "--reason",
               "Het CSIRT bevestigde de melding van 13:00.", "--now", "2026-10-26T14:20")[0] == 0
    assert _base_findings(git_repo) == []


def test_a_recorded_notification_is_corrected_with_a_reason_not_overwritten(repo: Path
                                                                            ) -> None:
    incident_id = _storing(repo)
    path = path_of(repo, incident_id)
    eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
        "--notified-at", "2026-10-26T14:00", "--notification-reference", "CSIRT-1",
        "--now", "2026-10-26T14:05")
    recorded = path.read_bytes()
    for options, field, value in [
        (("--notified-at", "2026-10-26T13:00"), "at", "2026-10-26 14:00 CET"),
        (("--notification-reference", "CSIRT-2"), "reference", "`CSIRT-1`")]:
        assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
                   *options, "--now", "2026-10-26T14:10") == (
            1, "", f"eta: error: the notification of nis2:melding: `notifications[0].{field}` "
            f"is recorded as {value}" + OVERWRITE)
        assert path.read_bytes() == recorded
    assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
               "--notified-at", "2026-10-26T13:00", "--reason",
               "Het CSIRT bevestigde de melding van 13:00.", "--now", "2026-10-26T14:10") == (
        0, f"updated incidents/{incident_id}.yaml: notifications[0], corrections\n", "")
    assert changes(recorded.decode(), path.read_text()) == [
        "-    at: 2026-10-26T14:00:00+01:00", "+    at: 2026-10-26T13:00:00+01:00",
        "+corrections:", "+  - at: 2026-10-26T14:10:00+01:00", f"+    by: {ME}",
        "+    field: notifications[0].at", "+    was: '2026-10-26T14:00:00+01:00'",
        "+    reason: Het CSIRT bevestigde de melding van 13:00."]
    # The same moment written with another offset is the value recorded: nothing to correct.
    assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
               "--notified-at", "2026-10-26T12:00Z", "--now", "2026-10-26T14:20") == (
        2, "", "eta: error: nothing to update: give at least one option (see --help)\n")
    assert eta(repo, "check", str(path), "--today", "2026-10-26") == (
        0, "1 file checked: no problems found\n", "")


def test_a_stage_recorded_as_a_field_is_written_there_alone(repo: Path) -> None:
    """One notification, one place: the telephone report is `times.phoned`, the data
    breach's notification `data_breach.notified_at`, as `eta check` reads them."""
    incident_id = _storing(repo)
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--notification",
               "beheerorganisatie:telefonisch", "--notified-at", "2026-10-23T16:20",
               "--now", "2026-10-23T16:30") == (
        0, f"updated incidents/{incident_id}.yaml: times.phoned\n", "")
    assert changes(before, path.read_text()) == ["+  phoned: 2026-10-23T16:20:00+02:00"]
    recorded = path.read_bytes()
    for options, code, message in [
        (("--notification", "beheerorganisatie:telefonisch", "--notification-reference", "T-1"),
         2, "eta: error: --notification-reference: beheerorganisatie:telefonisch is recorded "
         "as `times.phoned`, which holds the time alone\n"),
        (("--notification", "beheerorganisatie:telefonisch", "--notified-at",
          "2026-10-23T16:25"), 1, "eta: error: the notification of "
         "beheerorganisatie:telefonisch: `times.phoned` is recorded as 2026-10-23 16:20 CEST"
         + OVERWRITE),
        (("--phoned-at", "2026-10-23T16:25"), 1, "eta: error: the notification of "
         "beheerorganisatie:telefonisch: `times.phoned` is recorded as 2026-10-23 16:20 CEST"
         + OVERWRITE)]:
        assert eta(repo, "incident", "update", incident_id, *options, "--now",
                   "2026-10-23T16:40") == (code, "", message)
        assert path.read_bytes() == recorded
    eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "yes",
        "--aware-at", "2026-10-23T17:00", "--now", "2026-10-23T17:10")
    middle = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--notification", "datalek:melding",
               "--notified-at", "2026-10-24T09:00", "--notification-reference", "AP-1",
               "--now", "2026-10-24T09:10") == (
        0, f"updated incidents/{incident_id}.yaml: data_breach.notified_at, "
        "data_breach.reference\n", "")
    assert changes(middle, path.read_text()) == [
        "+  notified_at: 2026-10-24T09:00:00+02:00", "+  reference: AP-1"]
    assert "notifications:" not in path.read_text()


@pytest.mark.parametrize(("options", "problem"), [
    (("--notification", "nis2:melding", "--notified-at", "2026-10-23T16:00"),
     "Significant incident (NIS2, Cyberbeveiligingswet) (CSIRT), incidentmelding "
     "(`nis2`/`melding`) is notified before its clock started (2026-10-23 16:10 CEST)"),
    (("--notification", "nis2:eindverslag", "--notified-at", "2026-10-26T12:00"),
     "Significant incident (NIS2, Cyberbeveiligingswet) (CSIRT), eindverslag "
     "(`nis2`/`eindverslag`) is notified before its clock started (2026-10-26 13:00 CET)"),
    (("--notification", "datalek:melding", "--notified-at", "2026-10-26T15:00"),
     "Meldplicht datalekken (Autoriteit Persoonsgegevens), melding (`datalek`/`melding`) was "
     "notified 6 hours after its deadline of 2026-10-26 09:00 CET without a `delay_reason`; a "
     "late notification must give the reasons for the delay"),
], ids=["before the clock", "final report before the notification", "late without reason"])
def test_update_refuses_a_notification_the_check_would_refuse(
        repo: Path, options: tuple[str, ...], problem: str) -> None:
    incident_id = _storing(repo)
    eta(repo, "incident", "update", incident_id, "--notification", "nis2:melding",
        "--notified-at", "2026-10-26T13:00", "--reportable-data-breach", "yes", "--aware-at",
        "2026-10-23T10:00", "--now", "2026-10-26T14:00")
    path = path_of(repo, incident_id)
    before = path.read_bytes()
    assert eta(repo, "incident", "update", incident_id, *options, "--now",
               "2026-10-26T15:30") == (
        1, "", f"eta: error: the change would leave incidents/{incident_id}.yaml "
        f"contradicting itself: {problem}\n")
    assert path.read_bytes() == before


def test_a_final_report_needs_the_notification_it_follows(repo: Path) -> None:
    incident_id = _storing(repo)
    path = path_of(repo, incident_id)
    before = path.read_bytes()
    assert eta(repo, "incident", "update", incident_id, "--notification", "nis2:eindverslag",
               "--notified-at", "2026-10-26T12:00", "--now", "2026-10-26T15:30") == (
        1, "", f"eta: error: the change would leave incidents/{incident_id}.yaml "
        "contradicting itself: Significant incident (NIS2, Cyberbeveiligingswet) (CSIRT), "
        "eindverslag (`nis2`/`eindverslag`) is notified, but the stage it follows, "
        "incidentmelding (`nis2`/`melding`), has no notification (record that one first with "
        f"`eta incident update {incident_id} --notification nis2:melding --notified-at "
        "TIME`)\n")
    assert path.read_bytes() == before
    # In the future, as `eta check` judges it, and refused as the check refuses it.
    code, out, err = eta(repo, "incident", "update", incident_id, "--notification",
                         "nis2:melding", "--notified-at", "2026-10-27T12:00", "--now",
                         "2026-10-26T15:30")
    assert (code, out) == (1, "")
    assert err == (f"eta: error: the change would make incidents/{incident_id}.yaml invalid:\n"
                   f"  incidents/{incident_id}.yaml:14:9: `notifications[0].at` is "
                   "2026-10-27T12:00:00+01:00, after now (2026-10-26 15:30 CET): a fact "
                   "recorded as having happened cannot lie in the future\n")
    assert path.read_bytes() == before
