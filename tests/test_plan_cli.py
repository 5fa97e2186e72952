"""`eta plan`: filling in a plan, signing it, reporting progress, and its status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, PROJECT, git, run_eta
from eta import signing
from plan_helpers import changed_lines, example_key, make_key, public_line, snapshot


def eta(root: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(root))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def clean(root: Path) -> bool:
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE,
                      str(root / "releases"))
    return outcome.exit_code == 0 and outcome.stdout.endswith("no problems found\n")


# -- Every edit changes only its lines -----------------------------------------------------

EDITS = {
    "add-party": (
        ["plan", "add-party", "R2026-03", "--party", "tokenfabriek", "--contact-name",
         "Mehmet Yilmaz", "--contact-email", "m.yilmaz@tokenfabriek.example.nl",
         "--contact-phone", "+31 10 000 0610"],
        "tokenfabriek implements release R2026-03; contact Mehmet Yilmaz\n"
        "  wrote releases/R2026-03/plan.yaml\n"
        "  wrote releases/R2026-03/parties/tokenfabriek.yaml\n",
        "releases/R2026-03/parties/tokenfabriek.yaml:\n"
        "@@ -0,0 +1,6 @@\n"
        "+# yaml-language-server: $schema=../../../schemas/plan-party.schema.json\n"
        "+party: tokenfabriek\n"
        "+contact:\n"
        "+  name: Mehmet Yilmaz\n"
        "+  email: m.yilmaz@tokenfabriek.example.nl\n"
        "+  phone: +31 10 000 0610\n"
        "releases/R2026-03/plan.yaml:\n"
        "@@ -7,0 +8 @@ parties:\n"
        "+  - tokenfabriek\n"),
    "contact": (
        ["plan", "contact", "R2026-03", "--party", "sleutelbrug", "--name", "Joost Vermeulen",
         "--email", "j.vermeulen@sleutelbrug.example.nl", "--function", "technisch coördinator"],
        "sleutelbrug: contact Joost Vermeulen\n"
        "  wrote releases/R2026-03/parties/sleutelbrug.yaml\n",
        "releases/R2026-03/parties/sleutelbrug.yaml:\n"
        "@@ -5,0 +6 @@ contact:\n"
        "+  function: technisch coördinator\n"),
    "impact, new": (
        ["plan", "impact", "R2026-03", "--party", "sleutelbrug", "--summary",
         "SAML-koppelvlak en AD-ondertekening naar SHA-256.", "--level", "medium",
         "--component", "saml-koppelvlak", "--component", "ad-ondertekening"],
        "sleutelbrug: impact analysis recorded (impact medium)\n"
        "  wrote releases/R2026-03/parties/sleutelbrug.yaml\n",
        "releases/R2026-03/parties/sleutelbrug.yaml:\n"
        "@@ -5,0 +6,6 @@ contact:\n"
        "+impact_analysis:\n"
        "+  summary: SAML-koppelvlak en AD-ondertekening naar SHA-256.\n"
        "+  level: medium\n"
        "+  components:\n"
        "+    - saml-koppelvlak\n"
        "+    - ad-ondertekening\n"),
    "impact, replaced": (
        ["plan", "impact", "R2026-03", "--party", "poortwachter", "--summary",
         "Ondertekening en controle van SAML-berichten overzetten op SHA-256.", "--level",
         "high", "--component", "saml-koppelvlak", "--component", "hsm"],
        "poortwachter: impact analysis recorded (impact high)\n"
        "  wrote releases/R2026-03/parties/poortwachter.yaml\n",
        "releases/R2026-03/parties/poortwachter.yaml:\n"
        "@@ -9 +9 @@ impact_analysis:\n"
        "-  level: medium\n"
        "+  level: high\n"
        "@@ -11,0 +12 @@ impact_analysis:\n"
        "+    - hsm\n"),
    "planning": (
        ["plan", "planning", "R2026-03", "--party", "poortwachter", "--summary",
         "In de voorjaarsrelease.", "--start-on", "2027-02-01", "--ready-on", "2027-05-28"],
        "poortwachter: planning recorded (ready on 2027-05-28)\n"
        "  wrote releases/R2026-03/parties/poortwachter.yaml\n",
        "releases/R2026-03/parties/poortwachter.yaml:\n"
        "@@ -11,0 +12,4 @@ impact_analysis:\n"
        "+planning:\n"
        "+  summary: In de voorjaarsrelease.\n"
        "+  start_on: 2027-02-01\n"
        "+  ready_on: 2027-05-28\n"),
    "add-measure, the first": (
        ["plan", "add-measure", "R2026-03", "--party", "poortwachter", "--description",
         "SAML-ondertekening op SHA-256", "--deadline", "2027-05-28"],
        "poortwachter: measure measure-1 added, due 2027-05-28\n"
        "  wrote releases/R2026-03/parties/poortwachter.yaml\n",
        "releases/R2026-03/parties/poortwachter.yaml:\n"
        "@@ -11,0 +12,4 @@ impact_analysis:\n"
        "+measures:\n"
        "+  - id: measure-1\n"
        "+    description: SAML-ondertekening op SHA-256\n"
        "+    deadline: 2027-05-28\n"),
    "add-measure, the next": (
        ["plan", "add-measure", "R2026-03", "--party", "logius", "--id", "metadata",
         "--description", "Metadata-service weigert SHA-1-sleutels", "--deadline",
         "2027-06-30"],
        "logius: measure metadata added, due 2027-06-30\n"
        "  wrote releases/R2026-03/parties/logius.yaml\n",
        "releases/R2026-03/parties/logius.yaml:\n"
        "@@ -19,0 +20,3 @@ measures:\n"
        "+  - id: metadata\n"
        "+    description: Metadata-service weigert SHA-1-sleutels\n"
        "+    deadline: 2027-06-30\n"),
    "add-milestone": (
        ["plan", "add-milestone", "R2026-03", "--date", "2027-09-01", "--title",
         "Ketentest SHA-256", "--party", "poortwachter", "--party", "sleutelbrug"],
        "release R2026-03: milestone milestone-1 on 2027-09-01\n"
        "  wrote releases/R2026-03/plan.yaml\n",
        "releases/R2026-03/plan.yaml:\n"
        "@@ -8 +8,7 @@ parties:\n"
        "-milestones: []\n"
        "+milestones:\n"
        "+  - id: milestone-1\n"
        "+    date: 2027-09-01\n"
        "+    title: Ketentest SHA-256\n"
        "+    parties:\n"
        "+      - poortwachter\n"
        "+      - sleutelbrug\n"),
    "deadline, added": (
        ["plan", "deadline", "R2026-03", "--date", "2027-10-01", "--title",
         "Alle partijen ondertekenen met SHA-256"],
        "release R2026-03: deadline deadline-1 on 2027-10-01\n"
        "  wrote releases/R2026-03/plan.yaml\n",
        "releases/R2026-03/plan.yaml:\n"
        "@@ -12,0 +13,3 @@ deadlines:\n"
        "+  - id: deadline-1\n"
        "+    date: 2027-10-01\n"
        "+    title: Alle partijen ondertekenen met SHA-256\n"),
    "deadline, moved": (
        ["plan", "deadline", "R2026-03", "--id", "sha1-uit", "--date", "2027-12-10", "--title",
         "Geen SHA-1 meer in het netwerk"],
        "release R2026-03: deadline sha1-uit set to 2027-12-10\n"
        "  wrote releases/R2026-03/plan.yaml\n",
        "releases/R2026-03/plan.yaml:\n"
        "@@ -11 +11 @@ deadlines:\n"
        "-    date: 2027-12-17\n"
        "+    date: 2027-12-10\n"),
    "measure-status, first report": (
        ["plan", "measure-status", "R2026-01", "--party", "poortwachter", "sleutelrollover",
         "in_progress", "--on", "2026-11-27"],
        "poortwachter: measure sleutelrollover is in_progress as of 2026-11-27\n"
        "  wrote releases/R2026-01/parties/poortwachter.yaml\n",
        "releases/R2026-01/parties/poortwachter.yaml:\n"
        "@@ -26,0 +27,2 @@ measures:\n"
        "+    status: in_progress\n"
        "+    status_on: 2026-11-27\n"),
    "measure-status, done": (
        ["plan", "measure-status", "R2026-01", "--party", "volmacht", "metadata-inlezen",
         "done", "--on", "2026-11-27"],
        "volmacht: measure metadata-inlezen is done as of 2026-11-27\n"
        "  wrote releases/R2026-01/parties/volmacht.yaml\n",
        "releases/R2026-01/parties/volmacht.yaml:\n"
        "@@ -19,2 +19,2 @@ measures:\n"
        "-    status: in_progress\n"
        "-    status_on: 2026-11-20\n"
        "+    status: done\n"
        "+    status_on: 2026-11-27\n"),
    "milestone-done, before a comment": (
        ["plan", "milestone-done", "R2026-01", "ketentest", "--on", "2026-11-20"],
        "release R2026-01: milestone ketentest done on 2026-11-20\n"
        "  wrote releases/R2026-01/plan.yaml\n",
        "releases/R2026-01/plan.yaml:\n"
        "@@ -29,0 +30 @@ milestones:\n"
        "+    done_on: 2026-11-20\n"),
    "join": (
        ["plan", "join", "R2026-01", "--party", "poortwachter", "--on", "2026-11-26"],
        "poortwachter joined framework version 1.14 on 2026-11-26\n"
        "  wrote releases/R2026-01/parties/poortwachter.yaml\n",
        "releases/R2026-01/parties/poortwachter.yaml:\n"
        "@@ -26,0 +27 @@ measures:\n"
        "+joined_on: 2026-11-26\n"),
}


@pytest.mark.parametrize("name", EDITS)
def test_each_edit_changes_only_its_lines(git_repo: Path, name: str) -> None:
    args, stdout, changed = EDITS[name]
    assert eta(git_repo, *args) == (0, stdout, "")
    assert changed_lines(git_repo) == changed
    # Progress leaves the signatures valid; a draft's edits leave it clean.
    assert clean(git_repo)


HAND_WRITTEN = """\
# yaml-language-server: $schema=../../../schemas/plan-party.schema.json
party: sleutelbrug   # Sleutelbrug Toegang B.V.

contact:
  name: "Joost Vermeulen"
  email: j.vermeulen@sleutelbrug.example.nl  # until March: j.vermeulen@old.example.nl

# Measures as proposed by the releasemanager on 12 November.
measures:
  - id: saml-sha256
    description: 'SAML-ondertekening op SHA-256'
    deadline: 2027-05-28   # agreed in the Tactisch Beraad

  - id: ad-sha256
    description: AD-ondertekening op SHA-256
    deadline: 2027-06-30

# Still to come: impact analysis and planning.
"""


def test_edits_keep_comments_quoting_and_blank_lines(git_repo: Path) -> None:
    part = git_repo / "releases/R2026-03/parties/sleutelbrug.yaml"
    part.write_text(HAND_WRITTEN)
    git(git_repo, "commit", "-qam", "Sleutelbrug's part, by hand")
    for args in (
        ["impact", "R2026-03", "--party", "sleutelbrug", "--summary", "Naar SHA-256.",
         "--level", "medium", "--component", "saml-koppelvlak"],
        ["planning", "R2026-03", "--party", "sleutelbrug", "--summary", "Voorjaar 2027.",
         "--ready-on", "2027-06-30"],
        ["add-measure", "R2026-03", "--party", "sleutelbrug", "--id", "metadata",
         "--description", "Nieuwe metadata aanleveren", "--deadline", "2027-07-30"],
        ["contact", "R2026-03", "--party", "sleutelbrug", "--name", "Joost Vermeulen",
         "--email", "j.vermeulen@sleutelbrug.example.nl", "--phone", "+31 20 000 0310"],
        ["join", "R2026-03", "--party", "sleutelbrug", "--on", "2026-11-25"],
    ):
        assert eta(git_repo, "plan", *args)[0] == 0
    assert changed_lines(git_repo) == (
        "releases/R2026-03/parties/sleutelbrug.yaml:\n"
        "@@ -6,0 +7,9 @@ contact:\n"
        "+  phone: +31 20 000 0310\n"
        "+impact_analysis:\n"
        "+  summary: Naar SHA-256.\n"
        "+  level: medium\n"
        "+  components:\n"
        "+    - saml-koppelvlak\n"
        "+planning:\n"
        "+  summary: Voorjaar 2027.\n"
        "+  ready_on: 2027-06-30\n"
        "@@ -16,0 +26,4 @@ measures:\n"
        "+  - id: metadata\n"
        "+    description: Nieuwe metadata aanleveren\n"
        "+    deadline: 2027-07-30\n"
        "+joined_on: 2026-11-25\n")


def test_a_hand_edit_and_a_command_give_the_same_shape(git_repo: Path) -> None:
    (git_repo / "releases/R2026-03/parties/sleutelbrug.yaml").write_text(
        "# yaml-language-server: $schema=../../../schemas/plan-party.schema.json\n"
        "party: sleutelbrug\n"
        "contact:\n"
        "  name: Joost Vermeulen\n"
        "  email: j.vermeulen@sleutelbrug.example.nl\n"
        "planning:\n"
        "  summary: Voorjaar 2027.\n"
        "  ready_on: 2027-06-30\n")
    by_hand = (git_repo / "releases/R2026-03/parties/sleutelbrug.yaml").read_text()
    git(git_repo, "checkout", "-q", "--", "releases")
    assert eta(git_repo, "plan", "planning", "R2026-03", "--party", "sleutelbrug",
               "--summary", "Voorjaar 2027.", "--ready-on", "2027-06-30")[0] == 0
    assert (git_repo / "releases/R2026-03/parties/sleutelbrug.yaml").read_text() == by_hand


def test_changing_a_signed_draft_says_which_signatures_go_stale(git_repo: Path) -> None:
    assert eta(git_repo, "plan", "add-measure", "R2026-02", "--party", "grensweg", "--id",
               "documentatie", "--description", "Koppelvlakdocumentatie bijwerken",
               "--deadline", "2027-08-31") == (0, (
                   "grensweg: measure documentatie added, due 2027-08-31\n"
                   "  wrote releases/R2026-02/parties/grensweg.yaml\n"
                   "note: the plan changed: the signatures of logius, grensweg are now stale; "
                   "they must sign again\n"), "")


# -- Refused commands change nothing -------------------------------------------------------

#: Refusals of the process, exit 1; the other refusals are of the usage, exit 2.
PROCESS_REFUSALS = {
    "a plan in force",
    "signing an incomplete plan",
    "signing with the key of another party",
    "signing as an expired representative",
    "replacing a valid signature",
}
REFUSED = {
    "a plan in force": (
        ["plan", "add-measure", "R2026-01", "--party", "logius", "--description", "Meer",
         "--deadline", "2027-01-01"],
        "release R2026-01 is in_realisation: its implementation plan was brought into force "
        "and binds every party; eta does not change it. An amendment the parties agree on is "
        "edited by hand and signed again by every party"),
    "an unknown party": (
        ["plan", "add-party", "R2026-03", "--party", "volmachten", "--contact-name", "A",
         "--contact-email", "a@volmacht.example.nl"],
        "there is no party `volmachten` in afspraken/parties/; did you mean `volmacht`?"),
    "a party twice": (
        ["plan", "add-party", "R2026-03", "--party", "logius", "--contact-name", "A",
         "--contact-email", "a@beheer.example.nl"],
        "logius is an implementing party of the plan of R2026-03 already; change its contact "
        "with `eta plan contact`"),
    "a party that does not implement the plan": (
        ["plan", "impact", "R2026-03", "--party", "volmacht", "--summary", "Geen.", "--level",
         "low"],
        "volmacht is not an implementing party of the plan of R2026-03 (implementing parties: "
        "logius, poortwachter, sleutelbrug)"),
    "a measure id twice": (
        ["plan", "add-measure", "R2026-03", "--party", "logius", "--id", "toetsingskader",
         "--description", "Nogmaals", "--deadline", "2027-03-31"],
        "logius has a measure `toetsingskader` already"),
    "an unknown measure": (
        ["plan", "measure-status", "R2026-01", "--party", "logius", "communicatieplan", "done"],
        "logius has no measure `communicatieplan` in the plan of R2026-01; did you mean "
        "`communicatie`?"),
    "an unknown milestone": (
        ["plan", "milestone-done", "R2026-01", "ketentests"],
        "the plan of R2026-01 has no milestone `ketentests`; did you mean `ketentest`?"),
    "the Beheerorganisatie joining": (
        ["plan", "join", "R2026-01", "--party", "logius"],
        "logius is the Beheerorganisatie, not a deelnemer: it does not join a framework "
        "version"),
    "an invalid email": (
        ["plan", "contact", "R2026-03", "--party", "logius", "--name", "Femke Hoekstra",
         "--email", "femke"],
        "the contact is not valid: check email (an email address looks like name@example.nl; "
        "no value may be empty)"),
    "an edit that makes a record invalid": (
        ["plan", "planning", "R2026-03", "--party", "sleutelbrug", "--summary", "",
         "--ready-on", "2027-06-30"],
        "the change would make releases/R2026-03/parties/sleutelbrug.yaml invalid:\n"
        "  releases/R2026-03/parties/sleutelbrug.yaml:7:12: `planning.summary` must not be "
        "empty"),
    "an unknown release": (
        ["plan", "status", "R2026-3"],
        "there is no release `R2026-3` (no folder releases/R2026-3/); did you mean "
        "`R2026-03`?"),
    "a path for a release": (
        ["plan", "status", "../afspraken"],
        "`../afspraken` is not a release id: letters, digits, `.`, `_` and `-`, starting with "
        "a letter or digit"),
    "signing an incomplete plan": (
        ["plan", "sign", "R2026-03", "--party", "logius", "--key",
         str(example_key("logius", "mvanderberg"))],
        "the plan of R2026-03 is not complete, so it cannot be signed; it still lacks:\n"
        "  - poortwachter: planning, measures\n"
        "  - sleutelbrug: impact analysis, planning, measures"),
    "signing for a party that does not implement the plan": (
        ["plan", "sign", "R2026-02", "--party", "volmacht", "--key",
         str(example_key("volmacht", "adekker"))],
        "volmacht is not an implementing party of the plan of R2026-02 (implementing parties: "
        "logius, grensweg, kenniskaart, tokenfabriek)"),
    "signing with the key of another party": (
        ["plan", "sign", "R2026-02", "--party", "kenniskaart", "--key",
         str(example_key("volmacht", "adekker"))],
        "the key SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA is not registered for a "
        "representative of kenniskaart; it is registered for adekker of volmacht"),
    "signing as an expired representative": (
        ["plan", "sign", "R2026-02", "--party", "logius", "--key",
         str(example_key("logius", "rjansen"))],
        "rjansen may not sign for logius today ({today}): authorised from 2022-06-01 until "
        "2025-12-31"),
    "replacing a valid signature": (
        ["plan", "sign", "R2026-02", "--party", "grensweg", "--key",
         str(example_key("grensweg", "pmeijer"))],
        "the plan of R2026-02 is signed for grensweg already, validly, by kbos; a valid "
        "signature is not replaced"),
    "signing without a key": (
        ["plan", "sign", "R2026-02", "--party", "kenniskaart"],
        "no signing key: give --key PATH, or set git's user.signingkey to your SSH key with "
        "gpg.format ssh"),
    "signing with a missing key file": (
        ["plan", "sign", "R2026-02", "--party", "kenniskaart", "--key", "/nonexistent/key"],
        "no SSH key file at /nonexistent/key"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_command_changes_no_byte(git_repo: Path, name: str) -> None:
    from eta.plans.timing import signing_date

    args, message = REFUSED[name]
    before = snapshot(git_repo)
    import datetime as dt
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    today = signing_date(dt.datetime.now(zone), zone)
    exit_code = 1 if name in PROCESS_REFUSALS else 2
    assert eta(git_repo, *args) == (
        exit_code, "", f"eta: error: {message.format(today=today)}\n")
    assert snapshot(git_repo) == before


# -- Signing -------------------------------------------------------------------------------


def test_signing_completes_a_plan_and_again_changes_nothing(git_repo: Path) -> None:
    key = str(example_key("kenniskaart", "lvisser"))
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "kenniskaart", "--key", key) == (
        0, "Lotte Visser (lvisser) signed the plan of R2026-02 for kenniskaart\n"
           "  wrote releases/R2026-02/signatures/kenniskaart.yaml\n", "")
    lines = changed_lines(git_repo).splitlines()
    assert lines[:8] == [
        "releases/R2026-02/signatures/kenniskaart.yaml:",
        "@@ -0,0 +1,14 @@",
        "+# yaml-language-server: $schema=../../../schemas/signature.schema.json",
        "+release: R2026-02",
        "+party: kenniskaart",
        "+representative: lvisser",
        lines[6],
        "+digest: sha256:3e6e3d8ec20f613874feb418d9ddcc9d8d90d55f90ba661799e309eebe2a7b5f",
    ]
    assert lines[6].startswith("+signed_at: 20")
    fingerprint = signing.fingerprint(public_line(example_key("kenniskaart", "lvisser")))
    assert lines[8:10] == [f"+key: {fingerprint}", "+signature: |"]
    assert clean(git_repo)
    before = snapshot(git_repo)
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "kenniskaart", "--key", key) == (
        0, "the plan of R2026-02 is signed for kenniskaart by lvisser with this key already; "
           "nothing changed\n", "")
    assert snapshot(git_repo) == before


def test_the_signature_verifies_with_ssh_keygen(git_repo: Path, tmp_path: Path) -> None:
    key = example_key("tokenfabriek", "nmulder")
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "tokenfabriek", "--key",
               str(key))[0] == 0
    from eta.models.release import Signature
    from eta.records.read import load_record

    name = "releases/R2026-02/signatures/tokenfabriek.yaml"
    loaded = load_record(git_repo, git_repo / name, name).loaded
    assert loaded is not None and isinstance(loaded.record, Signature)
    record = loaded.record
    (tmp_path / "allowed").write_text(
        f'nmulder namespaces="eta-plan@eherkenning" {public_line(key)}\n')
    (tmp_path / "signature").write_text(record.signature)
    message = signing.signing_message(
        release=record.release, party=record.party, representative=record.representative,
        signed_at=record.signed_at.isoformat(), digest=record.digest)
    import subprocess

    verified = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed"), "-I", "nmulder", "-n",
         "eta-plan@eherkenning", "-s", str(tmp_path / "signature")],
        input=message, capture_output=True, check=False)
    assert verified.returncode == 0, verified.stderr


def test_a_stale_signature_is_replaced_by_signing_again(git_repo: Path) -> None:
    assert eta(git_repo, "plan", "deadline", "R2026-02", "--id", "implementatie-gereed",
               "--date", "2027-10-29", "--title", "Implementatie bij alle partijen gereed")[0] == 0
    git(git_repo, "commit", "-qam", "Deadline later")
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "grensweg", "--key",
               str(example_key("grensweg", "kbos")))[0] == 0
    changed = changed_lines(git_repo).splitlines()
    # Only the moment, the digest and the signature itself change.
    assert [line[:12] for line in changed if line.startswith(("-", "+"))][:4] == [
        "-signed_at: ", "-digest: sha", "+signed_at: ", "+digest: sha"]
    status = json.loads(eta(git_repo, "plan", "status", "R2026-02", "--format", "json")[1])
    assert [(p["party"], p["signature"]["state"]) for p in status["plan"]["parties"]] == [
        ("logius", "stale"), ("grensweg", "valid"), ("kenniskaart", "missing"),
        ("tokenfabriek", "missing")]


def test_a_key_registered_for_nobody_is_refused(git_repo: Path, tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "stranger")
    before = snapshot(git_repo)
    code, out, err = eta(git_repo, "plan", "sign", "R2026-02", "--party", "kenniskaart",
                         "--key", str(key))
    found = signing.fingerprint(public_line(key))
    assert (code, out, err) == (1, "", f"eta: error: the key {found} is not registered for a "
                                       "representative of kenniskaart\n")
    assert snapshot(git_repo) == before


def test_the_key_defaults_to_gits_signing_key(git_repo: Path) -> None:
    git(git_repo, "config", "gpg.format", "ssh")
    git(git_repo, "config", "user.signingkey", str(example_key("tokenfabriek", "nmulder")))
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "tokenfabriek") == (
        0, "Noor Mulder (nmulder) signed the plan of R2026-02 for tokenfabriek\n"
           "  wrote releases/R2026-02/signatures/tokenfabriek.yaml\n", "")


def test_a_private_key_without_its_pub_file_signs(git_repo: Path, tmp_path: Path) -> None:
    lonely = tmp_path / "nmulder"
    lonely.write_bytes(example_key("tokenfabriek", "nmulder").read_bytes())
    lonely.chmod(0o600)
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "tokenfabriek", "--key",
               str(lonely))[0] == 0
    assert clean(git_repo)


def test_two_parties_sign_on_two_branches_and_merge_cleanly(git_repo: Path) -> None:
    git(git_repo, "checkout", "-q", "-b", "kenniskaart-tekent")
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "kenniskaart", "--key",
               str(example_key("kenniskaart", "lvisser")))[0] == 0
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "KennisKaart tekent het implementatieplan")
    git(git_repo, "checkout", "-q", "main")
    git(git_repo, "checkout", "-q", "-b", "tokenfabriek-tekent")
    assert eta(git_repo, "plan", "sign", "R2026-02", "--party", "tokenfabriek", "--key",
               str(example_key("tokenfabriek", "nmulder")))[0] == 0
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "De Tokenfabriek tekent het implementatieplan")
    git(git_repo, "checkout", "-q", "main")
    git(git_repo, "merge", "-q", "--no-edit", "kenniskaart-tekent")
    git(git_repo, "merge", "-q", "--no-edit", "tokenfabriek-tekent")
    assert git(git_repo, "status", "--porcelain") == ""
    assert clean(git_repo)
    status = json.loads(eta(git_repo, "plan", "status", "R2026-02", "--format", "json")[1])
    assert status["plan"]["in_force"] is True
    assert eta(git_repo, "release", "advance", "R2026-02") == (
        0, "release R2026-02: draft -> in_force\n  wrote releases/R2026-02/release.yaml\n", "")
    assert changed_lines(git_repo) == (
        "releases/R2026-02/release.yaml:\n"
        "@@ -15 +15 @@ changes:\n"
        "-status: draft\n"
        "+status: in_force\n")


# -- Status --------------------------------------------------------------------------------

#: A terminal wide enough for the table; rich reads its width from COLUMNS.
WIDE = {"COLUMNS": "160"}


def test_the_status_of_a_half_signed_draft() -> None:
    outcome = run_eta("plan", "status", "R2026-02", "--root", str(PROJECT), "--today",
                      "2027-04-01", env=WIDE)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout.splitlines() == [
        "R2026-02: Afsprakenstelsel 1.15: EU Digitale Identiteit Wallet als middel",
        "status draft, framework version 1.15; releasemanager Femke Hoekstra",
        "implementation plan: NOT in force, 2 of 4 implementing parties signed",
        "party          contact          impact analysis   planning           measures       "
        "        signature",
        "─" * 123,
        "logius         Femke Hoekstra   medium            ready 2027-06-30   2: 0 done, 1 "
        "OVERDUE   valid (mvanderberg, 2026-11-17)",
        "grensweg       Daan Hendriks    high              ready 2027-08-31   1: 0 done      "
        "        valid (kbos, 2026-11-19)",
        "kenniskaart    Lotte Visser     high              ready 2027-08-31   1: 0 done      "
        "        missing",
        "tokenfabriek   Mehmet Yilmaz    low               ready 2027-07-30   1: 0 done      "
        "        missing",
        "deadlines:",
        "  2027-09-30  implementatie-gereed: Implementatie bij alle partijen gereed",
        "milestones:",
        "  2027-03-31  toetsingskader: Toetsingskader vastgesteld [OVERDUE]",
        "  2027-09-15  ketentest: Ketentest met een referentiewallet afgerond [open]",
        "overdue on 2027-04-01:",
        # The plan had to be in force when logius started its work, as the agenda says.
        "  signature of kenniskaart, due 2027-01-04: sign the implementation plan",
        "  signature of tokenfabriek, due 2027-01-04: sign the implementation plan",
        "  measure toetsingskader of logius, due 2027-03-31: Toetsingskader voor wallets als "
        "middel vaststellen in het Tactisch Beraad",
        "  milestone toetsingskader, due 2027-03-31: Toetsingskader vastgesteld",
        "next step: in_force, once:",
        "  - the plan is not in force: kenniskaart has not signed the plan",
        "  - the plan is not in force: tokenfabriek has not signed the plan",
    ]


def test_the_status_of_a_draft_with_gaps() -> None:
    outcome = run_eta("plan", "status", "R2026-03", "--root", str(PROJECT), "--today",
                      "2026-11-28", env=WIDE)
    assert outcome.stdout.splitlines()[2:11] == [
        "implementation plan: NOT in force, 0 of 3 implementing parties signed",
        "party          contact           impact analysis   planning           measures    "
        "signature",
        "─" * 91,
        "logius         Femke Hoekstra    low               ready 2027-03-31   1: 0 done   "
        "missing",
        "poortwachter   Sanne de Wit      medium            MISSING            MISSING     "
        "missing",
        "sleutelbrug    Joost Vermeulen   MISSING           MISSING            MISSING     "
        "missing",
        "still lacking (the plan cannot be signed before):",
        "  - poortwachter: planning, measures",
        "  - sleutelbrug: impact analysis, planning, measures",
    ]


def test_the_status_as_json() -> None:
    outcome = run_eta("plan", "status", "R2026-01", "--root", str(PROJECT), "--format", "json",
                      "--today", "2026-11-28")
    status = json.loads(outcome.stdout)
    assert {key: status[key] for key in ("release", "status", "framework_version", "today")} == {
        "release": "R2026-01", "status": "in_realisation", "framework_version": "1.14",
        "today": "2026-11-28"}
    plan = status["plan"]
    assert plan["in_force"] is True
    assert plan["not_in_force_because"] == [] and plan["lacks"] == []
    assert plan["parties"][0]["signature"] == {
        "state": "valid", "reason": None, "representative": "mvanderberg",
        "signed_at": "2026-04-14T10:12:31+02:00",
        "key": "SHA256:hmqw2Z6W68aSIBS6L5tgp2z0YNcIMpKe8abF5R6QE3A"}
    assert [m["id"] for m in plan["parties"][2]["measures"]] == ["ad-metadata",
                                                                 "metadata-inlezen"]
    assert status["overdue"] == []
    assert status["next"]["status"] == "rolled_out"
    assert "the roll-out is not complete (rollout.completed_on)" in status["next"]["blocked_by"]


def test_the_status_at_a_moment_is_that_of_its_day() -> None:
    at_moment = run_eta("plan", "status", "R2026-01", "--root", str(PROJECT), "--format",
                        "json", "--now", "2026-11-28T23:30")
    on_day = run_eta("plan", "status", "R2026-01", "--root", str(PROJECT), "--format", "json",
                     "--today", "2026-11-28")
    assert (at_moment.exit_code, at_moment.stderr) == (0, "")
    assert json.loads(at_moment.stdout) == json.loads(on_day.stdout)
    # 23:30 UTC is already the next day in Amsterdam.
    next_day = run_eta("plan", "status", "R2026-01", "--root", str(PROJECT), "--format",
                       "json", "--now", "2026-11-28T23:30:00Z")
    assert json.loads(next_day.stdout)["today"] == "2026-11-29"


def test_editing_commands_report_in_json(git_repo: Path) -> None:
    key = str(example_key("kenniskaart", "lvisser"))
    code, out, err = eta(git_repo, "plan", "sign", "R2026-02", "--party", "kenniskaart",
                         "--key", key, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "version": 1,
        "summary": "Lotte Visser (lvisser) signed the plan of R2026-02 for kenniskaart",
        "written": ["releases/R2026-02/signatures/kenniskaart.yaml"], "removed": [],
        "notes": []}
    code, out, err = eta(git_repo, "release", "new", "R2027-09", "--title", "Nieuw",
                         "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert (document["version"], document["written"]) == (1, ["releases/R2027-09/release.yaml"])


def test_the_status_of_a_release_without_a_plan(repo: Path) -> None:
    assert run_eta("release", "new", "R2027-02", "--title", "Redactionele correcties",
                   "--root", str(repo)).exit_code == 0
    outcome = run_eta("plan", "status", "R2027-02", "--root", str(repo))
    assert outcome.stdout == (
        "R2027-02: Redactionele correcties\n"
        "status draft; releasemanager Femke Hoekstra\n"
        "implementation plan: none (the release has no chain dependencies)\n"
        "next step: in_force, once:\n"
        "  - the Tactisch Beraad's decision is not recorded (decided_on)\n"
        "  - the framework version is not set (framework_version)\n")
