"""The framework's vocabularies: every set of values a record field or an option takes.

Kept apart from the models so that the command line can offer them as choices without
loading pydantic and the models, which would slow down every `eta --help`.
"""

from __future__ import annotations

from enum import StrEnum


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class FlagFact(StrEnum):
    """The yes/no facts of an incident that a criterion can rest on."""

    DIRECT_SERIOUS_HINDRANCE = "direct_serious_hindrance"
    CONFIDENTIALITY_INTEGRITY_IMPACT = "confidentiality_integrity_impact"
    REPORTABLE_DATA_BREACH = "reportable_data_breach"
    MAJOR_IMAGE_IMPACT = "major_image_impact"
    POLITICAL_IMPLICATIONS = "political_implications"
    FUNDAMENTAL_VULNERABILITY = "fundamental_vulnerability"


class Rule(StrEnum):
    """How a criterion is decided from an incident's facts."""

    FLAG = "flag"
    DISRUPTION_EXCEEDS_RESPONSE_TIME = "disruption-exceeds-response-time"
    DISRUPTION_EXCEEDS_HOURS = "disruption-exceeds-hours"
    MIN_DEELNEMERS = "min-deelnemers"


class Role(StrEnum):
    """The roles of the framework; the Beheerorganisatie is a party too, but no deelnemer."""

    BEHEERORGANISATIE = "beheerorganisatie"
    HERKENNINGSMAKELAAR = "herkenningsmakelaar"
    AUTHENTICATIEDIENST = "authenticatiedienst"
    MACHTIGINGENREGISTER = "machtigingenregister"
    MIDDELENUITGEVER = "middelenuitgever"
    EIDAS_BERICHTENSERVICE = "eidas-berichtenservice"
    BSNK = "bsnk"


class OutageState(StrEnum):
    """How far a party's role was out of service in a period of an incident."""

    UNAVAILABLE = "unavailable"
    DEGRADED = "degraded"


class SystemRule(StrEnum):
    """How the availability of the whole system follows from that of the roles."""

    #: The system is unavailable whenever any party is unavailable in any of its roles.
    ANY_ROLE = "any-role-unavailable"
    #: The system's figure is the mean of the figures of every party in every role.
    MEAN_OF_ROLES = "mean-of-roles"


class IncidentType(StrEnum):
    VERSTORING = "verstoring"
    INFORMATIEBEVEILIGINGSINCIDENT = "informatiebeveiligingsincident"
    FRAUDE = "fraude"


class IncidentClass(StrEnum):
    """The classes in rising order of gravity."""

    INCIDENT = "incident"
    CALAMITEIT = "calamiteit"
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return _CLASS_RANKS[self]


# The rank is asked for each duty of each incident a view reads: a lookup, not a search.
_CLASS_RANKS = {incident_class: rank for rank, incident_class in enumerate(IncidentClass)}


class Verdict(StrEnum):
    """What the facts recorded say of a criterion of a class."""

    MET = "met"
    NOT_MET = "not met"
    UNKNOWN = "unknown"


class IncidentStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ReleaseStatus(StrEnum):
    """The process a release goes through, in order."""

    DRAFT = "draft"
    IN_FORCE = "in_force"
    IN_REALISATION = "in_realisation"
    ROLLED_OUT = "rolled_out"
    EVALUATED = "evaluated"


class ImpactLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class MeasureStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ReportKind(StrEnum):
    """The reports for the Tactisch Beraad, each from its own template."""

    PLAN = "plan"
    PROGRESS = "progress"
    EVALUATION = "evaluation"
    INCIDENT = "incident"
    OVERVIEW = "overview"
    AVAILABILITY = "availability"
    MONTH = "month"

    @property
    def template(self) -> str:
        return f"{self.value}.md.j2"
