"""A signature's time is attested, not claimed: the moment of the check, the release's
decision, git's history of the content and the base of a change bound it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import (
    EXAMPLES_DATE,
    EXAMPLES_DIAGNOSTIC,
    commit,
    commit_without_date,
    git,
    run_eta,
)
from eta.attestation import CLOCK_SKEW, Unattested, unattested
from plan_helpers import AMS, current_digest, example_key, replace_in, write_signature

RELEASE = "R2026-02"
RELEASE_YAML = f"releases/{RELEASE}/release.yaml"
TOKENFABRIEK = f"releases/{RELEASE}/parties/tokenfabriek.yaml"
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=AMS)


def check(root: Path, *args: str) -> tuple[int, list[str]]:
    """`eta check` of the releases: its exit code and its findings, without the summary."""
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE,
                      *args, str(root / "releases"))
    assert outcome.stderr == ""
    return outcome.exit_code, outcome.stdout.splitlines()[:-1]


def base_check(root: Path) -> tuple[int, list[dict[str, object]]]:
    """`eta check --base HEAD` of the whole repository: exit code and every finding."""
    outcome = run_eta("check", "--base", "HEAD", "--no-cache", "--today", EXAMPLES_DATE,
                      "--format", "json", cwd=root)
    assert outcome.stderr == ""
    return outcome.exit_code, json.loads(outcome.stdout)["diagnostics"]


# -- The one judgement ---------------------------------------------------------------------


def test_a_time_within_the_clock_skew_of_the_check_is_attested() -> None:
    assert unattested(NOW + CLOCK_SKEW, checked_at=NOW, base_time=None,
                      grace=dt.timedelta(days=14)) is None


def test_a_time_beyond_the_clock_skew_is_in_the_future() -> None:
    found = unattested(NOW + CLOCK_SKEW + dt.timedelta(seconds=1), checked_at=NOW,
                       base_time=None, grace=dt.timedelta(days=14))
    assert found is not None and found.kind is Unattested.FUTURE
    assert found.message == ("dated 2026-11-28T12:05:01+01:00, in the future: more than "
                             "5 minutes after the moment of the check")


def test_the_grace_before_the_base_commit_is_attested_and_no_more() -> None:
    base = dt.datetime(2026, 11, 24, 10, 0, tzinfo=AMS)
    grace = dt.timedelta(days=14)
    assert unattested(base - grace, checked_at=NOW, base_time=base, grace=grace) is None
    found = unattested(base - grace - dt.timedelta(seconds=1), checked_at=NOW,
                       base_time=base, grace=grace)
    assert found is not None and found.kind is Unattested.BEFORE_BASE
    assert found.message == ("dated 2026-11-10T09:59:59+01:00, more than 14 days before the "
                             "commit the change starts from (2026-11-24T10:00:00+01:00)")


def test_without_a_base_nothing_bounds_a_time_from_below() -> None:
    assert unattested(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), checked_at=NOW, base_time=None,
                      grace=dt.timedelta(0)) is None


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="carries no time zone"):
        unattested(dt.datetime(2026, 11, 28, 12, 0), checked_at=NOW, base_time=None,
                   grace=dt.timedelta(0))


# -- The whole check -----------------------------------------------------------------------


def test_a_representative_not_yet_authorised_cannot_sign_with_a_forward_date(repo: Path
                                                                              ) -> None:
    replace_in(repo / "afspraken/parties/grensweg.yaml", "valid_from: 2025-11-01",
               "valid_from: 2099-01-01")
    write_signature(repo, RELEASE, "grensweg", "kbos", example_key("grensweg", "kbos"),
                    dt.datetime(2099, 1, 1, 10, 0, tzinfo=AMS))
    assert check(repo) == (1, [
        "releases/R2026-02/signatures/grensweg.yaml:5:12: error [plan.signature.future] the "
        "signature of grensweg is invalid: it is dated 2099-01-01T10:00:00+01:00, in the "
        "future: more than 5 minutes after the moment of the check"])


def test_a_signature_dated_before_the_decision_does_not_count(repo: Path) -> None:
    """The expired representative back-dates into their authorisation: the release was not
    decided yet then."""
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    assert check(repo) == (1, [
        "releases/R2026-02/signatures/logius.yaml:5:12: error [plan.signature.before-decision] "
        "the signature of logius is invalid: it is dated 2025-12-20T10:00:00+01:00, before "
        "the release was decided on 2026-10-13"])


def _decide_early(repo: Path) -> None:
    """R2026-02 decided in 2025, and grensweg's signature made again over that decision."""
    replace_in(repo / RELEASE_YAML, "decided_on: 2026-10-13", "decided_on: 2025-10-13")
    write_signature(repo, RELEASE, "grensweg", "kbos", example_key("grensweg", "kbos"),
                    dt.datetime(2025, 11, 3, 9, 0, tzinfo=AMS))


def _decided_early(repo: Path) -> str:
    """The examples as a git repository, R2026-02 decided in 2025; the first commit."""
    git(repo, "init", "-q")
    _decide_early(repo)
    return commit(repo, "Records", "2025-11-03T10:00:00+01:00")


def test_an_expired_representative_cannot_back_date_before_the_content_changed(repo: Path
                                                                              ) -> None:
    _decided_early(repo)
    replace_in(repo / TOKENFABRIEK, "    - middelenregistratie\n",
               "    - middelenregistratie\n    - walletkoppeling\n")
    changed = commit(repo, "Tokenfabriek koppelt de wallet", "2026-01-20T09:00:00+01:00")
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    code, found = check(repo)
    assert code == 1
    assert found[-1] == (
        "releases/R2026-02/signatures/logius.yaml:5:12: error [plan.signature.before-change] "
        "the signature of logius is invalid: it is dated 2025-12-20T10:00:00+01:00, before "
        f"commit {changed[:12]} gave the content it covers its present state, at "
        "2026-01-20T09:00:00+01:00")
    status = run_eta("plan", "status", RELEASE, "--root", str(repo), "--format", "json")
    signature = next(p["signature"] for p in json.loads(status.stdout)["plan"]["parties"]
                     if p["party"] == "logius")
    assert (signature["state"], signature["reason"]) == (
        "invalid", "it is dated 2025-12-20T10:00:00+01:00, before commit "
        f"{changed[:12]} gave the content it covers its present state, at "
        "2026-01-20T09:00:00+01:00")


def test_progress_recorded_after_signing_leaves_the_signature_valid(repo: Path) -> None:
    _decided_early(repo)
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    commit(repo, "Logius tekent", "2025-12-20T10:30:00+01:00")
    digest = current_digest(repo, RELEASE)
    replace_in(repo / TOKENFABRIEK, "    deadline: 2027-07-30\n",
               "    deadline: 2027-07-30\n    status: in_progress\n    status_on: 2026-01-19\n")
    assert current_digest(repo, RELEASE) == digest
    commit(repo, "Tokenfabriek is begonnen", "2026-01-20T09:00:00+01:00")
    assert check(repo) == (0, [])


def test_content_committed_together_with_its_signature_may_be_older_in_time(repo: Path
                                                                            ) -> None:
    """Records brought into a repository in one commit: git says nothing of which came
    first, the content or the signature."""
    git(repo, "init", "-q")
    _decide_early(repo)
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    commit(repo, "Records", "2026-11-01T10:00:00+01:00")
    assert check(repo) == (0, [])


def test_content_committed_before_a_later_signature_commit_bounds_it(repo: Path) -> None:
    """Signed, then the content committed, then the signature: git saw the content first."""
    _decided_early(repo)
    replace_in(repo / TOKENFABRIEK, "    - middelenregistratie\n",
               "    - middelenregistratie\n    - walletkoppeling\n")
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    signature = repo / f"releases/{RELEASE}/signatures/logius.yaml"
    text = signature.read_text()
    git(repo, "checkout", "--", signature.relative_to(repo).as_posix())
    changed = commit(repo, "Tokenfabriek koppelt de wallet", "2026-01-20T09:00:00+01:00")
    signature.write_text(text)
    commit(repo, "Logius tekent", "2026-01-21T09:00:00+01:00")
    code, found = check(repo)
    assert code == 1
    assert found[-1].endswith(f"before commit {changed[:12]} gave the content it covers its "
                              "present state, at 2026-01-20T09:00:00+01:00")


KENNISKAART = f"releases/{RELEASE}/parties/kenniskaart.yaml"
KENNISKAART_PLANNING = ("  summary: Bouw na vaststelling van het toetsingskader.",
                        "  summary: Bouw direct na vaststelling van het toetsingskader.")


def _wallet_for_tokenfabriek(repo: Path) -> None:
    replace_in(repo / TOKENFABRIEK, "    - middelenregistratie\n",
               "    - middelenregistratie\n    - walletkoppeling\n")


def _merged(repo: Path, branch: str) -> str:
    """`branch` merged into the one checked out in 2026, in a merge commit; its id."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_AUTHOR_DATE", "2026-01-20T09:00:00+01:00")
        patch.setenv("GIT_COMMITTER_DATE", "2026-01-20T09:00:00+01:00")
        git(repo, "merge", "-q", "--no-ff", "-m", f"{branch} erbij", branch)
    return git(repo, "rev-parse", "HEAD").strip()


def _signed_before(merge: str) -> str:
    return ("releases/R2026-02/signatures/logius.yaml:5:12: error "
            "[plan.signature.before-change] the signature of logius is invalid: it is dated "
            f"2025-12-20T10:00:00+01:00, before commit {merge[:12]} gave the content it "
            "covers its present state, at 2026-01-20T09:00:00+01:00")


def test_content_two_sides_changed_first_stands_at_their_merge(repo: Path) -> None:
    """Tokenfabriek's change on a side branch, Kenniskaart's on the main one, merged
    without a conflict: neither side held the content the signature covers. It stands so
    since the merge, which changed no file as git shows a merge (each is one side's)."""
    _decided_early(repo)
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "tokenfabriek")
    _wallet_for_tokenfabriek(repo)
    commit(repo, "Tokenfabriek koppelt de wallet", "2025-12-01T09:00:00+01:00")
    git(repo, "checkout", "-q", main)
    replace_in(repo / KENNISKAART, *KENNISKAART_PLANNING)
    commit(repo, "Kenniskaart bouwt direct", "2025-12-02T09:00:00+01:00")
    merge = _merged(repo, "tokenfabriek")
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    commit(repo, "Logius tekent", "2026-01-21T09:00:00+01:00")
    code, found = check(repo)
    # Grensweg's signature covers the content as it stood before either change.
    assert (code, found[-1]) == (1, _signed_before(merge))


def test_a_signature_a_side_held_before_the_merge_was_not_brought_by_it(repo: Path
                                                                         ) -> None:
    """A signature over the merged content, committed on the side branch before the merge
    made that content: the merge holds the signature as that side did, so it came first."""
    _decided_early(repo)
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "tokenfabriek")
    _wallet_for_tokenfabriek(repo)
    replace_in(repo / KENNISKAART, *KENNISKAART_PLANNING)
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    replace_in(repo / KENNISKAART, *reversed(KENNISKAART_PLANNING))
    commit(repo, "Tokenfabriek koppelt de wallet, Logius tekent", "2025-12-20T10:30:00+01:00")
    git(repo, "checkout", "-q", main)
    replace_in(repo / KENNISKAART, *KENNISKAART_PLANNING)
    commit(repo, "Kenniskaart bouwt direct", "2025-12-02T09:00:00+01:00")
    merge = _merged(repo, "tokenfabriek")
    code, found = check(repo)
    # Grensweg's signature covers the content as it stood before either change.
    assert (code, found[-1]) == (1, _signed_before(merge))


def test_a_merge_that_brings_content_and_its_signature_together_lets_it_stand(repo: Path
                                                                               ) -> None:
    """Content and signature on a side branch from one commit, merged where the main branch
    changed nothing of the release: the content stood so on the side, before the signature."""
    _decided_early(repo)
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "tokenfabriek")
    _wallet_for_tokenfabriek(repo)
    commit(repo, "Tokenfabriek koppelt de wallet", "2025-12-01T09:00:00+01:00")
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    commit(repo, "Logius tekent", "2025-12-20T10:30:00+01:00")
    git(repo, "checkout", "-q", main)
    _merged(repo, "tokenfabriek")
    code, found = check(repo)
    assert (code, [line for line in found if "logius" in line]) == (0, [])


def _signed_by_logius(repo: Path) -> None:
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))


def test_a_commit_that_keeps_the_content_does_not_hide_the_commit_that_gave_it(repo: Path
                                                                               ) -> None:
    """A comment committed after the change, with a committer date before it (a clock, or
    a hand, set back): the content stood so only since the change."""
    _decided_early(repo)
    _wallet_for_tokenfabriek(repo)
    changed = commit(repo, "Tokenfabriek koppelt de wallet", "2026-01-20T09:00:00+01:00")
    digest = current_digest(repo, RELEASE)
    replace_in(repo / TOKENFABRIEK, "party: tokenfabriek\n",
               "party: tokenfabriek  # de wallet is erbij\n")
    assert current_digest(repo, RELEASE) == digest
    _signed_by_logius(repo)
    commit(repo, "Logius tekent", "2025-12-20T10:02:00+01:00")
    code, found = check(repo)
    assert (code, found[-1]) == (1, _signed_before(changed))


def test_progress_on_the_main_branch_while_a_change_is_signed_on_its_own_keeps_it_valid(
        repo: Path) -> None:
    """The change and its signature on a side branch, progress recorded on the main one
    meanwhile, then the merge: the merge holds the content the side gave it before the
    signature, and the progress, which the signature does not cover."""
    _decided_early(repo)
    main = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "tokenfabriek")
    replace_in(repo / KENNISKAART, *KENNISKAART_PLANNING)
    commit(repo, "Kenniskaart bouwt direct", "2025-12-01T09:00:00+01:00")
    _signed_by_logius(repo)
    commit(repo, "Logius tekent", "2025-12-20T10:30:00+01:00")
    git(repo, "checkout", "-q", main)
    replace_in(repo / TOKENFABRIEK, "    deadline: 2027-07-30\n",
               "    deadline: 2027-07-30\n    status: in_progress\n    status_on: 2026-01-19\n")
    commit(repo, "Tokenfabriek is begonnen", "2026-01-19T09:00:00+01:00")
    _merged(repo, "tokenfabriek")
    code, found = check(repo)
    assert (code, [line for line in found if "logius" in line]) == (0, [])


def test_a_history_joined_from_elsewhere_lifts_no_bound_of_the_one_that_gave_the_content(
        repo: Path) -> None:
    """A commit with no parent that holds the content and a signature dated before it,
    joined in: the content stood so in the repository only since the change."""
    _decided_early(repo)
    main = git(repo, "branch", "--show-current").strip()
    _wallet_for_tokenfabriek(repo)
    changed = commit(repo, "Tokenfabriek koppelt de wallet", "2026-01-20T09:00:00+01:00")
    git(repo, "checkout", "-q", "--orphan", "elders")
    _signed_by_logius(repo)
    commit(repo, "Logius tekent", "2025-12-20T10:30:00+01:00")
    git(repo, "checkout", "-q", main)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_COMMITTER_DATE", "2026-01-21T09:00:00+01:00")
        git(repo, "merge", "-q", "--allow-unrelated-histories", "-X", "theirs", "-m",
            "Elders erbij", "elders")
    code, found = check(repo)
    assert (code, found[-1]) == (1, _signed_before(changed))


def test_a_commit_git_cannot_date_in_another_release_does_not_end_the_check(repo: Path
                                                                             ) -> None:
    _decided_early(repo)
    replace_in(repo / "releases/R2026-03/release.yaml", "\n", "\n# nog open\n")
    commit_without_date(repo, "R2026-03 met een notitie")
    _signed_by_logius(repo)
    assert check(repo) == (0, [])


def test_a_commit_git_cannot_date_ends_the_check_rather_than_lift_its_bound(repo: Path
                                                                          ) -> None:
    _decided_early(repo)
    replace_in(repo / TOKENFABRIEK, "    - middelenregistratie\n",
               "    - middelenregistratie\n    - walletkoppeling\n")
    changed = commit_without_date(repo, "Tokenfabriek koppelt de wallet")
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    outcome = run_eta("check", "--root", str(repo), "--no-cache", "--today", EXAMPLES_DATE,
                      str(repo / "releases"))
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (f"eta: error: commit {changed[:12]} holds no valid date "
                              "('%cI'): the commit object is malformed\n")


def test_outside_git_only_the_clock_and_the_decision_bound_a_signature(repo: Path) -> None:
    _decide_early(repo)
    write_signature(repo, RELEASE, "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 20, 10, 0, tzinfo=AMS))
    assert check(repo) == (0, [])


def test_a_signature_in_the_future_is_never_served_from_the_cache(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETA_CACHE_DIR", str(tmp_path / "cache"))
    write_signature(repo, RELEASE, "kenniskaart", "lvisser",
                    example_key("kenniskaart", "lvisser"),
                    dt.datetime.now(AMS).replace(microsecond=0) + dt.timedelta(minutes=30))
    for _ in range(2):
        outcome = run_eta("check", "--root", str(repo), "--today", EXAMPLES_DATE)
        assert outcome.exit_code == 1
        assert "[plan.signature.future]" in outcome.stdout
    cache = next((tmp_path / "cache").iterdir()).read_bytes()
    assert b"plan.signature.future" not in cache


# -- eta check --base ----------------------------------------------------------------------


def _base(repo: Path, *, grace_days: int | None = None, lvisser_until: str | None = None
          ) -> None:
    """The examples in git: the content in October, the base commit on 24 November."""
    git(repo, "init", "-q")
    if lvisser_until is not None:
        replace_in(repo / "afspraken/parties/kenniskaart.yaml", "valid_from: 2023-05-15\n",
                   f"valid_from: 2023-05-15\n    valid_until: {lvisser_until}\n")
    commit(repo, "Records", "2026-10-20T10:00:00+02:00")
    levels = repo / "afspraken/service-levels.yaml"
    if grace_days is not None:
        levels.write_text(levels.read_text() + f"backdating_grace_days: {grace_days}\n")
    else:
        (repo / "incidents/README.md").write_text("Incidenten.\n")
    commit(repo, "Later work", "2026-11-24T10:00:00+01:00")


def _sign_kenniskaart(repo: Path, signed_at: dt.datetime) -> None:
    write_signature(repo, RELEASE, "kenniskaart", "lvisser",
                    example_key("kenniskaart", "lvisser"), signed_at)


BACKDATED = {
    "file": "releases/R2026-02/signatures/kenniskaart.yaml", "line": 5, "column": 12,
    "severity": "error", "code": "base.signature.backdated",
    "message": "the signature is dated 2026-11-01T10:00:00+01:00, more than 14 days before "
    "the commit the change starts from (2026-11-24T10:00:00+01:00); a signature a change "
    "adds is dated no earlier than the grace period of the agreements at the base "
    "(backdating_grace_days) allows",
    "hint": "sign again: `eta plan sign R2026-02 --party kenniskaart`",
}


def test_a_signature_added_in_a_change_cannot_be_back_dated_past_the_grace(repo: Path
                                                                           ) -> None:
    _base(repo)
    _sign_kenniskaart(repo, dt.datetime(2026, 11, 1, 10, 0, tzinfo=AMS))
    assert base_check(repo) == (1, [EXAMPLES_DIAGNOSTIC, BACKDATED])


def test_a_signature_made_days_before_it_is_pushed_keeps_its_time(repo: Path) -> None:
    _base(repo)
    _sign_kenniskaart(repo, dt.datetime(2026, 11, 12, 10, 0, tzinfo=AMS))
    assert base_check(repo) == (0, [EXAMPLES_DIAGNOSTIC])


def test_the_grace_is_the_base_agreements_not_the_changes(repo: Path) -> None:
    _base(repo)
    levels = repo / "afspraken/service-levels.yaml"
    levels.write_text(levels.read_text() + "backdating_grace_days: 365\n")
    _sign_kenniskaart(repo, dt.datetime(2026, 11, 1, 10, 0, tzinfo=AMS))
    assert base_check(repo) == (1, [EXAMPLES_DIAGNOSTIC, BACKDATED])


def test_agreements_that_allow_a_longer_grace_accept_the_older_signature(repo: Path) -> None:
    _base(repo, grace_days=30)
    _sign_kenniskaart(repo, dt.datetime(2026, 11, 1, 10, 0, tzinfo=AMS))
    assert base_check(repo) == (0, [EXAMPLES_DIAGNOSTIC])


def test_a_representative_expired_at_the_base_cannot_sign_back_dated_within_the_grace(
        repo: Path) -> None:
    _base(repo, lvisser_until="2026-11-20")
    _sign_kenniskaart(repo, dt.datetime(2026, 11, 15, 10, 0, tzinfo=AMS))
    assert base_check(repo) == (1, [EXAMPLES_DIAGNOSTIC, {
        "file": "releases/R2026-02/signatures/kenniskaart.yaml", "line": 5, "column": 12,
        "severity": "error", "code": "base.signature.not-authorised-at-base",
        "message": "`lvisser` is not authorised to sign for `kenniskaart` on 2026-11-24, the "
        "day of the commit the change starts from (HEAD); authorised from 2023-05-15 until "
        "2026-11-20",
        "hint": None,
    }])


@pytest.mark.parametrize("signed_at", [
    dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-14))),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
])
def test_a_time_at_the_ends_of_the_calendar_is_a_located_error(repo: Path,
                                                               signed_at: dt.datetime) -> None:
    digest = current_digest(repo, RELEASE)
    write_signature(repo, RELEASE, "kenniskaart", "lvisser",
                    example_key("kenniskaart", "lvisser"), signed_at, digest=digest)
    assert check(repo) == (1, [
        "releases/R2026-02/signatures/kenniskaart.yaml:5:12: error [record.date] "
        f"`signed_at`: eta reckons with the years 1970 to 9000, not the year {signed_at.year}"])
