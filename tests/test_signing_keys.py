"""`eta plan sign` dates a signature itself."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import EXAMPLES_DATE, run_eta
from plan_helpers import example_key, replace_in

RELEASE = "R2026-02"
SIGNED = ("Noor Mulder (nmulder) signed the plan of R2026-02 for tokenfabriek\n"
          "  wrote releases/R2026-02/signatures/tokenfabriek.yaml\n")


def clean(root: Path) -> bool:
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE,
                      str(root / "releases"))
    return outcome.exit_code == 0 and outcome.stdout.endswith("no problems found\n")


def signed_at(root: Path) -> str:
    text = (root / "releases/R2026-02/signatures/tokenfabriek.yaml").read_text()
    found = re.search(r"^signed_at: (\S+)$", text, re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_the_signature_is_dated_now_in_the_agreements_time_zone(git_repo: Path) -> None:
    replace_in(git_repo / "afspraken/service-levels.yaml", "timezone: Europe/Amsterdam",
               "timezone: America/Kralendijk")
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key",
                      str(example_key("tokenfabriek", "nmulder")), "--root", str(git_repo))
    assert outcome.exit_code == 0
    assert signed_at(git_repo).endswith("-04:00")
    assert clean(git_repo)


def test_the_time_of_signing_cannot_be_chosen() -> None:
    outcome = run_eta("plan", "sign", "--help")
    assert "--key" in outcome.stdout
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", outcome.stdout))
    assert options == {"--party", "--key", "--root", "--help"}


def test_signing_before_the_decision_is_refused_and_writes_nothing(git_repo: Path) -> None:
    replace_in(git_repo / f"releases/{RELEASE}/release.yaml", "decided_on: 2026-10-13",
               "decided_on: 2099-10-13")
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key",
                      str(example_key("tokenfabriek", "nmulder")), "--root", str(git_repo))
    assert outcome.exit_code == 2
    assert re.fullmatch(
        r"eta: error: the plan of R2026-02 cannot be signed now: the signature would be "
        r"invalid: it is dated \S+, before the release was decided on 2099-10-13\n",
        outcome.stderr), outcome.stderr
    assert not (git_repo / "releases/R2026-02/signatures/tokenfabriek.yaml").exists()
