"""What `eta party list` and `eta party show` print: a party as plain data, and as lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eta.contracts import PARTY_LIST, PARTY_SHOW
from eta.models.party import Party
from eta.plans.state import authorisation_period
from eta.ssh_keys import registered_key

if TYPE_CHECKING:
    from eta.contracts.shapes import (
        KeyEntry,
        PartyEntry,
        PartyListDocument,
        PartyShowDocument,
        RepresentativeEntry,
    )


def party_document(party: Party, day: dt.date) -> PartyEntry:
    """A party as `--format json` prints it, with whether each representative may sign on
    `day` and the fingerprint of each key."""
    representatives: list[RepresentativeEntry] = []
    for rep in party.representatives:
        keys: list[KeyEntry] = []
        for line in rep.keys:
            key = registered_key(line)
            keys.append({"type": line.split()[0],
                         "fingerprint": key.fingerprint if key is not None else None,
                         "comment": " ".join(line.split()[2:]) or None})
        representatives.append({
            "id": rep.id, "name": rep.name, "email": rep.email,
            "valid_from": rep.valid_from.isoformat(),
            "valid_until": rep.valid_until.isoformat() if rep.valid_until else None,
            "authorised": rep.authorised_on(day),
            "keys": keys,
        })
    return {
        "id": party.id,
        "name": party.name,
        "roles": [str(role) for role in party.roles],
        "deelnemer": party.is_deelnemer,
        "contacts": [contact.model_dump(mode="json") for contact in party.contacts],
        "representatives": representatives,
    }


def party_list_document(parties: Sequence[Party], day: dt.date) -> PartyListDocument:
    """The register as `eta party list --format json` prints it."""
    return {"version": PARTY_LIST.version, "today": day.isoformat(),
            "parties": [party_document(party, day) for party in parties]}


def party_show_document(party: Party, day: dt.date) -> PartyShowDocument:
    """A party as `eta party show --format json` prints it."""
    return {"version": PARTY_SHOW.version, "today": day.isoformat(),
            **party_document(party, day)}


def party_lines(party: Party, day: dt.date) -> list[str]:
    """`eta party show` for people: one line per fact, keys by their fingerprints."""
    lines = [f"{party.id}: {party.name}", f"roles: {', '.join(map(str, party.roles))}"]
    lines.append("contacts:" if party.contacts else "contacts: none")
    for contact in party.contacts:
        extra = [contact.function or "", contact.phone or "",
                 "available 24x7" if contact.available_24x7 else ""]
        detail = ", ".join(part for part in extra if part)
        lines.append(f"  {contact.name} <{contact.email}>" + (f" ({detail})" if detail else ""))
    lines.append("representatives:" if party.representatives else "representatives: none")
    for rep, shown in zip(party.representatives, party_document(party, day)["representatives"],
                          strict=True):
        state = "authorised" if rep.authorised_on(day) else "NOT authorised"
        lines.append(f"  {rep.id}: {rep.name} <{rep.email}>, {authorisation_period(rep)}; "
                     f"{state} on {day}")
        for key in shown["keys"]:
            comment = f" {key['comment']}" if key["comment"] else ""
            lines.append(f"    {key['type']} {key['fingerprint']}{comment}")
    return lines
