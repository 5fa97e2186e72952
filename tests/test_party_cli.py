"""`eta party`: the register by command, each edit by its diff, each refusal by its message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import EXAMPLE_KEYS, EXAMPLES_DATE, EXAMPLES_WARNING, git, run_eta
from eta.ssh_keys import PublicKey
from plan_helpers import changed_lines, make_key, public_line, snapshot


def eta(root: Path, *args: str) -> tuple[int, str, str]:
    outcome = run_eta(*args, "--root", str(root))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def fingerprint(key: Path) -> str:
    return PublicKey.from_openssh(public_line(key)).fingerprint


def clean(root: Path) -> bool:
    """Whether `eta check` finds nothing in the records but the example records' warning."""
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE)
    found, _, summary = outcome.stdout.rpartition("\n")[0].rpartition("\n")
    return (outcome.exit_code, found + "\n", summary.endswith(": 0 errors, 1 warning")) == (
        0, EXAMPLES_WARNING, True)


# -- Each edit changes only its lines ----------------------------------------------------


def test_party_new_writes_a_party_of_the_register(git_repo: Path) -> None:
    assert eta(git_repo, "party", "new", "brugwachter", "--name", "Brugwachter B.V.",
               "--role", "herkenningsmakelaar", "--role", "machtigingenregister") == (
        0, "added party brugwachter (herkenningsmakelaar, machtigingenregister)\n"
        "  wrote afspraken/parties/brugwachter.yaml\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/brugwachter.yaml:\n"
        "@@ -0,0 +1,6 @@\n"
        "+# yaml-language-server: $schema=../../schemas/party.schema.json\n"
        "+id: brugwachter\n"
        "+name: Brugwachter B.V.\n"
        "+roles:\n"
        "+  - herkenningsmakelaar\n"
        "+  - machtigingenregister\n")
    assert clean(git_repo)


def test_add_contact_appends_to_the_contacts(git_repo: Path) -> None:
    assert eta(git_repo, "party", "add-contact", "volmacht", "--name", "Ilse Kramer",
               "--email", "i.kramer@volmacht.example.nl", "--function", "releasemanager",
               "--phone", "+31 50 000 0510", "--available-24x7") == (
        0, "volmacht: added contact Ilse Kramer\n  wrote afspraken/parties/volmacht.yaml\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/volmacht.yaml:\n"
        "@@ -11,0 +12,5 @@ contacts:\n"
        "+  - name: Ilse Kramer\n"
        "+    email: i.kramer@volmacht.example.nl\n"
        "+    phone: +31 50 000 0510\n"
        "+    function: releasemanager\n"
        "+    available_24x7: true\n")
    assert clean(git_repo)


def test_add_representative_registers_a_key_made_by_ssh_keygen(git_repo: Path,
                                                                tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "ikramer")
    assert eta(git_repo, "party", "add-representative", "volmacht", "--id", "ikramer",
               "--name", "Ilse Kramer", "--email", "i.kramer@volmacht.example.nl",
               "--key-file", f"{key}.pub", "--valid-from", "2026-11-01",
               "--valid-until", "2027-12-31") == (
        0, "volmacht: Ilse Kramer (ikramer) may sign, from 2026-11-01 until 2027-12-31, with "
        f"key {fingerprint(key)}\n  wrote afspraken/parties/volmacht.yaml\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/volmacht.yaml:\n"
        "@@ -18,0 +19,7 @@ representatives:\n"
        "+  - id: ikramer\n"
        "+    name: Ilse Kramer\n"
        "+    email: i.kramer@volmacht.example.nl\n"
        "+    keys:\n"
        f"+      - {public_line(key)}\n"
        "+    valid_from: 2026-11-01\n"
        "+    valid_until: 2027-12-31\n")
    assert clean(git_repo)


def test_a_new_representative_signs_with_the_registered_key(git_repo: Path,
                                                           tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "ikramer")
    assert eta(git_repo, "party", "add-representative", "tokenfabriek", "--id", "ikramer",
               "--name", "Ilse Kramer", "--email", "i.kramer@tokenfabriek.example.nl",
               "--key-file", f"{key}.pub", "--valid-from", "2026-11-01")[0] == 0
    code, stdout, _ = eta(git_repo, "plan", "sign", "R2026-02", "--party", "tokenfabriek",
                          "--key", str(key))
    assert (code, stdout.splitlines()[0]) == (
        0, "Ilse Kramer (ikramer) signed the plan of R2026-02 for tokenfabriek")


def test_end_representative_sets_the_last_day_and_names_the_signatures_it_ends(
        git_repo: Path) -> None:
    assert eta(git_repo, "party", "end-representative", "volmacht", "adekker",
               "--on", "2026-04-20") == (
        0, "volmacht: adekker may sign until 2026-04-20\n"
        "  wrote afspraken/parties/volmacht.yaml\n"
        "note: releases/R2026-01/signatures/volmacht.yaml: signed by adekker after "
        "2026-04-20, no longer valid\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/volmacht.yaml:\n"
        "@@ -18,0 +19 @@ representatives:\n"
        "+    valid_until: 2026-04-20\n")
    assert eta(git_repo, "party", "end-representative", "volmacht", "adekker",
               "--on", "2026-04-20") == (
        0, "volmacht: adekker may sign until 2026-04-20 already; nothing changed\n", "")


def test_a_key_added_and_revoked_leaves_the_file_as_it_was(git_repo: Path,
                                                           tmp_path: Path) -> None:
    path = git_repo / "afspraken" / "parties" / "logius.yaml"
    before = path.read_bytes()
    key = make_key(tmp_path / "keys", "mvdb-2")
    assert eta(git_repo, "party", "add-key", "logius", "mvanderberg", "--key-file",
               f"{key}.pub") == (
        0, f"logius: mvanderberg may sign with key {fingerprint(key)} too\n"
        "  wrote afspraken/parties/logius.yaml\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/logius.yaml:\n"
        "@@ -20,0 +21 @@ representatives:\n"
        f"+      - {public_line(key)}\n")
    assert clean(git_repo)
    assert eta(git_repo, "party", "revoke-key", "logius", "mvanderberg",
               fingerprint(key)) == (
        0, f"logius: key {fingerprint(key)} of mvanderberg revoked\n"
        "  wrote afspraken/parties/logius.yaml\n", "")
    assert path.read_bytes() == before


def test_revoking_a_key_names_the_signatures_made_with_it(git_repo: Path,
                                                          tmp_path: Path) -> None:
    old = EXAMPLE_KEYS / "logius-mvanderberg"
    new = make_key(tmp_path / "keys", "mvdb-2")
    assert eta(git_repo, "party", "add-key", "logius", "mvanderberg", "--key-file",
               f"{new}.pub")[0] == 0
    git(git_repo, "commit", "-qam", "A second key")
    assert eta(git_repo, "party", "revoke-key", "logius", "mvanderberg",
               fingerprint(old)) == (
        0, f"logius: key {fingerprint(old)} of mvanderberg revoked\n"
        "  wrote afspraken/parties/logius.yaml\n"
        "note: releases/R2026-01/signatures/logius.yaml, "
        "releases/R2026-02/signatures/logius.yaml: made with this key, no longer valid\n", "")
    assert changed_lines(git_repo) == (
        "afspraken/parties/logius.yaml:\n"
        "@@ -20 +19,0 @@ representatives:\n"
        f"-      - {public_line(old)}\n")


def test_comments_and_layout_stay(git_repo: Path, tmp_path: Path) -> None:
    path = git_repo / "afspraken" / "parties" / "tokenfabriek.yaml"
    path.write_text(
        "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
        "id: tokenfabriek   # since 2021\n"
        "name: 'Tokenfabriek B.V.'\n"
        "roles: [authenticatiedienst]\n"
        "\n"
        "# Who signs for us.\n"
        "representatives:\n"
        "  - id: nmulder\n"
        "    name: \"Noor Mulder\"\n"
        "    email: n.mulder@tokenfabriek.example.nl\n"
        "    keys:\n"
        f"      - {public_line(EXAMPLE_KEYS / 'tokenfabriek-nmulder')}\n"
        "    valid_from: 2024-03-01   # by the board's decision\n"
        "\n"
        "# End of the register entry.\n")
    git(git_repo, "commit", "-qam", "Hand-written")
    key = make_key(tmp_path / "keys", "second")
    assert eta(git_repo, "party", "add-representative", "tokenfabriek", "--id", "second",
               "--name", "Second", "--email", "second@tokenfabriek.example.nl",
               "--key-file", f"{key}.pub", "--valid-from", "2026-01-01")[0] == 0
    assert eta(git_repo, "party", "end-representative", "tokenfabriek", "nmulder", "--on",
               "2030-01-01")[0] == 0
    assert changed_lines(git_repo) == (
        "afspraken/parties/tokenfabriek.yaml:\n"
        "@@ -13,0 +14,7 @@ representatives:\n"
        "+    valid_until: 2030-01-01\n"
        "+  - id: second\n"
        "+    name: Second\n"
        "+    email: second@tokenfabriek.example.nl\n"
        "+    keys:\n"
        f"+      - {public_line(key)}\n"
        "+    valid_from: 2026-01-01\n")


# -- Refusals change no byte -------------------------------------------------------------

REFUSED = {
    "a party that exists": (
        ["party", "new", "volmacht", "--name", "V", "--role", "machtigingenregister"], 1,
        "party volmacht exists already (afspraken/parties/volmacht.yaml)"),
    "a party id that is a path": (
        ["party", "new", "../x", "--name", "X", "--role", "bsnk"], 2,
        "`../x` is not a valid party id: use letters, digits, `.`, `_` and `-`, starting with "
        "a letter or digit, at most 64 characters"),
    "an unknown party": (
        ["party", "add-contact", "volmach", "--name", "X", "--email", "x@example.nl"], 2,
        "there is no party `volmach` in afspraken/parties/; did you mean `volmacht`?"),
    "a contact without an email address": (
        ["party", "add-contact", "volmacht", "--name", "X", "--email", "x"], 2,
        "the contact is not valid: check email (an email address looks like "
        "name@example.nl; no value may be empty)"),
    "a key of another representative": (
        ["party", "add-representative", "tokenfabriek", "--id", "adekker2", "--name", "A",
         "--email", "a@tokenfabriek.example.nl", "--key-file",
         str(EXAMPLE_KEYS / "volmacht-adekker.pub"), "--valid-from", "2026-01-01"], 1,
        "this key is registered for volmacht/adekker; a key belongs to one representative, "
        "so it cannot be registered for tokenfabriek/adekker2 too: give adekker2 a key of "
        "their own"),
    "a key registered for the representative already": (
        ["party", "add-key", "volmacht", "adekker", "--key-file",
         str(EXAMPLE_KEYS / "volmacht-adekker.pub")], 1,
        "this key is registered for volmacht/adekker already; nothing changed"),
    "a private key": (
        ["party", "add-key", "volmacht", "adekker", "--key-file",
         str(EXAMPLE_KEYS / "volmacht-adekker")], 2,
        f"{EXAMPLE_KEYS / 'volmacht-adekker'} holds a private key; the register holds only "
        "public keys: give volmacht-adekker.pub"),
    "a missing key file": (
        ["party", "add-key", "volmacht", "adekker", "--key-file", "/nonexistent/key.pub"], 2,
        "cannot read the key file /nonexistent/key.pub: No such file or directory"),
    "a device as the key file": (
        ["party", "add-key", "volmacht", "adekker", "--key-file", "/dev/zero"], 2,
        "/dev/zero is not a regular file; give the public key file that ssh-keygen wrote "
        "(its name ends in .pub)"),
    "a representative that exists": (
        ["party", "add-representative", "volmacht", "--id", "adekker", "--name", "A",
         "--email", "a@volmacht.example.nl", "--key-file",
         str(EXAMPLE_KEYS / "tokenfabriek-nmulder.pub"), "--valid-from", "2026-01-01"], 1,
        "volmacht has a representative `adekker` already; add a key with "
        "`eta party add-key volmacht adekker --key-file PATH`"),
    "an unknown representative": (
        ["party", "end-representative", "volmacht", "adekke", "--on", "2026-12-01"], 2,
        "volmacht has no representative `adekke`; did you mean `adekker`?"),
    "an end before the start": (
        ["party", "end-representative", "volmacht", "adekker", "--on", "2024-01-31"], 1,
        "adekker of volmacht is authorised from 2024-02-01; an authorisation cannot end "
        "before it starts (2024-01-31)"),
    "an end after the end": (
        ["party", "end-representative", "logius", "rjansen", "--on", "2026-01-31"], 1,
        "the authorisation of rjansen of logius ended on 2025-12-31 already; it is not "
        "extended"),
    "the only key": (
        ["party", "revoke-key", "volmacht", "adekker",
         "SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA"], 1,
        "SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA is the only key of adekker of "
        "volmacht, and a representative signs with at least one: add the new key first with "
        "`eta party add-key`, or end the authorisation with `eta party end-representative "
        "volmacht adekker --on DATE`"),
    "a key the representative does not have": (
        ["party", "revoke-key", "volmacht", "adekker", "SHA256:nope"], 2,
        "adekker of volmacht has no key SHA256:nope (its keys: "
        "SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA)"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_edit_changes_no_byte(git_repo: Path, name: str) -> None:
    args, code, message = REFUSED[name]
    before = snapshot(git_repo)
    assert eta(git_repo, *args) == (code, "", f"eta: error: {message}\n")
    assert snapshot(git_repo) == before


def test_what_the_record_refuses_is_located_in_it(git_repo: Path, tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "x")
    before = snapshot(git_repo)
    assert eta(git_repo, "party", "add-representative", "volmacht", "--id", "x", "--name", "X",
               "--email", "no address", "--key-file", f"{key}.pub", "--valid-from",
               "2026-01-01", "--valid-until", "2025-01-01") == (2, "", (
        "eta: error: the change would make afspraken/parties/volmacht.yaml invalid:\n"
        "  afspraken/parties/volmacht.yaml:21:12: `representatives[1].email` must be an e-mail "
        "address such as name@example.nl, not the text 'no address'\n"))
    assert snapshot(git_repo) == before


def test_a_fifo_as_the_key_file_is_refused_without_waiting(git_repo: Path,
                                                            tmp_path: Path) -> None:
    fifo = tmp_path / "key.pub"
    os.mkfifo(fifo)
    assert eta(git_repo, "party", "add-key", "volmacht", "adekker", "--key-file",
               str(fifo)) == (2, "", f"eta: error: {fifo} is not a regular file; give the "
                              "public key file that ssh-keygen wrote (its name ends in .pub)\n")


def test_a_key_that_is_no_key_is_refused_as_the_register_refuses_it(git_repo: Path,
                                                                     tmp_path: Path) -> None:
    dsa = tmp_path / "dsa.pub"
    dsa.write_text("ssh-dss AAAAB3NzaC1kc3MAAACBAP= old\n")
    assert eta(git_repo, "party", "add-key", "volmacht", "adekker", "--key-file",
               str(dsa)) == (2, "", f"eta: error: {dsa}: DSA keys (ssh-dss) are not accepted: "
                             "OpenSSH no longer trusts them\n")
    two = tmp_path / "two.pub"
    two.write_text(public_line(EXAMPLE_KEYS / "grensweg-kbos") + "\n"
                   + public_line(EXAMPLE_KEYS / "grensweg-pmeijer") + "\n")
    assert eta(git_repo, "party", "add-key", "volmacht", "adekker", "--key-file",
               str(two)) == (2, "", f"eta: error: {two} holds 2 lines; a public key file "
                             "holds one key, as `ssh-keygen` writes it\n")


def test_the_same_key_in_another_spelling_is_the_same_key(git_repo: Path,
                                                          tmp_path: Path) -> None:
    respelled = tmp_path / "respelled.pub"
    kind, data, *_ = public_line(EXAMPLE_KEYS / "volmacht-adekker").split()
    respelled.write_text(f"  {kind}   {data}   someone else's comment\n")
    code, _, stderr = eta(git_repo, "party", "add-key", "grensweg", "kbos", "--key-file",
                          str(respelled))
    assert (code, stderr) == (1, "eta: error: this key is registered for volmacht/adekker; a "
                              "key belongs to one representative, so it cannot be registered "
                              "for grensweg/kbos too: give kbos a key of their own\n")


def test_a_party_file_that_is_a_link_is_never_edited(git_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yaml"
    party = git_repo / "afspraken" / "parties" / "volmacht.yaml"
    target.write_bytes(party.read_bytes())
    party.unlink()
    party.symlink_to(target)
    code, stdout, stderr = eta(git_repo, "party", "add-contact", "volmacht", "--name", "X",
                               "--email", "x@volmacht.example.nl")
    assert (code, stdout) == (2, "")
    assert "afspraken/parties/volmacht.yaml:1:1:" in stderr
    assert "link" in stderr
    assert target.read_bytes() == (git_repo / "afspraken" / "parties" / "volmacht.yaml"
                                   ).read_bytes()


# -- Reading the register ----------------------------------------------------------------


def test_party_list_in_text_and_json(git_repo: Path) -> None:
    code, stdout, stderr = eta(git_repo, "party", "list", "--today", "2026-11-28")
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[:2] == [
        "grensweg: Grensweg eIDAS Diensten B.V. (eidas-berichtenservice, bsnk); 1 contact(s), "
        "2 of 2 representative(s) authorised on 2026-11-28",
        "kenniskaart: KennisKaart Authenticatie N.V. (authenticatiedienst, middelenuitgever); "
        "1 contact(s), 1 of 1 representative(s) authorised on 2026-11-28",
    ]
    assert len(stdout.splitlines()) == 7
    code, stdout, _ = eta(git_repo, "party", "list", "--today", "2026-11-28", "--format",
                          "json")
    document = json.loads(stdout)
    assert (code, document["version"], document["today"]) == (0, 1, "2026-11-28")
    assert [p["id"] for p in document["parties"]] == [
        "grensweg", "kenniskaart", "logius", "poortwachter", "sleutelbrug", "tokenfabriek",
        "volmacht"]


def test_party_show_in_text_and_json(git_repo: Path) -> None:
    assert eta(git_repo, "party", "show", "logius", "--today", "2026-11-28") == (0, (
        "logius: Logius, Beheerorganisatie eHerkenning\n"
        "roles: beheerorganisatie\n"
        "contacts:\n"
        "  Incidentmanager eHerkenning <incidentmanager@beheer.example.nl> (incidentmanager, "
        "+31 70 000 0100, available 24x7)\n"
        "  Femke Hoekstra <f.hoekstra@beheer.example.nl> (releasemanager)\n"
        "representatives:\n"
        "  mvanderberg: Marieke van der Berg <m.vanderberg@beheer.example.nl>, from 2024-01-01 "
        "without end date; authorised on 2026-11-28\n"
        f"    ssh-ed25519 {fingerprint(EXAMPLE_KEYS / 'logius-mvanderberg')} logius-mvanderberg "
        "(eta example key, not for real use)\n"
        "  rjansen: Rob Jansen <r.jansen@beheer.example.nl>, from 2022-06-01 until 2025-12-31; "
        "NOT authorised on 2026-11-28\n"
        f"    ssh-ed25519 {fingerprint(EXAMPLE_KEYS / 'logius-rjansen')} logius-rjansen "
        "(eta example key, not for real use)\n"), "")
    code, stdout, _ = eta(git_repo, "party", "show", "volmacht", "--today", "2026-11-28",
                          "--format", "json")
    assert (code, json.loads(stdout)) == (0, {
        "version": 1, "today": "2026-11-28", "id": "volmacht",
        "name": "Volmachtregister Nederland B.V.", "roles": ["machtigingenregister"],
        "deelnemer": True,
        "contacts": [{"name": "Beheer Volmachtregister", "email": "beheer@volmacht.example.nl",
                      "phone": "+31 50 000 0500", "function": "applicatiebeheer",
                      "available_24x7": True}],
        "representatives": [{
            "id": "adekker", "name": "Ahmed Dekker", "email": "a.dekker@volmacht.example.nl",
            "valid_from": "2024-02-01", "valid_until": None, "authorised": True,
            "keys": [{"type": "ssh-ed25519",
                      "fingerprint": "SHA256:meiJbL9IOzO+xf9VATthnRuT3sbIKGcRVLu/0baACrA",
                      "comment": "volmacht-adekker (eta example key, not for real use)"}]}],
    })
    assert eta(git_repo, "party", "show", "nobody") == (
        2, "", "eta: error: there is no party `nobody` in afspraken/parties/\n")


def test_parallel_writers_keep_every_representative_and_never_share_a_key(
        git_repo: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    keys = [make_key(tmp_path / "keys", f"rep{number}") for number in range(4)]
    shared = make_key(tmp_path / "keys", "shared")
    # Four people with keys of their own, and two who try to register one key.
    people = [(f"rep{number}", key) for number, key in enumerate(keys)]
    people += [("first", shared), ("second", shared)]
    processes = [subprocess.Popen(
        [sys.executable, "-m", "eta", "party", "add-representative", "tokenfabriek", "--id",
         rep, "--name", rep, "--email", f"{rep}@tokenfabriek.example.nl", "--key-file",
         f"{key}.pub", "--valid-from", "2026-01-01"], cwd=git_repo, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "ETA_LOCK_TIMEOUT": "300"})
        for rep, key in people]
    errors = [process.communicate()[1] for process in processes]
    codes = [process.returncode for process in processes]
    assert codes[:4] == [0, 0, 0, 0]
    assert sorted(codes[4:]) == [0, 1]
    winner, loser = ("first", "second") if codes[4] == 0 else ("second", "first")
    assert errors[5 if codes[4] == 0 else 4].endswith(
        f"eta: error: this key is registered for tokenfabriek/{winner}; a key belongs to one "
        f"representative, so it cannot be registered for tokenfabriek/{loser} too: give "
        f"{loser} a key of their own\n")
    code, stdout, _ = eta(git_repo, "party", "show", "tokenfabriek", "--format", "json")
    assert code == 0
    registered = [rep["id"] for rep in json.loads(stdout)["representatives"]]
    assert sorted(registered) == sorted(["nmulder", "rep0", "rep1", "rep2", "rep3", winner])
    assert clean(git_repo)
