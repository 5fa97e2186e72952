"""Releases and their implementation plans.

A release lives in its own folder, releases/<id>/. What each implementing party delivers
sits in a file of that party's own (parties/<party>.yaml), and each party's signature in
another (signatures/<party>.yaml), so that parties working in parallel touch different files
and merge without conflicts.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictStr

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
    id: Identifier = Field(description="The change's id within the release.")
    title: Text = Field(description="What the change is (wijziging).")
    description: Text | None = Field(default=None, description="The change in more words.")


class Person(Record):
    name: Text = Field(description="The person's name.")
    email: Email = Field(description="The person's e-mail address.")


class CommunicationPlan(Record):
    """The Beheerorganisatie's plan for communication around the new release."""

    delivered_on: FactDate = Field(
        description="When the communication plan (communicatieplan) was delivered.")
    document: Text | None = Field(default=None, description="A link to the communication plan.")
    summary: Text | None = Field(default=None, description="The communication plan in a few words.")


class Rollout(Record):
    planned_on: Date | None = Field(
        default=None, description="When the implementation in production (uitrol) is planned.")
    completed_on: FactDate | None = Field(
        default=None, description="When the implementation was complete in production."
    )


class Evaluation(Record):
    held_on: FactDate = Field(description="When the evaluation (evaluatie) was held.")
    participants: Annotated[list[PartyId], Field(min_length=1)] = Field(
        description="The parties that took part.")
    findings: list[Text] = Field(
        default_factory=list,
        description="What the evaluation found (bevindingen).")


FrameworkVersion = Annotated[
    StrictStr,
    Field(pattern=r"^\d+\.\d+(\.\d+)?$", description='Quoted, as "1.14": unquoted 1.10 is 1.1.'),
]


class Release(Record):
    """releases/<id>/release.yaml."""

    id: Identifier = Field(
        description="The release's id, such as R2026-01; its folder is named after it.")
    title: Text = Field(description="What the release brings.")
    framework_version: FrameworkVersion | None = Field(
        default=None, description="The framework version the release brings, once known."
    )
    decided_on: FactDate | None = Field(
        default=None, description="Decided by the Tactisch Beraad.")
    chain_dependencies: bool = Field(
        strict=True, description="Whether parties must change together (ketenafhankelijkheden): "
        "then an implementation plan signed by every implementing party is needed.")
    releasemanager: Person = Field(
        description="The Beheerorganisatie's releasemanager for this release.")
    changes: list[Change] = Field(
        default_factory=list, description="The changes the release brings (wijzigingen).")
    status: ReleaseStatus = Field(
        default=ReleaseStatus.DRAFT, description="Where the release stands: draft, in_force, "
        "in_realisation, rolled_out, evaluated.")
    communication_plan: CommunicationPlan | None = Field(
        default=None, description="The Beheerorganisatie's communication plan (communicatieplan).")
    rollout: Rollout | None = Field(
        default=None, description="The implementation in production (uitrol).")
    evaluation: Evaluation | None = Field(
        default=None, description="The evaluation of the release (evaluatie).")
    reopenings: list[Reopening] = Field(
        default_factory=list,
        description="Every reopen of the release once evaluated, the last one last.")


class Milestone(Record):
    id: Identifier = Field(description="The milestone's id within the plan.")
    date: Date = Field(description="When the milestone (mijlpaal) is to be reached.")
    title: Text = Field(description="What is reached at the milestone.")
    parties: list[PartyId] = Field(
        default_factory=list,
        description="The parties the milestone concerns.")
    done_on: FactDate | None = Field(default=None, description="When the milestone was reached.")


class Deadline(Record):
    id: Identifier = Field(description="The deadline's id within the plan.")
    date: Date = Field(description="The day by which it must be done (deadline).")
    title: Text = Field(description="What must be done by then.")


class Plan(Record):
    """releases/<id>/plan.yaml: the releasemanager's part of the implementation plan."""

    release: ReleaseId = Field(
        description="The release the implementation plan (implementatieplan) is of.")
    parties: list[PartyId] = Field(
        default_factory=list, description="The implementing parties; each has a file in parties/."
    )
    milestones: list[Milestone] = Field(
        default_factory=list, description="The plan's milestones (mijlpalen).")
    deadlines: list[Deadline] = Field(default_factory=list, description="The plan's deadlines.")
    notes: Text | None = Field(default=None, description="Notes to the plan (toelichting).")


class ImpactAnalysis(Record):
    summary: Text = Field(description="The impact analysis (impactanalyse) in a few sentences.")
    level: ImpactLevel = Field(description="How large the impact is: low, medium or high.")
    components: list[Text] = Field(
        default_factory=list,
        description="The components the release touches (geraakte componenten).")
    document: Text | None = Field(default=None, description="A link to the full analysis.")


class Planning(Record):
    summary: Text = Field(description="The party's planning in a few words.")
    start_on: Date | None = Field(default=None, description="When the party starts the work.")
    ready_on: Date = Field(description="When the party is ready (gereed).")
    document: Text | None = Field(default=None, description="A link to the full planning.")


class Measure(Record):
    id: Identifier = Field(description="The measure's id within the party's file.")
    description: Text = Field(description="What the party will do (maatregel).")
    deadline: Date = Field(description="When the measure must be done.")
    status: MeasureStatus = Field(
        default=MeasureStatus.OPEN, description="Where the measure stands: open, in_progress or "
        "done.")
    status_on: FactDate | None = Field(default=None, description="When the status was last set.")


class PlanParty(Record):
    """releases/<id>/parties/<party>.yaml: what one implementing party brings to the plan."""

    party: PartyId = Field(description="The implementing party; the file is named after it.")
    contact: Contact | None = Field(
        default=None, description="The party's contact for the release (aanspreekpunt).")
    impact_analysis: ImpactAnalysis | None = Field(
        default=None, description="The party's impact analysis (impactanalyse).")
    planning: Planning | None = Field(default=None, description="The party's planning.")
    measures: list[Measure] = Field(
        default_factory=list, description="The measures the party takes (maatregelen).")
    joined_on: FactDate | None = Field(
        default=None, description="When the party joined the new framework version."
    )


ARMORED_SIGNATURE = (
    r"^-----BEGIN SSH SIGNATURE-----\n[A-Za-z0-9+/=\n]+-----END SSH SIGNATURE-----\n?$"
)
Digest = Annotated[StrictStr, Field(pattern=r"^sha256:[0-9a-f]{64}$")]
Fingerprint = Annotated[StrictStr, Field(pattern=r"^SHA256:[A-Za-z0-9+/]{43}$")]


class Signature(Record):
    """releases/<id>/signatures/<party>.yaml: one party's signature on the plan.

    `signed_at` is a claim the signer makes; it is judged by what attests it (the moment of
    the check, the base commit), not as a fact the signer records.
    """

    release: ReleaseId = Field(description="The release whose implementation plan is signed.")
    party: PartyId = Field(
        description="The party that signs (ondertekening); the file is named after it.")
    representative: Identifier = Field(
        description="The party's authorised representative (bevoegd vertegenwoordiger) who signed.")
    signed_at: Timestamp = Field(description="When it was signed, as eta plan sign wrote it.")
    digest: Digest = Field(description="The digest of the plan's content that was signed.")
    key: Fingerprint = Field(description="The SHA256 fingerprint of the key that signed.")
    signature: Annotated[StrictStr, Field(pattern=ARMORED_SIGNATURE)] = Field(
        description="The SSH signature (ssh-keygen -Y sign) over the digest.")
