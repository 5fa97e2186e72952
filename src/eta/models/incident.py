"""Incidents: one file each in incidents/, named after the incident's id."""

from __future__ import annotations

from pydantic import Field

from eta.models.common import (
    CriterionId,
    FactTimestamp,
    Flag,
    Identifier,
    PartyId,
    Reason,
    Record,
    ReleaseId,
    Reopening,
    Text,
    Timestamp,
)
from eta.vocabulary import IncidentClass, IncidentStatus, IncidentType, Priority

_RECORDED_AT = ("When it was written down, by the clock of the one who did; later than `at` "
                "for what is logged late. `eta check --base` requires it of what a change "
                "appends.")


class Times(Record):
    detected: FactTimestamp
    reported: FactTimestamp | None = Field(default=None, description="Reported to the BO.")
    phoned: FactTimestamp | None = Field(
        default=None, description="Reported to the BO's incidentmanager by telephone."
    )
    started: FactTimestamp | None = Field(
        default=None, description="When the disruption began.")
    resolved: FactTimestamp | None = None


class Facts(Record):
    """What the criteria rest on. A fact left out is not known yet."""

    expected_end: Timestamp | None = Field(
        default=None, description="When the disruption is expected to end, or ended."
    )
    direct_serious_hindrance: Flag | None = None
    confidentiality_integrity_impact: Flag | None = None
    reportable_data_breach: Flag | None = None
    major_image_impact: Flag | None = None
    political_implications: Flag | None = None
    fundamental_vulnerability: Flag | None = None


class Classification(Record):
    class_: IncidentClass = Field(alias="class")
    criteria: list[CriterionId] = Field(description="The criteria met.")
    grounds: dict[Identifier, Text] = Field(
        default={}, description="For each criterion met, the facts it rested on."
    )
    unanswered: list[CriterionId] = Field(
        default=[], description="The criteria the facts could not yet decide."
    )
    facts: Facts = Field(description="The facts as they stood when classified.")
    at: FactTimestamp
    recorded_at: FactTimestamp | None = Field(default=None, description=_RECORDED_AT)
    by: Text
    reason: Reason | None = None


class TimelineEntry(Record):
    at: FactTimestamp = Field(description="When it happened.")
    recorded_at: FactTimestamp | None = Field(default=None, description=_RECORDED_AT)
    by: Text
    text: Text


class DataBreach(Record):
    """The notification to the Autoriteit Persoonsgegevens (GDPR article 33)."""

    aware_at: FactTimestamp
    notified_at: FactTimestamp | None = None
    reference: Text | None = None
    delay_reason: Reason | None = None
    subjects_informed_at: FactTimestamp | None = None


class Incident(Record):
    id: Identifier
    title: Text
    type: IncidentType
    reporter: PartyId
    affected: list[PartyId] = []
    priority: Priority
    status: IncidentStatus = IncidentStatus.NEW
    times: Times
    facts: Facts = Field(default_factory=Facts)
    classifications: list[Classification] = Field(
        default=[], description="Every classification made, the current one last."
    )
    timeline: list[TimelineEntry] = []
    data_breach: DataBreach | None = None
    release: ReleaseId | None = Field(default=None, description="A release it relates to.")
    resolution: Text | None = None
    reopenings: list[Reopening] = Field(
        default=[], description="Every reopen of the incident once closed, the last one last.")

    @property
    def classification(self) -> Classification | None:
        return self.classifications[-1] if self.classifications else None
