"""`eta incident`: new, classify, log, update and list, through the real command line."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import git, run_eta
from eta.incidents.state import new_incident_id

ME = "Femke Hoekstra <f.hoekstra@beheer.example.nl>"
DEMO = "2026-11-16-q738dq"
ID = re.compile(r"(\S+)\n")


def new(repo: Path, *options: str) -> str:
    """File an incident in `repo`; its id."""
    outcome = run_eta("incident", "new", "--root", str(repo), *options)
    assert outcome.exit_code == 0, outcome.stderr
    found = ID.fullmatch(outcome.stdout)
    assert found is not None, outcome.stdout
    assert outcome.stderr == f"eta: created incidents/{found[1]}.yaml\n"
    return found[1]


STORING = ("--title", "Inloggen via Sleutelbrug mislukt", "--type", "verstoring",
           "--reporter", "sleutelbrug", "--affected", "kenniskaart", "--priority", "P1",
           "--detected-at", "2026-03-02T10:00", "--now", "2026-03-02T10:10")


def path_of(repo: Path, incident_id: str) -> Path:
    return repo / "incidents" / f"{incident_id}.yaml"


def changes(before: str, after: str) -> list[str]:
    """The lines a change took away (-) and added (+)."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def eta(repo: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(repo))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def snapshot(repo: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((repo / "incidents").glob("*"))}


# --- eta incident new ----------------------------------------------------------------------------

def test_new_records_the_incident(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    assert re.fullmatch(r"2026-03-02-[0-9a-hjkmnp-tv-z]{6}", incident_id)
    assert path_of(repo, incident_id).read_text() == f"""\
# yaml-language-server: $schema=../schemas/incident.schema.json
id: {incident_id}
title: Inloggen via Sleutelbrug mislukt
type: verstoring
reporter: sleutelbrug
affected:
  - kenniskaart
priority: P1
status: new
times:
  detected: 2026-03-02T10:00:00+01:00
  reported: 2026-03-02T10:10:00+01:00
"""
    assert eta(repo, "check", str(path_of(repo, incident_id)), "--today", "2026-03-02") == (
        0, "1 file checked: no problems found\n", "")


def test_new_without_a_detection_time_was_detected_when_reported(repo: Path) -> None:
    incident_id = new(repo, "--title", "Verdachte aanvraag", "--type", "fraude",
                      "--reporter", "kenniskaart", "--now", "2026-07-01T14:00:00+02:00")
    text = path_of(repo, incident_id).read_text()
    assert incident_id.startswith("2026-07-01-")
    assert "priority: P3\n" in text
    assert ("times:\n  detected: 2026-07-01T14:00:00+02:00\n"
            "  reported: 2026-07-01T14:00:00+02:00\n") in text


def test_the_id_carries_the_day_of_detection_in_the_agreements_time_zone(repo: Path) -> None:
    # 23:30 UTC on 1 July is already 2 July in Amsterdam.
    incident_id = new(repo, "--title", "Nachtelijke storing", "--type", "verstoring",
                      "--reporter", "grensweg", "--detected-at", "2026-07-01T23:30:00+00:00",
                      "--now", "2026-07-02T02:00")
    assert incident_id.startswith("2026-07-02-")


@pytest.mark.parametrize(("options", "message"), [
    (("--reporter", "sleutelbrug", "--title", "  "),
     "--title is empty; say in one line what happened"),
    (("--reporter", "sleutelbrg"),
     "--reporter: no party `sleutelbrg` in afspraken/parties/; did you mean `sleutelbrug`?"),
    (("--reporter", "sleutelbrug", "--affected", "grensweg,volmact"),
     "--affected: no party `volmact` in afspraken/parties/; did you mean `volmacht`?"),
    (("--reporter", "sleutelbrug", "--affected", "grensweg,,volmacht"),
     "--affected: give party ids separated by commas, e.g. grensweg,volmacht"),
    (("--reporter", "sleutelbrug", "--detected-at", "2026-03-02T11:00"),
     "--detected-at: 2026-03-02 11:00 CET lies after the moment of reporting, "
     "2026-03-02 10:10 CET"),
    (("--reporter", "sleutelbrug", "--detected-at", "2026-03-02"),
     "--detected-at: '2026-03-02' has no time of day; write it as 2026-03-28T14:30 or "
     "2026-03-28T14:30+01:00"),
    (("--reporter", "sleutelbrug", "--detected-at", "gisteren 10:00"),
     "--detected-at: 'gisteren 10:00' is no date and time; write it as 2026-03-28T14:30 or "
     "2026-03-28T14:30+01:00"),
    (("--reporter", "sleutelbrug", "--now", "2026-03-29T02:30"),
     "--now: 2026-03-29T02:30 does not exist in Europe/Amsterdam: the clocks skip that hour "
     "for daylight saving time"),
    (("--reporter", "sleutelbrug", "--now", "2026-10-25T02:30"),
     "--now: 2026-10-25T02:30 happens twice in Europe/Amsterdam: the clocks go back that "
     "night; give the UTC offset: 2026-10-25T02:30+02:00 or 2026-10-25T02:30+01:00"),
])
def test_new_refuses_what_it_cannot_record(repo: Path, options: tuple[str, ...],
                                           message: str) -> None:
    before = snapshot(repo)
    defaults = {"--now": "2026-03-02T10:10"}
    given = dict(zip(options[::2], options[1::2], strict=True))
    args = ["--title", "Storing", "--type", "verstoring",
            *[item for key, value in {**defaults, **given}.items() for item in (key, value)]]
    assert eta(repo, "incident", "new", *args) == (2, "", f"eta: error: {message}\n")
    assert snapshot(repo) == before


def test_new_ids_retry_until_free(monkeypatch: pytest.MonkeyPatch) -> None:
    letters = iter("aaaaaa" "aaaaaa" "bbbbbb")
    monkeypatch.setattr("eta.incidents.state.secrets.choice", lambda alphabet: next(letters))
    day = new_incident_id.__globals__["dt"].date(2026, 3, 2)
    assert new_incident_id(day, lambda name: name.endswith("aaaaaa")) == "2026-03-02-bbbbbb"


def test_two_people_filing_on_two_branches_at_once_merge_without_a_conflict(
        git_repo: Path) -> None:
    same = ("--title", "Storing machtigingen", "--type", "verstoring", "--reporter", "volmacht",
            "--detected-at", "2026-03-02T09:00", "--now", "2026-03-02T09:05")
    ids = []
    for person in ("anna", "bram"):
        git(git_repo, "switch", "-q", "-c", person, "main")
        ids.append(new(git_repo, *same))
        git(git_repo, "add", "incidents")
        git(git_repo, "commit", "-q", "-m", f"Incident filed by {person}")
    assert ids[0] != ids[1]
    git(git_repo, "switch", "-q", "main")
    git(git_repo, "merge", "-q", "--no-edit", "anna")
    git(git_repo, "merge", "-q", "--no-edit", "bram")
    assert git(git_repo, "status", "--porcelain") == ""
    files = sorted(path.name for path in (git_repo / "incidents").glob("2026-03-02-*.yaml"))
    assert files == sorted(f"{incident_id}.yaml" for incident_id in ids)
    assert eta(git_repo, "check", *(str(path_of(git_repo, i)) for i in ids),
               "--today", "2026-03-02")[:2] == (0, "2 files checked: no problems found\n")


# --- eta incident classify ----------------------------------------------------------------------

def test_classify_records_the_class_with_its_grounds(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    path = path_of(repo, incident_id)
    before = path.read_text()
    code, out, err = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:30")
    assert (code, err) == (0, "")
    assert out == f"""\
{incident_id}: calamiteit
  Inloggen via Sleutelbrug mislukt

Criteria met:
  C2  met      "Betrokkenheid van tenminste twee deelnemers."
      2 deelnemers involved (sleutelbrug, kenniskaart); the criterion needs at least 2

Facts not yet known: facts.expected_end, facts.direct_serious_hindrance, \
facts.confidentiality_integrity_impact, facts.reportable_data_breach, facts.major_image_impact, \
facts.political_implications, facts.fundamental_vulnerability
Could still raise the class to crisis: K1, K2, K3, K4
recorded as classification 1 in incidents/{incident_id}.yaml
"""
    assert changes(before, path.read_text()) == [
        "+classifications:",
        "+  - class: calamiteit",
        "+    criteria: [C2]",
        "+    grounds:",
        "+      C2: 2 deelnemers involved (sleutelbrug, kenniskaart); the criterion needs at "
        "least 2",
        "+    unanswered: [C1, C3, C4, C5, K1, K2, K3, K4]",
        "+    facts: {}",
        "+    at: 2026-03-02T10:30:00+01:00",
        "+    recorded_at: 2026-03-02T10:30:00+01:00",
        f"+    by: {ME}",
    ]


def test_a_moment_given_in_utc_is_judged_and_written_in_the_agreements_time_zone(repo: Path
                                                                                ) -> None:
    incident_id = new(repo, *STORING)
    path = path_of(repo, incident_id)
    before = path.read_text()
    code, _, err = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T09:30Z")
    assert (code, err) == (0, "")
    assert [line for line in changes(before, path.read_text()) if "at:" in line] == [
        "+    at: 2026-03-02T10:30:00+01:00", "+    recorded_at: 2026-03-02T10:30:00+01:00"]
    # Every command that judges at a moment names it as the agenda does.
    for command in (("incident", "list"), ("incident", "show", incident_id), ("agenda",)):
        code, out, err = eta(repo, *command, "--format", "json", "--now", "2026-03-02T09:45Z")
        assert (code, err, json.loads(out)["now"]) == (0, "", "2026-03-02T10:45:00+01:00")


def test_classifying_again_without_news_writes_nothing(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:30")
    before = snapshot(repo)
    code, out, _ = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T11:00")
    assert code == 0
    assert out.endswith(f"unchanged since the classification of 2026-03-02 10:30 CET by {ME}; "
                        "nothing written\n")
    assert snapshot(repo) == before


def test_a_raised_class_says_which_criteria_raised_it(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:30")
    eta(repo, "incident", "update", incident_id, "--fundamental-vulnerability", "yes",
        "--now", "2026-03-02T10:40")
    code, out, _ = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:45")
    assert code == 0
    assert out.splitlines()[0] == f"{incident_id}: crisis"
    assert out.splitlines()[-1] == (f"recorded as classification 2 in incidents/{incident_id}"
                                    ".yaml: raised from calamiteit to crisis: K4 met")
    assert "    reason: 'raised from calamiteit to crisis: K4 met'\n" in \
        path_of(repo, incident_id).read_text()


def facing_a_downgrade(repo: Path) -> str:
    """An incident classified as calamiteit whose facts now make it an incident; its id."""
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:30")
    # Kenniskaart turns out not to be involved: only one deelnemer is left.
    eta(repo, "incident", "update", incident_id, "--affected", "logius",
        "--now", "2026-03-02T10:40")
    return incident_id


def test_a_downgrade_needs_a_reason(repo: Path) -> None:
    incident_id = facing_a_downgrade(repo)
    before = snapshot(repo)
    assert eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:45") == (
        1, "", "eta: error: the class would go down from calamiteit to incident (C2 no longer "
        "met); a downgrade needs --reason\n")
    assert snapshot(repo) == before
    path = path_of(repo, incident_id)
    code, out, _ = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:45",
                       "--reason", "Kenniskaart bleek niet geraakt.")
    assert code == 0
    assert out.splitlines()[-1] == (f"recorded as classification 2 in incidents/{incident_id}"
                                    ".yaml: Kenniskaart bleek niet geraakt.")
    assert changes(before[path.name].decode(), path.read_text())[-5:] == [
        "+    facts: {}",
        "+    at: 2026-03-02T10:45:00+01:00",
        "+    recorded_at: 2026-03-02T10:45:00+01:00",
        f"+    by: {ME}",
        "+    reason: Kenniskaart bleek niet geraakt.",
    ]


def test_classify_explains_every_criterion_in_the_frameworks_words(repo: Path) -> None:
    code, out, err = eta(repo, "incident", "classify", DEMO, "--explain")
    assert (code, err) == (0, "")
    assert out == f"""\
{DEMO}: calamiteit
  Phishingcampagne met nagemaakte inlogpagina van KennisKaart

Calamiteit: any one of these criteria makes it a calamiteit.
  C1  not met  "Verwachte verstoringsduur overstijgt de afgesproken responsetijden binnen het \
beschikbaarheidsvenster."
      0 hours of expected disruption within the availability window (from detection at \
2026-11-16 09:12 CET to 2026-11-16 09:12 CET) do not exceed the response time of 8 hours for P2
  C2  met      "Betrokkenheid van tenminste twee deelnemers."
      2 deelnemers involved (kenniskaart, poortwachter); the criterion needs at least 2
  C3  not met  "Directe en ernstige hinder."
      facts.direct_serious_hindrance is false
  C4  met      "Impact op vertrouwelijkheid en integriteit."
      facts.confidentiality_integrity_impact is true
  C5  not met  "Meldplichtig datalek als bedoeld in de Meldplicht datalekken."
      facts.reportable_data_breach is false

Crisis: any one of these criteria makes it a crisis.
  K1  unknown  "De calamiteit heeft een grote impact op de uitstraling/imago van eHerkenning en \
het vertrouwen van bedrijven en overheidsdienstverleners in het stelsel."
      facts.major_image_impact is not known yet
  K2  not met  "De verwachte verstoring, i.e. het niet beschikbaar zijn van het systeem, duurt \
langer dan 48 uur."
      0 hours of expected disruption (from detection at 2026-11-16 09:12 CET to 2026-11-16 \
09:12 CET) is not longer than 48 hours
  K3  not met  "Er is sprake van politieke besluitvorming of implicaties."
      facts.political_implications is false
  K4  not met  "Er is sprake van een fundamentele juridische of technische kwetsbaarheid."
      facts.fundamental_vulnerability is false

Facts not yet known: facts.major_image_impact
Could still raise the class to crisis: K1

Reporting duties:
  beheerorganisatie:telefonisch  Telefonische melding to Beheerorganisatie (incidentmanager)
      due 2026-11-16 10:12 CET; notified 2026-11-16 09:40 CET: met
unchanged since the classification of 2026-11-16 12:05 CET by Sanne Verbeek \
<s.verbeek@beheer.example.nl>; nothing written
"""


def test_classify_without_any_criterion_met(repo: Path) -> None:
    incident_id = new(repo, "--title", "Trage respons", "--type", "verstoring", "--reporter",
                      "grensweg", "--priority", "P2", "--detected-at", "2026-03-02T10:00",
                      "--now", "2026-03-02T10:05")
    eta(repo, "incident", "update", incident_id, "--expected-end-at", "2026-03-02T11:00",
        "--direct-serious-hindrance", "no", "--confidentiality-integrity-impact", "no",
        "--reportable-data-breach", "no", "--major-image-impact", "no",
        "--political-implications", "no", "--fundamental-vulnerability", "no",
        "--now", "2026-03-02T10:10")
    code, out, _ = eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:15")
    assert (code, out) == (0, f"""\
{incident_id}: incident
  Trage respons

No criterion of a calamiteit or a crisis is met.

Facts not yet known: none
No unanswered criterion could raise the class.
recorded as classification 1 in incidents/{incident_id}.yaml
""")


def test_classify_refuses_an_unknown_or_broken_incident(repo: Path) -> None:
    assert eta(repo, "incident", "classify", "2026-11-16-q738dg") == (
        2, "", "eta: error: no incident `2026-11-16-q738dg` (incidents/2026-11-16-q738dg.yaml "
        f"does not exist); did you mean `{DEMO}`?\n")
    broken = path_of(repo, "2026-03-02-broken")
    broken.write_text("# yaml-language-server: $schema=../schemas/incident.schema.json\n"
                      "id: 2026-03-02-broken\ntitle: x\n")
    assert eta(repo, "incident", "classify", "2026-03-02-broken") == (
        2, "", "eta: error: incidents/2026-03-02-broken.yaml is not a valid incident; run "
        "`eta check incidents/2026-03-02-broken.yaml`\n")


def test_classify_needs_to_know_who_classifies(repo: Path, tmp_path: Path) -> None:
    incident_id = new(repo, *STORING)
    before = snapshot(repo)
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    outcome = run_eta("incident", "classify", incident_id, "--root", str(repo),
                      env={"GIT_CONFIG_GLOBAL": str(empty)})
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: git config user.name is not set: eta records who did this; set it "
        "with `git config user.name ...`\n")
    assert snapshot(repo) == before


# --- eta incident log -----------------------------------------------------------------------------

def test_log_appends_to_the_timeline(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "log", incident_id, "Leverancier gebeld; monteur onderweg.",
               "--at", "2026-03-02T11:00", "--now", "2026-03-02T11:02") == (
        0, f"logged in incidents/{incident_id}.yaml at 2026-03-02 11:00 CET\n", "")
    middle = path.read_text()
    assert changes(before, middle) == [
        "+timeline:",
        "+  - at: 2026-03-02T11:00:00+01:00",
        "+    recorded_at: 2026-03-02T11:02:00+01:00",
        f"+    by: {ME}",
        "+    text: Leverancier gebeld; monteur onderweg.",
    ]
    eta(repo, "incident", "log", incident_id, "Monteur ter plaatse.", "--at",
        "2026-03-02T12:15:00+01:00", "--now", "2026-03-02T12:15")
    assert changes(middle, path.read_text()) == [
        "+  - at: 2026-03-02T12:15:00+01:00",
        "+    recorded_at: 2026-03-02T12:15:00+01:00",
        f"+    by: {ME}",
        "+    text: Monteur ter plaatse.",
    ]


def test_log_refuses_an_empty_message_and_an_unknown_incident(repo: Path) -> None:
    before = snapshot(repo)
    assert eta(repo, "incident", "log", DEMO, "  ") == (
        2, "", "eta: error: the message is empty; say what happened\n")
    assert eta(repo, "incident", "log", "2026-01-01-xxxxxx", "Iets") == (
        2, "", "eta: error: no incident `2026-01-01-xxxxxx` (incidents/2026-01-01-xxxxxx.yaml "
        "does not exist)\n")
    assert eta(repo, "incident", "log", "../afspraken/parties/logius", "Iets") == (
        2, "", "eta: error: `../afspraken/parties/logius` is no incident id; ids look like "
        "2026-03-28-k7q2mx\n")
    assert eta(repo, "incident", "log", DEMO, "Iets", "--at", "morgen") == (
        2, "", "eta: error: --at: 'morgen' is no date and time; write it as 2026-03-28T14:30 "
        "or 2026-03-28T14:30+01:00\n")
    assert snapshot(repo) == before


# --- eta incident update --------------------------------------------------------------------------

COMMENTED = """\
# yaml-language-server: $schema=../schemas/incident.schema.json
# Gemeld via de servicedesk van Sleutelbrug.
id: 2026-03-02-cmt001
title: Inloggen via Sleutelbrug mislukt
type: verstoring
reporter: sleutelbrug
affected: [kenniskaart]  # bevestigd door KennisKaart
priority: P2  # door de melder gekozen
status: new

times:
  detected: 2026-03-02T10:00:00+01:00
  reported: 2026-03-02T10:10:00+01:00  # telefonisch vooraangekondigd

# De feiten vullen we aan zodra ze bekend zijn.
facts:
  direct_serious_hindrance: true
"""


def test_edits_keep_comments_and_change_only_their_lines(repo: Path) -> None:
    path = path_of(repo, "2026-03-02-cmt001")
    path.write_text(COMMENTED)
    code, out, err = eta(repo, "incident", "update", "2026-03-02-cmt001", "--status",
                         "in_progress", "--priority", "P1", "--phoned-at", "2026-03-02T10:12",
                         "--expected-end-at", "2026-03-02T16:00", "--add-affected", "poortwachter",
                         "--now", "2026-03-02T10:20")
    assert (code, err) == (0, "")
    assert out == ("updated incidents/2026-03-02-cmt001.yaml: priority, status, affected, "
                   "times.phoned, facts.expected_end\n")
    after_update = path.read_text()
    assert changes(COMMENTED, after_update) == [
        "-affected: [kenniskaart]  # bevestigd door KennisKaart",
        "-priority: P2  # door de melder gekozen",
        "-status: new",
        # The list's line changes, its comment stays (ruamel sets it one space off).
        "+affected: [kenniskaart, poortwachter] # bevestigd door KennisKaart",
        "+priority: P1  # door de melder gekozen",
        "+status: in_progress",
        "+  phoned: 2026-03-02T10:12:00+01:00",
        "+  expected_end: 2026-03-02T16:00:00+01:00",
        "+timeline:",
        "+  - at: 2026-03-02T10:20:00+01:00",
        "+    recorded_at: 2026-03-02T10:20:00+01:00",
        f"+    by: {ME}",
        "+    text: Status new -> in_progress. Priority P2 -> P1.",
    ]
    eta(repo, "incident", "classify", "2026-03-02-cmt001", "--now", "2026-03-02T10:30")
    eta(repo, "incident", "log", "2026-03-02-cmt001", "Certificaat vervangen.",
        "--at", "2026-03-02T12:00", "--now", "2026-03-02T12:00")
    final = path.read_text()
    for line in COMMENTED.splitlines():
        if "#" in line and not line.startswith(("affected", "priority")):
            assert line in final.splitlines()
    assert all(line.startswith("+") for line in changes(after_update, final))
    assert eta(repo, "check", str(path), "--today", "2026-03-02") == (
        0, "1 file checked: no problems found\n", "")


def test_update_sets_and_clears_facts(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--political-implications", "no",
               "--major-image-impact", "yes") == (
        0, f"updated incidents/{incident_id}.yaml: facts.major_image_impact, "
        "facts.political_implications\n", "")
    middle = path.read_text()
    assert changes(before, middle) == [
        "+facts:", "+  major_image_impact: true", "+  political_implications: false"]
    eta(repo, "incident", "update", incident_id, "--major-image-impact", "unknown",
        "--political-implications", "unknown")
    assert path.read_text() == before


def test_a_reportable_data_breach_leaves_awareness_to_the_user(repo: Path) -> None:
    incident_id = new(repo, "--title", "Laptop verloren", "--type",
                      "informatiebeveiligingsincident", "--reporter", "tokenfabriek",
                      "--detected-at", "2026-03-27T10:00", "--now", "2026-03-27T10:30")
    path = path_of(repo, incident_id)
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "yes",
               "--now", "2026-03-27T10:40") == (
        0, f"updated incidents/{incident_id}.yaml: facts.reportable_data_breach\n"
        "note: the 72 hours to notify the Autoriteit Persoonsgegevens run from the moment of "
        "awareness, which is not recorded: give it with --aware-at TIME (`eta check` reports "
        "it until then)\n", "")
    assert changes(before, path.read_text()) == ["+facts:", "+  reportable_data_breach: true"]
    code, out, _ = eta(repo, "check", str(path), "--now", "2026-03-27T10:45")
    assert code == 1
    assert out.splitlines()[0] == (
        f"incidents/{incident_id}.yaml:12:27: error [incident.data-breach.unrecorded] a "
        "reportable data breach needs `data_breach.aware_at`: the 72-hour notification "
        "deadline runs from it")
    middle = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--aware-at", "2026-03-27T10:20",
               "--now", "2026-03-27T10:50", "--format", "json") == (
        0, json.dumps({"version": 1, "id": incident_id,
                       "path": f"incidents/{incident_id}.yaml",
                       "changed": ["data_breach.aware_at"], "notes": []}, indent=2) + "\n", "")
    assert changes(middle, path.read_text()) == [
        "+data_breach:", "+  aware_at: 2026-03-27T10:20:00+01:00"]
    assert eta(repo, "check", str(path), "--now", "2026-03-27T10:55")[:2] == (
        0, "1 file checked: no problems found\n")
    listed = json.loads(eta(repo, "incident", "list", "--format", "json", "--now",
                            "2026-03-30T11:30")[1])
    mine = next(item for item in listed["incidents"] if item["id"] == incident_id)
    assert [f["code"] for f in mine["findings"]] == ["incident.duty.overdue"]
    assert mine["findings"][0]["message"] == (
        "Meldplicht datalekken (Autoriteit Persoonsgegevens), melding (`datalek`/`melding`) "
        "was due by 2026-03-30 11:20 CEST (72 hours after awareness at 2026-03-27 10:20 CET) "
        "and no notification is recorded")


def test_withdrawing_a_data_breach_says_what_becomes_of_its_times(repo: Path) -> None:
    incident_id = new(repo, "--title", "Laptop verloren", "--type",
                      "informatiebeveiligingsincident", "--reporter", "tokenfabriek",
                      "--detected-at", "2026-03-27T10:00", "--now", "2026-03-27T10:30")
    path = path_of(repo, incident_id)
    eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "yes",
        "--aware-at", "2026-03-27T10:20", "--now", "2026-03-27T10:40")
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "unknown",
               "--now", "2026-03-27T10:45") == (
        0, f"updated incidents/{incident_id}.yaml: facts.reportable_data_breach\n"
        "note: data_breach.aware_at stay recorded; while it is undecided whether the breach "
        "must be reported, `eta check` warns once 72 hours have passed since awareness\n", "")
    eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "yes",
        "--now", "2026-03-27T10:50")
    assert eta(repo, "incident", "update", incident_id, "--reportable-data-breach", "no",
               "--now", "2026-03-27T10:55") == (
        0, f"updated incidents/{incident_id}.yaml: facts.reportable_data_breach\n"
        "note: data_breach.aware_at stay recorded, as the documentation of a breach that need "
        "not be reported (GDPR art. 33(5)); no notification is due any more\n", "")
    assert changes(before, path.read_text()) == [
        "-  reportable_data_breach: true", "+  reportable_data_breach: false"]
    # No longer reportable: nothing is due at the Autoriteit Persoonsgegevens.
    code, out, _ = eta(repo, "check", str(path), "--now", "2026-04-01T12:00")
    assert (code, "data-breach" in out) == (0, False)


def test_the_status_flow(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    path = path_of(repo, incident_id)

    def refused(*options: str, message: str, exit_code: int = 1) -> None:
        before = snapshot(repo)
        assert eta(repo, "incident", "update", incident_id, *options) == (
            exit_code, "", f"eta: error: {message}\n")
        assert snapshot(repo) == before

    refused("--status", "resolved", "--now", "2026-03-02T11:00",
            message="the status cannot go from new to resolved; from new it goes to "
            "in_progress")
    refused(message="nothing to update: give at least one option (see --help)", exit_code=2)
    refused("--status", "new", message="nothing to update: give at least one option "
            "(see --help)", exit_code=2)
    assert eta(repo, "incident", "update", incident_id, "--status", "in_progress", "--now",
               "2026-03-02T10:20")[0] == 0
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--status", "resolved", "--now",
               "2026-03-02T13:00") == (
        0, f"updated incidents/{incident_id}.yaml: status, times.resolved\n", "")
    assert changes(before, path.read_text()) == [
        "-status: in_progress",
        "+status: resolved",
        "+  resolved: 2026-03-02T13:00:00+01:00",
        "+  - at: 2026-03-02T13:00:00+01:00",
        "+    recorded_at: 2026-03-02T13:00:00+01:00",
        f"+    by: {ME}",
        "+    text: Status in_progress -> resolved.",
    ]
    refused("--status", "closed", message=f"{incident_id} cannot be closed: it has no "
            "`resolution`; it was never classified")
    # Reopened, it is no longer resolved.
    eta(repo, "incident", "update", incident_id, "--status", "in_progress", "--now",
        "2026-03-02T13:30")
    assert "  resolved:" not in path.read_text()
    eta(repo, "incident", "update", incident_id, "--status", "resolved", "--resolved-at",
        "2026-03-02T14:00", "--expected-end-at", "2026-03-02T14:00", "--now", "2026-03-02T14:05")
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T14:10")
    refused("--status", "closed", "--resolution", "Certificaat vervangen.",
            message=f"{incident_id} cannot be closed: its last classification left criteria "
            "unanswered: C3, C4, C5, K1, K3, K4")
    for fact in ("direct-serious-hindrance", "confidentiality-integrity-impact",
                 "reportable-data-breach", "major-image-impact", "political-implications",
                 "fundamental-vulnerability"):
        eta(repo, "incident", "update", incident_id, f"--{fact}", "no")
    refused("--status", "closed", "--resolution", "Certificaat vervangen.",
            message=f"{incident_id} cannot be closed: its last classification left criteria "
            "unanswered: C3, C4, C5, K1, K3, K4; its facts changed after the last "
            "classification")
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T14:20")
    eta(repo, "incident", "update", incident_id, "--phoned-at", "2026-03-02T10:15")
    assert eta(repo, "incident", "update", incident_id, "--status", "closed", "--resolution",
               "Certificaat vervangen.", "--now", "2026-03-03T09:00") == (
        0, f"updated incidents/{incident_id}.yaml: status, resolution\n", "")
    assert eta(repo, "check", str(path), "--today", "2026-03-03") == (
        0, "1 file checked: no problems found\n", "")
    refused("--status", "in_progress", message="reopening a closed incident needs --reason")
    closed = (f"{incident_id} is closed, and a closed incident is not edited; reopen it first "
              f"with `eta incident update {incident_id} --status in_progress --reason TEXT`")
    refused("--priority", "P2", "--reason", "Minder urgent.", message=closed)
    refused("--resolution", "Anders opgelost.", message=closed)
    files = snapshot(repo)
    assert eta(repo, "incident", "log", incident_id, "Nog een notitie.") == (
        1, "", f"eta: error: {closed}\n")
    assert snapshot(repo) == files
    before = path.read_text()
    assert eta(repo, "incident", "update", incident_id, "--status", "in_progress", "--reason",
               "De storing keerde terug.", "--now", "2026-03-04T08:00") == (
        0, f"updated incidents/{incident_id}.yaml: status, times.resolved, reopenings\n", "")
    assert changes(before, path.read_text()) == [
        "-status: closed",
        "+status: in_progress",
        "-  resolved: 2026-03-02T14:00:00+01:00",
        "+  - at: 2026-03-04T08:00:00+01:00",
        "+    recorded_at: 2026-03-04T08:00:00+01:00",
        f"+    by: {ME}",
        "+    text: Status closed -> in_progress. De storing keerde terug.",
        "+reopenings:",
        "+  - at: 2026-03-04T08:00:00+01:00",
        f"+    by: {ME}",
        "+    reason: De storing keerde terug.",
    ]
    refused("--title", "Nieuwe titel", "--reason", "Duidelijker.",
            message="--reason explains a change of status or priority, or the correction of "
            "a recorded notification or outage; for a note, use `eta incident log`",
            exit_code=2)


def test_closing_a_data_breach_needs_its_notification(repo: Path) -> None:
    incident_id = new(repo, "--title", "Laptop verloren", "--type",
                      "informatiebeveiligingsincident", "--reporter", "tokenfabriek",
                      "--detected-at", "2026-06-15T08:30", "--now", "2026-06-15T09:00")
    facts = ["--expected-end-at", "2026-06-15T08:30"]
    for fact in ("direct-serious-hindrance", "major-image-impact", "political-implications",
                 "fundamental-vulnerability", "confidentiality-integrity-impact"):
        facts += [f"--{fact}", "no"]
    for step in (["--status", "in_progress", "--reportable-data-breach", "yes",
                  "--aware-at", "2026-06-15T08:30", "--phoned-at", "2026-06-15T09:05", *facts],
                 ["--status", "resolved", "--resolution", "Op afstand gewist."]):
        assert eta(repo, "incident", "update", incident_id, *step, "--now",
                   "2026-06-15T10:00")[0] == 0
    eta(repo, "incident", "classify", incident_id, "--now", "2026-06-15T10:05")
    assert eta(repo, "incident", "update", incident_id, "--status", "closed") == (
        1, "", f"eta: error: {incident_id} cannot be closed: it is a reportable data breach "
        "without a recorded notification (`data_breach.notified_at`)\n")
    assert eta(repo, "incident", "update", incident_id, "--status", "closed", "--notified-at",
               "2026-06-16T15:00", "--notification-reference", "AP-2026-1234",
               "--now", "2026-06-17T09:00") == (
        0, f"updated incidents/{incident_id}.yaml: status, data_breach.notified_at, "
        "data_breach.reference\n", "")


def test_update_refuses_bad_values_and_leaves_the_file_alone(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    before = snapshot(repo)
    for options, message in [
        (("--add-affected", "poortwachtr"), "--add-affected: no party `poortwachtr` in "
         "afspraken/parties/; did you mean `poortwachter`?"),
        (("--title", " "), "--title is empty"),
        (("--started-at", "2026-13-01T10:00"), "--started-at: '2026-13-01T10:00' is no date and "
         "time; write it as 2026-03-28T14:30 or 2026-03-28T14:30+01:00"),
        (("--status", "in_progress", "--resolved-at", "2026-03-02T12:00"),
         "--resolved-at: only a resolved incident has a time of resolution; add --status "
         "resolved"),
    ]:
        assert eta(repo, "incident", "update", incident_id, *options) == (
            2, "", f"eta: error: {message}\n")
    # Used right, but the record would contradict itself: the records refuse it.
    for options, message in [
        (("--started-at", "2026-03-02T09:00", "--expected-end-at", "2026-03-02T08:00"),
         f"the change would leave incidents/{incident_id}.yaml contradicting itself: "
         "`facts.expected_end` lies before the disruption began (for an incident without "
         "disruption, make it the start)"),
        (("--phoned-at", "2026-03-02T09:59:59+01:00", "--reported-at", "2026-03-02T09:00"),
         f"the change would leave incidents/{incident_id}.yaml contradicting itself: "
         "`times.reported` lies before `times.detected`; `times.phoned` lies before "
         "`times.detected`"),
    ]:
        assert eta(repo, "incident", "update", incident_id, *options) == (
            1, "", f"eta: error: {message}\n")
    assert snapshot(repo) == before


# --- eta incident list ----------------------------------------------------------------------------

def test_list_shows_the_incidents_as_a_table(repo: Path) -> None:
    outcome = run_eta("incident", "list", "--root", str(repo), "--now", "2026-11-28T12:00",
                      env={"COLUMNS": "250"})
    lines = outcome.stdout.splitlines()
    assert outcome.exit_code == 0
    assert lines[0].startswith("id                  status     class        prio   type")
    assert [line.split()[:4] for line in lines[2:-1]] == [
        ["2026-02-10-bq1pzv", "closed", "calamiteit", "P1"],
        ["2026-04-08-mwfaqt", "closed", "incident", "P3"],
        ["2026-05-19-b8q39p", "closed", "crisis", "P1"],
        ["2026-06-15-92a38c", "closed", "calamiteit", "P2"],
        ["2026-09-09-ca1p6y", "closed", "incident", "P2"],
        ["2026-10-23-w12aw6", "closed", "crisis", "P1"],
        [DEMO, "resolved", "calamiteit", "P2"],
    ]
    assert lines[-1] == "times in Europe/Amsterdam"
    assert lines[2] == (
        "2026-02-10-bq1pzv   closed     calamiteit   P1     verstoring                       "
        "2026-02-10 07:45   -              Inloggen via Sleutelbrug mislukt: verlopen "
        "SAML-certificaat" + " " * 18 + "-")


def test_list_filters_by_class_and_shows_what_needs_attention(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "classify", incident_id, "--now", "2026-03-02T10:30")
    outcome = run_eta("incident", "list", "--root", str(repo), "--open", "--class",
                      "calamiteit", "--now", "2026-03-02T15:00", env={"COLUMNS": "240"})
    # The classification leaves criteria open, and was due when the response time ran out.
    assert (outcome.exit_code, outcome.stdout) == (0, f"""\
id                  status   class        prio   type         detected           response due       title                              attention
{"─" * 215}
{incident_id}   new      calamiteit   P1     verstoring   2026-03-02 10:00   2026-03-02 14:10   Inloggen via Sleutelbrug mislukt   escalate: response time exceeded; reporting duty overdue; classification overdue
times in Europe/Amsterdam
""")  # noqa: E501 - the table as it prints
    assert eta(repo, "incident", "list", "--open", "--class", "crisis") == (
        0, "no incidents\n", "")


def test_list_as_json(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    code, out, _ = eta(repo, "incident", "list", "--open", "--format", "json",
                       "--now", "2026-03-02T12:00")
    assert code == 0
    assert json.loads(out) == {
        "version": 1,
        "now": "2026-03-02T12:00:00+01:00",
        "incidents": [{
            "id": incident_id,
            "title": "Inloggen via Sleutelbrug mislukt",
            "type": "verstoring",
            "status": "new",
            "priority": "P1",
            "class": None,
            "criteria": [],
            "reporter": "sleutelbrug",
            "affected": ["kenniskaart"],
            "detected": "2026-03-02T10:00:00+01:00",
            "response_due": "2026-03-02T14:10:00+01:00",
            "findings": [],
        }],
    }


def test_list_skips_invalid_records_with_a_warning_and_exit_1(repo: Path) -> None:
    path_of(repo, "2026-03-02-broken").write_text("id: [\n")
    outcome = run_eta("incident", "list", "--root", str(repo), "--class", "crisis",
                      "--format", "json")
    assert outcome.exit_code == 1
    assert outcome.stderr == ("eta: warning: skipped incidents/2026-03-02-broken.yaml, which is "
                              "not a valid incident; run `eta check "
                              "incidents/2026-03-02-broken.yaml`\n")
    assert [item["id"] for item in json.loads(outcome.stdout)["incidents"]] == [
        "2026-05-19-b8q39p", "2026-10-23-w12aw6"]


def test_a_closed_incident_is_not_reclassified(repo: Path) -> None:
    path = path_of(repo, "2026-09-09-ca1p6y")
    path.write_text(path.read_text().replace("  major_image_impact: false\n  political",
                                             "  major_image_impact: true\n  political", 1))
    before = snapshot(repo)
    code, out, err = eta(repo, "incident", "classify", "2026-09-09-ca1p6y")
    assert (code, out) == (1, "")
    assert err == ("eta: error: 2026-09-09-ca1p6y is closed, and a closed incident is not "
                   "edited; reopen it first with `eta incident update 2026-09-09-ca1p6y "
                   "--status in_progress --reason TEXT`\n")
    assert snapshot(repo) == before


# --- facts are not in the future; events are not before the incident -----------------------------

def future(incident_id: str, where: str, field: str, value: str) -> str:
    return (f"eta: error: the change would make incidents/{incident_id}.yaml invalid:\n"
            f"  incidents/{incident_id}.yaml:{where}: `{field}` is {value}, after now "
            "(2026-03-02 11:00 CET): a fact recorded as having happened cannot lie in the "
            "future\n")


@pytest.mark.parametrize(("options", "where", "field", "value"), [
    (("log", "Gebeld.", "--at", "2099-03-02T11:00"), "18:9", "timeline[1].at",
     "2099-03-02T11:00:00+01:00"),
    (("update", "--phoned-at", "2029-03-02T10:05"), "13:11", "times.phoned",
     "2029-03-02T10:05:00+01:00"),
    (("update", "--status", "resolved", "--resolved-at", "2027-03-02T12:00"), "13:13",
     "times.resolved", "2027-03-02T12:00:00+01:00"),
    (("update", "--reportable-data-breach", "yes", "--aware-at", "2026-03-02T10:30",
      "--notified-at", "2030-01-01T09:00"), "22:16", "data_breach.notified_at",
     "2030-01-01T09:00:00+01:00"),
])
def test_a_fact_after_now_is_refused(repo: Path, options: tuple[str, ...], where: str,
                                     field: str, value: str) -> None:
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "update", incident_id, "--status", "in_progress", "--now",
        "2026-03-02T10:20")
    before = snapshot(repo)
    command, *rest = options
    assert eta(repo, "incident", command, incident_id, *rest, "--now", "2026-03-02T11:00") == (
        1, "", future(incident_id, where, field, value))
    assert snapshot(repo) == before


AMS = ZoneInfo("Europe/Amsterdam")


def _an_hour_ahead() -> str:
    return (dt.datetime.now(AMS) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("command", [
    ("new", "--title", "Storing", "--type", "verstoring", "--reporter", "sleutelbrug",
     "--priority", "P3"),
    ("log", "{id}", "Gebeld."),
    ("update", "{id}", "--status", "in_progress"),
    ("classify", "{id}"),
])
def test_an_edit_is_not_written_down_ahead_of_the_present(repo: Path, command: tuple[str, ...]
                                                          ) -> None:
    incident_id = new(repo, *STORING)
    before = snapshot(repo)
    ahead = _an_hour_ahead()
    code, out, err = eta(repo, "incident", *(part.format(id=incident_id) for part in command),
                         "--now", ahead)
    assert (code, out) == (2, "")
    assert re.fullmatch(
        rf"eta: error: --now: {ahead.replace('T', ' ')} CES?T lies after the present moment, "
        r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T; an edit is written down when it is made or later, "
        r"never ahead\n", err), err
    assert snapshot(repo) == before


def test_a_classification_on_a_day_ahead_is_not_written_down(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    before = snapshot(repo)
    tomorrow = (dt.datetime.now(AMS) + dt.timedelta(days=1)).date().isoformat()
    code, out, err = eta(repo, "incident", "classify", incident_id, "--today", tomorrow)
    assert (code, out) == (2, "")
    assert err.startswith(f"eta: error: --today: {tomorrow} 00:00 ")
    assert snapshot(repo) == before
    # Judged without being written down, a day ahead is a question anyone may ask.
    assert eta(repo, "incident", "show", incident_id, "--today", tomorrow)[0] == 0


def test_an_event_before_the_incident_began_is_refused_until_started_says_so(
        repo: Path) -> None:
    incident_id = new(repo, *STORING)
    before = snapshot(repo)
    assert eta(repo, "incident", "log", incident_id, "Eerste storingsmelding.", "--at",
               "2020-03-02T09:00", "--now", "2026-03-02T11:00") == (
        1, "", f"eta: error: the change would leave incidents/{incident_id}.yaml contradicting "
        "itself: timeline entry 1 is dated 2020-03-02T09:00:00+01:00, before the incident "
        "began or was detected (2026-03-02T10:00:00+01:00); to log what came before, set "
        "`times.started` first\n")
    assert snapshot(repo) == before
    eta(repo, "incident", "update", incident_id, "--started-at", "2026-03-02T08:45", "--now",
        "2026-03-02T11:00")
    assert eta(repo, "incident", "log", incident_id, "Eerste storingsmelding.", "--at",
               "2026-03-02T09:00", "--now", "2026-03-02T11:00")[0] == 0


def test_what_is_logged_late_is_shown_in_the_order_of_events(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    eta(repo, "incident", "log", incident_id, "Monteur ter plaatse.", "--at",
        "2026-03-02T12:00", "--now", "2026-03-02T12:00")
    assert eta(repo, "incident", "log", incident_id, "Leverancier gebeld.", "--at",
               "2026-03-02T10:30", "--now", "2026-03-02T12:10") == (
        0, f"logged in incidents/{incident_id}.yaml at 2026-03-02 10:30 CET\n", "")
    code, report, _ = eta(repo, "report", "incident", incident_id, "--today", "2026-03-02")
    assert code == 0
    rows = report.split("## 3. Tijdlijn")[1].split("## 4.")[0].strip().splitlines()
    assert rows == [
        "| Tijdstip | Door | Wat |",
        "|---|---|---|",
        f"| 2 maart 2026 10:30 | {ME.replace('<', '&lt;').replace('>', '&gt;')} | Leverancier "
        "gebeld. (later vastgelegd, op 2 maart 2026 12:10) |",
        f"| 2 maart 2026 12:00 | {ME.replace('<', '&lt;').replace('>', '&gt;')} | Monteur ter "
        "plaatse. |",
    ]


def test_a_reason_of_spaces_is_no_reason(repo: Path) -> None:
    incident_id = facing_a_downgrade(repo)
    before = snapshot(repo)
    assert eta(repo, "incident", "classify", incident_id, "--reason", " ", "--now",
               "2026-03-02T10:45") == (
        2, "", "eta: error: --reason must say why: give text, not only spaces\n")
    assert eta(repo, "incident", "update", incident_id, "--priority", "P2", "--reason",
               "\t ") == (2, "", "eta: error: --reason must say why: give text, not only "
                          "spaces\n")
    assert snapshot(repo) == before


# --- short ids ---------------------------------------------------------------------------------

def test_a_unique_prefix_names_the_incident_wherever_an_id_is(repo: Path) -> None:
    code, out, err = eta(repo, "incident", "classify", "2026-11-16")
    assert (code, err) == (0, "")
    assert out.startswith(f"{DEMO}: calamiteit\n")
    before = path_of(repo, DEMO).read_text()
    assert eta(repo, "incident", "log", "2026-11-16-q7", "Nagebeld.", "--now",
               "2026-11-20T09:00") == (
        0, f"logged in incidents/{DEMO}.yaml at 2026-11-20 09:00 CET\n", "")
    assert changes(before, path_of(repo, DEMO).read_text())[0] == (
        "+  - at: 2026-11-20T09:00:00+01:00")
    code, out, err = eta(repo, "report", "incident", "2026-11-16")
    assert (code, err) == (0, "")
    assert DEMO in out


def test_an_ambiguous_prefix_lists_the_candidates(repo: Path) -> None:
    before = snapshot(repo)
    assert eta(repo, "incident", "log", "2026-0", "Nagebeld.") == (
        2, "", "eta: error: `2026-0` is the start of 5 incident ids: 2026-02-10-bq1pzv, "
        "2026-04-08-mwfaqt, 2026-05-19-b8q39p, 2026-06-15-92a38c, 2026-09-09-ca1p6y; give "
        "more of the id\n")
    assert eta(repo, "incident", "classify", "2027") == (
        2, "", "eta: error: no incident `2027` (incidents/2027.yaml does not exist)\n")
    assert eta(repo, "incident", "classify", "../afspraken/criteria") == (
        2, "", "eta: error: `../afspraken/criteria` is no incident id; ids look like "
        "2026-03-28-k7q2mx\n")
    assert snapshot(repo) == before


def test_an_ambiguous_prefix_lists_at_most_ten(repo: Path) -> None:
    text = path_of(repo, DEMO).read_text()
    for number in range(12):
        name = f"2026-11-16-zz{number:02d}zz"
        path_of(repo, name).write_text(text.replace(DEMO, name))
    code, out, err = eta(repo, "incident", "classify", "2026-11-16-z")
    assert (code, out) == (2, "")
    assert err == ("eta: error: `2026-11-16-z` is the start of 12 incident ids: "
                   + ", ".join(f"2026-11-16-zz{n:02d}zz" for n in range(10))
                   + " and 2 more; give more of the id\n")


def test_the_names_behind_a_linked_incidents_folder_are_not_listed(repo: Path,
                                                                   tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (repo / "incidents").rename(outside)
    (repo / "incidents").symlink_to(outside)
    code, out, err = eta(repo, "incident", "classify", "2026-11")
    assert (code, out) == (2, "")
    assert "q738dq" not in err


# --- scriptable output ---------------------------------------------------------------------------

def test_new_prints_the_id_alone_and_records_when_it_was_reported(repo: Path) -> None:
    outcome = run_eta("incident", "new", "--root", str(repo), "--title", "Storing", "--type",
                      "verstoring", "--reporter", "sleutelbrug", "--priority", "P1",
                      "--detected-at", "2026-03-02T10:00", "--reported-at", "2026-03-02T10:03",
                      "--now", "2026-03-02T11:00")
    incident_id = outcome.stdout.removesuffix("\n")
    assert re.fullmatch(r"2026-03-02-[0-9a-hjkmnp-tv-z]{6}", incident_id)
    assert (outcome.exit_code, outcome.stderr) == (
        0, f"eta: created incidents/{incident_id}.yaml\n")
    text = path_of(repo, incident_id).read_text()
    assert text.endswith("times:\n  detected: 2026-03-02T10:00:00+01:00\n"
                         "  reported: 2026-03-02T10:03:00+01:00\n")
    # The response time of P1 (4 hours) runs from the report, not from when it was filed.
    listed = json.loads(eta(repo, "incident", "list", "-f", "json", "--now",
                            "2026-03-02T11:00")[1])
    mine = next(item for item in listed["incidents"] if item["id"] == incident_id)
    assert mine["response_due"] == "2026-03-02T14:03:00+01:00"


def test_new_in_json(repo: Path) -> None:
    code, out, err = eta(repo, "incident", "new", "--title", "Storing", "--type", "verstoring",
                         "--reporter", "sleutelbrug", "--reported-at", "2026-03-02T10:03",
                         "--now", "2026-03-02T11:00", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    incident_id = document["id"]
    assert document == {"version": 1, "id": incident_id,
                        "path": f"incidents/{incident_id}.yaml",
                        "detected": "2026-03-02T10:03:00+01:00",
                        "reported": "2026-03-02T10:03:00+01:00"}


def test_new_refuses_a_report_after_now_or_before_detection(repo: Path) -> None:
    before = snapshot(repo)
    base = ("incident", "new", "--title", "Storing", "--type", "verstoring", "--reporter",
            "sleutelbrug", "--now", "2026-03-02T11:00")
    code, out, err = eta(repo, *base, "--reported-at", "2026-03-02T12:00")
    assert (code, out) == (1, "")
    assert "fact.future" not in err and "2026-03-02T12:00:00+01:00" in err
    assert eta(repo, *base, "--reported-at", "2026-03-02T10:00", "--detected-at",
               "2026-03-02T10:30") == (
        2, "", "eta: error: --detected-at: 2026-03-02 10:30 CET lies after the moment of "
        "reporting, 2026-03-02 10:00 CET\n")
    assert snapshot(repo) == before


def test_classify_in_json_carries_every_verdict_and_what_could_raise_the_class(
    repo: Path
) -> None:
    incident_id = new(repo, *STORING)
    code, out, err = eta(repo, "incident", "classify", incident_id[:13], "--now",
                         "2026-03-02T10:30", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["version"] == 1
    assert (document["id"], document["class"]) == (incident_id, "calamiteit")
    assert [(c["id"], c["level"], c["verdict"]) for c in document["criteria"]] == [
        ("C1", "calamiteit", "unknown"), ("C2", "calamiteit", "met"),
        ("C3", "calamiteit", "unknown"), ("C4", "calamiteit", "unknown"),
        ("C5", "calamiteit", "unknown"), ("K1", "crisis", "unknown"),
        ("K2", "crisis", "unknown"), ("K3", "crisis", "unknown"),
        ("K4", "crisis", "unknown")]
    c2 = document["criteria"][1]
    assert c2 == {"id": "C2", "level": "calamiteit",
                  "text": "Betrokkenheid van tenminste twee deelnemers.", "verdict": "met",
                  "grounds": "2 deelnemers involved (sleutelbrug, kenniskaart); the criterion "
                  "needs at least 2", "needs": []}
    assert document["unknown_facts"] == [
        "facts.expected_end", "facts.direct_serious_hindrance",
        "facts.confidentiality_integrity_impact", "facts.reportable_data_breach",
        "facts.major_image_impact", "facts.political_implications",
        "facts.fundamental_vulnerability"]
    assert document["could_raise"] == [{"class": "crisis", "criteria": ["K1", "K2", "K3", "K4"]}]
    assert document["recorded"] == {"classification": 1,
                                    "path": f"incidents/{incident_id}.yaml", "reason": None}
    again = json.loads(eta(repo, "incident", "classify", incident_id, "--now",
                           "2026-03-02T10:40", "-f", "json")[1])
    assert again["recorded"] is None


def test_show_tells_the_incident_at_a_moment(repo: Path) -> None:
    incident_id = new(repo, *STORING)
    assert eta(repo, "incident", "show", incident_id, "--now", "2026-03-02T15:00") == (0, f"""\
{incident_id}: not classified
  Inloggen via Sleutelbrug mislukt

type:      verstoring
status:    new
priority:  P1
reporter:  sleutelbrug
affected:  kenniskaart
detected:  2026-03-02 10:00 CET
reported:  2026-03-02 10:10 CET
response due: 2026-03-02 14:10 CET

Needs attention at 2026-03-02 15:00 CET:
  warning [incident.response-time.exceeded] not resolved within the response time of 4 hours \
(availability window) for P1, which ran out at 2026-03-02 14:10 CET: flagged for escalation
  warning [incident.classification.overdue] the classification was due when the response time \
ran out, at 2026-03-02 14:10 CET: classify the incident (not classified yet)
""", "")
    code, out, err = eta(repo, "incident", "show", incident_id, "--today", "2026-03-02",
                         "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert (document["version"], document["now"], document["findings"]) == (
        1, "2026-03-02T00:00:00+01:00", [])
    assert document["record"]["times"] == {"detected": "2026-03-02T10:00:00+01:00",
                                           "reported": "2026-03-02T10:10:00+01:00"}
    assert eta(repo, "incident", "show", incident_id, "--today", "2026-03-02", "--now",
               "2026-03-02T15:00") == (
        2, "", "eta: error: give --now TIME or --today DATE, not both: --now judges at a "
        "moment, --today at the start of a day\n")


def test_a_file_name_no_id_could_have_is_not_a_candidate(repo: Path) -> None:
    text = path_of(repo, DEMO).read_text()
    (repo / "incidents" / "2026-11-16-\x1b[31mrood.yaml").write_text(text)
    (repo / "incidents" / ".2026-11-16-verborgen.yaml").write_text(text)
    code, out, err = eta(repo, "incident", "classify", "2026-11-16")
    assert (code, err) == (0, "")
    assert out.startswith(f"{DEMO}: calamiteit\n")


def test_old_time_option_names_are_gone_with_a_pointer_to_the_new(repo: Path) -> None:
    import subprocess
    import sys

    before = snapshot(repo)
    done = subprocess.run([str(Path(sys.executable).parent / "eta"), "incident", "update", DEMO,
                           "--phoned", "2026-11-16T09:41", "--root", str(repo)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.endswith("Error: No such option: --phoned (Possible options: "
                                "--phoned-at)\n")
    assert snapshot(repo) == before
