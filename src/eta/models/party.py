"""The register of parties: deelnemers, the Beheerorganisatie, and who may sign for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, model_validator

from eta.models.common import Date, Email, Flag, Identifier, Record, SshPublicKey, Text
from eta.vocabulary import Role


class Contact(Record):
    name: Text = Field(description="The contact's name (aanspreekpunt).")
    email: Email = Field(description="The contact's e-mail address.")
    phone: Text | None = Field(default=None, description="The contact's telephone number.")
    function: Text | None = Field(
        default=None, description="The contact's function (functie), such as releasemanager.")
    available_24x7: Flag = Field(
        default=False, description="Reachable day and night during a calamity or crisis."
    )


class Representative(Record):
    """A person authorised to sign for the party, with the keys they sign with."""

    id: Identifier = Field(
        description="The representative's id within the party, unique in the register.")
    name: Text = Field(
        description="The name of the authorised representative (bevoegd vertegenwoordiger).")
    email: Email = Field(description="The representative's e-mail address.")
    keys: Annotated[list[SshPublicKey], Field(min_length=1)] = Field(
        description="The SSH public keys the representative signs with, one OpenSSH line each.")
    valid_from: Date = Field(
        description="The first day the representative is authorised (bevoegd vanaf).")
    valid_until: Date | None = Field(
        default=None, description="The last day the representative is authorised; none while it "
        "holds.")

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Representative:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until lies before valid_from")
        return self

    def authorised_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Party(Record):
    """One file in afspraken/parties/, named after the party's id."""

    id: Identifier = Field(
        description="The party's id; the file is named after it (afspraken/parties/<id>.yaml).")
    name: Text = Field(description="Legal name.")
    roles: Annotated[list[Role], Field(min_length=1)] = Field(
        description="The party's roles in the framework (rollen): the Beheerorganisatie or a "
        "deelnemer's role.")
    contacts: list[Contact] = Field(
        default_factory=list, description="The party's contacts (aanspreekpunten).")
    representatives: list[Representative] = Field(
        default_factory=list,
        description="Who may sign for the party (bevoegde vertegenwoordigers).")

    @property
    def is_beheerorganisatie(self) -> bool:
        """Whether it is (one of) the Beheerorganisatie: it holds that role."""
        return Role.BEHEERORGANISATIE in self.roles

    @property
    def is_deelnemer(self) -> bool:
        """Whether it takes part in the framework in a role other than the
        Beheerorganisatie's."""
        return any(role is not Role.BEHEERORGANISATIE for role in self.roles)


def deelnemers(parties: Mapping[str, Party]) -> frozenset[str]:
    """The ids of the parties that are deelnemers (not only the Beheerorganisatie)."""
    return frozenset(party_id for party_id, party in parties.items() if party.is_deelnemer)


def beheerorganisatie(parties: Mapping[str, Party]) -> tuple[str, ...]:
    """The ids of the parties in the role of Beheerorganisatie, in order."""
    return tuple(sorted(party_id for party_id, party in parties.items()
                        if party.is_beheerorganisatie))
