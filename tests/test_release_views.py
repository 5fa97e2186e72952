"""`eta release list` and `eta release show`, in text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES_DATE, run_eta


def eta(root: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(root), "--today", EXAMPLES_DATE)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_release_list(git_repo: Path) -> None:
    assert eta(git_repo, "release", "list") == (0, (
        "R2026-01  in_realisation 1.14  Afsprakenstelsel 1.14: ondertekende netwerkmetadata  "
        "(plan in force, signed by all 4 parties)\n"
        "R2026-02  draft 1.15  Afsprakenstelsel 1.15: EU Digitale Identiteit Wallet als "
        "middel  (plan not in force, signed by 2 of 4 parties)\n"
        "R2026-03  draft 1.16  Afsprakenstelsel 1.16: uitfasering van SHA-1 in SAML-berichten  "
        "(plan not in force, signed by 0 of 3 parties)\n"), "")
    code, stdout, _ = eta(git_repo, "release", "list", "--format", "json")
    document = json.loads(stdout)
    assert (code, document["version"], document["today"]) == (0, 1, EXAMPLES_DATE)
    assert document["releases"][1] == {
        "id": "R2026-02",
        "title": "Afsprakenstelsel 1.15: EU Digitale Identiteit Wallet als middel",
        "status": "draft", "framework_version": "1.15", "decided_on": "2026-10-13",
        "chain_dependencies": True,
        "plan": {"parties": ["logius", "grensweg", "kenniskaart", "tokenfabriek"],
                 "signed_by": ["logius", "grensweg"], "in_force": False},
    }


def test_release_list_of_a_new_repository(tmp_path: Path) -> None:
    root = tmp_path / "records"
    assert run_eta("init", str(root), "--organisation", "logius").exit_code == 0
    assert eta(root, "release", "list") == (
        0, "no releases yet; start one with `eta release new ID --title TEXT`\n", "")
    assert eta(root, "release", "list", "--format", "json") == (
        0, f'{{\n  "version": 1,\n  "today": "{EXAMPLES_DATE}",\n  "releases": []\n}}\n', "")


def test_release_show(git_repo: Path) -> None:
    assert eta(git_repo, "release", "show", "R2026-03") == (0, (
        "R2026-03: Afsprakenstelsel 1.16: uitfasering van SHA-1 in SAML-berichten\n"
        "status: draft\n"
        "framework version: 1.16\n"
        "decided on: 2026-11-10\n"
        "chain dependencies: yes\n"
        "releasemanager: Femke Hoekstra <f.hoekstra@beheer.example.nl>\n"
        "change sha1-uitfasering: SHA-1 is niet meer toegestaan voor handtekeningen en digests "
        "in SAML-berichten\n"
        "implementation plan: plan not in force, signed by 0 of 3 parties\n"
        "  logius: signature missing\n"
        "  poortwachter: signature missing\n"
        "  sleutelbrug: signature missing\n"), "")
    code, stdout, _ = eta(git_repo, "release", "show", "R2026-01")
    assert (code, stdout.splitlines()[-6:]) == (0, [
        "  logius: signature valid",
        "  poortwachter: signature valid",
        "  sleutelbrug: signature valid",
        "  volmacht: signature valid",
        "communication plan: delivered on 2026-05-20",
        "roll-out: planned 2027-03-31, completed not yet",
    ])


def test_release_show_in_json_carries_the_record_and_the_plan(git_repo: Path) -> None:
    code, stdout, _ = eta(git_repo, "release", "show", "R2026-01", "--format", "json")
    document = json.loads(stdout)
    assert code == 0
    assert list(document) == ["version", "today", "release", "plan", "next"]
    assert document["release"]["rollout"] == {"planned_on": "2027-03-31", "completed_on": None}
    assert document["plan"]["in_force"] is True
    assert document["next"]["status"] == "rolled_out"
    assert document["next"]["blocked_by"][-1] == (
        "the roll-out is not complete (rollout.completed_on)")
    assert eta(git_repo, "release", "show", "R2026-9") == (
        2, "", "eta: error: there is no release `R2026-9` (no folder releases/R2026-9/); did "
        "you mean `R2026-03`?\n")
