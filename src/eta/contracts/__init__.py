"""The JSON documents eta prints: each one's name, version and the command that prints it.

Every `--format json` output is a contract with its readers. Its shape is written once, as a
TypedDict in `eta.contracts.shapes`, which the code that builds the document is typed
against; its JSON Schema in schemas/output/ is generated from that shape (`make schemas`),
and a test validates each command's real output against it. A document's `version` changes
only when a key is removed or changes meaning; adding a key keeps it.

This module is imported by the commands themselves, so it holds plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Contract:
    """One JSON output: `name` names its schema file, `shape` its TypedDict."""

    name: str
    version: int
    command: str
    title: str
    shape: str

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


CHECK = Contract("check", 1, "eta check --format json",
                 "The findings of eta check", "CheckDocument")
PLAN_STATUS = Contract("plan-status", 1, "eta plan status RELEASE --format json",
                       "Where a release and its implementation plan stand", "PlanStatusDocument")
HISTORY = Contract("history", 1, "eta history RECORD --format json",
                   "A record's history in git", "HistoryDocument")
AGENDA = Contract("agenda", 1, "eta agenda --format json",
                  "What is due, and for whom", "AgendaDocument")
INCIDENT_LIST = Contract("incident-list", 1, "eta incident list --format json",
                         "The incidents, with their class and what is due", "IncidentListDocument")
RULES = Contract("rules", 1, "eta rules --format json",
                 "The catalogue of diagnostic codes", "RulesDocument")
AVAILABILITY = Contract("availability", 1, "eta report availability --month YYYY-MM --format json",
                        "The availability of a month per party and role and for the system",
                        "AvailabilityDocument")
MONTH = Contract("month", 1, "eta report month --month YYYY-MM --format json",
                 "The figures of a month for the Tactisch Beraad", "MonthDocument")

#: Every JSON output of eta, by name.
CONTRACTS: dict[str, Contract] = {
    contract.name: contract
    for contract in (CHECK, PLAN_STATUS, HISTORY, AGENDA, INCIDENT_LIST, RULES, AVAILABILITY,
                     MONTH)
}
