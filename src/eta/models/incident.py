"""Incidents: one file each in incidents/, named after the incident's id."""

from __future__ import annotations

import datetime as dt

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
from eta.vocabulary import (
    IncidentClass,
    IncidentStatus,
    IncidentType,
    OutageState,
    Priority,
    Role,
)

_RECORDED_AT = ("When it was written down, by the clock of the one who did; later than `at` "
                "for what is logged late. `eta check --base` requires it of what a change "
                "appends.")


class Times(Record):
    detected: FactTimestamp = Field(description="When the incident was detected (ontdekt).")
    reported: FactTimestamp | None = Field(default=None, description="Reported to the BO.")
    phoned: FactTimestamp | None = Field(
        default=None, description="Reported to the BO's incidentmanager by telephone."
    )
    started: FactTimestamp | None = Field(
        default=None, description="When the disruption began.")
    resolved: FactTimestamp | None = Field(
        default=None, description="When the incident was resolved (opgelost).")


class Facts(Record):
    """What the criteria rest on. A fact left out is not known yet."""

    expected_end: Timestamp | None = Field(
        default=None, description="When the disruption is expected to end, or ended."
    )
    direct_serious_hindrance: Flag | None = Field(
        default=None, description="Whether users directly suffer serious hindrance (directe "
        "ernstige hinder).")
    confidentiality_integrity_impact: Flag | None = Field(
        default=None, description="Whether the confidentiality or integrity of data is harmed "
        "(vertrouwelijkheid of integriteit).")
    reportable_data_breach: Flag | None = Field(
        default=None, description="Whether it is a data breach to report (meldplichtig datalek).")
    major_image_impact: Flag | None = Field(
        default=None, description="Whether it harms the image of eHerkenning much (grote "
        "imagoschade).")
    political_implications: Flag | None = Field(
        default=None, description="Whether it has political implications (politieke implicaties).")
    fundamental_vulnerability: Flag | None = Field(
        default=None, description="Whether it shows a fundamental vulnerability of the system "
        "(fundamentele kwetsbaarheid).")


class Classification(Record):
    class_: IncidentClass = Field(
        alias="class", description="The class: incident, calamiteit or crisis.")
    criteria: list[CriterionId] = Field(description="The criteria met.")
    grounds: dict[Identifier, Text] = Field(
        default_factory=dict, description="For each criterion met, the facts it rested on."
    )
    unanswered: list[CriterionId] = Field(
        default_factory=list, description="The criteria the facts could not yet decide."
    )
    facts: Facts = Field(description="The facts as they stood when classified.")
    at: FactTimestamp = Field(description="When the classification was made.")
    recorded_at: FactTimestamp | None = Field(default=None, description=_RECORDED_AT)
    by: Text = Field(description="Who classified: `Name <email>` from git config.")
    reason: Reason | None = Field(
        default=None, description="Why the class is lower than before, where it is.")


class TimelineEntry(Record):
    at: FactTimestamp = Field(description="When it happened.")
    recorded_at: FactTimestamp | None = Field(default=None, description=_RECORDED_AT)
    by: Text = Field(description="Who wrote it: `Name <email>` from git config.")
    text: Text = Field(description="What happened (tijdlijn).")


class DataBreach(Record):
    """The notification to the Autoriteit Persoonsgegevens (GDPR article 33)."""

    aware_at: FactTimestamp = Field(
        description="When the party became aware of the data breach (datalek).")
    notified_at: FactTimestamp | None = Field(
        default=None, description="When the Autoriteit Persoonsgegevens was notified (melding).")
    reference: Text | None = Field(
        default=None, description="The Autoriteit Persoonsgegevens' reference of the notification.")
    delay_reason: Reason | None = Field(
        default=None, description="Why the notification came later than 72 hours after awareness.")
    subjects_informed_at: FactTimestamp | None = Field(
        default=None, description="When the people whose data it concerns were informed "
        "(betrokkenen).")


class Notification(Record):
    """One notification made under a reporting duty of the agreements, at one of its stages."""

    duty: Identifier = Field(description="The duty's id in afspraken/reporting-duties.yaml.")
    stage: Identifier = Field(description="The stage of the duty it fulfils.")
    at: FactTimestamp = Field(description="When the notification was made.")
    reference: Text | None = Field(default=None, description="The recipient's reference.")
    delay_reason: Reason | None = Field(
        default=None, description="Why it came after the deadline, where the duty asks.")


class Outage(Record):
    """A period in which one party, in one of its roles, was unavailable or degraded."""

    party: PartyId = Field(description="The party that was out of service.")
    role: Role = Field(description="The role it was out of service in; the party holds it.")
    state: OutageState = Field(
        default=OutageState.UNAVAILABLE,
        description="`unavailable`: out of service; `degraded`: limited (slow, some "
        "functions failing). The service levels say how a degraded period counts.")
    start: FactTimestamp = Field(description="When it began.")
    expected_end: Timestamp | None = Field(
        default=None, description="While it lasts: when it is expected to end.")
    end: FactTimestamp | None = Field(
        default=None, description="When it ended; required once the incident is resolved.")


class Correction(Record):
    """A recorded fact set right: a notification's or an outage's field, the value it had,
    who changed it, when and why (`eta incident update --reason`)."""

    at: FactTimestamp = Field(description="When it was corrected.")
    by: Text = Field(description="Who corrected it: `Name <email>` from git config.")
    field: Text = Field(description="The field corrected, e.g. `notifications[0].at`.")
    was: Text = Field(description="The value it had, as it was written.")
    reason: Reason = Field(description="Why it was corrected.")


class Incident(Record):
    id: Identifier = Field(
        description="The incident's id: the day of detection and six characters; the file is "
        "named after it.")
    title: Text = Field(description="What happened, in a line.")
    type: IncidentType = Field(description="The kind of incident (soort).")
    reporter: PartyId = Field(description="The party that reported it (melder).")
    affected: list[PartyId] = Field(
        default_factory=list, description="The parties it affects (getroffen partijen).")
    priority: Priority = Field(
        description="The priority (prioriteit), P1 to P4: it sets the response time.")
    status: IncidentStatus = Field(
        default=IncidentStatus.NEW, description="Where the incident stands: new, in_progress, "
        "resolved, closed.")
    times: Times = Field(description="When it was detected, reported and resolved.")
    facts: Facts = Field(
        default_factory=Facts, description="What the criteria of calamiteit and crisis rest on.")
    classifications: list[Classification] = Field(
        default_factory=list, description="Every classification made, the current one last."
    )
    timeline: list[TimelineEntry] = Field(
        default_factory=list,
        description="What happened, in the order it was written down (tijdlijn).")
    data_breach: DataBreach | None = Field(
        default=None, description="The notification of a data breach to the Autoriteit "
        "Persoonsgegevens.")
    notifications: list[Notification] = Field(
        default_factory=list, description="Every notification made under the reporting duties.")
    outages: list[Outage] = Field(
        default_factory=list, description="Which parties, in which roles, were unavailable or "
        "degraded, and from when until when: what availability is measured by.")
    release: ReleaseId | None = Field(default=None, description="A release it relates to.")
    resolution: Text | None = Field(default=None, description="How it was resolved (oplossing).")
    reopenings: list[Reopening] = Field(
        default_factory=list,
        description="Every reopen of the incident once closed, the last one last.")
    corrections: list[Correction] = Field(
        default_factory=list,
        description="Every correction of a recorded notification or outage, the "
        "last one last: what a field held before.")

    @property
    def classification(self) -> Classification | None:
        return self.classifications[-1] if self.classifications else None

    def measured_outages(self) -> list[tuple[Outage, dt.datetime, dt.datetime | None]]:
        """Each outage with the span availability counts of it: within the incident's own
        times, from its start (or detection) to its resolution, so that an outage written
        outside them (which `eta check` reports) costs no more than the incident lasted. An
        outage that ends before it starts counts nothing and is left out; None: still
        going."""
        began = self.times.started or self.times.detected
        resolved = self.times.resolved
        found = []
        for outage in self.outages:
            start = max(outage.start, began)
            ends = [moment for moment in (outage.end, resolved) if moment is not None]
            end = min(ends) if ends else None
            if end is None or start < end:
                found.append((outage, start, end))
        return found
