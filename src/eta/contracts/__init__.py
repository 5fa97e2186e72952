"""The JSON documents eta prints: each one's name, version and the commands that print it.

Every `--format json` output is a contract with its readers. Its shape is written once, as a
TypedDict in `eta.contracts.shapes`, which the code that builds the document is typed
against; its JSON Schema in schemas/output/ is generated from that shape (`make schemas`),
and a test validates each command's real output against it. A document's `version` changes
only when a key is removed or changes meaning; adding a key keeps it. A command that offers
`--format json` is named by exactly one contract: a test walks the command line for it.

This module is imported by the commands themselves, so it holds plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Contract:
    """One JSON output: `name` names its schema file, `shape` its TypedDict, `commands` the
    commands that print it (as typed after `eta`)."""

    name: str
    version: int
    commands: tuple[str, ...]
    title: str
    shape: str

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"

    @property
    def printed_by(self) -> str:
        """The commands and what they print, as the schema's description says it."""
        if len(self.commands) == 1:
            return f"`eta {self.commands[0]} --format json` prints"
        named = ", ".join(f"`eta {command}`" for command in self.commands)
        return f"{named} print with `--format json`"


CHECK = Contract("check", 1, ("check",), "The findings of eta check", "CheckDocument")
PLAN_STATUS = Contract("plan-status", 1, ("plan status",),
                       "Where a release and its implementation plan stand", "PlanStatusDocument")
HISTORY = Contract("history", 1, ("history",), "A record's history in git", "HistoryDocument")
AGENDA = Contract("agenda", 1, ("agenda",), "What is due, and for whom", "AgendaDocument")
INCIDENT_LIST = Contract("incident-list", 1, ("incident list",),
                         "The incidents, with their class and what is due", "IncidentListDocument")
INCIDENT_SHOW = Contract("incident-show", 1, ("incident show",),
                         "An incident: its record, its class and what needs attention",
                         "IncidentShowDocument")
INCIDENT_NEW = Contract("incident-new", 1, ("incident new",),
                        "The incident just recorded", "IncidentNewDocument")
INCIDENT_CLASSIFY = Contract(
    "incident-classify", 1, ("incident classify",),
    "An incident's class: every criterion's verdict and grounds, the facts not yet known, "
    "what could still raise it, and what was recorded", "IncidentClassifyDocument")
INCIDENT_UPDATE = Contract("incident-update", 1, ("incident update",),
                           "What an update of an incident changed", "IncidentUpdateDocument")
INCIDENT_LOG = Contract("incident-log", 1, ("incident log",),
                        "The entry added to an incident's timeline", "IncidentLogDocument")
RULES = Contract("rules", 1, ("rules",), "The catalogue of diagnostic codes", "RulesDocument")
RELEASE_LIST = Contract("release-list", 1, ("release list",),
                        "The releases, and how far each plan is signed", "ReleaseListDocument")
RELEASE_SHOW = Contract("release-show", 1, ("release show",),
                        "A release: its record, its plan and its next step",
                        "ReleaseShowDocument")
PARTY_LIST = Contract("party-list", 1, ("party list",), "The parties of the register",
                      "PartyListDocument")
PARTY_SHOW = Contract("party-show", 1, ("party show",),
                      "A party of the register: roles, contacts, representatives and keys",
                      "PartyShowDocument")
EDIT = Contract(
    "edit", 1,
    ("release new", "release decide", "release advance", "release reopen",
     "release communication-plan", "release rollout", "release evaluation",
     "plan add-party", "plan contact", "plan impact", "plan planning", "plan add-measure",
     "plan add-milestone", "plan deadline", "plan remove-party", "plan remove-measure",
     "plan remove-milestone", "plan remove-deadline", "plan sign", "plan measure-status",
     "plan milestone-done", "plan join", "party new", "party add-contact",
     "party add-representative", "party end-representative", "party add-key",
     "party revoke-key"),
    "What a command that changes a release, its plan or the register did: what it says, the "
    "files it wrote and removed, and its notes", "EditDocument")
AVAILABILITY = Contract("availability", 1, ("report availability",),
                        "The availability of a month per party and role and for the system",
                        "AvailabilityDocument")
MONTH = Contract("month", 1, ("report month",),
                 "The figures of a month for the Tactisch Beraad", "MonthDocument")

#: Every JSON output of eta, by name.
CONTRACTS: dict[str, Contract] = {
    contract.name: contract
    for contract in (CHECK, PLAN_STATUS, HISTORY, AGENDA, RULES, INCIDENT_LIST, INCIDENT_SHOW,
                     INCIDENT_NEW, INCIDENT_CLASSIFY, INCIDENT_UPDATE, INCIDENT_LOG,
                     RELEASE_LIST, RELEASE_SHOW, PARTY_LIST, PARTY_SHOW, EDIT, AVAILABILITY,
                     MONTH)
}
