"""The plan digest, and the rules `eta check` holds plans and releases to."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, PROJECT, run_eta
from eta.models.common import CALENDAR_YEARS
from eta.models.release import Plan, PlanParty, Release, Signature
from eta.plans.digest import CANONICAL_FORM, canonical_content, plan_digest
from eta.plans.state import load_release, next_status
from eta.records.agreements import load_register
from eta.records.read import load_record
from eta.signing import NAMESPACE, PublicKey
from eta.vocabulary import MeasureStatus, ReleaseStatus
from plan_helpers import (
    AMS,
    current_digest,
    example_key,
    make_key,
    public_line,
    replace_in,
    write_signature,
    write_signature_with,
)
from sshsig_helpers import SK_ECDSA, SK_ED25519, SoftwareSecurityKey


def check(root: Path, *args: str, within: str = "releases") -> tuple[int, str]:
    """`eta check` of the records in `within` (the releases unless said otherwise)."""
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE,
                      *args, str(root / within))
    assert outcome.stderr == ""
    return outcome.exit_code, outcome.stdout


def findings(root: Path, *args: str, within: str = "releases") -> list[str]:
    """The findings of `eta check`, without the summary line."""
    return check(root, *args, within=within)[1].splitlines()[:-1]


# -- The digest ----------------------------------------------------------------------------


def test_the_example_signatures_cover_the_plans_as_they_are() -> None:
    for release in ("R2026-01", "R2026-02"):
        digest = current_digest(PROJECT, release)
        for path in (PROJECT / "releases" / release / "signatures").glob("*.yaml"):
            loaded = load_record(PROJECT, path, path.relative_to(PROJECT).as_posix()).loaded
            assert loaded is not None and isinstance(loaded.record, Signature)
            assert loaded.record.digest == digest


def test_the_digest_ignores_layout_comments_quoting_and_key_order(repo: Path) -> None:
    before = current_digest(repo, "R2026-02")
    (repo / "releases/R2026-02/plan.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/plan.schema.json\n"
        "# The same plan, written otherwise.\n"
        "deadlines: [{title: 'Implementatie bij alle partijen gereed', "
        "id: implementatie-gereed, date: '2027-09-30'}]\n"
        "parties: [logius, grensweg, \"kenniskaart\", tokenfabriek]   # four parties\n"
        "release: R2026-02\n"
        "milestones:\n"
        "- {id: toetsingskader, date: 2027-03-31, title: Toetsingskader vastgesteld,"
        " parties: [logius]}\n"
        "- id: ketentest\n"
        "  title: >-\n"
        "    Ketentest met een\n"
        "    referentiewallet afgerond\n"
        "  date: 2027-09-15\n"
        "  parties: [grensweg, kenniskaart]\n")
    replace_in(repo / "releases/R2026-02/parties/tokenfabriek.yaml", "  level: low\n",
               "  level: low\n  components:\n    - middelenregistratie\n")
    replace_in(repo / "releases/R2026-02/parties/tokenfabriek.yaml",
               "  components:\n    - middelenregistratie\n  components:\n"
               "    - middelenregistratie\n", "  components: [middelenregistratie]\n")
    assert current_digest(repo, "R2026-02") == before


def test_the_digest_ignores_progress_and_defaults(repo: Path) -> None:
    before = current_digest(repo, "R2026-02")
    grensweg = repo / "releases/R2026-02/parties/grensweg.yaml"
    replace_in(grensweg, "    deadline: 2027-08-31\n",
               "    deadline: 2027-08-31\n    status: in_progress\n    status_on: 2027-01-11\n")
    grensweg.write_text(grensweg.read_text() + "joined_on: 2027-09-01\n")
    replace_in(repo / "releases/R2026-02/plan.yaml", "      - logius\n",
               "      - logius\n    done_on: 2027-03-29\n")
    replace_in(repo / "releases/R2026-02/parties/logius.yaml", "  function: releasemanager\n",
               "  function: releasemanager\n  available_24x7: false\n")
    assert current_digest(repo, "R2026-02") == before


def test_the_digest_ignores_where_the_release_stands_and_who_coordinates_it(repo: Path
                                                                             ) -> None:
    before = current_digest(repo, "R2026-02")
    release = repo / "releases/R2026-02/release.yaml"
    replace_in(release, "status: draft\n", "status: in_force\n")
    replace_in(release, "name: Femke Hoekstra", "name: Joost Kramer")
    release.write_text(release.read_text() + "communication_plan:\n  delivered_on: 2026-12-01\n"
                       "rollout:\n  planned_on: 2027-10-01\n")
    assert current_digest(repo, "R2026-02") == before


@pytest.mark.parametrize(("file", "old", "new"), [
    ("plan.yaml", "date: 2027-09-30", "date: 2027-10-29"),
    ("plan.yaml", "      - grensweg\n      - kenniskaart\n", "      - grensweg\n"),
    ("parties/grensweg.yaml", "level: high", "level: medium"),
    ("parties/grensweg.yaml", "name: Daan Hendriks", "name: Daan Hendrikx"),
    ("parties/kenniskaart.yaml", "deadline: 2027-08-31", "deadline: 2027-08-30"),
    ("release.yaml", "title: 'Afsprakenstelsel 1.15:", "title: 'Afsprakenstelsel 1.16:"),
    ("release.yaml", "framework_version: '1.15'", "framework_version: '1.16'"),
    ("release.yaml", "decided_on: 2026-10-13", "decided_on: 2026-10-14"),
    ("release.yaml", "chain_dependencies: true", "chain_dependencies: false"),
    ("release.yaml", "  - id: pid-attributen\n", "  - id: pid-attribuut\n"),
    ("release.yaml", "status: draft\n", "  - id: extra\n    title: Nog een wijziging\n"
     "status: draft\n"),
    ("release.yaml", "    title: Vertaling van wallet-attestaties (PID) naar "
     "eHerkenning-attributen\n", "    title: Vertaling van wallet-attestaties (PID) naar "
     "eHerkenning-attributen\n    description: Ook voor machtigingen.\n"),
])
def test_the_digest_covers_the_content(repo: Path, file: str, old: str, new: str) -> None:
    before = current_digest(repo, "R2026-02")
    replace_in(repo / "releases/R2026-02" / file, old, new)
    assert current_digest(repo, "R2026-02") != before


RELEASEMANAGER = {"name": "Femke Hoekstra", "email": "f.hoekstra@beheer.example.nl"}


def test_the_canonical_content_is_plain_sorted_json_that_names_its_form() -> None:
    release = Release.model_validate({
        "id": "R1", "title": "Één", "chain_dependencies": True, "decided_on": "2026-12-01",
        "releasemanager": RELEASEMANAGER, "status": "in_force",
        "changes": [{"id": "c", "title": "C"}]})
    plan = Plan.model_validate({"release": "R1", "parties": ["a"], "milestones": [
        {"id": "m", "date": "2027-01-01", "title": "T", "done_on": "2026-12-30"}]})
    party = PlanParty.model_validate({"party": "a", "joined_on": "2027-01-02", "measures": [
        {"id": "x", "description": "D", "deadline": "2027-01-01", "status": "done"}]})
    assert canonical_content(release, plan, {"a": party}) == (
        '{"form":"eta-plan-content/2","parties":{"a":{"measures":[{"deadline":"2027-01-01",'
        '"description":"D","id":"x"}],"party":"a"}},"plan":{"milestones":[{"date":'
        '"2027-01-01","id":"m","title":"T"}],"parties":["a"],"release":"R1"},"release":'
        '{"chain_dependencies":true,"changes":[{"id":"c","title":"C"}],"decided_on":'
        '"2026-12-01","id":"R1","title":"\\u00c9\\u00e9n"}}')
    assert plan_digest(release, plan, {"a": party}).startswith("sha256:")


# Any text a record can hold: every code point but lone surrogates and the control
# characters but tab and line feed (which no model accepts): bidirectional controls, quotes,
# backslashes and characters outside the Basic Multilingual Plane too.
_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"], include_characters="\t\n"),
                min_size=1, max_size=12)
_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,6}", fullmatch=True)
_DATES = st.dates(dt.date(CALENDAR_YEARS[0], 1, 1), dt.date(CALENDAR_YEARS[1], 12, 31)
                  ).map(dt.date.isoformat)


def _optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | strategy


_RELEASES = st.fixed_dictionaries({
    "id": _IDS, "title": _TEXT, "chain_dependencies": st.booleans(),
    "releasemanager": st.just(RELEASEMANAGER),
    "status": st.sampled_from([str(s) for s in ReleaseStatus]),
}, optional={
    "framework_version": st.from_regex(r"\d{1,3}\.\d{1,3}(\.\d{1,3})?", fullmatch=True),
    "decided_on": _DATES,
    "changes": st.lists(st.fixed_dictionaries({"id": _IDS, "title": _TEXT},
                                              optional={"description": _optional(_TEXT)}),
                        max_size=3),
})
_PLANS = st.fixed_dictionaries({"release": _IDS}, optional={
    "parties": st.lists(_IDS, max_size=3),
    "milestones": st.lists(st.fixed_dictionaries(
        {"id": _IDS, "date": _DATES, "title": _TEXT},
        optional={"parties": st.lists(_IDS, max_size=2), "done_on": _optional(_DATES)}),
        max_size=2),
    "deadlines": st.lists(st.fixed_dictionaries({"id": _IDS, "date": _DATES, "title": _TEXT}),
                          max_size=2),
    "notes": _optional(_TEXT),
})
_PARTIES = st.dictionaries(_IDS, st.fixed_dictionaries({}, optional={
    "contact": st.fixed_dictionaries(
        {"name": _TEXT, "email": st.just("a@b.nl")},
        optional={"phone": _optional(_TEXT), "function": _optional(_TEXT),
                  "available_24x7": st.booleans()}),
    "impact_analysis": st.fixed_dictionaries(
        {"summary": _TEXT, "level": st.sampled_from(["low", "medium", "high"])},
        optional={"components": st.lists(_TEXT, max_size=2), "document": _optional(_TEXT)}),
    "planning": st.fixed_dictionaries(
        {"summary": _TEXT, "ready_on": _DATES},
        optional={"start_on": _optional(_DATES), "document": _optional(_TEXT)}),
    "measures": st.lists(st.fixed_dictionaries(
        {"id": _IDS, "description": _TEXT, "deadline": _DATES},
        optional={"status": st.sampled_from(["open", "in_progress", "done"]),
                  "status_on": _optional(_DATES)}), max_size=2),
    "joined_on": _optional(_DATES),
}), max_size=3)


def _agreed(release: Release, plan: Plan, parties: dict[str, PlanParty]
            ) -> tuple[Release, Plan, dict[str, PlanParty]]:
    """The content with where it stands put back to the defaults: what the parties agree."""
    release = release.model_copy(update={
        "status": ReleaseStatus.DRAFT, "communication_plan": None, "rollout": None,
        "evaluation": None})
    plan = plan.model_copy(update={"milestones": [
        m.model_copy(update={"done_on": None}) for m in plan.milestones]})
    parties = {party_id: party.model_copy(update={"joined_on": None, "measures": [
        m.model_copy(update={"status": MeasureStatus.OPEN, "status_on": None})
        for m in party.measures]}) for party_id, party in parties.items()}
    return release, plan, parties


def _read_back(text: str) -> tuple[Release, Plan, dict[str, PlanParty]]:
    """The content that a canonical text was written from."""
    content = json.loads(text)
    assert content.keys() == {"form", "release", "plan", "parties"}
    assert content["form"] == CANONICAL_FORM
    return (Release.model_validate(content["release"] | {"releasemanager": RELEASEMANAGER}),
            Plan.model_validate(content["plan"]),
            {party_id: PlanParty.model_validate(party)
             for party_id, party in content["parties"].items()})


@settings(max_examples=300, deadline=None)
@given(_RELEASES, _PLANS, _PARTIES)
def test_the_canonical_text_gives_back_exactly_the_agreed_content(
        release_data: dict[str, object], plan_data: dict[str, object],
        parties_data: dict[str, dict[str, object]]) -> None:
    # Reading the text back gives the content it was written from, so no two different
    # contents share a canonical text; and what the parties do not agree on is not in it.
    release = Release.model_validate(release_data)
    plan = Plan.model_validate(plan_data)
    parties = {party_id: PlanParty.model_validate(data | {"party": party_id})
               for party_id, data in parties_data.items()}
    text = canonical_content(release, plan, parties)
    assert text.isascii()
    assert _read_back(text) == _agreed(release, plan, parties)
    assert canonical_content(*_agreed(release, plan, parties)) == text


# -- Signatures ----------------------------------------------------------------------------


def test_a_changed_plan_in_force_makes_every_signature_stale(repo: Path) -> None:
    replace_in(repo / "releases/R2026-01/parties/poortwachter.yaml",
               "Sleutelrollover-procedure aanpassen", "Sleutelrollover-procedure herzien")
    stale = "is stale: the plan changed after it was signed"
    assert check(repo) == (1, "".join(
        [f"releases/R2026-01/release.yaml:18:9: error [plan.not-in-force] the release is "
         f"in_realisation, but the plan is not in force: the signature of {party} {stale}\n"
         for party in ("logius", "poortwachter", "sleutelbrug", "volmacht")]
        + [f"releases/R2026-01/signatures/{party}.yaml:6:9: error [plan.signature.stale] the "
           f"signature of {party} {stale}\n"
           f"    hint: sign again: `eta plan sign R2026-01 --party {party}`\n"
           for party in ("logius", "poortwachter", "sleutelbrug", "volmacht")])
        + "23 files checked: 8 errors, 0 warnings\n")


def test_a_stale_signature_on_a_draft_is_a_warning(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/plan.yaml", "date: 2027-09-30", "date: 2027-10-29")
    assert check(repo) == (0, "".join(
        f"releases/R2026-02/signatures/{party}.yaml:6:9: warning [plan.signature.stale] the "
        f"signature of {party} is stale: the plan changed after it was signed\n"
        f"    hint: sign again: `eta plan sign R2026-02 --party {party}`\n"
        for party in ("grensweg", "logius")) + "23 files checked: 0 errors, 2 warnings\n")


def test_a_tampered_signature_does_not_verify(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/signatures/logius.yaml",
               "AFMAAAALc3NoLWVkMjU1MTkAAABAa1Jw", "AFMAAAALc3NoLWVkMjU1MTkAAABAa1Jx")
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:8:12: error [plan.signature.invalid] the "
        "signature of logius is invalid: it does not verify (the signature does not match the "
        "signed content)"]


def test_a_truncated_signature_does_not_verify(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/signatures/logius.yaml",
               "  xUeBsXX7WL9wZNTORyUpNry4GlYZqG/P3umnkRm7+rCg==\n", "")
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:8:12: error [plan.signature.invalid] the "
        "signature of logius is invalid: it does not verify (the signature's base64 text is "
        "damaged or not in the canonical form ssh-keygen writes)"]


def test_a_damaged_key_type_is_one_located_finding(repo: Path) -> None:
    """One flipped bit in the signing key's type: a finding, not an internal error."""
    replace_in(repo / "releases/R2026-02/signatures/logius.yaml",
               "c3NoLWVkMjU1MTkA", "c3NoLWVkMjU1MTgA")
    exit_code, _ = check(repo)
    assert exit_code == 1
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:8:12: error [plan.signature.invalid] the "
        "signature of logius is invalid: it does not verify (the signature's key is refused: "
        "keys of type `ssh-ed25518` are not accepted; eta accepts ssh-ed25519, "
        "ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa, "
        "sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com)"]


@pytest.mark.parametrize("key_type", [SK_ED25519, SK_ECDSA])
def test_a_representative_signs_with_a_security_key(repo: Path, key_type: str) -> None:
    fido = SoftwareSecurityKey(key_type)
    replace_in(repo / "afspraken/parties/kenniskaart.yaml",
               public_line(example_key("kenniskaart", "lvisser")), fido.public_line)
    key = PublicKey.from_openssh(fido.public_line)
    write_signature_with(repo, "R2026-02", "kenniskaart", "lvisser",
                         dt.datetime(2026, 11, 20, 9, 0, tzinfo=AMS),
                         lambda message: fido.sign(message, NAMESPACE), key.fingerprint)
    assert check(repo, within=".") == (
        0, f"{EXAMPLES_WARNING}41 files checked: 0 errors, 1 warning\n")
    status = json.loads(run_eta("plan", "status", "R2026-02", "--root", str(repo),
                                "--format", "json").stdout)
    assert status["plan"]["not_in_force_because"] == ["tokenfabriek has not signed the plan"]


def test_a_foreign_key_is_not_registered(repo: Path, tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "foreign")
    write_signature(repo, "R2026-02", "kenniskaart", "lvisser", key,
                    dt.datetime(2026, 11, 20, 9, 0, tzinfo=AMS))
    from eta.signing import fingerprint

    found = fingerprint(key.with_name("foreign.pub").read_text())
    assert findings(repo) == [
        "releases/R2026-02/signatures/kenniskaart.yaml:7:6: error "
        "[plan.signature.unregistered-key] the signature of kenniskaart is invalid: key "
        f"{found} is not registered for a representative of kenniskaart"]


def test_the_key_of_another_party_is_named(repo: Path) -> None:
    write_signature(repo, "R2026-02", "kenniskaart", "lvisser",
                    example_key("volmacht", "adekker"), dt.datetime(2026, 11, 20, 9, 0, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/kenniskaart.yaml:7:6: error "
        "[plan.signature.unregistered-key] the signature of kenniskaart is invalid: key "
        "SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA is not registered for a "
        "representative of kenniskaart (it is registered for adekker of volmacht)"]


def test_the_key_of_another_representative_is_named(repo: Path) -> None:
    write_signature(repo, "R2026-02", "logius", "mvanderberg",
                    example_key("logius", "rjansen"), dt.datetime(2025, 6, 2, 9, 0, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:7:6: error [plan.signature.unregistered-key] "
        "the signature of logius is invalid: key "
        "SHA256:qWAt3ozBBSViv+8gzGiD+OtZXBTP8AIU83rikQtGBvo is registered for rjansen, not for "
        "mvanderberg"]


def test_an_expired_representative_cannot_sign(repo: Path) -> None:
    write_signature(repo, "R2026-02", "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2026, 1, 1, 0, 30, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:5:12: error [plan.signature.not-authorised] "
        "the signature of logius is invalid: rjansen was not authorised to sign for logius on "
        "2026-01-01 (authorised from 2022-06-01 until 2025-12-31)"]


def test_authorisation_is_judged_on_the_day_of_signing_in_the_netherlands(repo: Path) -> None:
    """Half past midnight on New Year's Day in Amsterdam is still 2025 in UTC.

    Signed in 2025, both are dated before the release's decision: the first passes the
    authorisation and meets that rule next, the second fails the authorisation first."""
    write_signature(repo, "R2026-02", "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 31, 23, 30, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:5:12: error [plan.signature.before-decision] "
        "the signature of logius is invalid: it is dated 2025-12-31T23:30:00+01:00, before "
        "the release was decided on 2026-10-13"]
    write_signature(repo, "R2026-02", "logius", "rjansen", example_key("logius", "rjansen"),
                    dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert findings(repo)[0].endswith(
        "rjansen was not authorised to sign for logius on 2026-01-01 (authorised from "
        "2022-06-01 until 2025-12-31)")


def test_a_representative_not_yet_authorised_cannot_sign(repo: Path) -> None:
    write_signature(repo, "R2026-02", "grensweg", "kbos", example_key("grensweg", "kbos"),
                    dt.datetime(2025, 10, 31, 17, 0, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/grensweg.yaml:5:12: error [plan.signature.not-authorised] "
        "the signature of grensweg is invalid: kbos was not authorised to sign for grensweg on "
        "2025-10-31 (authorised from 2025-11-01 without end date)"]


def test_the_key_field_must_name_the_signing_key(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/signatures/logius.yaml",
               "key: SHA256:hmqw2Z6W68aSIBS6L5tgp2z0YNcIMpKe8abF5R6QE3A",
               "key: SHA256:bWbn4QLgEq+4Xxa6zqgPSG/fgoqMKsscKmDdR+RIJss")
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:7:6: error [plan.signature.invalid] the "
        "signature of logius is invalid: it was made with key "
        "SHA256:hmqw2Z6W68aSIBS6L5tgp2z0YNcIMpKe8abF5R6QE3A, not with "
        "SHA256:bWbn4QLgEq+4Xxa6zqgPSG/fgoqMKsscKmDdR+RIJss"]


def test_a_signed_field_changed_by_hand_breaks_the_signature(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/signatures/logius.yaml",
               "signed_at: 2026-11-17T11:05:44+01:00", "signed_at: 2026-11-16T11:05:44+01:00")
    assert findings(repo) == [
        "releases/R2026-02/signatures/logius.yaml:8:12: error [plan.signature.invalid] the "
        "signature of logius is invalid: it does not verify (the signature does not match the "
        "signed content)"]


def test_a_signature_of_a_party_that_does_not_implement_the_plan(repo: Path) -> None:
    write_signature(repo, "R2026-02", "volmacht", "adekker", example_key("volmacht", "adekker"),
                    dt.datetime(2026, 11, 20, 9, 0, tzinfo=AMS))
    assert findings(repo) == [
        "releases/R2026-02/signatures/volmacht.yaml:3:8: error [plan.signature.not-implementing]"
        " volmacht is not an implementing party of the plan of R2026-02; its signature counts "
        "for nothing"]


def test_parts_and_signatures_without_a_plan(repo: Path) -> None:
    (repo / "releases/R2026-02/plan.yaml").unlink()
    assert findings(repo) == [
        *[f"releases/R2026-02/parties/{party}.yaml:2:8: error [plan.party.no-plan] release "
          "R2026-02 has no implementation plan (plan.yaml) for this party's part to belong to"
          for party in ("grensweg", "kenniskaart", "logius", "tokenfabriek")],
        "releases/R2026-02/release.yaml:6:21: error [release.plan.missing] release R2026-02 "
        "has chain dependencies and was decided on 2026-10-13, but has no implementation plan",
        "    hint: start it with `eta plan add-party R2026-02 --party PARTY --contact-name "
        "NAME --contact-email EMAIL`",
        *[f"releases/R2026-02/signatures/{party}.yaml:3:8: error [plan.signature.no-plan] "
          "release R2026-02 has no implementation plan (plan.yaml) for this signature to sign"
          for party in ("grensweg", "logius")],
    ]


def test_a_part_of_a_party_not_in_the_plan(repo: Path) -> None:
    shutil.copy(repo / "releases/R2026-03/parties/sleutelbrug.yaml",
                repo / "releases/R2026-02/parties/sleutelbrug.yaml")
    lines = findings(repo)
    assert lines[:2] == [
        "releases/R2026-02/parties/sleutelbrug.yaml:2:8: error [plan.party.not-implementing] "
        "sleutelbrug is not an implementing party of the plan of R2026-02",
        "    hint: add `sleutelbrug` to `parties` in releases/R2026-02/plan.yaml, or remove "
        "this file"]
    # Every part counts in the digest: the signatures made before it came are stale.
    assert [line.split(" [")[1].split("]")[0] for line in lines[2::2]] == [
        "plan.signature.stale", "plan.signature.stale"]


# -- The release's status ------------------------------------------------------------------


def test_a_release_in_force_needs_every_signature(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/release.yaml", "status: draft", "status: in_force")
    assert findings(repo) == [
        f"releases/R2026-02/release.yaml:15:9: error [plan.not-in-force] the release is "
        f"in_force, but the plan is not in force: {party} has not signed the plan"
        for party in ("kenniskaart", "tokenfabriek")]


def test_a_plan_in_force_lacks_nothing(repo: Path) -> None:
    replace_in(repo / "releases/R2026-03/release.yaml", "status: draft", "status: in_force")
    assert findings(repo) == [
        "releases/R2026-03/parties/poortwachter.yaml:2:8: error [plan.party.incomplete] "
        "poortwachter's part of the plan lacks: planning, measures",
        "releases/R2026-03/parties/sleutelbrug.yaml:2:8: error [plan.party.incomplete] "
        "sleutelbrug's part of the plan lacks: impact analysis, planning, measures",
        *[f"releases/R2026-03/release.yaml:13:9: error [plan.not-in-force] the release is "
          f"in_force, but the plan is not in force: {party} has not signed the plan"
          for party in ("logius", "poortwachter", "sleutelbrug")]]


def test_a_release_with_a_plan_is_in_force_only_when_its_plan_is(repo: Path) -> None:
    # Without chain dependencies a release needs no plan; a plan it has still binds.
    release = repo / "releases/R2026-03/release.yaml"
    replace_in(release, "chain_dependencies: true", "chain_dependencies: false")
    replace_in(release, "status: draft", "status: in_force")
    assert findings(repo)[2:] == [
        f"releases/R2026-03/release.yaml:13:9: error [plan.not-in-force] the release is "
        f"in_force, but the plan is not in force: {party} has not signed the plan"
        for party in ("logius", "poortwachter", "sleutelbrug")]


def test_an_implementing_party_without_a_part_lacks_everything(repo: Path) -> None:
    (repo / "releases/R2026-03/parties/sleutelbrug.yaml").unlink()
    replace_in(repo / "releases/R2026-03/release.yaml", "status: draft", "status: in_force")
    assert findings(repo)[1] == (
        "releases/R2026-03/plan.yaml:7:5: error [plan.party.incomplete] sleutelbrug has no "
        "part in the plan (parties/sleutelbrug.yaml); it lacks: contact, impact analysis, "
        "planning, measures")


def test_a_status_rests_on_every_step_before_it(repo: Path) -> None:
    replace_in(repo / "releases/R2026-01/release.yaml", "status: in_realisation",
               "status: evaluated")
    prefix = "releases/R2026-01/release.yaml:18:9: error [release.status.unmet] the release " \
             "is evaluated, but "
    assert findings(repo) == [prefix + reason for reason in (
        "measure communicatie of logius is not done (in_progress)",
        "measure metadata-inlezen of poortwachter is not done (in_progress)",
        "measure metadata-inlezen of volmacht is not done (in_progress)",
        "measure sleutelrollover of poortwachter is not done (open)",
        "milestone ketentest (2027-02-12) is not done",
        "no evaluation is recorded",
        "poortwachter has not joined framework version 1.14",
        "the roll-out is not complete (rollout.completed_on)",
        "volmacht has not joined framework version 1.14",
    )]


def test_a_decided_release_with_chain_dependencies_needs_a_plan(repo: Path) -> None:
    shutil.rmtree(repo / "releases/R2026-03/parties")
    (repo / "releases/R2026-03/plan.yaml").unlink()
    assert check(repo) == (1, (
        "releases/R2026-03/release.yaml:6:21: error [release.plan.missing] release R2026-03 "
        "has chain dependencies and was decided on 2026-11-10, but has no implementation plan\n"
        "    hint: start it with `eta plan add-party R2026-03 --party PARTY --contact-name "
        "NAME --contact-email EMAIL`\n"
        "19 files checked: 1 error, 0 warnings\n"))
    replace_in(repo / "releases/R2026-03/release.yaml", "decided_on: 2026-11-10\n", "")
    assert check(repo) == (0, "19 files checked: no problems found\n")


def test_a_check_of_one_file_judges_it_with_the_rest_of_its_folder(repo: Path) -> None:
    replace_in(repo / "releases/R2026-03/release.yaml", "status: draft", "status: in_force")
    # The signatures and parts that keep the plan from being in force are read, not
    # reported: only what is found in the file checked is.
    assert check(repo, within="releases/R2026-03/release.yaml") == (1, "".join(
        "releases/R2026-03/release.yaml:13:9: error [plan.not-in-force] the release is "
        f"in_force, but the plan is not in force: {party} has not signed the plan\n"
        for party in ("logius", "poortwachter", "sleutelbrug"))
        + "1 file checked: 3 errors, 0 warnings\n")
    assert check(repo, within="releases/R2026-03/parties/poortwachter.yaml") == (1, (
        "releases/R2026-03/parties/poortwachter.yaml:2:8: error [plan.party.incomplete] "
        "poortwachter's part of the plan lacks: planning, measures\n"
        "1 file checked: 1 error, 0 warnings\n"))


def test_a_file_of_the_folder_that_does_not_load_counts_in_a_check_of_another(repo: Path
                                                                               ) -> None:
    (repo / "releases/R2026-02/plan.yaml").write_text("parties: [\n")
    # The plan is there, though it does not load: the release does not lack one.
    assert check(repo, within="releases/R2026-02/release.yaml") == (
        0, "1 file checked: no problems found\n")
    assert check(repo, within="releases/R2026-02/parties/logius.yaml") == (1, (
        "releases/R2026-02/parties/logius.yaml:2:8: error [plan.party.no-plan] release "
        "R2026-02 has no implementation plan (plan.yaml) for this party's part to belong to\n"
        "1 file checked: 1 error, 0 warnings\n"))


# -- Dates ---------------------------------------------------------------------------------


def test_overdue_measures_and_milestones_are_warnings(repo: Path) -> None:
    assert check(repo, "--today", "2027-02-13") == (0, (
        "releases/R2026-01/parties/poortwachter.yaml:21:15: warning [plan.measure.overdue] "
        "measure metadata-inlezen of poortwachter was due on 2027-01-29 and is in_progress\n"
        "    hint: when it is done: `eta plan measure-status R2026-01 --party poortwachter "
        "metadata-inlezen done`\n"
        "releases/R2026-01/parties/volmacht.yaml:18:15: warning [plan.measure.overdue] "
        "measure metadata-inlezen of volmacht was due on 2027-01-29 and is in_progress\n"
        "    hint: when it is done: `eta plan measure-status R2026-01 --party volmacht "
        "metadata-inlezen done`\n"
        "releases/R2026-01/plan.yaml:24:11: warning [plan.milestone.overdue] milestone "
        "ketentest was due on 2027-02-12 and is not done\n"
        "    hint: when it is: `eta plan milestone-done R2026-01 ketentest --on DATE`\n"
        f"{UNSIGNED_R2026_02}"
        "23 files checked: 0 errors, 5 warnings\n"))


#: The draft R2026-02 had to be in force when logius starts its work on 4 January 2027; the
#: agenda lists the two signatures missing as overdue from then on, and so does the check.
UNSIGNED_R2026_02 = (
    "releases/R2026-02/plan.yaml:6:5: warning [plan.signature.overdue] the plan must be in "
    "force by 2027-01-04, and kenniskaart has still to sign the implementation plan\n"
    "    hint: `eta plan sign R2026-02 --party kenniskaart`\n"
    "releases/R2026-02/plan.yaml:7:5: warning [plan.signature.overdue] the plan must be in "
    "force by 2027-01-04, and tokenfabriek has still to sign the implementation plan\n"
    "    hint: `eta plan sign R2026-02 --party tokenfabriek`\n")


def test_the_examples_stay_clean_for_a_while() -> None:
    for day in ("2026-11-28", "2026-12-31", "2027-01-04"):
        assert check(PROJECT, "--today", day) == (0, "23 files checked: no problems found\n")
    assert check(PROJECT, "--today", "2027-01-05") == (0, (
        f"{UNSIGNED_R2026_02}23 files checked: 0 errors, 2 warnings\n"))


def test_milestones_and_measures_lie_before_the_last_deadline(repo: Path) -> None:
    replace_in(repo / "releases/R2026-03/plan.yaml", "milestones: []",
               "milestones:\n  - id: laatste-controle\n    date: 2028-01-14\n"
               "    title: Laatste controle\n")
    replace_in(repo / "releases/R2026-03/parties/logius.yaml", "deadline: 2027-03-31",
               "deadline: 2028-02-01")
    assert findings(repo) == [
        "releases/R2026-03/parties/logius.yaml:19:15: error [plan.measure.after-deadline] "
        "measure toetsingskader (2028-02-01) lies after the plan's last deadline (2027-12-17)",
        "releases/R2026-03/plan.yaml:10:11: error [plan.milestone.after-deadline] milestone "
        "laatste-controle (2028-01-14) lies after the plan's last deadline (2027-12-17)"]


def test_a_milestone_names_implementing_parties_only(repo: Path) -> None:
    replace_in(repo / "releases/R2026-03/plan.yaml", "milestones: []",
               "milestones:\n  - id: overleg\n    date: 2027-02-01\n    title: Overleg\n"
               "    parties:\n      - volmacht\n")
    assert findings(repo) == [
        "releases/R2026-03/plan.yaml:13:9: error [plan.milestone.not-implementing] milestone "
        "overleg names volmacht, which is not an implementing party of the plan"]


EVALUATED = """\
# yaml-language-server: $schema=../../schemas/release.schema.json
id: R2025-04
title: Afsprakenstelsel 1.13.1, correcties
framework_version: "1.13.1"
decided_on: 2025-05-13
chain_dependencies: false
releasemanager:
  name: Femke Hoekstra
  email: f.hoekstra@beheer.example.nl
status: rolled_out
communication_plan:
  delivered_on: 2025-06-02
rollout:
  completed_on: 2025-09-30
"""


@pytest.mark.parametrize(("today", "evaluation", "expected"), [
    ("2025-11-15", "", []),
    ("2025-11-16", "", [
        "releases/R2025-04/release.yaml:14:17: warning [release.evaluation.due] the evaluation "
        "is due by 2025-11-30, in 14 days: two months after the implementation was complete "
        "(2025-09-30)"]),
    ("2025-11-30", "", [
        "releases/R2025-04/release.yaml:14:17: warning [release.evaluation.due] the evaluation "
        "is due by 2025-11-30, in 0 days: two months after the implementation was complete "
        "(2025-09-30)"]),
    ("2025-12-01", "", [
        "releases/R2025-04/release.yaml:14:17: error [release.evaluation.overdue] the "
        "implementation was complete on 2025-09-30; the evaluation was due by 2025-11-30 and "
        "has not been held",
        "    hint: record it: `eta release evaluation R2025-04 --held-on DATE --participant "
        "PARTY`"]),
    ("2026-02-01", "evaluation:\n  held_on: 2025-11-30\n  participants:\n    - logius\n", []),
    ("2026-02-01", "evaluation:\n  held_on: 2025-12-01\n  participants:\n    - logius\n", [
        "releases/R2025-04/release.yaml:16:12: error [release.evaluation.late] the evaluation "
        "was held on 2025-12-01, later than two months after the implementation was complete "
        "(2025-09-30): it was due by 2025-11-30"]),
])
def test_the_evaluation_is_held_within_two_months(repo: Path, today: str, evaluation: str,
                                                  expected: list[str]) -> None:
    folder = repo / "releases" / "R2025-04"
    folder.mkdir()
    (folder / "release.yaml").write_text(EVALUATED + evaluation)
    assert findings(repo, "--today", today, within="releases/R2025-04") == expected


def test_the_evaluation_deadline_keeps_to_the_end_of_short_months() -> None:
    from eta.due import evaluation_deadline

    assert evaluation_deadline(dt.date(2026, 12, 31)) == dt.date(2027, 2, 28)
    assert evaluation_deadline(dt.date(2027, 11, 15)) == dt.date(2028, 1, 15)


def test_the_process_runs_in_one_direction() -> None:
    assert [next_status(status) for status in ReleaseStatus] == [
        ReleaseStatus.IN_FORCE, ReleaseStatus.IN_REALISATION, ReleaseStatus.ROLLED_OUT,
        ReleaseStatus.EVALUATED, None]


def test_records_that_do_not_load_are_named_by_commands(repo: Path) -> None:
    replace_in(repo / "releases/R2026-02/parties/grensweg.yaml", "level: high", "level: huge")
    from eta.errors import EtaError

    with pytest.raises(EtaError) as caught:
        load_release(repo, "R2026-02")
    assert str(caught.value) == (
        "records this command reads are not valid; fix them first (`eta check` shows all):\n"
        "  releases/R2026-02/parties/grensweg.yaml:9:10: `impact_analysis.level` must be one "
        "of low, medium, high; not the text 'huge'")
    assert sorted(load_register(repo)) == ["grensweg", "kenniskaart", "logius", "poortwachter",
                                           "sleutelbrug", "tokenfabriek", "volmacht"]
