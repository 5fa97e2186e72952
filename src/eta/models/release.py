"""Releases and their implementation plans.

A release lives in its own folder, releases/<id>/. What each implementing party delivers
sits in a file of that party's own (parties/<party>.yaml), and each party's signature in
another (signatures/<party>.yaml), so that parties working in parallel touch different files
and merge without conflicts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StrictStr, field_validator

from eta.models.common import (
    Date,
    Email,
    FactDate,
    Identifier,
    PartyId,
    Record,
    ReleaseId,
    Reopening,
    Text,
    Timestamp,
)
from eta.models.party import Contact
from eta.vocabulary import ImpactLevel, MeasureStatus, ReleaseStatus


class Change(Record):
    id: Identifier
    title: Text
    description: Text | None = None


class Person(Record):
    name: Text
    email: Email


class CommunicationPlan(Record):
    """The Beheerorganisatie's plan for communication around the new release."""

    delivered_on: FactDate
    document: Text | None = None
    summary: Text | None = None


class Rollout(Record):
    planned_on: Date | None = None
    completed_on: FactDate | None = Field(
        default=None, description="When the implementation was complete in production."
    )


class Evaluation(Record):
    held_on: FactDate
    participants: Annotated[list[PartyId], Field(min_length=1)]
    findings: list[Text] = []


FrameworkVersion = Annotated[
    StrictStr,
    Field(pattern=r"^\d+\.\d+(\.\d+)?$", description='Quoted, as "1.14": unquoted 1.10 is 1.1.'),
]


class Release(Record):
    """releases/<id>/release.yaml."""

    id: Identifier
    title: Text
    framework_version: FrameworkVersion | None = Field(
        default=None, description="The framework version the release brings, once known."
    )
    decided_on: FactDate | None = Field(
        default=None, description="Decided by the Tactisch Beraad.")
    chain_dependencies: bool = Field(strict=True)
    releasemanager: Person
    changes: list[Change] = []
    status: ReleaseStatus = ReleaseStatus.DRAFT
    communication_plan: CommunicationPlan | None = None
    rollout: Rollout | None = None
    evaluation: Evaluation | None = None
    reopenings: list[Reopening] = Field(
        default=[], description="Every reopen of the release once evaluated, the last one last.")


class Milestone(Record):
    id: Identifier
    date: Date
    title: Text
    parties: list[PartyId] = []
    done_on: FactDate | None = None


class Deadline(Record):
    id: Identifier
    date: Date
    title: Text


class Plan(Record):
    """releases/<id>/plan.yaml: the releasemanager's part of the implementation plan."""

    release: ReleaseId
    parties: list[PartyId] = Field(
        default=[], description="The implementing parties; each has a file in parties/."
    )
    milestones: list[Milestone] = []
    deadlines: list[Deadline] = []
    notes: Text | None = None


class ImpactAnalysis(Record):
    summary: Text
    level: ImpactLevel
    components: list[Text] = []
    document: Text | None = Field(default=None, description="A link to the full analysis.")


class Planning(Record):
    summary: Text
    start_on: Date | None = None
    ready_on: Date
    document: Text | None = None


class Measure(Record):
    id: Identifier
    description: Text
    deadline: Date
    status: MeasureStatus = MeasureStatus.OPEN
    status_on: FactDate | None = None


class PlanParty(Record):
    """releases/<id>/parties/<party>.yaml: what one implementing party brings to the plan."""

    party: PartyId
    contact: Contact | None = None
    impact_analysis: ImpactAnalysis | None = None
    planning: Planning | None = None
    measures: list[Measure] = []
    joined_on: FactDate | None = Field(
        default=None, description="When the party joined the new framework version."
    )


ARMORED_SIGNATURE = (
    r"^-----BEGIN SSH SIGNATURE-----\n[A-Za-z0-9+/=\n]+-----END SSH SIGNATURE-----\n?$"
)
Digest = Annotated[StrictStr, Field(pattern=r"^sha256:[0-9a-f]{64}$")]
Fingerprint = Annotated[StrictStr, Field(pattern=r"^SHA256:[A-Za-z0-9+/]{43}$")]


#: The years a signature's time may name.
SIGNING_YEARS = (1970, 9998)


class Signature(Record):
    """releases/<id>/signatures/<party>.yaml: one party's signature on the plan.

    `signed_at` is a claim the signer makes; it is judged by what attests it (the moment of
    the check, the base commit), not as a fact the signer records.
    """

    release: ReleaseId
    party: PartyId
    representative: Identifier
    signed_at: Timestamp
    digest: Digest
    key: Fingerprint
    signature: Annotated[StrictStr, Field(pattern=ARMORED_SIGNATURE)]

    @field_validator("signed_at")
    @classmethod
    def _a_datable_year(cls, value: dt.datetime) -> dt.datetime:
        # Far enough from the calendar's ends that no change of zone or margin of the
        # rules that judge the time can leave it.
        if not SIGNING_YEARS[0] <= value.year <= SIGNING_YEARS[1]:
            raise ValueError(f"a signature is dated in the years {SIGNING_YEARS[0]} to "
                             f"{SIGNING_YEARS[1]}")
        return value
