"""`eta release`: creating releases and moving them through the release process."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import git, run_eta
from plan_helpers import changed_lines, replace_in, snapshot


def eta(root: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(root))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def check(root: Path, *args: str, within: str = "releases") -> tuple[int, str]:
    outcome = run_eta("check", "--root", str(root), "--no-cache", *args, str(root / within))
    return outcome.exit_code, outcome.stdout


def test_a_new_release_with_chain_dependencies_has_a_draft_plan(git_repo: Path) -> None:
    assert eta(git_repo, "release", "new", "R2027-01", "--title",
               "Afsprakenstelsel 1.17: machtigen namens", "--chain-dependencies",
               "--framework-version", "1.17") == (
        0, "created release R2027-01, with a draft implementation plan\n"
           "  wrote releases/R2027-01/plan.yaml\n"
           "  wrote releases/R2027-01/release.yaml\n", "")
    assert changed_lines(git_repo) == (
        "releases/R2027-01/plan.yaml:\n"
        "@@ -0,0 +1,5 @@\n"
        "+# yaml-language-server: $schema=../../schemas/plan.schema.json\n"
        "+release: R2027-01\n"
        "+parties: []\n"
        "+milestones: []\n"
        "+deadlines: []\n"
        "releases/R2027-01/release.yaml:\n"
        "@@ -0,0 +1,9 @@\n"
        "+# yaml-language-server: $schema=../../schemas/release.schema.json\n"
        "+id: R2027-01\n"
        "+title: 'Afsprakenstelsel 1.17: machtigen namens'\n"
        "+framework_version: '1.17'\n"
        "+chain_dependencies: true\n"
        "+releasemanager:\n"
        "+  name: Femke Hoekstra\n"
        "+  email: f.hoekstra@beheer.example.nl\n"
        "+status: draft\n")
    assert check(git_repo)[0] == 0
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "Release R2027-01")
    assert eta(git_repo, "plan", "add-party", "R2027-01", "--party", "volmacht",
               "--contact-name", "Ilse Kramer", "--contact-email",
               "i.kramer@volmacht.example.nl")[0] == 0
    assert changed_lines(git_repo) == (
        "releases/R2027-01/parties/volmacht.yaml:\n"
        "@@ -0,0 +1,5 @@\n"
        "+# yaml-language-server: $schema=../../../schemas/plan-party.schema.json\n"
        "+party: volmacht\n"
        "+contact:\n"
        "+  name: Ilse Kramer\n"
        "+  email: i.kramer@volmacht.example.nl\n"
        "releases/R2027-01/plan.yaml:\n"
        "@@ -3 +3,2 @@ release: R2027-01\n"
        "-parties: []\n"
        "+parties:\n"
        "+  - volmacht\n")


def test_a_new_release_without_chain_dependencies(repo: Path) -> None:
    assert eta(repo, "release", "new", "R2027-02", "--title", "Redactionele correcties",
               "--framework-version", "1.16.1", "--decided-on", "2026-11-12",
               "--releasemanager-name", "Rob de Graaf", "--releasemanager-email",
               "r.degraaf@beheer.example.nl") == (
        0, "created release R2027-02, without chain dependencies\n"
           "  wrote releases/R2027-02/release.yaml\n", "")
    assert (repo / "releases/R2027-02/release.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schemas/release.schema.json\n"
        "id: R2027-02\n"
        "title: Redactionele correcties\n"
        "framework_version: 1.16.1\n"
        "decided_on: 2026-11-12\n"
        "chain_dependencies: false\n"
        "releasemanager:\n"
        "  name: Rob de Graaf\n"
        "  email: r.degraaf@beheer.example.nl\n"
        "status: draft\n")
    assert not (repo / "releases/R2027-02/plan.yaml").exists()
    assert check(repo)[0] == 0


#: Refusals of the process, exit 1; the other refusals are of the usage, exit 2.
PROCESS_REFUSALS = {
    "a plan not in force",
    "a plan with gaps",
    "a roll-out not done",
}
REFUSED = {
    "an existing release": (
        ["release", "new", "R2026-01", "--title", "Nogmaals"],
        "release R2026-01 exists already (releases/R2026-01/)"),
    "an id that is no identifier": (
        ["release", "new", "../R1", "--title", "Elders"],
        "`../R1` is not a valid release id: use letters, digits, `.`, `_` and `-`, starting "
        "with a letter or digit, at most 64 characters"),
    "half a releasemanager": (
        ["release", "new", "R2027-03", "--title", "T", "--releasemanager-name", "Rob"],
        "give --releasemanager-name and --releasemanager-email together"),
    "a releasemanager without an email address": (
        ["release", "new", "R2027-03", "--title", "T", "--releasemanager-name", "Rob",
         "--releasemanager-email", "rob"],
        "--releasemanager-name must not be empty, and --releasemanager-email must be an "
        "email address"),
    "a framework version that is no version": (
        ["release", "new", "R2027-03", "--title", "T", "--framework-version", "1.x"],
        "the change would make releases/R2027-03/release.yaml invalid:\n"
        "  releases/R2027-03/release.yaml:4:20: `framework_version`: the text '1.x' is not of "
        "the expected form"),
    "a roll-out without dates": (
        ["release", "rollout", "R2026-01"], "give --planned-on, --completed-on or both"),
    "an evaluation with an unknown party": (
        ["release", "evaluation", "R2026-01", "--held-on", "2027-05-11", "--participant",
         "logius", "--participant", "poortwachtr"],
        "there is no party `poortwachtr` in afspraken/parties/; did you mean `poortwachter`?"),
    "a plan not in force": (
        ["release", "advance", "R2026-02"],
        "release R2026-02 cannot move from draft to in_force:\n"
        "  - the plan is not in force: kenniskaart has not signed the plan\n"
        "  - the plan is not in force: tokenfabriek has not signed the plan"),
    "a plan with gaps": (
        ["release", "advance", "R2026-03", "--to", "in_force"],
        "release R2026-03 cannot move from draft to in_force:\n"
        "  - the plan is not in force: logius has not signed the plan\n"
        "  - the plan is not in force: poortwachter has not signed the plan\n"
        "  - the plan is not in force: sleutelbrug has not signed the plan"),
    "a skipped step": (
        ["release", "advance", "R2026-01", "--to", "evaluated"],
        "release R2026-01 is in_realisation; its next status is rolled_out, not evaluated"),
    "a roll-out not done": (
        ["release", "advance", "R2026-01", "--today", "2026-11-28"],
        "release R2026-01 cannot move from in_realisation to rolled_out:\n"
        "  - milestone ketentest (2027-02-12) is not done\n"
        "  - measure communicatie of logius is not done (in_progress)\n"
        "  - measure metadata-inlezen of poortwachter is not done (in_progress)\n"
        "  - measure sleutelrollover of poortwachter is not done (open)\n"
        "  - poortwachter has not joined framework version 1.14\n"
        "  - measure metadata-inlezen of volmacht is not done (in_progress)\n"
        "  - volmacht has not joined framework version 1.14\n"
        "  - the roll-out is not complete (rollout.completed_on)"),
    "an unknown release": (
        ["release", "advance", "R2026-04"],
        "there is no release `R2026-04` (no folder releases/R2026-04/); did you mean "
        "`R2026-03`?"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_command_changes_no_byte(repo: Path, name: str) -> None:
    args, message = REFUSED[name]
    before = snapshot(repo)
    exit_code = 1 if name in PROCESS_REFUSALS else 2
    assert eta(repo, *args) == (exit_code, "", f"eta: error: {message}\n")
    assert snapshot(repo) == before


def test_the_releasemanager_must_be_named_without_one_in_the_register(repo: Path) -> None:
    replace_in(repo / "afspraken/parties/logius.yaml", "    function: releasemanager\n", "")
    assert eta(repo, "release", "new", "R2027-03", "--title", "T") == (
        2, "", "eta: error: name the releasemanager with --releasemanager-name and "
               "--releasemanager-email: the Beheerorganisatie has no contact with function "
               "`releasemanager` in afspraken/parties/\n")


def test_recording_the_decision_changes_one_line(git_repo: Path) -> None:
    assert eta(git_repo, "release", "decide", "R2026-03", "--on", "2026-11-12") == (
        0, "release R2026-03: decided by the Tactisch Beraad on 2026-11-12\n"
           "  wrote releases/R2026-03/release.yaml\n", "")
    assert changed_lines(git_repo) == (
        "releases/R2026-03/release.yaml:\n"
        "@@ -5 +5 @@ framework_version: '1.16'\n"
        "-decided_on: 2026-11-10\n"
        "+decided_on: 2026-11-12\n")


def test_recording_the_communication_plan(git_repo: Path) -> None:
    assert eta(git_repo, "release", "communication-plan", "R2026-02", "--delivered-on",
               "2026-11-25", "--summary", "Webinar voor dienstverleners.")[0] == 0
    assert changed_lines(git_repo) == (
        "releases/R2026-02/release.yaml:\n"
        "@@ -15,0 +16,3 @@ status: draft\n"
        "+communication_plan:\n"
        "+  delivered_on: 2026-11-25\n"
        "+  summary: Webinar voor dienstverleners.\n")


R2026_01 = "releases/R2026-01"


def test_the_whole_process_to_the_evaluation(git_repo: Path) -> None:
    """R2026-01 is in realisation: report the rest of its progress, roll it out, evaluate."""
    for args in (
        ["plan", "milestone-done", "R2026-01", "ketentest", "--on", "2026-11-20"],
        ["plan", "measure-status", "R2026-01", "--party", "logius", "communicatie", "done",
         "--on", "2026-11-23"],
        ["plan", "measure-status", "R2026-01", "--party", "poortwachter", "metadata-inlezen",
         "done", "--on", "2026-11-17"],
        ["plan", "measure-status", "R2026-01", "--party", "poortwachter", "sleutelrollover",
         "done", "--on", "2026-11-24"],
        ["plan", "measure-status", "R2026-01", "--party", "volmacht", "metadata-inlezen",
         "done", "--on", "2026-11-21"],
        ["plan", "join", "R2026-01", "--party", "poortwachter", "--on", "2026-11-25"],
        ["plan", "join", "R2026-01", "--party", "volmacht", "--on", "2026-11-26"],
    ):
        assert eta(git_repo, *args)[0] == 0
    # Progress is no change to the plan: it stays in force.
    assert check(git_repo, "--today", "2026-11-27", within=R2026_01)[0] == 0
    assert eta(git_repo, "release", "advance", "R2026-01")[2] == (
        "eta: error: release R2026-01 cannot move from in_realisation to rolled_out:\n"
        "  - the roll-out is not complete (rollout.completed_on)\n")
    assert eta(git_repo, "release", "rollout", "R2026-01", "--completed-on", "2026-11-30") == (
        0, "release R2026-01: roll-out planned on 2027-03-31 and completed on 2026-11-30\n"
           "  wrote releases/R2026-01/release.yaml\n", "")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "Progress of R2026-01")
    assert eta(git_repo, "release", "advance", "R2026-01", "--to", "rolled_out")[1] == (
        "release R2026-01: in_realisation -> rolled_out\n"
        "  wrote releases/R2026-01/release.yaml\n")
    assert check(git_repo, "--today", "2027-01-20", within=R2026_01) == (0, (
        "releases/R2026-01/release.yaml:25:17: warning [release.evaluation.due] the "
        "evaluation is due by 2027-01-30, in 10 days: two months after the implementation "
        "was complete (2026-11-30)\n"
        "10 files checked: 0 errors, 1 warning\n"))
    assert eta(git_repo, "release", "advance", "R2026-01")[2] == (
        "eta: error: release R2026-01 cannot move from rolled_out to evaluated:\n"
        "  - no evaluation is recorded\n")
    assert eta(git_repo, "release", "evaluation", "R2026-01", "--held-on", "2026-12-01",
               "--participant", "logius", "--participant", "poortwachter", "--finding",
               "De ketentest kwam laat op gang.")[0] == 0
    assert eta(git_repo, "release", "advance", "R2026-01")[0] == 0
    assert changed_lines(git_repo) == (
        "releases/R2026-01/release.yaml:\n"
        "@@ -18 +18 @@ changes:\n"
        "-status: in_realisation\n"
        "+status: evaluated\n"
        "@@ -25,0 +26,7 @@ rollout:\n"
        "+evaluation:\n"
        "+  held_on: 2026-12-01\n"
        "+  participants:\n"
        "+    - logius\n"
        "+    - poortwachter\n"
        "+  findings:\n"
        "+    - De ketentest kwam laat op gang.\n")
    assert check(git_repo, "--today", "2027-02-01", within=R2026_01) == (
        0, "10 files checked: no problems found\n")
    assert eta(git_repo, "release", "advance", "R2026-01") == (
        1, "", "eta: error: release R2026-01 is evaluated: the release process is complete\n")


def test_advancing_holds_the_release_to_every_status_before_as_eta_check_does(
        repo: Path) -> None:
    replace_in(repo / "releases/R2026-01/parties/poortwachter.yaml",
               "Sleutelrollover-procedure aanpassen", "Sleutelrollover-procedure herzien")
    stale = [f"the plan is not in force: the signature of {party} is stale: the plan changed "
             "after it was signed"
             for party in ("logius", "poortwachter", "sleutelbrug", "volmacht")]
    before = snapshot(repo)
    assert eta(repo, "release", "advance", "R2026-01", "--today", "2026-11-28")[2] == (
        "eta: error: release R2026-01 cannot move from in_realisation to rolled_out:\n"
        + "".join(f"  - {reason}\n" for reason in (
            *stale,
            "milestone ketentest (2027-02-12) is not done",
            "measure communicatie of logius is not done (in_progress)",
            "measure metadata-inlezen of poortwachter is not done (in_progress)",
            "measure sleutelrollover of poortwachter is not done (open)",
            "poortwachter has not joined framework version 1.14",
            "measure metadata-inlezen of volmacht is not done (in_progress)",
            "volmacht has not joined framework version 1.14",
            "the roll-out is not complete (rollout.completed_on)")))
    assert snapshot(repo) == before
    outcome = run_eta("check", "--root", str(repo), "--no-cache", "--today", "2026-11-28",
                      str(repo / "releases/R2026-01/release.yaml"))
    assert outcome.stdout.splitlines()[:4] == [
        "releases/R2026-01/release.yaml:18:9: error [plan.not-in-force] the release is "
        f"in_realisation, but {reason}" for reason in stale]


def test_commands_explain_themselves() -> None:
    outcome = run_eta("release", "advance", "--help")
    assert outcome.exit_code == 0
    assert "draft -> in_force: decided, framework version set, and (with chain" in (
        " ".join(outcome.stdout.split()))


# -- facts are not in the future --------------------------------------------------------------

def today_in_amsterdam() -> set[str]:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return {dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()}


@pytest.mark.parametrize(("args", "file", "where", "field"), [
    (["release", "decide", "R2026-03", "--on", "2099-01-12"], "releases/R2026-03/release.yaml",
     "5:13", "decided_on"),
    (["release", "rollout", "R2026-01", "--completed-on", "2099-03-30"],
     "releases/R2026-01/release.yaml", "25:17", "rollout.completed_on"),
    (["release", "evaluation", "R2026-01", "--held-on", "2099-05-11", "--participant",
      "logius"], "releases/R2026-01/release.yaml", "26:12", "evaluation.held_on"),
    (["plan", "measure-status", "R2026-01", "--party", "poortwachter", "sleutelrollover",
      "done", "--on", "2099-02-24"], "releases/R2026-01/parties/poortwachter.yaml", "28:16",
     "measures[1].status_on"),
    (["plan", "milestone-done", "R2026-01", "ketentest", "--on", "2099-02-10"],
     "releases/R2026-01/plan.yaml", "30:14", "milestones[2].done_on"),
    (["plan", "join", "R2026-01", "--party", "volmacht", "--on", "2099-03-02"],
     "releases/R2026-01/parties/volmacht.yaml", "21:12", "joined_on"),
])
def test_a_date_after_today_is_refused_as_a_fact(repo: Path, args: list[str], file: str,
                                                 where: str, field: str) -> None:
    before = snapshot(repo)
    days = today_in_amsterdam()
    code, out, err = eta(repo, *args)
    days |= today_in_amsterdam()  # a run across midnight may name either day
    value = args[args.index("--on") + 1] if "--on" in args else args[4]
    assert (code, out) == (1, "")
    assert err in {
        f"eta: error: the change would make {file} invalid:\n  {file}:{where}: `{field}` is "
        f"{value}, after today ({day}): a fact recorded as having happened cannot lie in the "
        "future\n" for day in days}
    assert snapshot(repo) == before


def test_an_evaluated_release_is_reopened_with_who_when_and_why(git_repo: Path) -> None:
    release = git_repo / "releases/R2026-01/release.yaml"
    replace_in(release, "status: in_realisation", "status: evaluated")
    git(git_repo, "commit", "-qam", "Evaluated")
    before = snapshot(git_repo)
    assert eta(git_repo, "plan", "measure-status", "R2026-01", "--party", "poortwachter",
               "sleutelrollover", "done", "--on", "2026-11-24") == (
        1, "", "eta: error: release R2026-01 is evaluated: its records are history and are "
        "not edited; reopen it first with `eta release reopen R2026-01 --reason TEXT`\n")
    assert eta(git_repo, "release", "reopen", "R2026-01", "--reason", "  ") == (
        2, "", "eta: error: --reason must say why: give text, not only spaces\n")
    assert eta(git_repo, "release", "reopen", "R2026-02", "--reason", "Waarom niet.") == (
        1, "", "eta: error: release R2026-02 is draft, not evaluated: only an evaluated "
        "release is reopened\n")
    assert snapshot(git_repo) == before
    assert eta(git_repo, "release", "reopen", "R2026-01", "--reason", "Ketentest overdoen.",
               "--now", "2026-12-01T10:00") == (
        0, "release R2026-01: evaluated -> rolled_out, reopened: Ketentest overdoen.\n"
           "  wrote releases/R2026-01/release.yaml\n", "")
    assert changed_lines(git_repo) == (
        "releases/R2026-01/release.yaml:\n"
        "@@ -18 +18 @@ changes:\n"
        "-status: evaluated\n"
        "+status: rolled_out\n"
        "@@ -24,0 +25,4 @@ rollout:\n"
        "+reopenings:\n"
        "+  - at: 2026-12-01T10:00:00+01:00\n"
        "+    by: Femke Hoekstra <f.hoekstra@beheer.example.nl>\n"
        "+    reason: Ketentest overdoen.\n")
    assert eta(git_repo, "plan", "measure-status", "R2026-01", "--party", "poortwachter",
               "sleutelrollover", "done", "--on", "2026-11-24")[0] == 0
    found = run_eta("check", "--root", str(git_repo), "--base", "HEAD", "--format", "json")
    assert [code for code in found.stdout.split('"code": "')[1:]
            if code.startswith("base.")] == []
