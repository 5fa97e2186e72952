"""Taking a measure, milestone or deadline out of a draft plan, and never out of one in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_eta
from plan_helpers import changed_lines, example_key, snapshot

STALE = "note: the plan changed: the signatures of logius, grensweg are now stale; they must " \
    "sign again\n"


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


REFUSED = {
    "a plan in realisation": (
        ["plan", "remove-milestone", "R2026-01", "ketentest"], 1,
        "release R2026-01 is in_realisation: its implementation plan was brought into force "
        "and binds every party; what they agreed is not taken back"),
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
        "volmacht is not an implementing party of the plan of R2026-02 (implementing parties: "
        "logius, grensweg, kenniskaart, tokenfabriek)"),
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
    assert eta(git_repo, "plan", "remove-deadline", "R2026-02", "implementatie-gereed") == (
        1, "", "eta: error: the plan of R2026-02 is in force: every implementing party signed "
        "it (logius, grensweg, kenniskaart, tokenfabriek); what they agreed is not taken "
        "back. An amendment the parties agree on is edited by hand and signed again by every "
        "party\n")
    assert snapshot(git_repo) == before
