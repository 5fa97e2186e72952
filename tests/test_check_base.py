"""`eta check --base REF`: the rules about a change since the merge base, on real git repositories.

Each rule has a change that breaks it and one that keeps it. The findings of other rules
(plans, incidents) are left to their own tests: here only the `base.*` findings count.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from change_helpers import FIRST_TIMELINE, INCIDENT, INCIDENT_HEAD, INCIDENT_PATH, edit, write
from conftest import EXAMPLE_KEYS, commit_without_date, git, run_eta
from plan_helpers import current_digest

RELEASE = "R2031-07"

RELEASE_YAML = f"""\
# yaml-language-server: $schema=../../schemas/release.schema.json
id: {RELEASE}
title: Nieuwe versie van het koppelvlak
framework_version: "1.14"
chain_dependencies: true
releasemanager:
  name: Femke Hoekstra
  email: f.hoekstra@beheer.example.nl
status: in_realisation
"""
PLAN_YAML = f"""\
# yaml-language-server: $schema=../../schemas/plan.schema.json
release: {RELEASE}
parties:
  - grensweg
deadlines:
  - id: live
    date: 2026-06-01
    title: In productie
"""
PLAN_PARTY_YAML = """\
# yaml-language-server: $schema=../../../schemas/plan-party.schema.json
party: grensweg
contact:
  name: NOC Grensweg
  email: noc@grensweg.example.nl
impact_analysis:
  summary: Nieuwe berichten in de eIDAS-koppeling
  level: medium
planning:
  summary: In twee sprints
  ready_on: 2026-05-01
"""
INCIDENT_YAML = INCIDENT_HEAD + """\
classifications:
  - class: incident
    criteria: []
    facts: {}
    at: 2026-03-01T09:10:00+01:00
    by: Femke Hoekstra
""" + FIRST_TIMELINE

SIGNATURE_PATH = f"releases/{RELEASE}/signatures/grensweg.yaml"


def fingerprint(public_key: Path) -> str:
    output = subprocess.run(["ssh-keygen", "-l", "-f", str(public_key)], check=True,
                            capture_output=True, text=True).stdout
    return output.split()[1]


def armored_signature(private_key: Path, message: str, workdir: Path) -> str:
    """A real SSH signature over `message`, as ssh-keygen -Y sign writes it."""
    key = workdir / private_key.name
    if not key.exists():
        shutil.copy(private_key, key)
        key.chmod(0o600)
    data = workdir / "message"
    data.write_text(message)
    subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-f", str(key), "-n", "eta-plan",
                    str(data)], check=True, capture_output=True)
    return (workdir / "message.sig").read_text()


def signature_yaml(root: Path, tmp: Path, *, representative: str, key: Path,
                   digest: str | None = None, signed_at: str = "2026-03-10T10:00:00+01:00"
                   ) -> str:
    digest = digest or current_digest(root, RELEASE)
    armored = armored_signature(key, digest, tmp)
    body = "".join(f"  {line}\n" for line in armored.splitlines())
    return (
        "# yaml-language-server: $schema=../../../schemas/signature.schema.json\n"
        f"release: {RELEASE}\nparty: grensweg\nrepresentative: {representative}\n"
        f"signed_at: {signed_at}\ndigest: {digest}\n"
        f"key: {fingerprint(key.with_name(key.name + '.pub'))}\nsignature: |\n{body}"
    )


@pytest.fixture
def records(git_repo: Path, tmp_path: Path) -> Path:
    """The example records with a release (plan signed by grensweg) and an incident."""
    write(git_repo, f"releases/{RELEASE}/release.yaml", RELEASE_YAML)
    write(git_repo, f"releases/{RELEASE}/plan.yaml", PLAN_YAML)
    write(git_repo, f"releases/{RELEASE}/parties/grensweg.yaml", PLAN_PARTY_YAML)
    write(git_repo, INCIDENT_PATH, INCIDENT_YAML)
    keys = tmp_path / "keys"
    keys.mkdir()
    write(git_repo, SIGNATURE_PATH, signature_yaml(
        git_repo, keys, representative="pmeijer", key=EXAMPLE_KEYS / "grensweg-pmeijer"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "A release and an incident")
    return git_repo


def base_findings(root: Path, *args: str, base: str = "HEAD") -> list[dict[str, Any]]:
    outcome = run_eta("check", "--base", base, "--format", "json", *args, cwd=root)
    assert outcome.exit_code in (0, 1), outcome.stderr
    found = json.loads(outcome.stdout)["diagnostics"]
    return [d for d in found if d["code"].startswith("base.")]


def codes(root: Path, *args: str, base: str = "HEAD") -> list[tuple[str, str]]:
    return [(d["file"], d["code"]) for d in base_findings(root, *args, base=base)]


def test_an_unchanged_repository_passes(records: Path) -> None:
    assert codes(records) == []


# -- records are never deleted; files are never renamed; ids never change ------------------

def test_deleting_a_record_breaks_the_rule(records: Path) -> None:
    (records / INCIDENT_PATH).unlink()
    assert base_findings(records) == [{
        "file": INCIDENT_PATH, "line": 1, "column": 1, "severity": "error",
        "code": "base.record.deleted",
        "message": f"{INCIDENT_PATH} was deleted since HEAD; records are never deleted: a "
                   "record is closed, and stays",
        "hint": f"bring it back with `git restore --source={git(records, 'rev-parse', 'HEAD')[:12]}"
                f" -- {INCIDENT_PATH}`",
    }]


def test_closing_instead_of_deleting_keeps_the_rule(records: Path) -> None:
    edit(records, INCIDENT_PATH, "status: in_progress", "status: resolved")
    assert codes(records) == []


def test_renaming_a_record_file_breaks_the_rule(records: Path) -> None:
    git(records, "mv", "afspraken/parties/volmacht.yaml", "afspraken/parties/volmacht-bv.yaml")
    edit(records, "afspraken/parties/volmacht-bv.yaml", "id: volmacht", "id: volmacht-bv")
    assert codes(records) == [("afspraken/parties/volmacht-bv.yaml", "base.record.renamed")]


def test_editing_a_record_in_place_keeps_the_rule(records: Path) -> None:
    edit(records, "afspraken/parties/volmacht.yaml", "name: ", "name: Nieuw ")
    assert codes(records) == []


def test_changing_a_record_id_breaks_the_rule(records: Path) -> None:
    edit(records, INCIDENT_PATH, f"id: {INCIDENT}", "id: 2026-03-01-zzzzzz")
    found = base_findings(records)
    assert [(d["file"], d["line"], d["code"], d["message"]) for d in found] == [
        (INCIDENT_PATH, 2, "base.record.id-changed",
         f"`id` changed from `{INCIDENT}` to `2026-03-01-zzzzzz`; a record's `id` never changes"),
    ]


def test_changing_other_fields_keeps_the_id_rule(records: Path) -> None:
    edit(records, INCIDENT_PATH, "priority: P3", "priority: P2")
    assert codes(records) == []


# -- signatures: only added; removed or replaced only when stale ---------------------------

def test_altering_a_signature_breaks_the_rule(records: Path) -> None:
    edit(records, SIGNATURE_PATH, "signed_at: 2026-03-10T10:00:00",
         "signed_at: 2026-03-09T10:00:00")
    assert codes(records) == [(SIGNATURE_PATH, "base.signature.altered")]


def test_reformatting_a_signature_keeps_the_rule(records: Path) -> None:
    edit(records, SIGNATURE_PATH, "representative: pmeijer", "representative:   pmeijer")
    assert codes(records) == []


def test_removing_a_valid_signature_breaks_the_rule(records: Path) -> None:
    (records / SIGNATURE_PATH).unlink()
    assert codes(records) == [(SIGNATURE_PATH, "base.signature.removed")]


def test_removing_a_signature_the_change_made_stale_keeps_the_rule(records: Path) -> None:
    edit(records, f"releases/{RELEASE}/plan.yaml", "title: In productie", "title: Live")
    (records / SIGNATURE_PATH).unlink()
    assert codes(records) == []


def test_replacing_a_stale_signature_by_signing_again_keeps_the_rule(
    records: Path, tmp_path: Path
) -> None:
    edit(records, f"releases/{RELEASE}/plan.yaml", "title: In productie", "title: Live")
    write(records, SIGNATURE_PATH, signature_yaml(
        records, tmp_path, representative="kbos", key=EXAMPLE_KEYS / "grensweg-kbos"))
    assert codes(records) == []


def test_replacing_a_valid_signature_breaks_the_rule(records: Path, tmp_path: Path) -> None:
    write(records, SIGNATURE_PATH, signature_yaml(
        records, tmp_path, representative="kbos", key=EXAMPLE_KEYS / "grensweg-kbos"))
    assert codes(records) == [(SIGNATURE_PATH, "base.signature.altered")]


# -- the register is read from the base ----------------------------------------------------

def new_key(tmp: Path) -> Path:
    key = tmp / "grensweg-nieuw"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "grensweg-nieuw",
                    "-f", str(key)], check=True)
    return key


def add_representative(root: Path, key: Path) -> None:
    public = key.with_name(key.name + ".pub").read_text().strip()
    path = root / "afspraken/parties/grensweg.yaml"
    path.write_text(path.read_text() + (
        "  - id: nieuw\n    name: Noor Nieuw\n    email: n.nieuw@grensweg.example.nl\n"
        f"    keys:\n      - {public}\n    valid_from: 2026-01-01\n"))


def test_a_representative_added_in_the_change_cannot_sign_in_it(
    records: Path, tmp_path: Path
) -> None:
    (records / SIGNATURE_PATH).unlink()
    git(records, "commit", "-q", "-am", "Without a signature")
    key = new_key(tmp_path)
    add_representative(records, key)
    write(records, SIGNATURE_PATH, signature_yaml(records, tmp_path, representative="nieuw",
                                                  key=key))
    found = base_findings(records)
    assert [(d["file"], d["line"], d["code"], d["message"]) for d in found] == [
        (SIGNATURE_PATH, 4, "base.signature.unregistered",
         "`nieuw` is no representative of `grensweg` in the register at the base (HEAD); the "
         "register a change is checked against is the one it starts from"),
    ]
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "Register and sign at once")
    assert codes(records, base="HEAD~1") == [(SIGNATURE_PATH, "base.signature.unregistered")]


def test_a_representative_in_the_base_register_signs(records: Path, tmp_path: Path) -> None:
    (records / SIGNATURE_PATH).unlink()
    git(records, "commit", "-q", "-am", "Without a signature")
    key = new_key(tmp_path)
    add_representative(records, key)
    git(records, "commit", "-q", "-am", "Register Noor Nieuw")
    write(records, SIGNATURE_PATH, signature_yaml(records, tmp_path, representative="nieuw",
                                                  key=key))
    assert codes(records) == []


def test_a_key_added_in_the_change_cannot_sign_in_it(records: Path, tmp_path: Path) -> None:
    (records / SIGNATURE_PATH).unlink()
    git(records, "commit", "-q", "-am", "Without a signature")
    key = new_key(tmp_path)
    public = key.with_name(key.name + ".pub").read_text().strip()
    edit(records, "afspraken/parties/grensweg.yaml", "    valid_from: 2024-04-01",
         f"      - {public}\n    valid_from: 2024-04-01")
    write(records, SIGNATURE_PATH, signature_yaml(records, tmp_path, representative="pmeijer",
                                                  key=key))
    assert [d["message"].split(" in the register")[0] for d in base_findings(records)] == [
        f"key {fingerprint(key.with_name(key.name + '.pub'))} is not registered for `pmeijer`"]


def test_an_authorisation_extended_in_the_change_does_not_cover_its_signature(
    records: Path, tmp_path: Path
) -> None:
    (records / SIGNATURE_PATH).unlink()
    edit(records, "afspraken/parties/grensweg.yaml", "    valid_from: 2024-04-01",
         "    valid_from: 2024-04-01\n    valid_until: 2026-01-31")
    git(records, "commit", "-q", "-am", "Pieter Meijer signs until February")
    edit(records, "afspraken/parties/grensweg.yaml", "valid_until: 2026-01-31",
         "valid_until: 2026-12-31")
    write(records, SIGNATURE_PATH, signature_yaml(
        records, tmp_path, representative="pmeijer", key=EXAMPLE_KEYS / "grensweg-pmeijer"))
    assert [d["message"].split(" in the register")[0] for d in base_findings(records)] == [
        "`pmeijer` is not authorised to sign for `grensweg` on 2026-03-10"]


# -- timeline and classifications are append-only -------------------------------------------

def test_editing_a_timeline_entry_breaks_the_rule(records: Path) -> None:
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen.")
    found = base_findings(records)
    assert [(d["line"], d["code"], d["message"]) for d in found] == [
        (17, "base.timeline.rewritten",
         "timeline entry 1 of `timeline` was changed; it is append-only"),
    ]


def test_a_base_commit_git_cannot_date_ends_the_check(records: Path) -> None:
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen!")
    base = commit_without_date(records, "Zonder datum")
    edit(records, INCIDENT_PATH, "Melding ontvangen!", "Melding ontvangen van Grensweg.")
    outcome = run_eta("check", "--base", "HEAD", "--changed-only", cwd=records)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (f"eta: error: commit {base[:12]} holds no valid date "
                              "('%cI'): the commit object is malformed\n")


def test_removing_a_timeline_entry_breaks_the_rule(records: Path) -> None:
    text = (records / INCIDENT_PATH).read_text()
    (records / INCIDENT_PATH).write_text(text.split("timeline:")[0])
    assert codes(records) == [(INCIDENT_PATH, "base.timeline.rewritten")]


def test_a_record_that_is_no_longer_yaml_gets_its_syntax_error_only(records: Path) -> None:
    (records / INCIDENT_PATH).write_text("id: [\n")
    outcome = run_eta("check", "--base", "HEAD", "--changed-only", "--format", "json",
                      cwd=records)
    assert [(d["file"], d["code"]) for d in json.loads(outcome.stdout)["diagnostics"]] == [
        (INCIDENT_PATH, "yaml.syntax")]


def test_appending_a_timeline_entry_keeps_the_rule(records: Path) -> None:
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write("  - at: 2026-03-01T10:00:00+01:00\n"
                     "    recorded_at: 2026-03-01T10:05:00+01:00\n    by: Femke Hoekstra\n"
                     "    text: Oorzaak gevonden.\n")
    assert codes(records) == []


def all_findings(root: Path) -> list[tuple[str, int, str, str]]:
    outcome = run_eta("check", "--base", "HEAD", "--format", "json", cwd=root)
    return [(d["file"], d["line"], d["code"], d["message"])
            for d in json.loads(outcome.stdout)["diagnostics"] if d["file"] == INCIDENT_PATH]


#: What the test incident owes once its response time has run out, whatever the change.
CLOCK_FINDINGS = {"incident.response-time.exceeded", "incident.classification.overdue"}


def test_a_timeline_entry_dated_before_the_incident_is_refused(records: Path) -> None:
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write("  - at: 2020-03-01T10:00:00+01:00\n"
                     "    recorded_at: 2026-03-02T09:30:00+01:00\n    by: Femke Hoekstra\n"
                     "    text: Al eerder gezien.\n")
    assert [finding for finding in all_findings(records)
            if finding[2] not in CLOCK_FINDINGS] == [
        (INCIDENT_PATH, 20, "incident.timeline.before-start", "timeline entry 2 is dated "
         "2020-03-01T10:00:00+01:00, before the incident began or was detected "
         "(2026-03-01T09:00:00+01:00); to log what came before, set `times.started` first"),
    ]


def test_a_downgrade_whose_reason_is_spaces_has_no_reason(records: Path) -> None:
    append_classification(records, CALAMITEIT + "    reason: Directe en ernstige hinder.\n"
                          + CALAMITEIT.replace("calamiteit", "incident").replace("[C3]", "[]")
                          + "    reason: ' '\n")
    assert [finding for finding in all_findings(records)
            if finding[2] not in CLOCK_FINDINGS] == [
        (INCIDENT_PATH, 23, "base.classification.no-reason",
         "the class changes from `calamiteit` to `incident` without a reason"),
        (INCIDENT_PATH, 29, "record.value", "`classifications[2].reason` must be a reason: "
         "text with at least one character that is not a space, not the text ' '"),
    ]


def append_entry(root: Path, entry: str) -> None:
    with (root / INCIDENT_PATH).open("a") as handle:
        handle.write(entry)


def test_an_appended_entry_says_when_it_was_written_down(records: Path) -> None:
    append_entry(records, "  - at: 2026-03-01T10:00:00+01:00\n    by: Femke Hoekstra\n"
                 "    text: Oorzaak gevonden.\n")
    assert [(d["line"], d["code"], d["message"]) for d in base_findings(records)] == [
        (20, "base.recorded-at.missing", "timeline entry 2 is appended without `recorded_at`: "
         "what a change appends says when it was written down"),
    ]


def test_an_appended_entry_written_down_long_before_the_base_is_refused(
        records: Path) -> None:
    append_entry(records, "  - at: 2026-03-01T10:00:00+01:00\n"
                 "    recorded_at: 2026-02-01T10:00:00+01:00\n    by: Femke Hoekstra\n"
                 "    text: Oorzaak gevonden.\n")
    assert [(d["line"], d["code"], d["message"]) for d in base_findings(records)] == [
        (21, "base.recorded-at.unattested", "timeline entry 2 is appended here, but its "
         "`recorded_at` is dated 2026-02-01T10:00:00+01:00, more than 14 days before the "
         "commit the change starts from (2026-03-02T10:00:00+01:00); the time something was "
         "written down is no earlier than the grace period of the agreements at the base "
         "(backdating_grace_days) allows"),
    ]


def test_the_grace_period_is_the_base_agreements(records: Path) -> None:
    edit(records, "afspraken/service-levels.yaml", "availability_targets:",
         "backdating_grace_days: 40\navailability_targets:")
    git(records, "commit", "-qam", "A longer grace period")
    append_entry(records, "  - at: 2026-03-01T10:00:00+01:00\n"
                 "    recorded_at: 2026-02-01T10:00:00+01:00\n    by: Femke Hoekstra\n"
                 "    text: Oorzaak gevonden.\n")
    assert codes(records) == []


def test_an_entry_logged_late_passes(records: Path) -> None:
    # The event comes before the last entry's; it was written down in the change.
    append_entry(records, "  - at: 2026-03-01T09:02:00+01:00\n"
                 "    recorded_at: 2026-03-02T09:30:00+01:00\n    by: Femke Hoekstra\n"
                 "    text: Eerste melding via de telefoon.\n")
    assert codes(records) == []


def test_what_the_commands_append_passes_the_base_check(records: Path) -> None:
    outcome = run_eta("incident", "log", INCIDENT, "Oorzaak gevonden.", "--at",
                      "2026-03-01T10:00", cwd=records)
    assert outcome.exit_code == 0, outcome.stderr
    assert run_eta("incident", "update", INCIDENT, "--status", "resolved", "--resolved-at",
                   "2026-03-01T12:00", cwd=records).exit_code == 0
    assert codes(records) == []


def test_rewriting_a_classification_breaks_the_rule(records: Path) -> None:
    edit(records, INCIDENT_PATH, "  - class: incident", "  - class: calamiteit")
    assert codes(records) == [(INCIDENT_PATH, "base.classifications.rewritten")]


# -- a classification that changes carries a reason; criteria come from the base ------------

def append_classification(root: Path, entry: str) -> None:
    edit(root, INCIDENT_PATH, "timeline:", entry + "timeline:")


CALAMITEIT = ("  - class: calamiteit\n    criteria: [C3]\n"
              "    facts: {direct_serious_hindrance: true}\n"
              "    at: 2026-03-01T11:00:00+01:00\n    recorded_at: 2026-03-01T11:00:00+01:00\n"
              "    by: Femke Hoekstra\n")


def test_a_class_change_without_a_reason_breaks_the_rule(records: Path) -> None:
    append_classification(records, CALAMITEIT)
    found = base_findings(records)
    assert [(d["line"], d["code"], d["message"]) for d in found] == [
        (16, "base.classification.no-reason",
         "the class changes from `incident` to `calamiteit` without a reason"),
    ]


def test_a_class_change_with_a_reason_keeps_the_rule(records: Path) -> None:
    append_classification(records, CALAMITEIT + "    reason: Directe en ernstige hinder.\n")
    assert codes(records) == []


def test_a_criterion_added_in_the_change_cannot_be_cited_in_it(records: Path) -> None:
    edit(records, "afspraken/criteria.yaml", "crisis:\n", (
        "  - id: C6\n    text: Nieuw criterium.\n    rule: flag\n"
        "    fact: political_implications\n\ncrisis:\n"))
    append_classification(records, CALAMITEIT.replace("[C3]", "[C6]")
                          + "    reason: Politieke gevolgen.\n")
    assert [(d["code"], d["message"]) for d in base_findings(records)] == [
        ("base.classification.unknown-criterion",
         "criterion `C6` is not among the criteria at the base (HEAD); criteria changed in a "
         "change apply from the next one"),
    ]


# -- closed incidents and evaluated releases change only through a reopen -------------------

def close_incident(root: Path) -> None:
    edit(root, INCIDENT_PATH, "status: in_progress", "status: closed")
    with (root / INCIDENT_PATH).open("a") as handle:
        handle.write("resolution: Certificaat vernieuwd.\n")
    git(root, "commit", "-q", "-am", "Close the incident")


REOPENING = ("reopenings:\n  - at: 2026-03-05T09:00:00+01:00\n    by: Femke Hoekstra\n"
             "    reason: De storing is terug.\n")
REOPEN_ENTRY = ("  - at: 2026-03-05T09:00:00+01:00\n    recorded_at: 2026-03-05T09:00:00+01:00\n"
                "    by: Femke Hoekstra\n    text: Status closed -> in_progress. De storing is "
                "terug.\n")


def reopen_incident(root: Path, status: str = "in_progress") -> None:
    """The incident as `eta incident update --status in_progress --reason` reopens it."""
    edit(root, INCIDENT_PATH, "status: closed", f"status: {status}")
    edit(root, INCIDENT_PATH, "resolution:", REOPEN_ENTRY + "resolution:")
    with (root / INCIDENT_PATH).open("a") as handle:
        handle.write(REOPENING)


def test_editing_a_closed_incident_breaks_the_rule(records: Path) -> None:
    close_incident(records)
    edit(records, INCIDENT_PATH, "resolution: Certificaat vernieuwd.", "resolution: Opgelost.")
    assert [(d["line"], d["code"], d["message"], d["hint"]) for d in base_findings(records)] == [
        (7, "base.incident.closed-edited", "the incident was closed at the base and is edited "
         "here without being reopened", f"reopen it with `eta incident update {INCIDENT} "
         "--status in_progress --reason TEXT`, which records who reopened it, when and why"),
    ]


def test_reopening_a_closed_incident_without_recording_it_breaks_the_rule(
        records: Path) -> None:
    close_incident(records)
    edit(records, INCIDENT_PATH, "status: closed", "status: in_progress")
    edit(records, INCIDENT_PATH, "resolution:", REOPEN_ENTRY + "resolution:")
    assert codes(records) == [(INCIDENT_PATH, "base.incident.closed-edited")]


def test_a_recorded_reopen_opens_a_closed_incident(records: Path) -> None:
    close_incident(records)
    reopen_incident(records)
    edit(records, INCIDENT_PATH, "priority: P3", "priority: P2")
    assert codes(records) == []


def test_a_closed_incident_reopened_and_resolved_again_in_one_change_passes(
        records: Path) -> None:
    close_incident(records)
    reopen_incident(records, status="resolved")
    edit(records, INCIDENT_PATH, "  detected: 2026-03-01T09:00:00+01:00",
         "  detected: 2026-03-01T09:00:00+01:00\n  resolved: 2026-03-05T12:00:00+01:00")
    assert codes(records) == []


def test_reopening_a_closed_incident_to_new_breaks_the_lifecycle(records: Path) -> None:
    close_incident(records)
    reopen_incident(records, status="new")
    assert [(d["line"], d["code"], d["message"]) for d in base_findings(records)] == [
        (7, "base.status.illegal-move", "the status goes from `closed` to `new`, which no "
         "moves of the incident's lifecycle lead to (new -> in_progress; in_progress -> "
         "resolved; resolved -> closed or in_progress; closed -> in_progress)"),
    ]


def test_a_status_that_goes_back_breaks_the_lifecycle(records: Path) -> None:
    edit(records, INCIDENT_PATH, "status: in_progress", "status: new")
    edit(records, f"releases/{RELEASE}/release.yaml", "status: in_realisation", "status: draft")
    assert [(d["file"], d["code"], d["message"].split(",")[0]) for d in base_findings(records)] == [
        (INCIDENT_PATH, "base.status.illegal-move",
         "the status goes from `in_progress` to `new`"),
        (f"releases/{RELEASE}/release.yaml", "base.status.illegal-move",
         "the status goes from `in_realisation` to `draft`"),
    ]


def test_several_moves_of_the_lifecycle_in_one_change_pass(records: Path) -> None:
    edit(records, INCIDENT_PATH, "status: in_progress", "status: closed")
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write("resolution: Certificaat vernieuwd.\n")
    assert codes(records) == []


def evaluate_release(root: Path) -> None:
    edit(root, f"releases/{RELEASE}/release.yaml", "status: in_realisation", (
        "status: evaluated\nrollout:\n  completed_on: 2026-06-01\n"
        "evaluation:\n  held_on: 2026-07-01\n  participants: [logius, grensweg]\n"))
    git(root, "commit", "-q", "-am", "Evaluate the release")


RELEASE_REOPENING = ("reopenings:\n  - at: 2026-07-10T09:00:00+02:00\n"
                     "    by: Femke Hoekstra\n    reason: De ketentest wordt overgedaan.\n")


def reopen_release(root: Path, status: str = "rolled_out") -> None:
    """The release as `eta release reopen` reopens it, its status then set to `status`."""
    edit(root, f"releases/{RELEASE}/release.yaml", "status: evaluated", f"status: {status}")
    with (root / f"releases/{RELEASE}/release.yaml").open("a") as handle:
        handle.write(RELEASE_REOPENING)


def test_editing_an_evaluated_release_breaks_the_rule(records: Path) -> None:
    evaluate_release(records)
    edit(records, f"releases/{RELEASE}/parties/grensweg.yaml", "In twee sprints",
         "In drie sprints")
    edit(records, f"releases/{RELEASE}/release.yaml", "title: Nieuwe", "title: Andere")
    assert codes(records) == [
        (f"releases/{RELEASE}/parties/grensweg.yaml", "base.release.evaluated-edited"),
        (f"releases/{RELEASE}/release.yaml", "base.release.evaluated-edited"),
    ]


def test_an_evaluated_release_is_protected_while_its_release_yaml_stays(
        records: Path, tmp_path: Path) -> None:
    evaluate_release(records)
    edit(records, f"releases/{RELEASE}/plan.yaml", "title: In productie", "title: Live")
    edit(records, f"releases/{RELEASE}/parties/grensweg.yaml", "In twee sprints",
         "In drie sprints")
    (records / SIGNATURE_PATH).unlink()
    found = base_findings(records)
    assert [(d["file"], d["line"], d["code"], d["message"], d["hint"]) for d in found
            if d["code"] == "base.release.evaluated-edited"] == [
        (f"releases/{RELEASE}/parties/grensweg.yaml", 2, "base.release.evaluated-edited",
         f"release `{RELEASE}` was evaluated at the base; its files change only when the "
         "release is reopened", f"reopen it with `eta release reopen {RELEASE} --reason "
         "TEXT`, which records who reopened it, when and why"),
        (f"releases/{RELEASE}/plan.yaml", 2, "base.release.evaluated-edited",
         f"release `{RELEASE}` was evaluated at the base; its files change only when the "
         "release is reopened", f"reopen it with `eta release reopen {RELEASE} --reason "
         "TEXT`, which records who reopened it, when and why"),
        (SIGNATURE_PATH, 1, "base.release.evaluated-edited",
         f"release `{RELEASE}` was evaluated at the base; its files change only when the "
         "release is reopened", f"reopen it with `eta release reopen {RELEASE} --reason "
         "TEXT`, which records who reopened it, when and why"),
    ]


def test_a_status_set_back_without_a_recorded_reopen_does_not_open_a_release(
        records: Path) -> None:
    evaluate_release(records)
    edit(records, f"releases/{RELEASE}/release.yaml", "status: evaluated", "status: rolled_out")
    edit(records, f"releases/{RELEASE}/parties/grensweg.yaml", "In twee sprints",
         "In drie sprints")
    assert codes(records) == [
        (f"releases/{RELEASE}/parties/grensweg.yaml", "base.release.evaluated-edited"),
        (f"releases/{RELEASE}/release.yaml", "base.release.evaluated-edited"),
    ]


def test_a_recorded_reopen_opens_an_evaluated_release(records: Path) -> None:
    evaluate_release(records)
    reopen_release(records)
    edit(records, f"releases/{RELEASE}/parties/grensweg.yaml", "In twee sprints",
         "In drie sprints")
    assert codes(records) == []


def test_a_reopened_release_evaluated_again_in_the_same_change_passes(records: Path) -> None:
    evaluate_release(records)
    reopen_release(records, status="evaluated")
    edit(records, f"releases/{RELEASE}/release.yaml", "  held_on: 2026-07-01",
         "  held_on: 2026-07-20")
    assert codes(records) == []


def test_a_recorded_reopen_is_history_too(records: Path) -> None:
    evaluate_release(records)
    reopen_release(records)
    git(records, "commit", "-q", "-am", "Reopen")
    edit(records, f"releases/{RELEASE}/release.yaml", "De ketentest wordt overgedaan.",
         "Zomaar.")
    assert codes(records) == [
        (f"releases/{RELEASE}/release.yaml", "base.reopenings.rewritten")]


# -- a release in force or later keeps its chain dependencies -----------------------------

def test_flipping_the_chain_dependencies_of_a_release_in_force_breaks_the_rule(
        records: Path) -> None:
    edit(records, f"releases/{RELEASE}/release.yaml", "chain_dependencies: true",
         "chain_dependencies: false")
    assert base_findings(records) == [{
        "file": f"releases/{RELEASE}/release.yaml", "line": 5, "column": 21,
        "severity": "error", "code": "base.release.chain-dependencies-changed",
        "message": "`chain_dependencies` changed from `true` to `false` on a release that is "
                   "in_realisation; whether a release needs a plan signed by every party is "
                   "agreed, and does not change once it is in force",
        "hint": "set it back to `true`",
    }]


def test_flipping_chain_dependencies_while_going_back_to_draft_breaks_the_rule(
        records: Path) -> None:
    edit(records, "releases/R2026-01/release.yaml", "status: in_realisation",
         "status: in_force")
    git(records, "commit", "-qam", "R2026-01 back in force")
    edit(records, "releases/R2026-01/release.yaml", "chain_dependencies: true",
         "chain_dependencies: false")
    edit(records, "releases/R2026-01/release.yaml", "status: in_force", "status: draft")
    # Going back to draft is no move of the lifecycle either.
    assert codes(records) == [
        ("releases/R2026-01/release.yaml", "base.release.chain-dependencies-changed"),
        ("releases/R2026-01/release.yaml", "base.status.illegal-move")]


def test_flipping_the_chain_dependencies_of_a_draft_keeps_the_rule(records: Path) -> None:
    edit(records, "releases/R2026-03/release.yaml", "chain_dependencies: true",
         "chain_dependencies: false")
    assert codes(records) == []


# -- --changed-only, branches, paths ------------------------------------------------------

def test_changed_only_checks_the_changed_records_and_what_they_refer_to(records: Path) -> None:
    edit(records, INCIDENT_PATH, "priority: P3", "priority: P2")
    outcome = run_eta("check", "--base", "HEAD", "--changed-only", "--format", "json",
                      cwd=records)
    # The incident and the party it names.
    assert json.loads(outcome.stdout)["files"] == 2
    everything = run_eta("check", "--base", "HEAD", "--format", "json", cwd=records)
    assert json.loads(everything.stdout)["files"] > 2


def test_changed_only_with_nothing_changed_checks_nothing(records: Path) -> None:
    outcome = run_eta("check", "--base", "HEAD", "--changed-only", cwd=records)
    assert (outcome.exit_code, outcome.stdout) == (0, "0 files checked: no problems found\n")


def test_changed_only_brings_the_whole_release_folder(records: Path) -> None:
    edit(records, f"releases/{RELEASE}/plan.yaml", "title: In productie", "title: Live")
    outcome = run_eta("check", "--base", "HEAD", "--changed-only", "--format", "json",
                      cwd=records)
    # release, plan, the party's part, its signature, and the party the plan names.
    assert json.loads(outcome.stdout)["files"] == 5


def test_changed_only_needs_base(records: Path) -> None:
    outcome = run_eta("check", "--changed-only", cwd=records)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: --changed-only needs --base REF: the change is taken from its merge "
           "base\n")


def test_the_base_is_the_merge_base_not_the_tip_of_the_branch(records: Path) -> None:
    git(records, "checkout", "-q", "-b", "feature")
    append = ("  - at: 2026-03-02T09:00:00+01:00\n    recorded_at: 2026-03-02T09:00:00+01:00\n"
              "    by: Femke Hoekstra\n    text: Verder.\n")
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write(append)
    git(records, "commit", "-q", "-am", "Log progress")
    git(records, "checkout", "-q", "main")
    write(records, "incidents/2026-03-02-abcdef.yaml", INCIDENT_YAML.replace(
        INCIDENT, "2026-03-02-abcdef"))
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "Another incident on main")
    git(records, "checkout", "-q", "feature")
    # Compared with main's tip the new incident looks deleted; from the merge base it is not.
    assert codes(records, base="main") == []
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen.")
    assert codes(records, base="main") == [(INCIDENT_PATH, "base.timeline.rewritten")]


def test_findings_are_limited_to_the_given_paths(records: Path) -> None:
    (records / "afspraken/parties/volmacht.yaml").unlink()
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen.")
    assert codes(records, "incidents") == [(INCIDENT_PATH, "base.timeline.rewritten")]


# -- git as the user finds it --------------------------------------------------------------

@pytest.mark.parametrize("ref", ["--output=x", "-n1", "HEAD --", "main\nHEAD"])
def test_a_ref_git_could_read_as_an_option_is_refused(records: Path, ref: str) -> None:
    outcome = run_eta("check", "--base", ref, cwd=records)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.startswith("eta: error: ")
    assert "is not a git revision" in outcome.stderr
    assert not (records / "x").exists()


def test_the_output_option_as_ref_is_refused_with_a_clear_message(records: Path) -> None:
    outcome = run_eta("check", "--base=--output=x", cwd=records)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: `--output=x` is not a git revision: a revision never starts with "
           "`-`\n")


def test_an_unknown_ref_is_refused(records: Path) -> None:
    outcome = run_eta("check", "--base", "origin/main", cwd=records)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: `origin/main` names no commit in this repository\n")


def test_outside_git_base_says_so_and_plain_check_still_works(repo: Path) -> None:
    outcome = run_eta("check", "--base", "main", cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: {repo} is not in a git repository: eta check --base needs git\n")
    assert run_eta("check", cwd=repo).exit_code == 0


def test_a_shallow_clone_says_that_history_is_needed(records: Path, tmp_path: Path) -> None:
    git(records, "commit", "-q", "--allow-empty", "-m", "One more")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{records}", str(clone))
    outcome = run_eta("check", "--base", "HEAD", cwd=clone)
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "eta: error: this is a shallow clone: eta check --base needs the repository's "
        "history. Fetch it with `git fetch --unshallow`; in GitHub Actions give "
        "actions/checkout `fetch-depth: 0`\n")


def test_git_dir_and_work_tree_are_read_from_the_folder_eta_starts_in(records: Path) -> None:
    # git reads GIT_DIR and GIT_WORK_TREE from where it starts, GIT_INDEX_FILE from the top.
    (records / INCIDENT_PATH).unlink()
    outcome = run_eta("check", "--base", "HEAD", "--format", "json", cwd=records / "incidents",
                      env={"GIT_DIR": "../.git", "GIT_WORK_TREE": "..",
                           "GIT_INDEX_FILE": ".git/index"})
    found = json.loads(outcome.stdout)["diagnostics"]
    assert [d["code"] for d in found if d["code"].startswith("base.")] == [
        "base.record.deleted"]


def test_git_dir_without_a_work_tree_makes_the_folder_the_work_tree_as_for_git(
        records: Path) -> None:
    # git takes the folder it starts in as the working tree when GIT_DIR alone is set.
    outcome = run_eta("check", "--base", "HEAD", cwd=records / "incidents",
                      env={"GIT_DIR": "../.git"})
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: {records} lies outside the git working tree at "
           f"{records / 'incidents'}\n")


def test_a_git_dir_that_leads_nowhere_is_refused(records: Path) -> None:
    outcome = run_eta("check", "--base", "HEAD", cwd=records, env={"GIT_DIR": "nowhere"})
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: git finds no repository where its environment points "
           "(GIT_DIR=nowhere): fatal: not a git repository: 'nowhere'\n")


HOOK_FROM_A_SUBFOLDER = f"""#!/bin/sh
echo "index: $GIT_INDEX_FILE"
cd incidents && exec {sys.executable} -m eta check --base HEAD .
"""


def test_a_hook_that_runs_eta_from_a_subfolder_reads_git_s_relative_index(
        records: Path) -> None:
    hook = records / ".git/hooks/pre-commit"
    hook.write_text(HOOK_FROM_A_SUBFOLDER)
    hook.chmod(0o755)
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write("  - at: 2026-03-02T09:00:00+01:00\n"
                     "    recorded_at: 2026-03-02T09:00:00+01:00\n    by: Femke Hoekstra\n"
                     "    text: Verder.\n")
    git(records, "add", INCIDENT_PATH)
    accepted = subprocess.run(["git", "commit", "-q", "-m", "Log progress"],
                              cwd=records / "incidents", capture_output=True, text=True)
    # git names the index relative to the top of the working tree, not to the hook's folder.
    assert accepted.stderr.splitlines()[0] == "index: .git/index"
    assert (accepted.returncode, "base." in accepted.stderr) == (0, False), accepted.stderr
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen.")
    git(records, "add", INCIDENT_PATH)
    refused = subprocess.run(["git", "commit", "-q", "-m", "Rewrite"],
                             cwd=records / "incidents", capture_output=True, text=True)
    assert refused.returncode == 1
    assert [line for line in refused.stderr.splitlines() if "[base." in line] == [
        f"{INCIDENT_PATH}:17:5: error [base.timeline.rewritten] timeline entry 1 of "
        "`timeline` was changed; it is append-only"]


def test_a_real_pre_commit_hook_refuses_a_rewritten_timeline(records: Path) -> None:
    hook = records / ".git/hooks/pre-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -m eta check --base HEAD\n")
    hook.chmod(0o755)
    edit(records, INCIDENT_PATH, "Melding ontvangen van Grensweg.", "Melding ontvangen.")
    refused = subprocess.run(["git", "commit", "-q", "-am", "Rewrite"], cwd=records,
                             capture_output=True, text=True)
    assert refused.returncode != 0
    # git hands a hook's output to standard error.
    assert "base.timeline.rewritten" in refused.stderr
    edit(records, INCIDENT_PATH, "Melding ontvangen.", "Melding ontvangen van Grensweg.")
    with (records / INCIDENT_PATH).open("a") as handle:
        handle.write("  - at: 2026-03-02T09:00:00+01:00\n"
                     "    recorded_at: 2026-03-02T09:00:00+01:00\n    by: Femke Hoekstra\n"
                     "    text: Verder.\n")
    accepted = subprocess.run(["git", "commit", "-q", "-am", "Log progress"], cwd=records,
                              capture_output=True, text=True)
    assert "base." not in accepted.stderr


# -- only real files -----------------------------------------------------------------------

def link_signatures_folder(root: Path, tmp: Path) -> Path:
    """A representative added in the change signs in a folder outside the repository, which
    the release's `signatures` folder links to."""
    (root / SIGNATURE_PATH).unlink()
    git(root, "commit", "-q", "-am", "Without a signature")
    key = new_key(tmp)
    add_representative(root, key)
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "grensweg.yaml").write_text(signature_yaml(root, tmp, representative="nieuw",
                                                          key=key))
    folder = root / f"releases/{RELEASE}/signatures"
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    return folder


def test_a_signature_through_a_linked_folder_is_refused_and_never_read(
    records: Path, tmp_path: Path
) -> None:
    link = "releases/R2031-07/signatures"
    link_signatures_folder(records, tmp_path)
    refused = (link, 1, 1, "file.symlink", "a symbolic link; eta reads only real files inside "
               "the repository and never follows a link")
    for args in ([], ["--changed-only"]):
        outcome = run_eta("check", "--base", "HEAD", "--format", "json", *args, cwd=records)
        assert outcome.exit_code == 1
        found = [(d["file"], d["line"], d["column"], d["code"], d["message"])
                 for d in json.loads(outcome.stdout)["diagnostics"]]
        assert refused in found
        # The signature behind the link counts for nothing: the plan is not in force.
        assert ("releases/R2031-07/release.yaml", "plan.not-in-force",
                "the release is in_realisation, but the plan is not in force: grensweg has "
                "not signed the plan") in [(d[0], d[3], d[4]) for d in found]
        assert not [d for d in found if d[0].startswith(link + "/")]
    git(records, "add", "-A")
    git(records, "commit", "-q", "-m", "Register and sign through a link")
    # git holds the link (mode 120000): the change is refused once, by git and the tree.
    outcome = run_eta("check", "--base", "HEAD~1", "--changed-only", "--format", "json",
                      cwd=records)
    found = [(d["file"], d["line"], d["column"], d["code"], d["message"])
             for d in json.loads(outcome.stdout)["diagnostics"]]
    assert (outcome.exit_code, found.count(refused)) == (1, 1)
