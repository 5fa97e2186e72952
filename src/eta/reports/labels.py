"""The Dutch words reports use for the values of the records and of eta's findings.

Reports are for the Tactisch Beraad and are written in Dutch; the records and the command
line keep their English codes. A test holds that every value of every enum has a word here.
"""

from __future__ import annotations

from eta.catalogue import (
    INCIDENT_CLASSIFICATION_OVERDUE,
    INCIDENT_DATA_BREACH_UNDECIDED,
    INCIDENT_DATA_BREACH_UNRECORDED,
    INCIDENT_DUTY_LATE_WITHOUT_REASON,
    INCIDENT_DUTY_OVERDUE,
    INCIDENT_NOTIFICATION_UNKNOWN,
    INCIDENT_RESPONSE_TIME_EXCEEDED,
    PLAN_SIGNATURE_INVALID,
    PLAN_SIGNATURE_NOT_AUTHORISED,
    PLAN_SIGNATURE_STALE,
    PLAN_SIGNATURE_UNREGISTERED_KEY,
)
from eta.incidents.classify import Since
from eta.plans.state import SignatureState
from eta.vocabulary import (
    ImpactLevel,
    IncidentClass,
    IncidentStatus,
    IncidentType,
    MeasureStatus,
    OutageState,
    ReleaseStatus,
    Role,
    Verdict,
)

RELEASE_STATUS = {
    ReleaseStatus.DRAFT: "concept",
    ReleaseStatus.IN_FORCE: "implementatieplan in werking",
    ReleaseStatus.IN_REALISATION: "in realisatie",
    ReleaseStatus.ROLLED_OUT: "uitgerold",
    ReleaseStatus.EVALUATED: "geëvalueerd",
}

MEASURE_STATUS = {
    MeasureStatus.OPEN: "open",
    MeasureStatus.IN_PROGRESS: "in uitvoering",
    MeasureStatus.DONE: "gereed",
}

IMPACT_LEVEL = {
    ImpactLevel.LOW: "laag",
    ImpactLevel.MEDIUM: "middel",
    ImpactLevel.HIGH: "hoog",
}

SIGNATURE_STATE = {
    SignatureState.VALID: "geldig",
    SignatureState.STALE: "verouderd",
    SignatureState.INVALID: "ongeldig",
    SignatureState.MISSING: "ontbreekt",
}

#: Why a signature is not valid, by the code `eta check` gives it.
SIGNATURE_PROBLEM = {
    PLAN_SIGNATURE_STALE.code: "het plan is na ondertekening gewijzigd; opnieuw ondertekenen",
    PLAN_SIGNATURE_INVALID.code: "de handtekening klopt niet bij het plan of de sleutel",
    PLAN_SIGNATURE_UNREGISTERED_KEY.code: "de sleutel is niet geregistreerd voor deze "
                                       "vertegenwoordiger",
    PLAN_SIGNATURE_NOT_AUTHORISED.code: "de ondertekenaar was op die dag niet bevoegd",
}

ROLE = {
    Role.BEHEERORGANISATIE: "Beheerorganisatie",
    Role.HERKENNINGSMAKELAAR: "Herkenningsmakelaar",
    Role.AUTHENTICATIEDIENST: "Authenticatiedienst",
    Role.MACHTIGINGENREGISTER: "Machtigingenregister",
    Role.MIDDELENUITGEVER: "Middelenuitgever",
    Role.EIDAS_BERICHTENSERVICE: "eIDAS-berichtenservice",
    Role.BSNK: "BSNk",
}

OUTAGE_STATE = {
    OutageState.UNAVAILABLE: "onbeschikbaar",
    OutageState.DEGRADED: "verminderd beschikbaar",
}

#: What an implementing party still lacks, by the words of `eta.plans.state`.
DELIVERABLE = {
    "contact": "aanspreekpunt",
    "impact analysis": "impactanalyse",
    "planning": "planning",
    "measures": "maatregelen",
}

INCIDENT_TYPE = {
    IncidentType.VERSTORING: "verstoring",
    IncidentType.INFORMATIEBEVEILIGINGSINCIDENT: "informatiebeveiligingsincident",
    IncidentType.FRAUDE: "fraude",
}

INCIDENT_STATUS = {
    IncidentStatus.NEW: "nieuw",
    IncidentStatus.IN_PROGRESS: "in behandeling",
    IncidentStatus.RESOLVED: "opgelost",
    IncidentStatus.CLOSED: "gesloten",
}

INCIDENT_CLASS = {
    IncidentClass.INCIDENT: "incident",
    IncidentClass.CALAMITEIT: "calamiteit",
    IncidentClass.CRISIS: "crisis",
}

VERDICT = {
    Verdict.MET: "voldaan",
    Verdict.NOT_MET: "niet voldaan",
    Verdict.UNKNOWN: "onbekend",
}

#: The facts of an incident, in the order of the model.
FACT = {
    "direct_serious_hindrance": "directe en ernstige hinder",
    "confidentiality_integrity_impact": "impact op vertrouwelijkheid en integriteit",
    "reportable_data_breach": "meldplichtig datalek",
    "major_image_impact": "grote impact op imago en vertrouwen",
    "political_implications": "politieke besluitvorming of implicaties",
    "fundamental_vulnerability": "fundamentele juridische of technische kwetsbaarheid",
}

#: The fact the disruption criteria wait for while it is not known.
EXPECTED_END = "verwacht einde van de verstoring"

#: What an expected disruption is counted from.
DISRUPTION_SINCE = {
    Since.START: "het begin van de verstoring",
    Since.DETECTION: "de ontdekking",
}

CLOCK = {
    "availability": "beschikbaarheidsvenster",
    "support": "ondersteuningsvenster (werkdagen)",
}

#: What needs attention in an incident, by the code of the finding.
INCIDENT_FINDING = {
    INCIDENT_RESPONSE_TIME_EXCEEDED.code: "responstijd overschreden: escalatie overwegen",
    INCIDENT_DUTY_OVERDUE.code: "een meldplicht is niet op tijd nagekomen",
    INCIDENT_DUTY_LATE_WITHOUT_REASON.code: "te laat gemeld zonder reden van de vertraging",
    INCIDENT_NOTIFICATION_UNKNOWN.code: "een melding noemt een meldplicht die niet bestaat",
    INCIDENT_DATA_BREACH_UNDECIDED.code: "nog niet besloten of het datalek meldplichtig is",
    INCIDENT_DATA_BREACH_UNRECORDED.code: "tijdstip van kennisname datalek ontbreekt",
    INCIDENT_CLASSIFICATION_OVERDUE.code: "classificatie achterstallig",
}

#: The kinds of what is owed (`eta.due.ItemKind`).
DUE_KIND = {
    "milestone": "mijlpaal",
    "deadline": "deadline",
    "measure": "maatregel",
    "signature": "ondertekening",
    "evaluation": "evaluatie",
    "response-time": "responstijd",
    "reporting-duty": "meldplicht",
    "classification": "classificatie",
    "availability": "beschikbaarheid",
}

#: What is owed, for the kinds whose record gives no title of its own.
DUE_WHAT = {
    "signature": "Het implementatieplan (opnieuw) geldig ondertekenen",
    "evaluation": "Evaluatie van de release",
    "response-time": "Oplossen binnen de responstijd",
    "classification": "Het incident (opnieuw) classificeren",
}


def yes_no(value: bool | None) -> str:
    return "onbekend" if value is None else "ja" if value else "nee"
