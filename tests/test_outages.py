"""Outages on an incident: checked against the register and the incident's own times, set
by `eta incident update`, and a party below its target in a closed month."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES_WARNING, PROJECT, run_eta
from test_incident_checks import NAME, check, write
from test_incident_cli import ME, changes, eta, new, path_of

RESOLVED_AT_NOON = "  resolved: 2026-03-02T12:00:00+01:00\n"


def outages(*items: str) -> str:
    return "outages:\n" + "".join(items)


def item(party: str = "sleutelbrug", role: str = "herkenningsmakelaar",
         start: str = "2026-03-02T10:00:00+01:00", end: str | None = None,
         expected_end: str | None = None, state: str = "unavailable") -> str:
    text = f"  - party: {party}\n    role: {role}\n    state: {state}\n    start: {start}\n"
    if expected_end is not None:
        text += f"    expected_end: {expected_end}\n"
    if end is not None:
        text += f"    end: {end}\n"
    return text


def test_an_outage_within_the_incident_is_clean(repo: Path) -> None:
    write(repo, outages(item(end="2026-03-02T11:00:00+01:00"),
                        item(role="authenticatiedienst", state="degraded",
                             expected_end="2026-03-02T18:00:00+01:00")))
    assert check(repo, "2026-03-02") == []


@pytest.mark.parametrize(("outage", "status", "extra", "found"), [
    (item(role="machtigingenregister"), "in_progress", "", [
        f"{NAME}:13:11: error [incident.outage.role-not-held] sleutelbrug does not hold the "
        "role machtigingenregister in the register (afspraken/parties/sleutelbrug.yaml)"]),
    (item(party="nobody"), "in_progress", "", [
        f"{NAME}:12:12: error [ref.unknown-party] `outages[0].party` names party `nobody`, "
        "which does not exist"]),
    (item(start="2026-03-02T09:00:00+01:00"), "in_progress", "", [
        f"{NAME}:15:12: error [incident.outage.before-start] outage 1 starts before "
        "`times.detected` (2026-03-02T10:00:00+01:00)"]),
    (item(end="2026-03-02T10:00:00+01:00", expected_end="2026-03-02T09:59:00+01:00"),
     "in_progress", "", [
         f"{NAME}:16:19: error [incident.outage.order] `outages[0].expected_end` is not after "
         "its start",
         f"{NAME}:17:10: error [incident.outage.order] `outages[0].end` is not after its "
         "start"]),
    (item(end="2026-03-02T13:00:00+01:00"), "resolved", RESOLVED_AT_NOON, [
        f"{NAME}:17:10: error [incident.outage.after-resolved] outage 1 ends after the "
        "incident was resolved (2026-03-02T12:00:00+01:00)"]),
    (item(), "resolved", RESOLVED_AT_NOON, [
        f"{NAME}:13:5: error [incident.outage.unended] the incident is resolved, but outage 1 "
        "(sleutelbrug as herkenningsmakelaar) has no `end`"]),
], ids=["role not held", "unknown party", "before the start", "order", "after resolution",
        "unended"])
def test_an_outage_that_contradicts_the_register_or_the_incident(
        repo: Path, outage: str, status: str, extra: str, found: list[str]) -> None:
    path = write(repo, extra, outages(outage), status=status)
    if extra:
        # The resolution time belongs among the times, before the outages.
        text = path.read_text().replace(extra + "outages", "outages")
        path.write_text(text.replace("  reported: 2026-03-02T10:10:00+01:00\n",
                                     "  reported: 2026-03-02T10:10:00+01:00\n" + extra))
    assert check(repo, "2026-03-02") == found


def test_an_outage_from_before_detection_needs_the_start(repo: Path) -> None:
    write(repo, outages(item(start="2026-03-02T09:00:00+01:00")))
    outcome = run_eta("check", "--root", str(repo), "--today", "2026-03-02", str(repo / NAME))
    assert "    hint: when the disruption began before it was detected, set `times.started` " \
           "first\n" in outcome.stdout


def test_update_records_ends_and_corrects_an_outage(repo: Path) -> None:
    incident_id = new(repo, "--title", "Storing", "--type", "verstoring", "--reporter",
                      "volmacht", "--detected-at", "2026-03-02T10:00", "--now",
                      "2026-03-02T10:10")
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--outage",
               "volmacht:machtigingenregister", "--outage-started-at", "2026-03-02T10:00",
               "--outage-expected-end-at", "2026-03-02T14:00", "--now", "2026-03-02T10:20"
               ) == (0, f"updated incidents/{incident_id}.yaml: outages\n", "")
    assert changes(before, path.read_text()) == [
        "+outages:", "+  - party: volmacht", "+    role: machtigingenregister",
        "+    state: unavailable", "+    start: 2026-03-02T10:00:00+01:00",
        "+    expected_end: 2026-03-02T14:00:00+01:00"]
    middle = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--outage",
               "volmacht:machtigingenregister", "--outage-ended-at", "2026-03-02T13:10",
               "--outage-expected-end-at", "2026-03-02T13:00", "--now", "2026-03-02T13:20"
               ) == (0, f"updated incidents/{incident_id}.yaml: outages[0]\n", "")
    # The end is recorded where there was none, and the estimate changes freely.
    assert changes(middle, path.read_text()) == [
        "-    expected_end: 2026-03-02T14:00:00+01:00",
        "+    expected_end: 2026-03-02T13:00:00+01:00", "+    end: 2026-03-02T13:10:00+01:00"]
    assert eta(repo, "check", str(path), "--today", "2026-03-02") == (
        0, "1 file checked: no problems found\n", "")
    # The outage has ended: without a new start, the same one is corrected, with a reason
    # that is kept beside the value it had.
    recorded = path.read_bytes()
    assert eta(repo, "incident", "update", incident_id, "--outage",
               "volmacht:machtigingenregister", "--outage-state", "degraded", "--now",
               "2026-03-02T13:30") == (
        1, "", "eta: error: the outage of volmacht:machtigingenregister: `outages[0].state` is "
        "recorded as `unavailable`; a recorded notification or outage is corrected, not "
        "overwritten: give --reason TEXT to correct it, and `corrections` keeps the value it "
        "had, with who corrected it, when and why\n")
    assert path.read_bytes() == recorded
    assert eta(repo, "incident", "update", incident_id, "--outage",
               "volmacht:machtigingenregister", "--outage-state", "degraded", "--reason",
               "Inloggen lukte, traag.", "--now", "2026-03-02T13:30") == (
        0, f"updated incidents/{incident_id}.yaml: outages[0], corrections\n", "")
    assert changes(recorded.decode(), path.read_text()) == [
        "-    state: unavailable", "+    state: degraded", "+corrections:",
        "+  - at: 2026-03-02T13:30:00+01:00", f"+    by: {ME}",
        "+    field: outages[0].state", "+    was: unavailable",
        "+    reason: Inloggen lukte, traag."]


@pytest.mark.parametrize(("options", "message"), [
    (("--outage", "volmacht"), "eta: error: --outage: write the party and its role as "
     "PARTY:ROLE, e.g. volmacht:machtigingenregister\n"),
    (("--outage", "volmacht:bsn", "--outage-started-at", "2026-03-02T10:00"),
     "eta: error: --outage: `bsn` is no role of the framework; the roles of volmacht: "
     "machtigingenregister\n"),
    (("--outage", "volmach:machtigingenregister"), "eta: error: --outage: no party `volmach` "
     "in afspraken/parties/; did you mean `volmacht`?\n"),
    (("--outage", "volmacht:machtigingenregister"), "eta: error: --outage "
     "volmacht:machtigingenregister: the incident records no outage of volmacht as "
     "machtigingenregister; give --outage-started-at to record one\n"),
    (("--outage-ended-at", "2026-03-02T11:00"), "eta: error: --outage-ended-at needs "
     "--outage PARTY:ROLE to say whose outage\n"),
])
def test_update_refuses_a_wrong_outage(repo: Path, options: tuple[str, ...], message: str
                                       ) -> None:
    incident_id = new(repo, "--title", "Storing", "--type", "verstoring", "--reporter",
                      "volmacht", "--detected-at", "2026-03-02T10:00", "--now",
                      "2026-03-02T10:10")
    before = path_of(repo, incident_id).read_bytes()
    code, out, err = eta(repo, "incident", "update", incident_id, *options,
                         "--now", "2026-03-02T12:00")
    assert (code, out, err) == (2, "", message)
    assert path_of(repo, incident_id).read_bytes() == before


@pytest.mark.parametrize(("options", "problem"), [
    (("--outage", "volmacht:bsnk", "--outage-started-at", "2026-03-02T10:00"),
     "volmacht does not hold the role bsnk in the register (afspraken/parties/volmacht.yaml) "
     "(its roles: machtigingenregister)"),
    (("--outage", "volmacht:machtigingenregister", "--outage-started-at", "2026-03-02T09:00"),
     "outage 1 starts before `times.detected` (2026-03-02T10:00:00+01:00) (when the "
     "disruption began before it was detected, set `times.started` first)"),
    (("--outage", "volmacht:machtigingenregister", "--outage-started-at", "2026-03-02T11:00",
      "--outage-ended-at", "2026-03-02T10:30"),
     "`outages[0].end` is not after its start"),
    (("--outage", "volmacht:machtigingenregister", "--outage-started-at", "2026-03-02T11:00",
      "--outage-ended-at", "2026-03-02T11:30", "--status", "in_progress", "--started-at",
      "2026-03-02T11:40"),
     "outage 1 starts before `times.started` (2026-03-02T11:40:00+01:00)"),
], ids=["role not held", "before the detection", "end before start", "before the start"])
def test_update_refuses_an_outage_the_check_would_refuse(
        repo: Path, options: tuple[str, ...], problem: str) -> None:
    """Used right, but the record would say what `eta check` refuses: exit 1, nothing
    written."""
    incident_id = new(repo, "--title", "Storing", "--type", "verstoring", "--reporter",
                      "volmacht", "--detected-at", "2026-03-02T10:00", "--now",
                      "2026-03-02T10:10")
    before = path_of(repo, incident_id).read_bytes()
    assert eta(repo, "incident", "update", incident_id, *options, "--now",
               "2026-03-02T12:00") == (
        1, "", f"eta: error: the change would leave incidents/{incident_id}.yaml "
        f"contradicting itself: {problem}\n")
    assert path_of(repo, incident_id).read_bytes() == before


def test_a_party_below_target_in_the_month_just_ended_is_a_warning() -> None:
    outcome = run_eta("check", "--root", str(PROJECT), "--today", "2026-11-30")
    assert outcome.exit_code == 0
    lines = [line for line in outcome.stdout.splitlines() if "availability." in line]
    assert lines == [
        "afspraken/parties/volmacht.yaml:5:5: warning [availability.below-target] in 2026-10 "
        "volmacht was available 92,215% of the availability window as machtigingenregister, "
        "below the target of 99,5% (40 hours 38 minutes unavailable, 0 hours degraded; "
        "incidents 2026-10-23-w12aw6)"]
    # Once November is over, the reports say it.
    later = run_eta("check", "--root", str(PROJECT), "--today", "2026-12-01")
    assert (later.exit_code, later.stdout) == (
        0, f"{EXAMPLES_WARNING}40 files checked: 0 errors, 1 warning\n")
