"""Taking a party, measure, milestone or deadline out of a draft plan, and never out of one
in force; a party's part and signature go with it in one change, and never through a link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, commit, git, run_eta
from plan_helpers import changed_lines, example_key, make_key, public_line, snapshot

STALE = "note: the plan changed: the signatures of logius, grensweg are now stale; they must " \
    "sign again\n"
STALE_OF = "note: the plan changed: the signatures of {} are now stale; they must sign again\n"


def eta(root: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(root))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_removing_the_last_milestone_keeps_the_blank_line_after_the_list(git_repo: Path
                                                                          ) -> None:
    assert eta(git_repo, "plan", "remove-milestone", "R2026-02", "ketentest") == (
        0, "release R2026-02: milestone ketentest removed\n"
        "  wrote releases/R2026-02/plan.yaml\n" + STALE, "")
    assert changed_lines(git_repo) == (
        "releases/R2026-02/plan.yaml:\n"
        "@@ -15,6 +14,0 @@ milestones:\n"
        "-  - id: ketentest\n"
        "-    date: 2027-09-15\n"
        "-    title: Ketentest met een referentiewallet afgerond\n"
        "-    parties:\n"
        "-      - grensweg\n"
        "-      - kenniskaart\n")


def test_removing_a_deadline_and_a_measure(git_repo: Path) -> None:
    assert eta(git_repo, "plan", "remove-deadline", "R2026-02", "implementatie-gereed") == (
        0, "release R2026-02: deadline implementatie-gereed removed\n"
        "  wrote releases/R2026-02/plan.yaml\n" + STALE, "")
    assert eta(git_repo, "plan", "remove-measure", "R2026-02", "wallet-middel", "--party",
               "kenniskaart") == (
        0, "kenniskaart: measure wallet-middel removed\n"
        "  wrote releases/R2026-02/parties/kenniskaart.yaml\n", "")  # stale already
    assert changed_lines(git_repo) == (
        "releases/R2026-02/parties/kenniskaart.yaml:\n"
        "@@ -17,4 +17 @@ planning:\n"
        "-measures:\n"
        "-  - id: wallet-middel\n"
        "-    description: Wallet als middel op betrouwbaarheidsniveau hoog accepteren\n"
        "-    deadline: 2027-08-31\n"
        "+measures: []\n"
        "releases/R2026-02/plan.yaml:\n"
        "@@ -22,4 +22 @@ milestones:\n"
        "-deadlines:\n"
        "-  - id: implementatie-gereed\n"
        "-    date: 2027-09-30\n"
        "-    title: Implementatie bij alle partijen gereed\n"
        "+deadlines: []\n")


def test_a_plan_nobody_signed_changes_without_a_note(git_repo: Path) -> None:
    assert eta(git_repo, "plan", "add-milestone", "R2026-03", "--date", "2027-05-01",
               "--title", "Ketentest", "--id", "ketentest")[0] == 0
    assert eta(git_repo, "plan", "remove-milestone", "R2026-03", "ketentest") == (
        0, "release R2026-03: milestone ketentest removed\n"
        "  wrote releases/R2026-03/plan.yaml\n", "")


IN_REALISATION = ("release R2026-01 is in_realisation: its implementation plan was brought into "
                  "force and binds every party; what they agreed is not taken back")
NOT_IMPLEMENTING = ("volmacht is not an implementing party of the plan of R2026-02 "
                    "(implementing parties: logius, grensweg, kenniskaart, tokenfabriek)")
REFUSED = {
    "a plan in realisation": (
        ["plan", "remove-milestone", "R2026-01", "ketentest"], 1,
        IN_REALISATION),
    "an unknown deadline": (
        ["plan", "remove-deadline", "R2026-02", "implementatie"], 2,
        "the plan of R2026-02 has no deadline `implementatie`; did you mean "
        "`implementatie-gereed`?"),
    "an unknown measure": (
        ["plan", "remove-measure", "R2026-02", "nothing", "--party", "kenniskaart"], 2,
        "kenniskaart has no measure in the plan of R2026-02 named `nothing` (there are: "
        "wallet-middel)"),
    "a party that does not implement the plan": (
        ["plan", "remove-measure", "R2026-02", "x", "--party", "volmacht"], 2,
        NOT_IMPLEMENTING),
    "a party of a plan in realisation": (
        ["plan", "remove-party", "R2026-01", "logius"], 1,
        IN_REALISATION),
    "a party that is not in the plan": (
        ["plan", "remove-party", "R2026-02", "volmacht"], 2,
        NOT_IMPLEMENTING),
    "a party of a release that is not there": (
        ["plan", "remove-party", "R2026-09", "logius"], 2,
        "there is no release `R2026-09` (no folder releases/R2026-09/); did you mean "
        "`R2026-03`?"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_removal_changes_no_byte(git_repo: Path, name: str) -> None:
    args, code, message = REFUSED[name]
    before = snapshot(git_repo)
    assert eta(git_repo, *args) == (code, "", f"eta: error: {message}\n")
    assert snapshot(git_repo) == before


def test_a_draft_signed_by_every_party_is_in_force_and_not_undone(git_repo: Path) -> None:
    for party, representative in (("kenniskaart", "lvisser"), ("tokenfabriek", "nmulder")):
        assert eta(git_repo, "plan", "sign", "R2026-02", "--party", party, "--key",
                   str(example_key(party, representative)))[0] == 0
    before = snapshot(git_repo)
    for removal in (["remove-deadline", "implementatie-gereed"],
                    ["remove-party", "tokenfabriek"]):
        assert eta(git_repo, "plan", removal[0], "R2026-02", removal[1]) == (
            1, "", "eta: error: the plan of R2026-02 is in force: every implementing party "
            "signed it (logius, grensweg, kenniskaart, tokenfabriek); what they agreed is not "
            "taken back. An amendment the parties agree on is edited by hand and signed again "
            "by every party\n")
    assert snapshot(git_repo) == before


# -- Taking a party out ----------------------------------------------------------------------

PLAN = "releases/R2026-02/plan.yaml"


def test_a_party_that_has_not_signed_leaves_the_plan_with_its_part(git_repo: Path) -> None:
    assert eta(git_repo, "plan", "remove-party", "R2026-02", "tokenfabriek") == (
        0, "release R2026-02: tokenfabriek no longer implements the plan\n"
        f"  wrote {PLAN}\n"
        "  removed releases/R2026-02/parties/tokenfabriek.yaml\n"
        + STALE_OF.format("logius, grensweg"), "")
    assert git(git_repo, "status", "--porcelain") == (
        " D releases/R2026-02/parties/tokenfabriek.yaml\n M releases/R2026-02/plan.yaml\n")
    assert changed_lines(git_repo) == (
        f"{PLAN}:\n"
        "@@ -7 +6,0 @@ parties:\n"
        "-  - tokenfabriek\n")
    status = json.loads(run_eta("plan", "status", "R2026-02", "--format", "json",
                                "--today", EXAMPLES_DATE, cwd=git_repo).stdout)
    assert [p["party"] for p in status["plan"]["parties"]] == ["logius", "grensweg",
                                                               "kenniskaart"]
    assert [p["signature"]["state"] for p in status["plan"]["parties"]] == [
        "stale", "stale", "missing"]


def test_a_party_that_signed_leaves_with_its_signature_and_its_milestones(
        git_repo: Path) -> None:
    code, out, err = eta(git_repo, "plan", "remove-party", "R2026-02", "grensweg",
                         "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "version": 1, "summary": "release R2026-02: grensweg no longer implements the plan",
        "written": [PLAN],
        "removed": ["releases/R2026-02/parties/grensweg.yaml",
                    "releases/R2026-02/signatures/grensweg.yaml"],
        "notes": ["the plan changed: the signatures of logius are now stale; they must sign "
                  "again"]}
    assert not (git_repo / "releases/R2026-02/parties/grensweg.yaml").exists()
    assert not (git_repo / "releases/R2026-02/signatures/grensweg.yaml").exists()
    assert changed_lines(git_repo) == (
        f"{PLAN}:\n"
        "@@ -5 +4,0 @@ parties:\n"
        "-  - grensweg\n"
        "@@ -19 +17,0 @@ milestones:\n"
        "-      - grensweg\n")
    # What is left is a draft eta accepts, its signatures stale until signed again, and a
    # change `eta check --base` accepts: the part of a party that left a draft may go.
    check = run_eta("check", "--today", EXAMPLES_DATE, "--base", "HEAD", cwd=git_repo)
    assert check.exit_code == 0, check.stdout
    assert "[plan.signature.stale]" in check.stdout
    assert check.stdout.endswith(" files checked: 0 errors, 2 warnings\n")


@pytest.mark.parametrize("release", ["R2026-01", "R2026-02"])
def test_a_part_deleted_by_hand_is_still_a_deleted_record_unless_its_party_left_a_draft(
        git_repo: Path, release: str) -> None:
    """R2026-01 is in realisation; in R2026-02 the party stays in the plan."""
    party = {"R2026-01": "volmacht", "R2026-02": "tokenfabriek"}[release]
    part = f"releases/{release}/parties/{party}.yaml"
    (git_repo / part).unlink()
    if release == "R2026-01":
        plan = git_repo / f"releases/{release}/plan.yaml"
        plan.write_text(plan.read_text().replace(f"  - {party}\n", "", 1))
    check = run_eta("check", "--today", EXAMPLES_DATE, "--base", "HEAD", cwd=git_repo)
    assert check.exit_code == 1
    assert (f"{part}:1:1: error [base.record.deleted] {part} was deleted since HEAD; records "
            "are never deleted: a record is closed, and stays\n") in check.stdout


def test_the_last_party_of_a_milestone_takes_the_milestones_parties_with_it(
        git_repo: Path) -> None:
    assert eta(git_repo, "plan", "remove-party", "R2026-02", "logius")[0] == 0
    assert changed_lines(git_repo) == (
        f"{PLAN}:\n"
        "@@ -4 +3,0 @@ parties:\n"
        "-  - logius\n"
        "@@ -13,2 +11,0 @@ milestones:\n"
        "-    parties:\n"
        "-      - logius\n")
    assert run_eta("check", "--today", EXAMPLES_DATE, cwd=git_repo).exit_code == 0


def test_a_party_without_a_part_of_its_own_leaves_the_plan_alone(git_repo: Path) -> None:
    (git_repo / "releases/R2026-03/parties/sleutelbrug.yaml").unlink()
    commit(git_repo, "No part yet", "2026-11-20T10:00:00+01:00")
    assert eta(git_repo, "plan", "remove-party", "R2026-03", "sleutelbrug") == (
        0, "release R2026-03: sleutelbrug no longer implements the plan\n"
        "  wrote releases/R2026-03/plan.yaml\n", "")


def test_a_party_removed_from_a_new_plan_signed_with_new_keys(tmp_path: Path) -> None:
    """In a repository eta made, with keys ssh-keygen made: a party leaves, the signature
    already made is stale, and signing again brings the plan into force."""
    root = tmp_path / "eherkenning"
    assert run_eta("init", str(root), "--organisation", "logius", "-q").exit_code == 0
    keys = {name: make_key(tmp_path / "keys", name) for name in ("jvermeulen", "lvisser")}
    for party, representative, role in (("sleutelbrug", "jvermeulen", "herkenningsmakelaar"),
                                        ("kenniskaart", "lvisser", "authenticatiedienst")):
        assert eta(root, "party", "new", party, "--name", party.capitalize(), "--role",
                   role)[0] == 0
        assert eta(root, "party", "add-representative", party, "--id", representative,
                   "--name", representative, "--email", f"{representative}@example.nl",
                   "--key-file", f"{keys[representative]}.pub", "--valid-from",
                   "2026-01-01")[0] == 0
    assert eta(root, "release", "new", "R2027-01", "--title", "T", "--chain-dependencies",
               "--framework-version", "1.17", "--decided-on", "2026-11-24",
               "--releasemanager-name", "Femke Hoekstra", "--releasemanager-email",
               "f.hoekstra@beheer.example.nl")[0] == 0
    for party in ("sleutelbrug", "kenniskaart"):
        for args in (["add-party", "--contact-name", "C", "--contact-email", "c@example.nl"],
                     ["impact", "--level", "low", "--summary", "Weinig"],
                     ["planning", "--summary", "Q1", "--ready-on", "2027-03-31"],
                     ["add-measure", "--description", "Bouwen", "--deadline", "2027-03-31"]):
            assert eta(root, "plan", args[0], "R2027-01", "--party", party, *args[1:])[0] == 0
    assert eta(root, "plan", "deadline", "R2027-01", "--date", "2027-09-30", "--title",
               "Gereed")[0] == 0
    commit(root, "The draft", "2026-11-25T10:00:00+01:00")
    assert eta(root, "plan", "sign", "R2027-01", "--party", "sleutelbrug", "--key",
               str(keys["jvermeulen"]))[0] == 0
    assert eta(root, "plan", "remove-party", "R2027-01", "kenniskaart") == (
        0, "release R2027-01: kenniskaart no longer implements the plan\n"
        "  wrote releases/R2027-01/plan.yaml\n"
        "  removed releases/R2027-01/parties/kenniskaart.yaml\n"
        + STALE_OF.format("sleutelbrug"), "")
    assert eta(root, "plan", "sign", "R2027-01", "--party", "sleutelbrug", "--key",
               str(keys["jvermeulen"]))[0] == 0
    assert eta(root, "release", "advance", "R2027-01")[:2] == (
        0, "release R2027-01: draft -> in_force\n  wrote releases/R2027-01/release.yaml\n")
    assert public_line(keys["lvisser"]) in (root / "afspraken/parties/kenniskaart.yaml"
                                            ).read_text()


# -- Links -----------------------------------------------------------------------------------


LINK_REFUSED = ("eta: error: records this command reads are not valid; fix them first "
                "(`eta check` shows all):\n  {}:1:1: a symbolic link; eta reads only real "
                "files inside the repository and never follows a link\n")


@pytest.mark.parametrize("linked", ["releases/R2026-02/parties/tokenfabriek.yaml",
                                    "releases/R2026-02/signatures/grensweg.yaml",
                                    "releases/R2026-02/parties"])
def test_a_part_signature_or_folder_that_is_a_link_is_refused_and_what_it_points_at_kept(
        git_repo: Path, tmp_path: Path, linked: str) -> None:
    link = git_repo / linked
    outside = tmp_path / "outside"
    link.rename(outside)
    link.symlink_to(outside)
    kept = snapshot(outside) if outside.is_dir() else outside.read_bytes()
    party = "grensweg" if "grensweg" in linked else "tokenfabriek"
    before = snapshot(git_repo)
    assert eta(git_repo, "plan", "remove-party", "R2026-02", party) == (
        2, "", LINK_REFUSED.format(linked))
    assert snapshot(git_repo) == before
    assert link.is_symlink()
    assert (snapshot(outside) if outside.is_dir() else outside.read_bytes()) == kept
