"""What a signature covers and what a release's status rests on, tried as an attacker would.

Each test builds a real git repository of the example records whose signers hold keys
freshly made by ssh-keygen, signs through the real CLI, and then makes the pull request an
attacker would: `eta check --base` must refuse it with the exact findings.
"""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, commit, git, run_eta
from plan_helpers import example_key, make_key, public_line, replace_in

RELEASE = "R2026-02"
FOLDER = f"releases/{RELEASE}"
#: The representative who signs R2026-02 for each of its implementing parties; the first two
#: have signed in the examples.
SIGNERS = {"grensweg": "kbos", "logius": "mvanderberg", "kenniskaart": "lvisser",
           "tokenfabriek": "nmulder"}


def eta(root: Path, *args: str) -> tuple[int, str]:
    outcome = run_eta(*args, cwd=root)
    assert outcome.stderr == ""
    return outcome.exit_code, outcome.stdout


def check_against_main(root: Path) -> tuple[int, str]:
    return eta(root, "check", "--base", "main", "--no-cache", "--today", EXAMPLES_DATE)


def sign_with_fresh_keys(root: Path, keys: Path, parties: list[str]) -> None:
    """Register a new key for each party's signer beside the one it has, commit, and sign
    with the new key."""
    fresh = {}
    for party in parties:
        representative = SIGNERS[party]
        fresh[party] = make_key(keys, f"{party}-{representative}")
        registered = public_line(example_key(party, representative)).split()[1]
        register = root / "afspraken" / "parties" / f"{party}.yaml"
        lines = register.read_text().splitlines(keepends=True)
        register.write_text("".join(line + f"      - {public_line(fresh[party])}\n"
                                    if registered in line else line for line in lines))
    commit(root, "Signing keys of the representatives", "2026-03-02T10:00:00+01:00")
    for party in parties:
        code, _ = eta(root, "plan", "sign", RELEASE, "--party", party, "--key",
                      str(fresh[party]))
        assert code == 0


def stale(party: str) -> str:
    return (f"{FOLDER}/signatures/{party}.yaml:6:9: error [plan.signature.stale] the signature "
            f"of {party} is stale: the plan changed after it was signed\n"
            f"    hint: sign again: `eta plan sign {RELEASE} --party {party}`\n")


def test_a_change_to_the_releases_agreed_content_after_all_signed_makes_every_signature_stale(
        git_repo: Path, tmp_path: Path) -> None:
    # grensweg and logius signed in the examples; the other two sign now.
    sign_with_fresh_keys(git_repo, tmp_path / "keys", ["kenniskaart", "tokenfabriek"])
    assert eta(git_repo, "release", "advance", RELEASE)[0] == 0
    commit(git_repo, "Signed by all four; in force", "2026-03-03T10:00:00+01:00")
    assert check_against_main(git_repo) == (
        0, f"{EXAMPLES_WARNING}42 files checked: 0 errors, 1 warning\n")
    assert "implementation plan: IN FORCE, signed by all 4 implementing parties\n" in eta(
        git_repo, "plan", "status", RELEASE)[1]

    git(git_repo, "checkout", "-q", "-b", "amendment")
    release = git_repo / FOLDER / "release.yaml"
    replace_in(release, "framework_version: '1.15'", "framework_version: '1.16'")
    replace_in(release, "status: in_force", "  - id: wallet-verplicht\n"
               "    title: Elke dienstverlener accepteert de wallet\nstatus: in_force")
    commit(git_repo, "Add a clause", "2026-03-04T10:00:00+01:00")

    reason = "is stale: the plan changed after it was signed"
    assert check_against_main(git_repo) == (1, EXAMPLES_WARNING + "".join(
        [f"{FOLDER}/release.yaml:17:9: error [plan.not-in-force] the release is in_force, but "
         f"the plan is not in force: the signature of {party} {reason}\n"
         for party in sorted(SIGNERS)]
        + [stale(party) for party in sorted(SIGNERS)])
        + "42 files checked: 8 errors, 1 warning\n")
    assert "implementation plan: NOT in force, 0 of 4 implementing parties signed\n" in eta(
        git_repo, "plan", "status", RELEASE)[1]

    # Signed again by all four, the amendment is in force, and the stale signatures it
    # replaces may go.
    keys = {party: example_key(party, SIGNERS[party]) for party in ("grensweg", "logius")}
    keys |= {party: tmp_path / "keys" / f"{party}-{SIGNERS[party]}"
             for party in ("kenniskaart", "tokenfabriek")}
    for party, key in keys.items():
        assert eta(git_repo, "plan", "sign", RELEASE, "--party", party, "--key", str(key))[0] == 0
    commit(git_repo, "Signed again", "2026-03-05T10:00:00+01:00")
    assert check_against_main(git_repo) == (
        0, f"{EXAMPLES_WARNING}42 files checked: 0 errors, 1 warning\n")


def test_flipping_chain_dependencies_does_not_put_a_half_signed_release_in_force(
        git_repo: Path, tmp_path: Path) -> None:
    for party in ("grensweg", "logius"):
        git(git_repo, "rm", "-q", f"{FOLDER}/signatures/{party}.yaml")
    sign_with_fresh_keys(git_repo, tmp_path / "keys", ["grensweg", "logius"])
    commit(git_repo, "Signed by two of four", "2026-03-03T10:00:00+01:00")
    assert "implementation plan: NOT in force, 2 of 4 implementing parties signed\n" in eta(
        git_repo, "plan", "status", RELEASE)[1]

    git(git_repo, "checkout", "-q", "-b", "shortcut")
    release = git_repo / FOLDER / "release.yaml"
    replace_in(release, "chain_dependencies: true", "chain_dependencies: false")
    replace_in(release, "status: draft", "status: in_force")
    commit(git_repo, "No chain dependencies after all; in force", "2026-03-04T10:00:00+01:00")

    flipped = (
        f"{FOLDER}/release.yaml:6:21: error [base.release.chain-dependencies-changed] "
        "`chain_dependencies` changed from `true` to `false` on a release that is in_force; "
        "whether a release needs a plan signed by every party is agreed, and does not change "
        "once it is in force\n"
        "    hint: set it back to `true`\n")
    not_in_force = "".join(
        f"{FOLDER}/release.yaml:15:9: error [plan.not-in-force] the release is in_force, but "
        f"the plan is not in force: {reason}\n" for reason in (
            "kenniskaart has not signed the plan",
            "the signature of grensweg is stale: the plan changed after it was signed",
            "the signature of logius is stale: the plan changed after it was signed",
            "tokenfabriek has not signed the plan"))
    assert check_against_main(git_repo) == (
        1, EXAMPLES_WARNING + flipped + not_in_force + stale("grensweg") + stale("logius")
        + "40 files checked: 7 errors, 1 warning\n")
    # However the status got there, the check without the base holds it to its records.
    assert eta(git_repo, "check", "--no-cache", "--today", EXAMPLES_DATE) == (
        1, EXAMPLES_WARNING + not_in_force + stale("grensweg") + stale("logius")
        + "40 files checked: 6 errors, 1 warning\n")
