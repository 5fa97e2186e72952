"""The changes that `eta party` makes to the register of parties.

Each function reads the register, refuses with an EtaError before anything is written when
the change is not allowed, and writes through one changeset, which validates the party's
file as `eta check` does (every key as the register holds it: `party.key-invalid`) and
keeps its comments and layout. A key is judged against every key in the register by the
one table the register's check uses (`KeyOwners`), so a command never adds a key that
check would then report as shared.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from eta.diagnostics import did_you_mean
from eta.editing import Changeset, YamlDate, add_item, put, remove_item
from eta.errors import EtaError, Refused
from eta.models.party import Contact, Party, Representative
from eta.models.release import Signature
from eta.plans.edits import Outcome, _identifier
from eta.plans.edits import _registered as registered_party
from eta.plans.state import authorisation_period
from eta.plans.timing import signing_date
from eta.records.agreements import load_register, repository_zone
from eta.records.layout import record_files, relative
from eta.records.read import load_record
from eta.ssh_keys import BadKey, KeyOwners, PublicKey, registered_key
from eta.vocabulary import Role

REGISTER = ("afspraken", "parties")
#: A public key file larger than this holds no key eta accepts (16384-bit RSA fits easily).
_KEY_FILE_LIMIT = 64 * 1024
_PRIVATE_KEY_MARK = "PRIVATE KEY-----"


def party_path(root: Path, party: str) -> Path:
    return root.joinpath(*REGISTER, f"{party}.yaml")


def _date(day: dt.date) -> YamlDate:
    return YamlDate(day.isoformat())


# -- Reading a key file -------------------------------------------------------------------


def read_public_key(path: Path) -> str:
    """The register line of the public key in the file at `path`: `type base64 comment`,
    checked as the register checks every key it holds.

    Only a regular file is read (a FIFO or a device would make eta wait or read without
    end), and at most a few kilobytes of it. A private key is refused: the register holds
    public halves only.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise EtaError(f"cannot read the key file {path}: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise EtaError(f"{path} is not a regular file; give the public key file that "
                           "ssh-keygen wrote (its name ends in .pub)")
        data = os.read(fd, _KEY_FILE_LIMIT + 1)
    finally:
        os.close(fd)
    if len(data) > _KEY_FILE_LIMIT:
        raise EtaError(f"{path} is larger than {_KEY_FILE_LIMIT:,} bytes: no SSH public key "
                       "file is")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EtaError(f"{path} is not text: give the public key file that ssh-keygen wrote "
                       "(its name ends in .pub)") from None
    if _PRIVATE_KEY_MARK in text:
        raise EtaError(f"{path} holds a private key; the register holds only public keys: "
                       f"give {path.name}.pub")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise EtaError(f"{path} holds {len(lines)} lines; a public key file holds one key, "
                       "as `ssh-keygen` writes it")
    try:
        key = PublicKey.from_openssh(lines[0])
    except BadKey as exc:
        raise EtaError(f"{path}: {exc}") from None
    comment = " ".join(lines[0].split()[2:])
    # The comment says whose key it is; one that is no plain text is left out.
    return f"{key.openssh()} {comment}" if comment.isprintable() and comment else key.openssh()


# -- The register --------------------------------------------------------------------------


def _representative(party: Party, representative: str) -> tuple[int, Representative]:
    ids = [rep.id for rep in party.representatives]
    if representative not in ids:
        hint = did_you_mean(representative, ids)
        raise EtaError(f"{party.id} has no representative `{representative}`"
                       + (f"; {hint}" if hint else
                          f" (its representatives: {', '.join(ids) or 'none'})"))
    index = ids.index(representative)
    return index, party.representatives[index]


def _key_owners(register: dict[str, Party]) -> KeyOwners:
    """Every key of the register claimed in the order the register's check claims them."""
    owners = KeyOwners()
    for party in sorted(register.values(), key=lambda p: p.id):
        for rep in party.representatives:
            for line in rep.keys:
                owners.claim(line, f"{party.id}/{rep.id}")
    return owners


def _refuse_registered(register: dict[str, Party], line: str, who: str) -> None:
    owner = _key_owners(register).owner(line)
    if owner == who:
        raise Refused(f"this key is registered for {who} already; nothing changed")
    if owner is not None:
        raise Refused(f"this key is registered for {owner}; a key belongs to one "
                       "representative, so it cannot be registered for "
                       f"{who} too: give {who.partition('/')[2]} a key of their own")


def _edit(root: Path, party: str, change: Callable[[CommentedMap], None]) -> list[str]:
    changes = Changeset(root)
    changes.edit(party_path(root, party), change)
    return [relative(root, path) for path in changes.write()]


def new_party(root: Path, party: str, *, name: str, roles: list[Role]) -> Outcome:
    """A new party in the register, with its legal name and roles."""
    _identifier(party, "party id")
    register = load_register(root)
    if party in register:
        raise Refused(f"party {party} exists already (afspraken/parties/{party}.yaml)")
    if not roles:
        raise EtaError("name the party's roles with --role, once for each")
    changes = Changeset(root)
    changes.create(party_path(root, party), {"id": party, "name": name,
                                             "roles": [str(role) for role in roles]})
    written = [relative(root, path) for path in changes.write()]
    return Outcome(f"added party {party} ({', '.join(map(str, roles))})", written)


def add_contact(root: Path, party: str, contact: Contact) -> Outcome:
    registered_party(load_register(root), party)
    item = contact.model_dump(mode="json", exclude_defaults=True)
    written = _edit(root, party, lambda data: add_item(data, "contacts", item, Party))
    return Outcome(f"{party}: added contact {contact.name}", written)


def add_representative(root: Path, party: str, *, representative: str, name: str,
                       email: str, key: str, valid_from: dt.date,
                       valid_until: dt.date | None) -> Outcome:
    """A person authorised to sign for `party` from `valid_from`, with one key."""
    _identifier(representative, "representative id")
    register = load_register(root)
    registered = registered_party(register, party)
    if any(rep.id == representative for rep in registered.representatives):
        raise Refused(f"{party} has a representative `{representative}` already; add a key "
                       f"with `eta party add-key {party} {representative} --key-file PATH`")
    _refuse_registered(register, key, f"{party}/{representative}")
    item: dict[str, Any] = {"id": representative, "name": name, "email": email,
                            "keys": [key], "valid_from": _date(valid_from)}
    if valid_until is not None:
        item["valid_until"] = _date(valid_until)
    written = _edit(root, party, lambda data: add_item(data, "representatives", item, Party))
    period = authorisation_period(Representative.model_validate(
        {**item, "valid_from": valid_from, "valid_until": valid_until}))
    return Outcome(f"{party}: {name} ({representative}) may sign, {period}, with key "
                   f"{_fingerprint(key)}", written)


def end_representative(root: Path, party: str, representative: str, on: dt.date
                       ) -> Outcome:
    """The last day on which `representative` may sign for `party`."""
    register = load_register(root)
    index, rep = _representative(registered_party(register, party), representative)
    if on < rep.valid_from:
        raise Refused(f"{representative} of {party} is authorised from {rep.valid_from}; "
                       f"an authorisation cannot end before it starts ({on})")
    if rep.valid_until is not None and rep.valid_until <= on:
        if rep.valid_until == on:
            return Outcome(f"{party}: {representative} may sign until {on} already; nothing "
                           "changed")
        raise Refused(f"the authorisation of {representative} of {party} ended on "
                       f"{rep.valid_until} already; it is not extended")

    def change(data: CommentedMap) -> None:
        put(data["representatives"][index], "valid_until", _date(on), Representative)

    written = _edit(root, party, change)
    outcome = Outcome(f"{party}: {representative} may sign until {on}", written)
    zone = repository_zone(root)
    lost = [name for name, signature in _signatures(root, party)
            if signature.representative == representative
            and signing_date(signature.signed_at, zone) > on]
    if lost:
        outcome.notes.append(f"{', '.join(lost)}: signed by {representative} after {on}, "
                             "no longer valid")
    return outcome


def add_key(root: Path, party: str, representative: str, key: str) -> Outcome:
    register = load_register(root)
    index, _ = _representative(registered_party(register, party), representative)
    _refuse_registered(register, key, f"{party}/{representative}")

    written = _edit(root, party, lambda data: add_item(
        data["representatives"][index], "keys", key, Representative))
    return Outcome(f"{party}: {representative} may sign with key {_fingerprint(key)} too",
                   written)


def revoke_key(root: Path, party: str, representative: str, fingerprint: str) -> Outcome:
    """Take a key out of the register: no signature made with it counts any longer."""
    register = load_register(root)
    index, rep = _representative(registered_party(register, party), representative)
    prints = [_fingerprint(line) for line in rep.keys]
    if fingerprint not in prints:
        raise EtaError(f"{representative} of {party} has no key {fingerprint} (its keys: "
                       f"{', '.join(prints)})")
    if len(prints) == 1:
        raise Refused(f"{fingerprint} is the only key of {representative} of {party}, and a "
                       "representative signs with at least one: add the new key first with "
                       f"`eta party add-key`, or end the authorisation with "
                       f"`eta party end-representative {party} {representative} --on DATE`")
    position = prints.index(fingerprint)

    def change(data: CommentedMap) -> None:
        remove_item(data["representatives"][index]["keys"], position)

    written = _edit(root, party, change)
    outcome = Outcome(f"{party}: key {fingerprint} of {representative} revoked", written)
    lost = [name for name, signature in _signatures(root, party) if signature.key == fingerprint]
    if lost:
        outcome.notes.append(f"{', '.join(lost)}: made with this key, no longer valid")
    return outcome


def _fingerprint(line: str) -> str:
    key = registered_key(line)
    return key.fingerprint if key is not None else "(invalid key)"


def _signatures(root: Path, party: str) -> Iterator[tuple[str, Signature]]:
    """The signatures `party` made, in every release, with their file names."""
    folder = root / "releases"
    if not folder.is_dir():
        return
    for path in record_files(root, [folder]):
        name = relative(root, path)
        parts = name.split("/")
        if len(parts) != 4 or parts[2] != "signatures" or parts[3] != f"{party}.yaml":
            continue
        loaded = load_record(root, path, name).loaded
        if loaded is not None and isinstance(loaded.record, Signature):
            yield name, loaded.record
