"""Reporting duties: who must be told of an incident, when a duty applies, and its stages.

afspraken/reporting-duties.yaml lists them. A repository without the file has the duties eta
always held: the telephone report of a calamity or crisis to the Beheerorganisatie and the
data-breach notification to the Autoriteit Persoonsgegevens (`DEFAULT_DUTIES`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from eta.models.common import CriterionId, Flag, Hours, Identifier, Record, Text
from eta.vocabulary import FlagFact, IncidentClass, IncidentType

#: The moments of an incident a duty's clock can start from.
ClockStart = Literal["detected", "reported", "phoned", "started", "data_breach.aware_at"]
#: The fields of an incident that older records keep a notification in.
RecordedAs = Literal["times.phoned", "data_breach.notified_at"]


class Applies(Record):
    """When a duty applies: every condition given holds. A list holds when one of its values
    does; a fact that is not known yet leaves it undecided."""

    types: list[IncidentType] | None = Field(
        default=None, description="The incident is of one of these types.")
    class_at_least: IncidentClass | None = Field(
        default=None, description="The last classification is of this class or higher.")
    criteria: list[CriterionId] | None = Field(
        default=None, description="The last classification met one of these criteria.")
    fact: FlagFact | None = Field(default=None, description="This fact of the incident is true.")


class Stage(Record):
    """One notification a duty asks for, and by when."""

    id: Identifier = Field(description="The stage's id, as notifications name it.")
    name: Text = Field(description="What the notification is called (in Dutch).")
    within_hours: Hours | None = Field(
        default=None, description="Elapsed hours from the start of its clock (0: at once).")
    within_months: Annotated[int, Field(ge=1, le=12, strict=True)] | None = Field(
        default=None, description="Calendar months from the start of its clock, in the "
        "agreements' time zone.")
    after: Identifier | None = Field(
        default=None, description="An earlier stage whose notification starts this stage's "
        "clock; without it, the duty's clock starts it.")
    reason_when_late: Flag = Field(
        default=False, description="A notification after the deadline must give its reason.")
    recorded_as: RecordedAs | None = Field(
        default=None, description="A field of the incident that records this notification "
        "too, as records from before the duties did.")

    @model_validator(mode="after")
    def _one_deadline(self) -> Stage:
        if (self.within_hours is None) == (self.within_months is None):
            raise ValueError("a stage has either `within_hours` or `within_months`")
        return self


class Duty(Record):
    id: Identifier = Field(description="The duty's id, as notifications name it.")
    name: Text = Field(description="The duty (in Dutch), as reports show it.")
    recipient: Text = Field(description="Who must be told.")
    channel: Text | None = Field(default=None, description="How, such as by telephone.")
    basis: Text | None = Field(default=None, description="Where the duty comes from.")
    applies: Applies = Field(description="When the duty applies to an incident.")
    clock_from: ClockStart = Field(
        default="detected", description="The moment of the incident its clock starts at: "
        "awareness is detection unless a moment of its own is recorded.")
    stages: Annotated[list[Stage], Field(min_length=1, max_length=20)] = Field(
        description="The notifications the duty asks for, in order.")

    @model_validator(mode="after")
    def _stages_in_order(self) -> Duty:
        seen: set[str] = set()
        for stage in self.stages:
            if stage.id in seen:
                raise ValueError(f"stage `{stage.id}` appears twice")
            if stage.after is not None and stage.after not in seen:
                raise ValueError(f"stage `{stage.id}` comes after `{stage.after}`, which is no "
                                 "earlier stage of this duty")
            seen.add(stage.id)
        return self

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


class ReportingDuties(Record):
    """afspraken/reporting-duties.yaml."""

    duties: Annotated[list[Duty], Field(max_length=100)] = Field(
        description="Every reporting duty of the agreements.")

    @model_validator(mode="after")
    def _unique(self) -> ReportingDuties:
        ids = [d.id for d in self.duties]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"duty `{doubled[0]}` appears twice")
        return self

    def duty(self, duty_id: str) -> Duty | None:
        return next((d for d in self.duties if d.id == duty_id), None)


def default_duties() -> ReportingDuties:
    """The duties of a repository without afspraken/reporting-duties.yaml."""
    return ReportingDuties.model_validate({"duties": [
        {"id": "beheerorganisatie", "name": "Telefonische melding bij de Beheerorganisatie",
         "recipient": "Beheerorganisatie (incidentmanager)", "channel": "telefoon",
         "applies": {"class_at_least": "calamiteit"}, "clock_from": "detected",
         "stages": [{"id": "telefonisch", "name": "Telefonische melding", "within_hours": 0,
                     "recorded_as": "times.phoned"}]},
        {"id": "datalek", "name": "Meldplicht datalekken",
         "recipient": "Autoriteit Persoonsgegevens", "basis": "AVG artikel 33",
         "applies": {"fact": "reportable_data_breach"}, "clock_from": "data_breach.aware_at",
         "stages": [{"id": "melding", "name": "Melding", "within_hours": 72,
                     "reason_when_late": True, "recorded_as": "data_breach.notified_at"}]},
    ]})
