"""The catalogue of diagnostic codes: every code eta reports, what it means and how to fix it.

Each entry gives the code, its severity, a one-line title, an explanation, the fix and an
example: one change to eta's example records that makes `eta check` report the code (a
test runs every example). Rules name their codes through the constants here, or through
`code_named` where a code is composed, which refuses a code the catalogue lacks; so eta
reports no code that is not explained here. `eta rules`, docs/rules.md and the rule
metadata of SARIF are all made from this one list.

A leaf beside `eta.diagnostics`: the reading of records and every rule use it, so it
imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eta.diagnostics import Severity, did_you_mean
from eta.escaping import for_text_block

if TYPE_CHECKING:
    from eta.contracts.shapes import ExampleEntry, RuleEntry

#: eta's home, and where docs/rules.md is published: each code has its heading there.
PROJECT_URL = "https://github.com/eherkenning/eta"
RULES_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"

#: How a change alters the example records: edit a file (replace `replace` by `by`), write
#: one whole, delete or rename one (`by` is the new path), put a link to `by`, a FIFO, a git
#: submodule or a file larger than a record may be in its place, make it unreadable, or
#: sign a plan with the example key `by` (tests/example-keys) at the moment `at`.
Action = Literal["edit", "write", "delete", "rename", "symlink", "fifo", "submodule", "grow",
                 "unreadable", "sign"]


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one file of the example records."""

    file: str
    by: str = ""
    replace: str | None = None
    action: Action = "edit"
    at: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """A change to the example records after which `eta check` reports the code.

    The example's own change comes first, then `more`. With `base`, the example records
    (with the changes `before`) are committed as the base, the change is committed on top
    and the check runs with `--base` at the base: the code concerns a change. `today` is
    the day deadlines are judged on.
    """

    file: str
    by: str = ""
    replace: str | None = None
    action: Action = "edit"
    at: str | None = None
    more: tuple[Change, ...] = ()
    before: tuple[Change, ...] = ()
    base: bool = False
    today: str | None = None

    @property
    def changes(self) -> tuple[Change, ...]:
        return (Change(self.file, self.by, self.replace, self.action, self.at), *self.more)


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code and all that a user needs to know of it."""

    code: str
    severity: Severity
    title: str
    explanation: str
    fix: str
    example: Example

    def __str__(self) -> str:
        return self.code

    @property
    def anchor(self) -> str:
        """The code's heading's anchor in docs/rules.md, as GitHub makes it."""
        return self.code.replace(".", "")

    @property
    def help_uri(self) -> str:
        return f"{RULES_URL}#{self.anchor}"


E, W = Severity.ERROR, Severity.WARNING
INCIDENT = "incidents/2026-11-16-q738dq.yaml"
PARTY = "afspraken/parties/logius.yaml"
RELEASE_1 = "releases/R2026-01/release.yaml"
PLAN_1 = "releases/R2026-01/plan.yaml"
PART_1 = "releases/R2026-01/parties/logius.yaml"
SIGNATURE_1 = "releases/R2026-01/signatures/logius.yaml"
PLAN_2 = "releases/R2026-02/plan.yaml"
SIGNATURE_2 = "releases/R2026-02/signatures/kenniskaart.yaml"
CLOSED_INCIDENT = "incidents/2026-10-23-w12aw6.yaml"
TIMES = ("times:\n  detected: 2026-11-16T09:12:00+01:00\n  reported: 2026-11-16T09:30:00+01:00\n"
         "  phoned: 2026-11-16T09:40:00+01:00\n")
LAST_CLASSIFIED = "    by: Sanne Verbeek <s.verbeek@beheer.example.nl>\ntimeline:"
PLAN_3 = "releases/R2026-03/plan.yaml"


def reclassified(incident_class: str, criteria: str) -> str:
    """The example incident's last classification followed by another one."""
    return (f"{LAST_CLASSIFIED.removesuffix('timeline:')}  - class: {incident_class}\n"
            f"    criteria: {criteria}\n    facts:\n"
            "      expected_end: 2026-11-16T09:12:00+01:00\n"
            "      direct_serious_hindrance: false\n"
            "      confidentiality_integrity_impact: true\n"
            "      reportable_data_breach: false\n      political_implications: true\n"
            "      fundamental_vulnerability: false\n    at: 2026-11-24T12:00:00+01:00\n"
            "    recorded_at: 2026-11-24T12:00:00+01:00\n"
            "    by: Sanne Verbeek <s.verbeek@beheer.example.nl>\ntimeline:")

# --- The files themselves -------------------------------------------------------------

FILE_SYMLINK = Code(
    "file.symlink", E, "A record or folder is a symbolic link",
    "eta reads only real files inside the repository and never follows a link: a link "
    "from a pull request could point anywhere on the machine that runs the check.",
    "Replace the link by the file or folder itself.",
    Example("incidents/2026-12-01-link00.yaml", by="2026-11-16-q738dq.yaml",
            action="symlink"))
FILE_SPECIAL = Code(
    "file.special", E, "A record is a special file (a FIFO, a device or a socket)",
    "Records are plain files. Reading a FIFO or a device could block the check forever or "
    "read without end, so eta refuses them unread.",
    "Remove it; records and templates are plain files and folders.",
    Example("incidents/2026-12-01-fifo00.yaml", action="fifo"))
FILE_SUBMODULE = Code(
    "file.submodule", E, "A record folder holds a git submodule",
    "With `--base`, eta reads the records from git. A submodule brings another repository's "
    "content, which this repository's history does not hold.",
    "Replace the submodule by the files themselves.",
    Example("incidents/extern", action="submodule", base=True))
FILE_TOO_LARGE = Code(
    "file.too-large", E, "A record file is larger than a record may be",
    "A record may be at most 1 MiB; eta refuses larger files unread, so that a file from a "
    "pull request cannot exhaust the memory or time of a check.",
    "Split the record's content, or move large material (documents, logs) out of the "
    "records and link to it.",
    Example("incidents/2026-12-01-large0.yaml", action="grow"))
FILE_EMPTY = Code(
    "file.empty", E, "A record file is empty",
    "A file in a record folder is a record; an empty file (or one with only comments) "
    "holds none.",
    "Remove the file, or fill it in.",
    Example("incidents/2026-12-01-empty0.yaml", by="# nothing yet\n", action="write"))
FILE_ENCODING = Code(
    "file.encoding", E, "A record file is not UTF-8 text",
    "Records are UTF-8 text without NUL characters; a file that is not cannot be read as "
    "YAML.",
    "Save the file as UTF-8.",
    Example(INCIDENT, replace="title: Phishingcampagne", by="title: Phishing\x00campagne"))
FILE_UNREADABLE = Code(
    "file.unreadable", E, "A record file cannot be read",
    "The operating system refused to read the file (its permissions, for instance), or it "
    "lies outside the repository.",
    "Make the file readable by whoever runs eta, or move it into the repository.",
    Example(INCIDENT, action="unreadable"))
# --- YAML -----------------------------------------------------------------------------

YAML_SYNTAX = Code(
    "yaml.syntax", E, "The file is not valid YAML",
    "The YAML parser could not read the file; the message says where it stopped and why.",
    "Correct the YAML at the position given (an indentation, a missing quote or bracket).",
    Example(INCIDENT, replace="type: fraude", by="type: [fraude"))
YAML_TAB = Code(
    "yaml.tab", E, "A tab character in the indentation",
    "YAML indents with spaces only; a tab in the indentation makes the file unreadable.",
    "Replace the tab with spaces.",
    Example(INCIDENT, replace="  detected:", by="\tdetected:"))
YAML_MULTIPLE_DOCUMENTS = Code(
    "yaml.multiple-documents", E, "The file holds more than one YAML document",
    "A record is one YAML document; a `---` line starts another one.",
    "Remove the `---` and what follows it, or move it to a file of its own.",
    Example(INCIDENT, replace="priority: P2\n", by="priority: P2\n---\nstatus: new\n"))
YAML_ANCHOR = Code(
    "yaml.anchor", E, "A YAML anchor or alias",
    "Anchors (`&name`) and aliases (`*name`) let a small file expand into a huge one and "
    "hide what a value is; records write every value out.",
    "Write the value out in full.",
    Example(INCIDENT, replace="affected:\n  - poortwachter",
            by="affected: &who\n  - poortwachter\nextra: *who"))
YAML_TAG = Code(
    "yaml.tag", E, "A YAML tag",
    "Tags such as `!!binary` or `!python/object` change how a value is read; records use "
    "plain YAML values only.",
    "Remove the tag.",
    Example(INCIDENT, replace="priority: P2", by="priority: !!binary UDI="))
YAML_KEY = Code(
    "yaml.key", E, "A mapping key that is not plain text",
    "Every key of a record is plain text; a list or a mapping cannot be a key.",
    "Write the key as plain text.",
    Example(INCIDENT, replace="priority: P2", by="? [priority]\n: P2"))
YAML_DUPLICATE_KEY = Code(
    "yaml.duplicate-key", E, "A key appears twice in one mapping",
    "YAML parsers disagree on which of two equal keys wins, so a reviewer could read a "
    "different value than eta; eta refuses the file.",
    "Remove one of the two keys; each key may appear once per mapping.",
    Example(INCIDENT, replace="priority: P2", by="priority: P2\npriority: P1"))
YAML_TOO_DEEP = Code(
    "yaml.too-deep", E, "Values nest too deeply",
    "No record nests values more than 64 levels deep; a deeper file is refused before it "
    "can exhaust the check.",
    "Flatten the value.",
    Example(INCIDENT, replace="affected:\n  - poortwachter",
            by="affected: " + "[" * 70 + "poortwachter" + "]" * 70))

YAML_CONTROL_CHARACTER = Code(
    "yaml.control-character", E, "A character YAML does not allow in a file",
    "YAML 1.2 text holds printable characters only: no control character but tab, line "
    "feed, carriage return and next line. A control character such as ESC could also make "
    "a terminal show something else than the file holds.",
    "Remove the character. A record's text may hold line breaks and tabs but no other "
    "control character, written as an escape within double quotes (`\\e`, `\\u001b`) "
    "neither: that is `record.value`.",
    Example(INCIDENT, replace="title: Phishingcampagne", by="title: Phishing\x1b[2Kcampagne"))

YAML_UNSUPPORTED = Code(
    "yaml.unsupported", E, "YAML that eta cannot place in the file",
    "eta reads each value where it stands in the file, so that every finding can name its "
    "line and column. Where the parsers that place values read a file otherwise than the "
    "YAML 1.2 parser that judges it (a key that is a next-line or line-separator "
    "character alone, a tag with `#` in it), eta refuses the file rather than guess.",
    "Write the values in plain block style, with visible keys.",
    Example(INCIDENT, replace="priority: P2", by="priority: P2\n\u0085: v"))

# --- Records --------------------------------------------------------------------------

RECORD_TYPE = Code(
    "record.type", E, "A value has the wrong type",
    "A field holds a value of another type than its model asks: text where a list is "
    "expected, a number where text is, `yes` where `true` or `false` is (YAML 1.2 reads "
    "`yes` as text).",
    "Write the value in the type the message names; quote text that looks like a number.",
    Example(INCIDENT, replace="affected:\n  - poortwachter", by="affected: poortwachter"))
RECORD_VALUE = Code(
    "record.value", E, "A value is not allowed",
    "A field holds a value its model does not allow: not one of its choices, empty, out of "
    "its bounds, of the wrong form, or a time without a time zone.",
    "Use one of the values the message lists, or the form it names.",
    Example(INCIDENT, replace="type: fraude", by="type: fraud"))
RECORD_DATE = Code(
    "record.date", E, "A date or time is not valid",
    "Dates are written YYYY-MM-DD and moments as 2026-03-01T09:30:00+01:00; a value that "
    "is not such a date, or no date at all (31 April), is refused.",
    "Write the date as YYYY-MM-DD, or the moment with its UTC offset.",
    Example(INCIDENT, replace="detected: 2026-11-16T09:12:00+01:00",
            by="detected: 16-11-2026"))
RECORD_UNKNOWN_KEY = Code(
    "record.unknown-key", E, "A key the record's model does not know",
    "Every key of a record is one its model defines; an unknown key is mostly a typo, and "
    "would otherwise be silently ignored.",
    "Correct the key (the hint names the closest one), or remove it.",
    Example(INCIDENT, replace="priority: P2", by="priority: P2\nprio: P2"))
RECORD_MISSING_KEY = Code(
    "record.missing-key", E, "A required key is missing",
    "The record's model requires the key the message names.",
    "Add the key.",
    Example(INCIDENT, replace="title: Phishingcampagne met nagemaakte inlogpagina van "
            "KennisKaart\n", by=""))
RECORD_SCHEMA_LINE = Code(
    "record.schema-line", E, "The first line is not the record's schema line",
    "Every record starts with `# yaml-language-server: $schema=...` pointing at its "
    "kind's schema, so that editors complete and check it as it is typed.",
    "Make the first line the one the hint gives.",
    Example(INCIDENT, replace="# yaml-language-server: $schema=../schemas/incident."
            "schema.json\n", by=""))
RECORD_NAME_MISMATCH = Code(
    "record.name-mismatch", E, "A record's id does not match its path",
    "A record's file is named by its id (and a release's files lie in the release's "
    "folder); an id that says otherwise would make two names for one record.",
    "Set the id to what the path says, or move the file to match the id.",
    Example(INCIDENT, replace="id: 2026-11-16-q738dq", by="id: 2026-11-16-q738dr"))
PATH_UNKNOWN = Code(
    "path.unknown", W, "A file that is not a record eta knows by its path",
    "eta knows a record by where it lies (afspraken/parties/<id>.yaml, releases/<id>/"
    "release.yaml, incidents/<id>.yaml, ...); a file elsewhere in the record folders is not "
    "checked. A file ending in .yml is one such.",
    "Move or rename the file to where its kind lives, or out of the record folders.",
    Example("incidents/notes.yml", by="text: notes\n", action="write"))
ID_DUPLICATE = Code(
    "id.duplicate", E, "An id is used twice",
    "Two records of a kind, or two items of one record (measures, milestones, "
    "representatives), carry the same id, so a reference to it is ambiguous.",
    "Give one of them another id.",
    Example(PLAN_1, replace="  - id: acceptatie", by="  - id: specificatie"))
REF_UNKNOWN_PARTY = Code(
    "ref.unknown-party", E, "A reference to a party the register lacks",
    "A field that names a party (a reporter, an implementing party, a signer) names one "
    "of afspraken/parties/.",
    "Correct the id (the hint names the closest one), or add the party to the register.",
    Example(INCIDENT, replace="reporter: kenniskaart", by="reporter: kennniskaart"))
REF_UNKNOWN_RELEASE = Code(
    "ref.unknown-release", E, "A reference to a release that does not exist",
    "A field that names a release (an incident's `release`) names one of releases/.",
    "Correct the id, or remove the reference.",
    Example(INCIDENT, replace="priority: P2", by="priority: P2\nrelease: R2026-09"))
REF_UNKNOWN_CRITERION = Code(
    "ref.unknown-criterion", E, "A reference to a criterion that does not exist",
    "A classification cites criteria of afspraken/criteria.yaml (C1-C5, K1-K4).",
    "Correct the criterion, or add it to the criteria.",
    Example(INCIDENT, replace="    criteria: [C2, C4]", by="    criteria: [C2, C9]"))
FACT_FUTURE = Code(
    "fact.future", E, "A fact lies in the future",
    "A field that records what happened (a time detected, a day done) cannot lie after "
    "the moment of the check.",
    "Correct it; what has not happened yet is recorded once it has.",
    Example(INCIDENT, replace="reported: 2026-11-16T09:30:00+01:00",
            by="reported: 2099-11-16T09:30:00+01:00"))
EDIT_INTERRUPTED = Code(
    "edit.interrupted", E, "An eta command was interrupted while changing records",
    "A command that changes several files together writes a journal first; a journal "
    "that remains means it was stopped halfway, and the files it names may be half "
    "changed.",
    "Check the files the message names (git diff), then remove the journal.",
    Example(".git/eta/journal", by="not a journal\n", action="write"))

# --- The agreements -------------------------------------------------------------------

AGREEMENTS_MISSING = Code(
    "agreements.missing", E, "The service levels or incident criteria are missing",
    "Every repository holds afspraken/service-levels.yaml and afspraken/criteria.yaml: "
    "incidents are judged by them.",
    "Restore the file; `eta init` writes a skeleton of the agreements.",
    Example("afspraken/criteria.yaml", action="delete"))
AGREEMENTS_NO_BEHEERORGANISATIE = Code(
    "agreements.no-beheerorganisatie", E, "No party has the role beheerorganisatie",
    "The Beheerorganisatie runs the processes: it receives incident reports and signs "
    "every plan. The register must name it.",
    "Give the Beheerorganisatie's party the role `beheerorganisatie`.",
    Example(PARTY, replace="  - beheerorganisatie", by="  - herkenningsmakelaar"))
PARTY_KEY_INVALID = Code(
    "party.key-invalid", E, "A representative's key is not a valid SSH public key",
    "Keys in the register are SSH public keys as `ssh-keygen` writes them "
    "(`ssh-ed25519 AAAA... comment`).",
    "Paste the public key (the .pub file) whole.",
    Example(PARTY, replace="AAAAC3NzaC1lZDI1NTE5AAAAILXWjaVJu", by="AAAAC3NzaC1lZDI1NTE5AAAA"))
PARTY_KEY_SHARED = Code(
    "party.key-shared", E, "One key is registered for two representatives",
    "A key belongs to one representative; shared, a signature made with it would not say "
    "who signed.",
    "Give each representative a key of their own.",
    Example(PARTY, replace="AAAAC3NzaC1lZDI1NTE5AAAAIHRrgCOwBiQHAVXjpWBmMpt0/YSHaTeCxETtVzSI6om9",
            by="AAAAC3NzaC1lZDI1NTE5AAAAILXWjaVJu/hV8LdJhXP7ZhdyMrhQFds4MvOXKga0ATFB"))

# --- Incidents ------------------------------------------------------------------------

INCIDENT_TIMES_ORDER = Code(
    "incident.times.order", E, "An incident's times are out of order",
    "An incident is reported, phoned in and resolved after it was detected, resolved after "
    "it started, and a data breach notified after anyone was aware of it.",
    "Correct the time the message names.",
    Example(INCIDENT, replace="reported: 2026-11-16T09:30:00+01:00",
            by="reported: 2026-11-16T09:00:00+01:00"))
INCIDENT_TIMELINE_BEFORE_START = Code(
    "incident.timeline.before-start", E, "A timeline entry lies before the incident began",
    "The timeline logs what happened from the start of the incident (or its detection).",
    "Correct the entry's time, or set `times.started` to when the incident began.",
    Example(INCIDENT, replace="  - at: 2026-11-16T09:12:00+01:00\n    by: Lotte",
            by="  - at: 2026-11-16T09:00:00+01:00\n    by: Lotte"))
INCIDENT_STATUS_INCONSISTENT = Code(
    "incident.status.inconsistent", E, "An incident's status and resolution time disagree",
    "An open incident has no `times.resolved`; a resolved or closed one has.",
    "Set the status with `eta incident update ID --status ...`, which keeps the two "
    "together.",
    Example(INCIDENT, replace="status: resolved", by="status: in_progress"))
INCIDENT_CLOSED_INCOMPLETE = Code(
    "incident.closed.incomplete", E, "A closed incident lacks what closing needs",
    "A closed incident has a resolution, a final classification with every criterion "
    "answered, and for a data breach its notification.",
    "Add what the message names, or set the status back to resolved.",
    Example(INCIDENT, replace="status: resolved", by="status: closed"))
INCIDENT_RESPONSE_TIME_EXCEEDED = Code(
    "incident.response-time.exceeded", W, "An incident was not resolved within its response "
    "time",
    "Each priority has a response time in service-levels.yaml; an incident still open "
    "after it is flagged for escalation.",
    "Escalate it, and resolve it.",
    Example(INCIDENT, replace=f"status: resolved\n{TIMES}  resolved: 2026-11-17T15:20:00+01:00\n",
            by=f"status: in_progress\n{TIMES}"))
INCIDENT_CLASSIFICATION_OVERDUE = Code(
    "incident.classification.overdue", W, "An incident's classification is overdue",
    "An incident not closed is classified by the time its response time runs out, as "
    "escalation rests on the class; it has no classification yet, one its facts or the "
    "criteria have overtaken, or one that leaves criteria unanswered.",
    "Classify it: `eta incident classify INCIDENT`.",
    Example(INCIDENT, replace="  political_implications: false\n  fundamental_vulnerability: "
            "false\nclassifications:",
            by="  political_implications: true\n  fundamental_vulnerability: false\n"
            "classifications:"))
INCIDENT_DATA_BREACH_UNRECORDED = Code(
    "incident.data-breach.unrecorded", E, "A reportable data breach without its awareness "
    "time",
    "The 72-hour deadline to notify the Autoriteit Persoonsgegevens runs from the moment "
    "of awareness (`data_breach.aware_at`).",
    "Record it with `eta incident update ID --aware-at TIME`.",
    Example(INCIDENT, replace="  reportable_data_breach: false\n  political",
            by="  reportable_data_breach: true\n  political"))
INCIDENT_DATA_BREACH_UNDECIDED = Code(
    "incident.data-breach.undecided", W, "Whether a data breach must be reported is undecided "
    "after 72 hours",
    "72 hours after awareness of a possible data breach, whether it must be reported is "
    "still not decided (`facts.reportable_data_breach`).",
    "Decide, and set `facts.reportable_data_breach`.",
    Example(INCIDENT, replace="  reportable_data_breach: false\n  political_implications: "
            "false\n  fundamental_vulnerability: false\nclassifications:",
            by="  political_implications: false\n  fundamental_vulnerability: false\n"
            "data_breach:\n  aware_at: 2026-11-16T10:00:00+01:00\nclassifications:"))
INCIDENT_DUTY_OVERDUE = Code(
    "incident.duty.overdue", E, "A reporting duty's notification is overdue",
    "afspraken/reporting-duties.yaml lists who must be told of an incident and by when: the "
    "Beheerorganisatie by telephone, the Autoriteit Persoonsgegevens of a data breach within "
    "72 hours, the CSIRT of a significant incident in three stages. A stage of a duty that "
    "applies is past its deadline and no notification of it is recorded.",
    "Notify now, then record it with `eta incident update ID --notification DUTY:STAGE "
    "--notified-at TIME` (and `--delay-reason TEXT` where the stage asks for one).",
    Example(INCIDENT, replace="  phoned: 2026-11-16T09:40:00+01:00\n", by=""))
INCIDENT_DUTY_LATE_WITHOUT_REASON = Code(
    "incident.duty.late-without-reason", E, "A late notification gives no reason",
    "A stage with `reason_when_late`, such as the data breach's notification to the "
    "Autoriteit Persoonsgegevens (GDPR art. 33(1)), must give the reasons for the delay when "
    "it comes after its deadline.",
    "Record the reason with `eta incident update ID --notification DUTY:STAGE "
    "--delay-reason TEXT`.",
    Example(INCIDENT, replace="  reportable_data_breach: false\n  political",
            by="  reportable_data_breach: true\n  political",
            more=(Change(INCIDENT, replace="classifications:",
                         by="data_breach:\n  aware_at: 2026-11-16T10:00:00+01:00\n"
                         "  notified_at: 2026-11-20T10:00:00+01:00\nclassifications:"),)))
INCIDENT_NOTIFICATION_UNKNOWN = Code(
    "incident.notification.unknown", E, "A notification names no reporting duty or stage",
    "Each entry of `notifications` names a duty of afspraken/reporting-duties.yaml and one of "
    "its stages; a name it lacks would leave the duty's clock unmet.",
    "Correct the duty or stage (the message suggests the closest), or add the duty.",
    Example(INCIDENT, replace="timeline:",
            by="notifications:\n  - duty: nis3\n    stage: melding\n"
            "    at: 2026-11-16T10:00:00+01:00\ntimeline:"))
INCIDENT_OUTAGE_BEFORE_START = Code(
    "incident.outage.before-start", E, "An outage starts before the incident",
    "An outage is part of the incident: it starts no earlier than `times.started`, or than "
    "its detection when the start is not recorded.",
    "Correct the outage's `start`, or set `times.started` to when the disruption began.",
    Example(CLOSED_INCIDENT, replace="    state: unavailable\n    start: 2026-10-23T16:02:00",
            by="    state: unavailable\n    start: 2026-10-23T15:02:00"))
INCIDENT_OUTAGE_ORDER = Code(
    "incident.outage.order", E, "An outage ends before it starts",
    "An outage's `end`, and while it lasts its `expected_end`, lie after its `start`.",
    "Correct the time the message names.",
    Example(CLOSED_INCIDENT, replace="    end: 2026-10-26T10:40:00+01:00\n  # Ketenmachtigingen",
            by="    end: 2026-10-23T16:00:00+02:00\n  # Ketenmachtigingen"))
INCIDENT_OUTAGE_AFTER_RESOLVED = Code(
    "incident.outage.after-resolved", E, "An outage ends after the incident was resolved",
    "Once the incident is resolved its outages are over: none ends after `times.resolved`.",
    "Correct the outage's `end`, or the incident's resolution time.",
    Example(CLOSED_INCIDENT, replace="    end: 2026-10-26T10:40:00+01:00\n  # Ketenmachtigingen",
            by="    end: 2026-10-26T11:40:00+01:00\n  # Ketenmachtigingen"))
INCIDENT_OUTAGE_UNENDED = Code(
    "incident.outage.unended", E, "A resolved incident has an outage without an end",
    "A resolved incident's outages have ended; the availability figures need when.",
    "Record when it ended with `eta incident update ID --outage PARTY:ROLE "
    "--outage-ended-at TIME`.",
    Example(CLOSED_INCIDENT, replace="    end: 2026-10-26T10:40:00+01:00\n  # Ketenmachtigingen",
            by="  # Ketenmachtigingen"))
INCIDENT_OUTAGE_ROLE_NOT_HELD = Code(
    "incident.outage.role-not-held", E, "An outage names a role its party does not hold",
    "An outage is of a party in one of the roles the register gives it "
    "(afspraken/parties/); availability is measured per party and role.",
    "Name one of the party's roles, or add the role to the party in the register.",
    Example(CLOSED_INCIDENT, replace="    role: machtigingenregister",
            by="    role: herkenningsmakelaar"))
AVAILABILITY_BELOW_TARGET = Code(
    "availability.below-target", W, "A party was below its availability target last month",
    "For the month that ended last, the share of the availability window (24x7 minus the "
    "maintenance windows of service-levels.yaml) in which a party was available in one of "
    "its roles is below `availability_targets.per_role_percent`, by the outages the "
    "incidents record. The warning lasts through the month after, when the party accounts "
    "for it.",
    "See `eta report availability --month YYYY-MM`; the party accounts for the miss to the "
    "Tactisch Beraad. Correct the outages if they are wrong.",
    Example(INCIDENT, replace="timeline:",
            by="outages:\n  - party: kenniskaart\n    role: authenticatiedienst\n"
            "    state: unavailable\n    start: 2026-11-16T09:12:00+01:00\n"
            "    end: 2026-11-17T15:20:00+01:00\ntimeline:"))

# --- Releases and plans ---------------------------------------------------------------

RELEASE_PLAN_MISSING = Code(
    "release.plan.missing", E, "A decided release with chain dependencies has no plan",
    "A release with chain dependencies needs an implementation plan signed by every "
    "implementing party once the Tactisch Beraad has decided on it.",
    "Start the plan with `eta plan add-party RELEASE --party PARTY`.",
    Example(PLAN_3, action="delete"))
RELEASE_STATUS_UNMET = Code(
    "release.status.unmet", E, "A release's status is not met by its records",
    "A status says what has happened: in force and later need the Tactisch Beraad's "
    "decision, rolled out needs the communication plan, and so on. The records must show "
    "it.",
    "Record what the message names, or set the status back.",
    Example(RELEASE_1, replace="decided_on: 2026-03-10\n", by=""))
RELEASE_EVALUATION_DUE = Code(
    "release.evaluation.due", W, "A release's evaluation is due soon",
    "A release is evaluated within two months after its implementation was complete; the "
    "deadline is near.",
    "Hold the evaluation and record it with `eta release evaluation`.",
    Example(RELEASE_1, replace="rollout:\n  planned_on: 2027-03-31",
            by="rollout:\n  planned_on: 2026-09-30\n  completed_on: 2026-09-30",
            today="2026-11-20"))
RELEASE_EVALUATION_OVERDUE = Code(
    "release.evaluation.overdue", E, "A release's evaluation is overdue",
    "A release is evaluated within two months after its implementation was complete, and "
    "that has passed.",
    "Hold the evaluation and record it with `eta release evaluation RELEASE --held-on DATE "
    "--participant PARTY`.",
    Example(RELEASE_1, replace="rollout:\n  planned_on: 2027-03-31",
            by="rollout:\n  planned_on: 2026-09-01\n  completed_on: 2026-09-01"))
RELEASE_EVALUATION_LATE = Code(
    "release.evaluation.late", E, "A release was evaluated later than two months after "
    "implementation",
    "The evaluation is held within two months after the implementation was complete.",
    "Nothing can undo it; record the reason in the evaluation's notes.",
    Example(RELEASE_1, replace="rollout:\n  planned_on: 2027-03-31",
            by="rollout:\n  planned_on: 2026-05-01\n  completed_on: 2026-05-01\n"
            "evaluation:\n  held_on: 2026-11-20\n  participants: [logius]"))
PLAN_NOT_IN_FORCE = Code(
    "plan.not-in-force", E, "A release's status needs a plan in force",
    "A release with chain dependencies moves to in force (and beyond) only once its plan is "
    "complete and signed by every implementing party.",
    "Complete and sign the plan (`eta plan status RELEASE` says what is missing), or set "
    "the status back.",
    Example("releases/R2026-02/release.yaml", replace="status: draft", by="status: in_force"))
PLAN_PARTY_NO_PLAN = Code(
    "plan.party.no-plan", E, "A party's part of a plan that does not exist",
    "A file in releases/<id>/parties/ belongs to the release's plan.yaml, which is missing.",
    "Write the plan (`eta plan add-party`), or remove the part.",
    Example(PLAN_3, action="delete"))
PLAN_SIGNATURE_NO_PLAN = Code(
    "plan.signature.no-plan", E, "A signature of a plan that does not exist",
    "A file in releases/<id>/signatures/ signs the release's plan.yaml, which is missing.",
    "Restore the plan, or remove the signature.",
    Example(PLAN_1, action="delete"))
PLAN_PARTY_NOT_IMPLEMENTING = Code(
    "plan.party.not-implementing", E, "A part of the plan of a party that is not implementing",
    "Each file in releases/<id>/parties/ belongs to a party the plan lists in `parties`.",
    "Add the party to `parties` in plan.yaml, or remove the file.",
    Example(PLAN_3, replace="  - sleutelbrug\n", by=""))
PLAN_PARTY_INCOMPLETE = Code(
    "plan.party.incomplete", E, "An implementing party's part of the plan is incomplete",
    "Each implementing party brings a contact, an impact analysis and a planning before "
    "the plan can be signed.",
    "Fill in what the message lists.",
    Example(PART_1, replace="contact:\n  name: Femke Hoekstra\n  email: "
            "f.hoekstra@beheer.example.nl\n  function: releasemanager\n", by=""))
PLAN_SIGNATURE_NOT_IMPLEMENTING = Code(
    "plan.signature.not-implementing", E, "A signature of a party that is not implementing",
    "Only the implementing parties of a plan sign it; a signature of another party counts "
    "for nothing.",
    "Remove the signature, or add the party to the plan.",
    Example(PLAN_1, replace="  - volmacht\n", by=""))
PLAN_MILESTONE_AFTER_DEADLINE = Code(
    "plan.milestone.after-deadline", E, "A milestone lies after the plan's last deadline",
    "Every milestone of a plan lies on or before its last deadline.",
    "Move the milestone, or the deadline.",
    Example(PLAN_1, replace="    date: 2027-02-12", by="    date: 2027-06-12"))
PLAN_MILESTONE_OVERDUE = Code(
    "plan.milestone.overdue", W, "A milestone is overdue",
    "The milestone's date has passed and it is not done.",
    "When it is done: `eta plan milestone-done RELEASE MILESTONE --on DATE`.",
    Example(PLAN_1, replace="    date: 2027-02-12", by="    date: 2027-02-12",
            today="2027-02-20"))
PLAN_MILESTONE_NOT_IMPLEMENTING = Code(
    "plan.milestone.not-implementing", E, "A milestone names a party that is not implementing",
    "The parties of a milestone are implementing parties of the plan.",
    "Correct the party, or add it to the plan's `parties`.",
    Example(PLAN_1, replace="    parties:\n      - logius\n    done_on: 2026-05-27",
            by="    parties:\n      - kenniskaart\n    done_on: 2026-05-27"))
PLAN_MEASURE_AFTER_DEADLINE = Code(
    "plan.measure.after-deadline", E, "A measure's deadline lies after the plan's last deadline",
    "Every measure of a party is due on or before the plan's last deadline.",
    "Move the measure's deadline, or the plan's.",
    Example(PART_1, replace="    deadline: 2027-02-26", by="    deadline: 2027-06-26"))
PLAN_MEASURE_OVERDUE = Code(
    "plan.measure.overdue", W, "A measure is overdue",
    "The measure's deadline has passed and it is not done.",
    "When it is done: `eta plan measure-status RELEASE --party PARTY MEASURE done`.",
    Example(PART_1, replace="    deadline: 2027-02-26", by="    deadline: 2027-02-26",
            today="2027-02-27"))
PLAN_DEADLINE_OVERDUE = Code(
    "plan.deadline.overdue", W, "A plan's deadline has passed before the roll-out is complete",
    "The plan's deadline has passed and the release's roll-out is not recorded as complete.",
    "Once it is: `eta release rollout RELEASE --completed-on DATE`.",
    Example(PLAN_1, replace="    date: 2027-02-26", by="    date: 2027-02-26",
            today="2027-02-27"))
PLAN_SIGNATURE_OVERDUE = Code(
    "plan.signature.overdue", W, "A signature the plan needed by its first open date is "
    "missing",
    "A plan not in force must be signed validly by every implementing party by the first "
    "date it sets that is still open (for a draft, the first day a party starts its work), "
    "else by the day the release was decided; that day has passed.",
    "Sign it: `eta plan sign RELEASE --party PARTY`.",
    Example(PLAN_2, replace="release: R2026-02", by="release: R2026-02", today="2027-01-05"))
PLAN_SIGNATURE_INVALID = Code(
    "plan.signature.invalid", E, "A signature does not verify",
    "The SSH signature does not verify over the plan's digest, or was made with another key "
    "than it names.",
    "Sign again: `eta plan sign RELEASE --party PARTY`.",
    Example(SIGNATURE_1, replace="bW2YqIWqcRB/lKB00LqRlWERT5JlJyBDuiOCmdbyO3Bg==",
            by="bW2YqIWqcRB/lKB00LqRlWERT5JlJyBDuiOCmdbyO3Bh=="))
PLAN_SIGNATURE_UNREGISTERED_KEY = Code(
    "plan.signature.unregistered-key", E, "A signature's key is not registered for its party",
    "A signature counts only when its key is registered in afspraken/parties/ for a "
    "representative of the party that signs.",
    "Register the key for the representative, or sign with a registered key.",
    Example(PARTY, replace="      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXWjaVJu",
            by="      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRrgCOwBiQHAVXjpWBmMpt0/YSHaTeCx"
            "ETtVzSI6om8 x\n      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIlXWjaVJu"))
PLAN_SIGNATURE_NOT_AUTHORISED = Code(
    "plan.signature.not-authorised", E, "The signer was not authorised on the day of signing",
    "A representative signs for a party only between `valid_from` and `valid_until` in the "
    "register.",
    "Have a representative who is authorised now sign again.",
    Example(PARTY, replace="    valid_from: 2024-01-01", by="    valid_from: 2026-05-01"))
PLAN_SIGNATURE_STALE = Code(
    "plan.signature.stale", E, "The plan changed after it was signed",
    "A signature covers the plan's exact content; a change to the plan or a party's part "
    "makes every earlier signature stale. While the release is a draft, this is a warning.",
    "Sign the changed plan again: `eta plan sign RELEASE --party PARTY`.",
    Example(PLAN_1, replace="Ketentest met alle deelnemers afgerond",
            by="Ketentest met alle deelnemers afgerond en gerapporteerd"))
PLAN_SIGNATURE_FUTURE = Code(
    "plan.signature.future", E, "A signature is dated in the future",
    "A signature's time is attested by git and the moment of the check; one dated after "
    "the moment of the check cannot be.",
    "Sign again: `eta plan sign RELEASE --party PARTY`.",
    Example(SIGNATURE_2, action="sign", by="kenniskaart-lvisser",
            at="2099-01-01T10:00:00+01:00"))
PLAN_SIGNATURE_BEFORE_DECISION = Code(
    "plan.signature.before-decision", E, "A signature is dated before the release's decision",
    "A plan is signed after the Tactisch Beraad decided on the release.",
    "Sign again: `eta plan sign RELEASE --party PARTY`.",
    Example(RELEASE_1, replace="decided_on: 2026-03-10", by="decided_on: 2026-04-20"))
PLAN_SIGNATURE_BEFORE_CHANGE = Code(
    "plan.signature.before-change", E, "A signature is dated before the content it signs",
    "git shows when the plan took the content a signature covers; a signature dated "
    "before that moment was not made on that content.",
    "Sign again: `eta plan sign RELEASE --party PARTY`.",
    Example(SIGNATURE_2, action="sign", by="kenniskaart-lvisser",
            at="2026-11-20T10:00:00+01:00", base=True, before=(Change(
                PLAN_2, replace="title: Toetsingskader vastgesteld",
                by="title: Toetsingskader vastgesteld en gepubliceerd"),)))
# --- The change since a base (--base) -------------------------------------------------

BASE_RECORD_DELETED = Code(
    "base.record.deleted", E, "A record was deleted",
    "Records are never deleted: an incident is closed, a release evaluated, and the record "
    "stays.",
    "Bring it back with `git restore --source=BASE -- FILE`.",
    Example(INCIDENT, action="delete", base=True))
BASE_RECORD_RENAMED = Code(
    "base.record.renamed", E, "A record's file was renamed",
    "A record's file keeps its name: its name is its id, which others refer to.",
    "Move it back.",
    Example(INCIDENT, by="incidents/2026-11-16-q738dr.yaml", action="rename", base=True))
BASE_RECORD_ID_CHANGED = Code(
    "base.record.id-changed", E, "A record's id changed",
    "A record's `id` (a plan's `release`, a part's `party`) never changes.",
    "Set it back.",
    Example("releases/R2026-03/parties/logius.yaml", replace="party: logius",
            by="party: grensweg", base=True))
BASE_SIGNATURE_REMOVED = Code(
    "base.signature.removed", E, "A valid signature was removed",
    "A signature that still matches the plan is never withdrawn by deleting it.",
    "Bring it back with `git restore --source=BASE -- FILE`.",
    Example(SIGNATURE_1, action="delete", base=True))
BASE_SIGNATURE_ALTERED = Code(
    "base.signature.altered", E, "A signature was altered",
    "Signatures are only added, never changed; a stale one may be replaced by signing "
    "again.",
    "Bring it back with `git restore --source=BASE -- FILE`.",
    Example(SIGNATURE_1, replace="representative: mvanderberg",
            by="representative: rjansen", base=True))
BASE_SIGNATURE_UNREGISTERED = Code(
    "base.signature.unregistered", E, "A new signature by a key the base's register lacks",
    "A signature a change adds is checked against the register at the base: a "
    "representative or key added in the same change cannot sign in it.",
    "Register the representative or key in a change of its own first; once that is "
    "merged, sign.",
    Example(SIGNATURE_2, action="sign", by="grensweg-kbos",
            at="2026-11-24T12:00:00+01:00", base=True))
BASE_SIGNATURE_BACKDATED = Code(
    "base.signature.backdated", E, "A new signature is dated before its change",
    "A signature a change adds is dated no earlier than the base commit's time less the "
    "grace period (`backdating_grace_days`).",
    "Sign again: `eta plan sign RELEASE --party PARTY`.",
    Example(SIGNATURE_2, action="sign", by="kenniskaart-lvisser",
            at="2026-11-01T10:00:00+01:00", base=True))
BASE_SIGNATURE_NOT_AUTHORISED_AT_BASE = Code(
    "base.signature.not-authorised-at-base", E, "A new signature by a representative not "
    "authorised at the base",
    "The representative who signs in a change is authorised on the day of the commit the "
    "change starts from.",
    "Have a representative authorised on that day sign.",
    Example(SIGNATURE_2, action="sign", by="kenniskaart-lvisser",
            at="2026-11-19T10:00:00+01:00", base=True, before=(Change(
                "afspraken/parties/kenniskaart.yaml", replace="valid_from: 2023-05-15\n",
                by="valid_from: 2023-05-15\n    valid_until: 2026-11-20\n"),)))
BASE_TIMELINE_REWRITTEN = Code(
    "base.timeline.rewritten", E, "An incident's timeline was rewritten",
    "The timeline is only appended to: an entry is never changed or removed.",
    "Restore the entry as it was, and append a new entry that corrects it.",
    Example(INCIDENT, replace="Status new -> in_progress.", by="Status new -> resolved.",
            base=True))
BASE_CLASSIFICATIONS_REWRITTEN = Code(
    "base.classifications.rewritten", E, "An incident's classifications were rewritten",
    "Classifications are only appended: a classification is never changed or removed; a "
    "new one corrects it.",
    "Restore the classification as it was, and append a new one.",
    Example(INCIDENT, replace="    criteria: [C2, C4]", by="    criteria: [C2]", base=True))
BASE_REOPENINGS_REWRITTEN = Code(
    "base.reopenings.rewritten", E, "A record's reopens were rewritten",
    "The reopens of an incident or a release are only appended.",
    "Restore the reopen as it was.",
    Example(CLOSED_INCIDENT, replace="reason: Heropend voor de evaluatie.",
            by="reason: Heropend.", base=True, before=(Change(
                CLOSED_INCIDENT, replace="\nresolution: ",
                by="\nreopenings:\n  - at: 2026-11-10T10:00:00+01:00\n"
                "    by: Sanne Verbeek <s.verbeek@beheer.example.nl>\n"
                "    reason: Heropend voor de evaluatie.\nresolution: "),)))
BASE_CORRECTIONS_REWRITTEN = Code(
    "base.corrections.rewritten", E, "An incident's corrections were rewritten",
    "The corrections of an incident's recorded notifications and outages are only "
    "appended: each keeps what a field held before it was corrected, and why.",
    "Restore the correction as it was.",
    Example(INCIDENT, replace="reason: Tijd van het telefoongesprek verbeterd.",
            by="reason: Verbeterd.", base=True, before=(Change(
                INCIDENT, replace="\nfacts:\n", by="\ncorrections:\n"
                "  - at: 2026-11-16T10:00:00+01:00\n"
                "    by: Sanne Verbeek <s.verbeek@beheer.example.nl>\n"
                "    field: times.phoned\n    was: '2026-11-16T09:35:00+01:00'\n"
                "    reason: Tijd van het telefoongesprek verbeterd.\nfacts:\n"),)))
BASE_FACT_UNCORRECTED = Code(
    "base.fact.uncorrected", E,
    "A recorded notification or outage was changed without a correction",
    "A notification's time, reference and reason, the fields that hold a stage's "
    "notification (`times.phoned`, the data breach's notification) and an outage's party, "
    "role, state, start and end are facts once recorded. A change may fill in one that was "
    "empty; it may change one only by appending to `corrections`, in the same change, the "
    "field, the value it had, who changed it, when and why, and it never removes one.",
    "Restore the value, or correct it with `eta incident update ID ... --reason TEXT`, which "
    "appends the correction.",
    Example(INCIDENT, replace="  phoned: 2026-11-16T09:40:00+01:00\n",
            by="  phoned: 2026-11-16T09:45:00+01:00\n", base=True))
BASE_RECORDED_AT_MISSING = Code(
    "base.recorded-at.missing", E, "An appended entry does not say when it was written down",
    "What a change appends to a timeline or the classifications carries `recorded_at`, the "
    "moment it was written down; eta's commands write it.",
    "Add `recorded_at`, the moment it was written.",
    Example(INCIDENT, replace="daarna volgt de definitieve classificatie.\n",
            by="daarna volgt de definitieve classificatie.\n"
            "  - at: 2026-11-18T11:00:00+01:00\n    by: Sanne Verbeek\n    text: Bijgewerkt.\n",
            base=True))
BASE_RECORDED_AT_UNATTESTED = Code(
    "base.recorded-at.unattested", E, "An appended entry is dated before its change",
    "The time something was written down is no earlier than the base commit's time less "
    "the grace period (`backdating_grace_days`).",
    "Log what happened earlier with that time as `at`, and the time of writing as "
    "`recorded_at`.",
    Example(INCIDENT, replace="daarna volgt de definitieve classificatie.\n",
            by="daarna volgt de definitieve classificatie.\n"
            "  - at: 2026-11-18T11:00:00+01:00\n    recorded_at: 2026-11-01T11:00:00+01:00\n"
            "    by: Sanne Verbeek\n    text: Bijgewerkt.\n", base=True))
BASE_CLASSIFICATION_NO_REASON = Code(
    "base.classification.no-reason", E, "A changed class without a reason",
    "A new classification that changes the incident's class gives a `reason`.",
    "Give the classification a `reason`.",
    Example(INCIDENT, replace=LAST_CLASSIFIED, by=reclassified("crisis", "[K1]"), base=True))
BASE_CLASSIFICATION_UNKNOWN_CRITERION = Code(
    "base.classification.unknown-criterion", E, "A classification cites a criterion the base "
    "lacks",
    "A classification is judged by the criteria at the base; criteria changed in a change "
    "apply from the next one.",
    "Cite criteria of the base, or change the criteria in a change of their own first.",
    Example(INCIDENT, replace=LAST_CLASSIFIED, by=reclassified("calamiteit", "[C2, C9]"),
            base=True))
BASE_INCIDENT_CLOSED_EDITED = Code(
    "base.incident.closed-edited", E, "A closed incident was edited without being reopened",
    "A closed incident changes only after a recorded reopen, which says who reopened it, "
    "when and why.",
    "Reopen it with `eta incident update ID --status in_progress --reason TEXT`.",
    Example(CLOSED_INCIDENT, replace="title: Machtigingenregister",
            by="title: Het machtigingenregister", base=True))
BASE_RELEASE_EVALUATED_EDITED = Code(
    "base.release.evaluated-edited", E, "An evaluated release was edited without being reopened",
    "An evaluated release and its files change only after a recorded reopen.",
    "Reopen it with `eta release reopen RELEASE --reason TEXT`.",
    Example(RELEASE_1, replace="  summary: Nieuwsbrief", by="  summary: Een nieuwsbrief",
            base=True, before=(
                Change(RELEASE_1, replace="status: in_realisation", by="status: evaluated"),
                Change(RELEASE_1, replace="rollout:\n  planned_on: 2027-03-31",
                       by="rollout:\n  planned_on: 2026-09-01\n  completed_on: 2026-09-01\n"
                       "evaluation:\n  held_on: 2026-10-01\n  participants: [logius]"))))
BASE_STATUS_ILLEGAL_MOVE = Code(
    "base.status.illegal-move", E, "A status moved against its lifecycle",
    "Statuses of incidents and releases move along one lifecycle; the change makes a move "
    "no path of it allows.",
    "Set the status back, or move it on by the lifecycle.",
    Example(RELEASE_1, replace="status: in_realisation", by="status: draft", base=True))
BASE_RELEASE_CHAIN_DEPENDENCIES_CHANGED = Code(
    "base.release.chain-dependencies-changed", E, "Whether a release needs a plan changed "
    "after it came in force",
    "Whether a release needs a plan signed by every party is agreed, and does not change "
    "once it is in force.",
    "Set `chain_dependencies` back.",
    Example(RELEASE_1, replace="chain_dependencies: true", by="chain_dependencies: false",
            base=True))

# --- Report templates -----------------------------------------------------------------

TEMPLATE_SYNTAX = Code(
    "template.syntax", E, "A report template that cannot be used",
    "A template in `templates/` replaces eta's own of that name in every report it makes. "
    "One that is not valid Jinja, or that includes, imports or extends a template that "
    "exists nowhere, stops those reports; `eta check` finds it before a report is made.",
    "Correct the template at the line given, or remove it to use eta's own again.",
    Example("templates/plan.md.j2", by="# {{ release.title }\n", action="write"))
TEMPLATE_UNKNOWN = Code(
    "template.unknown", W, "A template eta makes no report from",
    "eta looks in `templates/` for the templates of its reports and partials by name "
    "(`plan.md.j2`, `_audittrail.md.j2`, ...); a template of another name is never used, "
    "unless another template includes it, as a partial whose name starts with `_`.",
    "Name it after the template it replaces (templates/README.md lists them), or remove it.",
    Example("templates/plann.md.j2", by="# Plan\n", action="write"))

#: Every code, by its name.
CATALOGUE: dict[str, Code] = {
    entry.code: entry for entry in globals().copy().values() if isinstance(entry, Code)
}


class UnknownCode(KeyError):
    """A code the catalogue lacks; its message suggests the closest one."""

    def __str__(self) -> str:
        name = str(self.args[0])
        hint = did_you_mean(name, CATALOGUE)
        return f"unknown code `{name}`" + (f" ({hint})" if hint else "")


def code_named(name: str) -> Code:
    """The entry of the code `name`; UnknownCode where the catalogue lacks it."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownCode(name) from None


# --- How the catalogue is shown: `eta rules`, docs/rules.md and SARIF's rule metadata ------

#: A step of an example: its sentences, each with the YAML it shows (or None).
Step = list[tuple[str, str | None]]


def _steps(example: Example) -> list[Step]:
    """The example as the steps a user takes."""
    steps: list[Step] = []
    if example.base:
        steps += [_step(change) for change in example.before]
        steps.append([("Commit the records: this is the base.", None)])
    steps += [_step(change) for change in example.changes]
    check = "eta check"
    if example.today:
        check += f" --today {example.today}"
    if example.base:
        steps.append([("Commit the change.", None)])
        check += " --base HEAD~1"
    steps.append([(f"Run `{check}`.", None)])
    return steps


def _step(change: Change) -> Step:
    where = f"`{change.file}`"
    if change.action == "edit":
        if not change.by:
            return [(f"In {where}, remove:", change.replace)]
        return [(f"In {where}, replace:", change.replace), ("by:", change.by)]
    sentences = {
        "write": (f"Write {where}:", change.by),
        "delete": (f"Delete {where}.", None),
        "rename": (f"Rename {where} to `{change.by}`.", None),
        "symlink": (f"Make {where} a symbolic link to `{change.by}`.", None),
        "fifo": (f"Make {where} a FIFO (`mkfifo {change.file}`).", None),
        "submodule": (f"Add a git submodule at {where}.", None),
        "grow": (f"Write {where} larger than 1 MiB.", None),
        "unreadable": (f"Make {where} unreadable to the user who runs eta "
                       f"(`chmod 000 {change.file}`; root reads it anyway).", None),
        "sign": (f"Sign the plan into {where} with the example key `tests/example-keys/"
                 f"{change.by}`, dated {change.at}.", None),
    }
    return [sentences[change.action]]


def _shown(text: str) -> list[str]:
    """The lines of YAML an example shows, control characters escaped."""
    return for_text_block(text.removesuffix("\n")).split("\n")


def as_text(entry: Code) -> str:
    """`eta rules CODE`: the entry for a terminal."""
    lines = [f"{entry.code} ({entry.severity})", "", entry.title, "", entry.explanation, "",
             f"Fix: {entry.fix}", "", "Example, starting from eta's example records:"]
    for number, step in enumerate(_steps(entry.example), start=1):
        for index, (sentence, shown) in enumerate(step):
            lines.append(f"  {number}. {sentence}" if index == 0 else f"     {sentence}")
            lines += [f"       {line}" for line in _shown(shown or "")] if shown else []
    return "\n".join(lines) + "\n"


def as_markdown(entry: Code, heading: str = "##") -> str:
    """The entry in Markdown, as docs/rules.md and SARIF's help show it."""
    lines = [f"{heading} {entry.code}", "", f"**{entry.title}** ({entry.severity})", "",
             entry.explanation, "", f"**Fix:** {entry.fix}", "",
             "**Example**, starting from eta's example records:", ""]
    for number, step in enumerate(_steps(entry.example), start=1):
        for index, (sentence, shown) in enumerate(step):
            lines.append(f"{number}. {sentence}" if index == 0 else f"   {sentence}")
            if shown:
                fence = "~~~~" if "~~~" in shown else "~~~"
                lines += ["", f"   {fence}yaml", *[f"   {line}" for line in _shown(shown)],
                          f"   {fence}", ""]
    if lines[-1] != "":
        lines.append("")
    return "\n".join(lines)


def as_help_text(entry: Code) -> str:
    """SARIF's plain-text help of the entry."""
    return f"{entry.explanation}\n\nFix: {entry.fix}"


def catalogue_markdown() -> str:
    """docs/rules.md: every code, in the order of the catalogue."""
    head = ["# The diagnostic codes of eta", "",
            "Every finding of `eta check` carries one of these codes. `eta rules` lists them, "
            "`eta rules CODE` explains one. This file is generated by "
            "`eta rules --format markdown`; a test keeps it in sync.", "",
            "| Code | Severity | Title |", "|---|---|---|"]
    head += [f"| [`{e.code}`](#{e.anchor}) | {e.severity} | {e.title} |"
             for e in CATALOGUE.values()]
    return "\n".join(head) + "\n\n" + "\n".join(as_markdown(e) for e in CATALOGUE.values())


def as_entry(entry: Code) -> RuleEntry:
    """The entry as `eta rules --format json` prints it."""
    example = entry.example
    shown: ExampleEntry = {
        "steps": [{"text": sentence, "yaml": yaml}
                  for step in _steps(example) for sentence, yaml in step],
        "base": example.base, "today": example.today}
    return {"code": entry.code, "severity": entry.severity.label, "title": entry.title,
            "explanation": entry.explanation, "fix": entry.fix, "example": shown,
            "help_uri": entry.help_uri}


def entries(codes: Iterable[Code]) -> list[RuleEntry]:
    return [as_entry(entry) for entry in codes]
