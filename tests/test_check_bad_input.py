"""Every kind of bad input gives one located diagnostic, and the other files still count."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT, run_eta
from plan_helpers import make_key, public_line

HEADER = "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
PARTY = HEADER + """\
id: testpartij
name: Testpartij B.V.
roles:
  - herkenningsmakelaar
contacts:
  - name: Servicedesk
    email: servicedesk@testpartij.example.nl
    available_24x7: true
"""
BROKEN = "afspraken/parties/testpartij.yaml"
REPRESENTATIVE = PARTY + """\
representatives:
  - id: jan
    name: Jan
    email: jan@testpartij.nl
    keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE4j9Q1xDMjWuvq2M/bTh4fJ6+eNqiVL20QEj61KMDxB]
"""


def diagnostics_of(root: Path, *args: str) -> list[dict[str, Any]]:
    outcome = run_eta("check", "--format", "json", *args, cwd=root)
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    found: list[dict[str, Any]] = json.loads(outcome.stdout)["diagnostics"]
    return found


def only_diagnostic(root: Path, text: str | bytes) -> tuple[int, int, str, str, str | None]:
    path = root / BROKEN
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    found = diagnostics_of(root, BROKEN)
    assert len(found) == 1, found
    d = found[0]
    assert (d["file"], d["severity"]) == (BROKEN, "error")
    return d["line"], d["column"], d["code"], d["message"], d["hint"]


def test_a_valid_party_has_no_findings(repo: Path) -> None:
    (repo / BROKEN).write_text(PARTY)
    outcome = run_eta("check", BROKEN, cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (0, "1 file checked: no problems found\n")


CASES: dict[str, tuple[str | bytes, tuple[int, int, str, str, str | None]]] = {
    "malformed YAML": (
        PARTY + "roles: [herkenningsmakelaar,\n",
        (11, 1, "yaml.syntax",
         "invalid YAML: while parsing a node, did not find expected node content", None),
    ),
    "tab in the indentation": (
        PARTY.replace("    email:", "\temail:"),
        (8, 1, "yaml.tab", "a tab character in the indentation; YAML indents with spaces only",
         "replace the tab with spaces"),
    ),
    "duplicate key": (
        PARTY + "name: Another Name B.V.\n",
        (10, 1, "yaml.duplicate-key", "duplicate key `name`",
         "each key may appear once per mapping"),
    ),
    "anchor and alias": (
        PARTY.replace("  - name: Servicedesk", "  - &desk\n    name: Servicedesk")
        + "representatives: *desk\n",
        (7, 5, "yaml.anchor", "YAML anchor `desk` is not allowed in a record",
         "write the value out in full"),
    ),
    "explicit tag": (
        PARTY.replace("name: Testpartij B.V.", "name: !!binary VGVzdA=="),
        (3, 7, "yaml.tag", "YAML tag `tag:yaml.org,2002:binary` is not allowed",
         "remove the tag; a record uses plain YAML values"),
    ),
    "two documents": (
        PARTY + "---\n" + PARTY,
        (10, 1, "yaml.multiple-documents",
         "file holds more than one YAML document; a record is one document", None),
    ),
    "not UTF-8": (
        PARTY.encode().replace(b"Testpartij B.V.", b"Testpartij \xe9 B.V."),
        (3, 18, "file.encoding", "file is not UTF-8: byte 0xe9 cannot be decoded",
         "save the file as UTF-8"),
    ),
    "empty file": (
        "",
        (1, 1, "file.empty", "file holds no record",
         "an empty file is not a record; remove it or fill it in"),
    ),
    "a list where a mapping belongs": (
        PARTY + "representatives:\n  - [jan, piet]\n",
        (11, 5, "record.type", "`representatives[0]` must be a mapping, not a list", None),
    ),
    "unknown key": (
        PARTY.replace("contacts:", "contact:"),
        (6, 1, "record.unknown-key", "unknown key `contact`", "did you mean `contacts`?"),
    ),
    "unknown nested key": (
        PARTY + "    phnoe: +31 30 000 0000\n",
        (10, 5, "record.unknown-key", "unknown key `phnoe` in `contacts[0]`",
         "did you mean `phone`?"),
    ),
    "missing key": (
        PARTY.replace("name: Testpartij B.V.\n", ""),
        (2, 1, "record.missing-key", "missing required key `name`", None),
    ),
    "wrong type": (
        PARTY.replace("name: Testpartij B.V.", "name: 42"),
        (3, 7, "record.type", "`name` must be text, not the number 42",
         "put the value in quotes to keep it as text"),
    ),
    "empty text": (
        PARTY.replace("name: Testpartij B.V.", 'name: ""'),
        (3, 7, "record.value", "`name` must not be empty", None),
    ),
    "wrong enum value": (
        PARTY.replace("  - herkenningsmakelaar", "  - herkenningsmakelar"),
        (5, 5, "record.value",
         "`roles[0]` must be one of beheerorganisatie, herkenningsmakelaar, authenticatiedienst, "
         "machtigingenregister, middelenuitgever, eidas-berichtenservice, bsnk; "
         "not the text 'herkenningsmakelar'",
         "did you mean `herkenningsmakelaar`?"),
    ),
    "no where a boolean belongs": (
        PARTY.replace("available_24x7: true", "available_24x7: no"),
        (9, 21, "record.type", "`contacts[0].available_24x7` must be true or false, "
         "not the text 'no'", "YAML 1.2 reads yes, no, on and off as text; write true or false"),
    ),
    "yes where a boolean belongs": (
        PARTY.replace("available_24x7: true", "available_24x7: yes"),
        (9, 21, "record.type", "`contacts[0].available_24x7` must be true or false, "
         "not the text 'yes'", "YAML 1.2 reads yes, no, on and off as text; write true or false"),
    ),
    "impossible date": (
        REPRESENTATIVE + "    valid_from: 2026-02-30\n",
        (15, 17, "record.date",
         "`representatives[0].valid_from`: expected a day of the calendar written as "
         "YYYY-MM-DD, e.g. 2026-03-28, not the text '2026-02-30'", None),
    ),
    "a date as a number": (
        REPRESENTATIVE + "    valid_from: 20260101\n",
        (15, 17, "record.date", "`representatives[0].valid_from`: expected a date written as "
         "YYYY-MM-DD, e.g. 2026-03-28, not the number 20260101", None),
    ),
    "an e-mail address that is none": (
        PARTY.replace("servicedesk@testpartij.example.nl", "servicedesk"),
        (8, 12, "record.value", "`contacts[0].email` must be an e-mail address such as "
         "name@example.nl, not the text 'servicedesk'", None),
    ),
    "file name and id disagree": (
        PARTY.replace("id: testpartij", "id: anderepartij"),
        (2, 5, "record.name-mismatch",
         "`id` is `anderepartij`, but the file's path says `testpartij`",
         "set `id: testpartij`, or move the file to match `anderepartij`"),
    ),
    "no schema line": (
        PARTY.removeprefix(HEADER),
        (1, 1, "record.schema-line", "the file does not start with its schema line",
         "make the first line: " + HEADER.strip()),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_gives_one_located_diagnostic(repo: Path, case: str) -> None:
    text, expected = CASES[case]
    assert only_diagnostic(repo, text) == expected


@pytest.mark.parametrize(("name", "schema", "article"), [
    ("incidents/2026-12-01-lijst0.yaml", "incident", "an incident record"),
    ("releases/R2026-02/parties/grensweg.yaml", "plan-party", "an implementing party record"),
    ("releases/R2026-02/release.yaml", "release", "a release record"),
])
def test_a_record_that_is_a_list_says_what_it_must_be(repo: Path, name: str, schema: str,
                                                      article: str) -> None:
    up = "../" * name.count("/")
    (repo / name).write_text(f"# yaml-language-server: $schema={up}schemas/{schema}.schema.json\n"
                             "- a\n- b\n")
    found = [(d["line"], d["column"], d["code"], d["message"])
             for d in diagnostics_of(repo, name) if d["file"] == name]
    assert found == [(2, 1, "record.type",
                      f"{article} must be a mapping of keys to values, not a list")]


def test_a_file_over_one_mebibyte_is_refused_unread(repo: Path) -> None:
    filler = "# " + "x" * 98 + "\n"
    text = PARTY + filler * (1024 * 1024 // len(filler) + 1)
    assert only_diagnostic(repo, text) == (
        1, 1, "file.too-large",
        f"file is {len(text):,} bytes; a record may be at most 1,048,576 bytes", None,
    )


def test_a_billion_laughs_file_is_refused_before_any_alias_expands(repo: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    assert only_diagnostic(repo, HEADER + "\n".join(lines) + "\n") == (
        2, 5, "yaml.anchor", "YAML anchor `a0` is not allowed in a record",
        "write the value out in full",
    )


def test_values_nested_too_deep_are_refused_without_exhausting_the_stack(repo: Path) -> None:
    assert only_diagnostic(repo, PARTY + "representatives: " + "[" * 500 + "]" * 500 + "\n") == (
        10, 82, "yaml.too-deep", "values nest more than 64 levels deep; no record does", None,
    )


def test_a_mapping_as_a_key_is_refused(repo: Path) -> None:
    assert only_diagnostic(repo, PARTY + "? {a: 1}\n: b\n") == (
        10, 3, "yaml.key", "a mapping key must be plain text", None,
    )


def test_a_named_pipe_is_refused_without_waiting_for_it(repo: Path) -> None:
    os.mkfifo(repo / BROKEN)
    found = diagnostics_of(repo, BROKEN)
    assert [(d["line"], d["code"], d["message"]) for d in found] == [
        (1, "file.special", "a FIFO (named pipe), not a regular file; a record is a plain file"),
    ]


def test_a_reference_to_an_unknown_party_is_located(repo: Path) -> None:
    text = PARTY.replace("roles:", "roles:\n  - beheerorganisatie", 1)
    (repo / BROKEN).write_text(text)
    (repo / "afspraken/parties/testpartij.yaml").write_text(text)
    # Incident records refer to parties; a misspelt one names the closest existing party.
    incident = repo / "incidents" / "INC-TEST.yaml"
    incident.parent.mkdir(exist_ok=True)
    incident.write_text(
        "# yaml-language-server: $schema=../schemas/incident.schema.json\n"
        "id: INC-TEST\ntitle: Storing\ntype: verstoring\nreporter: poortwachtr\n"
        "priority: P3\ntimes:\n  detected: 2026-03-02T09:00:00+01:00\n"
    )
    found = diagnostics_of(repo, "incidents/INC-TEST.yaml")
    assert [(d["line"], d["column"], d["code"], d["message"], d["hint"]) for d in found
            if d["code"].startswith("ref.")] == [
        (5, 11, "ref.unknown-party",
         "`reporter` names party `poortwachtr`, which does not exist",
         "did you mean `poortwachter`?"),
    ]


@pytest.mark.parametrize("checked", ["incidents/2026-02-10-bq1pzv.yaml", "."])
def test_references_to_an_unknown_release_and_criterion_are_located(repo: Path, checked: str
                                                                   ) -> None:
    path = repo / "incidents/2026-02-10-bq1pzv.yaml"
    text = path.read_text().replace("    criteria: [C2]\n", "    criteria: [C22]\n", 1)
    path.write_text(text + "release: R2026-1\n")
    found = diagnostics_of(repo, checked)
    assert [(d["file"], d["line"], d["column"], d["code"], d["message"], d["hint"])
            for d in found if d["code"].startswith("ref.")] == [
        ("incidents/2026-02-10-bq1pzv.yaml", 26, 16, "ref.unknown-criterion",
         "`classifications[0].criteria[0]` names criterion `C22`, which does not exist",
         "did you mean `C2`?"),
        ("incidents/2026-02-10-bq1pzv.yaml", 89, 10, "ref.unknown-release",
         "`release` names release `R2026-1`, which does not exist",
         "did you mean `R2026-01`?"),
    ]


def test_two_records_with_one_id(repo: Path) -> None:
    copy = repo / "afspraken/parties/poortwachter-kopie.yaml"
    copy.write_text((repo / "afspraken/parties/poortwachter.yaml").read_text())
    found = diagnostics_of(repo, "afspraken")
    assert [(d["file"], d["line"], d["code"], d["message"]) for d in found] == [
        # The copy is the duplicate: the original's path is named for the id.
        ("afspraken/parties/poortwachter-kopie.yaml", 2, "id.duplicate",
         "party id `poortwachter` is already used by afspraken/parties/poortwachter.yaml"),
        ("afspraken/parties/poortwachter-kopie.yaml", 2, "record.name-mismatch",
         "`id` is `poortwachter`, but the file's path says `poortwachter-kopie`"),
    ]


def test_a_key_registered_for_two_representatives(repo: Path) -> None:
    text = (repo / "afspraken/parties/poortwachter.yaml").read_text()
    key = next(line for line in text.splitlines() if "ssh-ed25519" in line).strip("- ")
    (repo / BROKEN).write_text(
        PARTY + "representatives:\n  - id: jan\n    name: Jan\n    email: jan@testpartij.nl\n"
        f"    keys:\n      - {key}\n    valid_from: 2026-01-01\n"
    )
    found = diagnostics_of(repo, "afspraken")
    assert [(d["file"], d["line"], d["column"], d["code"], d["message"]) for d in found] == [
        ("afspraken/parties/testpartij.yaml", 15, 9, "party.key-shared",
         "this key is registered for poortwachter/esmits as well; "
         "a key belongs to one representative"),
    ]


def test_broken_files_do_not_stop_the_others_from_being_checked(repo: Path) -> None:
    parties = repo / "afspraken/parties"
    (parties / "leeg.yaml").write_text("")
    (parties / "kapot.yaml").write_text(HEADER + "id: [\n")
    (parties / "tab.yaml").write_text(HEADER.replace("\n", "") + "\nid: tab\nroles:\n\t- bsnk\n")
    (parties / "testpartij.yaml").write_text(PARTY.replace("contacts:", "contact:"))
    found = diagnostics_of(repo, "afspraken")
    assert [(d["file"], d["code"]) for d in found] == [
        ("afspraken/parties/kapot.yaml", "yaml.syntax"),
        ("afspraken/parties/leeg.yaml", "file.empty"),
        ("afspraken/parties/tab.yaml", "yaml.tab"),
        ("afspraken/parties/testpartij.yaml", "record.unknown-key"),
    ]


# -- Keys in the register ------------------------------------------------------------------

JAN_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE4j9Q1xDMjWuvq2M/bTh4fJ6+eNqiVL20QEj61KMDxB"


@pytest.fixture(scope="module")
def real_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Public key lines made by ssh-keygen: RSA keys too small and large enough, an ECDSA
    key and its certificate."""
    folder = tmp_path_factory.mktemp("keys")
    lines = {}
    for name, kind, bits in (("rsa-1024", "rsa", 1024), ("rsa-2048", "rsa", 2048),
                             ("p256", "ecdsa", 256)):
        lines[name] = public_line(make_key(folder, name, kind, bits))
    subprocess.run(["ssh-keygen", "-q", "-s", str(make_key(folder, "ca")), "-I", "jan",
                    "-n", "jan", str(folder / "p256.pub")], check=True, capture_output=True)
    lines["certificate"] = (folder / "p256-cert.pub").read_text().strip()
    return lines


def _blob_line(key_type: str, *values: bytes) -> str:
    blob = b"".join(len(value).to_bytes(4, "big") + value for value in values)
    return f"{key_type} {base64.b64encode(blob).decode()}"


def _p256_changed(line: str, change: str) -> str:
    blob = base64.b64decode(line.split()[1])
    point = blob[-65:]
    if change == "off the curve":
        point = point[:-1] + bytes((point[-1] ^ 1,))
    else:
        point = bytes((2 + (point[-1] & 1),)) + point[1:33]
    return _blob_line("ecdsa-sha2-nistp256", b"ecdsa-sha2-nistp256", b"nistp256", point)


def _rsa_modulus(line: str) -> bytes:
    """The modulus of an RSA key line, as its blob holds it."""
    blob = base64.b64decode(line.split()[1])
    offset = 0
    for _ in range(2):
        offset += 4 + int.from_bytes(blob[offset:offset + 4], "big")
    return blob[offset + 4:]


def _pad_bits_set(line: str) -> str:
    """The line with the unused low bits of its base64's last character set."""
    key_type, data = line.split()[:2]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    text = data.rstrip("=")
    assert text != data
    last = alphabet[alphabet.index(text[-1]) | 1]
    return f"{key_type} {text[:-1]}{last}{data[len(text):]}"


ED25519_POINT = base64.b64decode(JAN_KEY.split()[1])[-32:]
ACCEPTED = ("ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, "
            "ssh-rsa, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com")
#: A bad key, as a function of ssh-keygen's real keys, and the message eta gives for it.
BAD_KEYS: dict[str, tuple[Callable[[dict[str, str]], str], str]] = {
    "padding appended": (lambda _: JAN_KEY + "==",
                         "the key's base64 text is damaged or not in the canonical form "
                         "ssh-keygen writes"),
    "non-zero pad bits": (lambda keys: _pad_bits_set(keys["p256"]),
                          "the key's base64 text is damaged or not in the canonical form "
                          "ssh-keygen writes"),
    "RSA of 1024 bits": (lambda keys: keys["rsa-1024"],
                         "the RSA key has 1024 bits; eta accepts RSA keys of 2048 bits or more"),
    "an RSA exponent of 65 bits": (
        lambda keys: _blob_line("ssh-rsa", b"ssh-rsa", (1 << 64 | 1).to_bytes(9, "big"),
                                _rsa_modulus(keys["rsa-2048"])),
        "the RSA key's public exponent has more than 64 bits"),
    "DSA": (lambda _: (PROJECT / "tests/data/sshsig/dsa.pub").read_text().strip(),
            "DSA keys (ssh-dss) are not accepted: OpenSSH no longer trusts them"),
    "a certificate": (lambda keys: keys["certificate"],
                      "certificates (ecdsa-sha2-nistp256-cert-v01@openssh.com) are not "
                      "accepted: register the key itself"),
    "an unknown type": (lambda _: JAN_KEY.replace("ssh-ed25519", "ssh-ed448"),
                        f"keys of type `ssh-ed448` are not accepted; eta accepts {ACCEPTED}"),
    "another type than its data": (lambda _: JAN_KEY.replace("ssh-ed25519 ", "ssh-rsa "),
                                   "the key's data is of type ssh-ed25519, not ssh-rsa"),
    "an ECDSA point off the curve": (lambda keys: _p256_changed(keys["p256"], "off the curve"),
                                     "the ECDSA key's point is not on curve nistp256"),
    "a compressed ECDSA point": (lambda keys: _p256_changed(keys["p256"], "compressed"),
                                 "the ECDSA key's point is not an uncompressed nistp256 point"),
    "an Ed25519 point of low order": (
        lambda _: _blob_line("ssh-ed25519", b"ssh-ed25519", bytes((1,)) + bytes(31)),
        "the Ed25519 key is a point of low order, which no private key has"),
    "an Ed25519 point off the curve": (
        lambda _: ("ssh-ed25519 "
                   "AAAAC3NzaC1lZDI1NTE5AAAAIGqB6bW3dLqMOiK0Rrl1x6Gn4xgC1Yl2vr6bO5Dh7V0u"),
        "the Ed25519 key is not a point on the curve"),
    "trailing data": (lambda _: _blob_line("ssh-ed25519", b"ssh-ed25519", ED25519_POINT, b""),
                      "the key's data is damaged: it has trailing data"),
}


@pytest.mark.parametrize("case", BAD_KEYS, ids=list(BAD_KEYS))
def test_a_key_eta_cannot_trust_is_refused_at_its_line(repo: Path, real_keys: dict[str, str],
                                                        case: str) -> None:
    make_line, message = BAD_KEYS[case]
    text = REPRESENTATIVE.replace(JAN_KEY, make_line(real_keys)) + "    valid_from: 2026-01-01\n"
    assert only_diagnostic(repo, text) == (
        14, 12, "party.key-invalid", f"`representatives[0].keys[0]`: {message}", None)


ED25519_P = 2**255 - 19


def _plus_order_two_point(data: bytes) -> bytes:
    """An Ed25519 key's blob with its point A replaced by A + (0, -1), which is (-x, -y): a
    key that A's private key can sign for as well (a verifier without the cofactor accepts
    its signatures about half the time)."""
    encoded = int.from_bytes(data[-32:], "little")
    y, sign = encoded & (1 << 255) - 1, encoded >> 255
    return data[:-32] + ((ED25519_P - y) | (sign ^ 1) << 255).to_bytes(32, "little")


def _other_forms(line: str, rsa_line: str) -> dict[str, tuple[str, str]]:
    """Pairs of register lines that one private key signs for."""
    key_type, data = line.split()[:2]
    blob = base64.b64decode(data)
    point = blob[-32:]
    return {
        "another comment and layout": (line, f"{key_type}  {data} jan's"),
        "a security key's form": (line, _blob_line("sk-ssh-ed25519@openssh.com",
                                                   b"sk-ssh-ed25519@openssh.com", point,
                                                   b"ssh:")),
        "a point of low order added": (
            line, f"{key_type} {base64.b64encode(_plus_order_two_point(blob)).decode()}"),
        "another RSA exponent": (rsa_line, _blob_line("ssh-rsa", b"ssh-rsa", b"\x03",
                                                      _rsa_modulus(rsa_line))),
    }


@pytest.mark.parametrize("form", ["another comment and layout", "a security key's form",
                                  "a point of low order added", "another RSA exponent"])
def test_one_private_key_is_one_key_in_any_form(repo: Path, tmp_path: Path, form: str) -> None:
    rsa_line = public_line(make_key(tmp_path, "rsa", "rsa", 2048))
    first, second = _other_forms(JAN_KEY, rsa_line)[form]
    (repo / BROKEN).write_text(
        REPRESENTATIVE.replace(JAN_KEY, first) + "    valid_from: 2026-01-01\n"
        "  - id: piet\n    name: Piet\n    email: piet@testpartij.nl\n"
        f"    keys: [{second}]\n    valid_from: 2026-01-01\n")
    assert [(d["line"], d["column"], d["code"], d["message"])
            for d in diagnostics_of(repo, "afspraken")] == [
        (19, 12, "party.key-shared", "this key is registered for testpartij/jan as well; "
         "a key belongs to one representative")]


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 4301, "0x" + "f" * 3600,
                                    "0o" + "7" * 4800])
def test_a_number_too_long_to_read_is_located(repo: Path, number: str) -> None:
    """Python reads no integer of more than 4,300 decimal digits from text, and prints
    none, however it was written; eta says where one is instead of failing on it."""
    assert only_diagnostic(repo, PARTY + f"founded: {number}\n") == (
        10, 10, "record.value", f"a number of {len(number):,} characters; no record holds one "
        "that long", "write a number of at most 4,300 digits, or quote it if it is text")
