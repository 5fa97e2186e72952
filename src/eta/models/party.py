"""The register of parties: deelnemers, the Beheerorganisatie, and who may sign for them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from eta.models.common import Date, Email, Flag, Identifier, Record, SshPublicKey, Text
from eta.vocabulary import Role


class Contact(Record):
    name: Text
    email: Email
    phone: Text | None = None
    function: Text | None = None
    available_24x7: Flag = Field(
        default=False, description="Reachable day and night during a calamity or crisis."
    )


class Representative(Record):
    """A person authorised to sign for the party, with the keys they sign with."""

    id: Identifier
    name: Text
    email: Email
    keys: Annotated[list[SshPublicKey], Field(min_length=1)]
    valid_from: Date
    valid_until: Date | None = None

    @model_validator(mode="after")
    def _period_is_ordered(self) -> Representative:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until lies before valid_from")
        return self

    def authorised_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Party(Record):
    """One file in afspraken/parties/, named after the party's id."""

    id: Identifier
    name: Text = Field(description="Legal name.")
    roles: Annotated[list[Role], Field(min_length=1)]
    contacts: list[Contact] = []
    representatives: list[Representative] = []

    @property
    def is_deelnemer(self) -> bool:
        return any(role is not Role.BEHEERORGANISATIE for role in self.roles)
