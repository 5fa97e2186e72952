"""The shape of every JSON document eta prints: one TypedDict each, the single description.

The builders of the documents are typed against these, and `eta.contracts.schemas`
generates their JSON Schemas from them. Parts that are a record model as pydantic dumps it
take the model's own serialization schema. Imported for typing and to generate schemas,
never on a command's way.
"""

from enum import StrEnum
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, WithJsonSchema, with_config

# pydantic reads TypedDicts from typing_extensions before Python 3.12.
from typing_extensions import TypedDict

from eta.models.common import Record, RecordSchema
from eta.models.incident import Incident
from eta.models.party import Contact
from eta.models.release import Deadline, ImpactAnalysis, Measure, Milestone, Planning, Release
from eta.vocabulary import IncidentClass, ReleaseStatus, Role, Verdict

STRICT = ConfigDict(extra="forbid")
SeverityName = Literal["error", "warning"]
#: A moment as ISO 8601 with its UTC offset, or a calendar date as YYYY-MM-DD.
Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
MomentOrDay = Annotated[str, Field(
    json_schema_extra={"anyOf": [{"format": "date-time"}, {"format": "date"}]})]


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$defs` written out where they are referred to."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def dumped(model: type[Record], **added: dict[str, Any]) -> WithJsonSchema:
    """The schema of `model.model_dump(mode="json")`, with the keys `added` put beside it."""
    schema = _inlined(model.model_json_schema(mode="serialization", schema_generator=RecordSchema))
    schema.pop("title", None)
    schema.pop("description", None)
    schema["properties"] = {**schema["properties"], **added}
    schema["required"] = [*schema.get("required", []), *added]
    return WithJsonSchema(schema)


def one_of(values: type[StrEnum]) -> WithJsonSchema:
    """For text that is one of the values of `values`: the schema names them, while the code
    that builds the document gives `str`."""
    return WithJsonSchema({"type": "string", "enum": [str(value) for value in values]})


OVERDUE = {"type": "boolean", "description": "Whether it is past its date and not done."}


# `eta check --format json`

@with_config(STRICT)
class ToolInfo(TypedDict):
    name: Literal["eta"]
    version: str


@with_config(STRICT)
class Counts(TypedDict):
    errors: int
    warnings: int


@with_config(STRICT)
class DiagnosticEntry(TypedDict):
    """One finding: the file relative to the repository root, 1-based line and column (0:
    the file as a whole), and its code in the catalogue (`eta rules CODE`)."""

    file: str
    line: int
    column: int
    severity: SeverityName
    code: str
    message: str
    hint: str | None


@with_config(STRICT)
class CheckDocument(TypedDict):
    version: int
    tool: ToolInfo
    files: int
    summary: Counts
    diagnostics: list[DiagnosticEntry]


# `eta plan status RELEASE --format json`

@with_config(STRICT)
class SignatureStatus(TypedDict):
    state: str
    reason: str | None
    representative: str | None
    signed_at: Moment | None
    key: str | None


@with_config(STRICT)
class PartyStatus(TypedDict):
    party: str
    name: str | None
    contact: Annotated[dict[str, Any], dumped(Contact)] | None
    impact_analysis: Annotated[dict[str, Any], dumped(ImpactAnalysis)] | None
    planning: Annotated[dict[str, Any], dumped(Planning)] | None
    measures: list[Annotated[dict[str, Any], dumped(Measure, overdue=OVERDUE)]]
    joined_on: Day | None
    lacks: list[str]
    signature: SignatureStatus


@with_config(STRICT)
class PlanStatus(TypedDict):
    digest: str | None
    in_force: bool
    not_in_force_because: list[str]
    lacks: list[str]
    parties: list[PartyStatus]
    milestones: list[Annotated[dict[str, Any], dumped(Milestone, overdue=OVERDUE)]]
    deadlines: list[Annotated[dict[str, Any], dumped(Deadline)]]
    signatures_of_other_parties: list[str]


@with_config(STRICT)
class OverdueItem(TypedDict):
    kind: str
    id: str
    party: str | None
    what: str
    due: Day


@with_config(STRICT)
class NextStatus(TypedDict):
    status: str
    blocked_by: list[str]


@with_config(STRICT)
class PlanStatusDocument(TypedDict):
    version: int
    release: str
    title: str
    status: str
    framework_version: str | None
    today: Day
    plan: PlanStatus | None
    overdue: list[OverdueItem]
    next: NextStatus | None


# `eta history RECORD --format json`

@with_config(STRICT)
class FieldChangeEntry(TypedDict):
    change: Literal["added", "removed", "changed"]
    path: str
    old: NotRequired[Any]
    new: NotRequired[Any]


@with_config(STRICT)
class Author(TypedDict):
    name: str
    email: str


@with_config(STRICT)
class CommitSignature(TypedDict):
    status: str
    meaning: str


@with_config(STRICT)
class VersionEntry(TypedDict):
    commit: str
    date: Moment
    author: Author
    subject: str
    signature: CommitSignature
    path: str
    previous_path: str | None
    event: str
    problem: str | None
    changes: list[FieldChangeEntry]


@with_config(STRICT)
class HistoryDocument(TypedDict):
    version: int
    record: str
    versions: list[VersionEntry]


# `eta agenda --format json`

@with_config(STRICT)
class AgendaEntry(TypedDict):
    id: str
    uid: str
    kind: str
    due: MomentOrDay
    all_day: bool
    overdue: bool
    what: str
    record: str
    file: str
    parties: list[str]


@with_config(STRICT)
class AgendaDocument(TypedDict):
    version: int
    today: Day
    now: Moment
    timezone: str
    party: str | None
    days: int
    until: Day
    items: list[AgendaEntry]


# `eta incident list --format json`

@with_config(STRICT)
class IncidentFinding(TypedDict):
    severity: SeverityName
    code: str
    message: str


# `class` is a Python keyword: the functional form names the key as it is printed.
IncidentEntry = TypedDict("IncidentEntry", {
    "id": str,
    "title": str,
    "type": str,
    "status": str,
    "priority": str,
    "class": str | None,
    "criteria": list[str],
    "reporter": str,
    "affected": list[str],
    "detected": Moment,
    "response_due": Moment | None,
    "findings": list[IncidentFinding],
})
IncidentEntry.__pydantic_config__ = STRICT  # type: ignore[attr-defined]


@with_config(STRICT)
class IncidentListDocument(TypedDict):
    version: int
    now: Moment
    incidents: list[IncidentEntry]


# `eta rules --format json`

@with_config(STRICT)
class ExampleStep(TypedDict):
    """One step of an example: a sentence, and the YAML it writes (or null)."""

    text: str
    yaml: str | None


@with_config(STRICT)
class ExampleEntry(TypedDict):
    """How to make eta's example records give the code."""

    steps: list[ExampleStep]
    base: bool
    today: Day | None


@with_config(STRICT)
class RuleEntry(TypedDict):
    code: str
    severity: SeverityName
    title: str
    explanation: str
    fix: str
    example: ExampleEntry
    help_uri: str


@with_config(STRICT)
class RulesDocument(TypedDict):
    version: int
    rules: list[RuleEntry]


# `eta report availability --month YYYY-MM --format json`

@with_config(STRICT)
class AvailabilityFigure(TypedDict):
    """One party in one role (or, without them, the system) over the month: the share of
    the availability window it was available, cut (never rounded up) to three decimals;
    `met` is judged on the exact share."""

    party: NotRequired[str]
    role: NotRequired[str]
    available_percent: float
    target_percent: float
    met: bool
    unavailable_seconds: int
    degraded_seconds: int
    incidents: list[str]


@with_config(STRICT)
class AvailabilityFigures(TypedDict):
    month: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]
    timezone: str
    start: Moment
    end: Moment
    now: Moment
    closed: bool
    window_seconds: int
    system_rule: str
    degraded_counts_percent: float
    roles: list[AvailabilityFigure]
    system: AvailabilityFigure
    #: The files under incidents/ left out of the figures, which are not valid incidents.
    invalid_incidents: list[str]


@with_config(STRICT)
class AvailabilityDocument(AvailabilityFigures):
    version: int


# `eta report month --month YYYY-MM --format json`

@with_config(STRICT)
class IncidentCount(TypedDict):
    """The incidents of one type, in all and by the class of their last classification."""

    type: str
    total: int
    classes: dict[str, int]
    unclassified: int


@with_config(STRICT)
class ResponseEntry(TypedDict):
    incident: str
    priority: str
    deadline: Moment
    resolved: Moment
    met: bool


@with_config(STRICT)
class DutyEntry(TypedDict):
    """A stage of a reporting duty whose deadline lies in the month."""

    incident: str
    duty: str
    stage: str
    recipient: str
    due: Moment
    notified_at: Moment | None
    met: bool | None
    overdue: bool


@with_config(STRICT)
class StatusCount(TypedDict):
    status: str
    count: int


@with_config(STRICT)
class MonthOverdueItem(OverdueItem):
    release: str


@with_config(STRICT)
class MonthDocument(TypedDict):
    version: int
    month: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]
    timezone: str
    now: Moment
    closed: bool
    opened: list[IncidentCount]
    opened_ids: list[str]
    resolved: list[IncidentCount]
    resolved_ids: list[str]
    responses: list[ResponseEntry]
    duties: list[DutyEntry]
    availability: AvailabilityFigures
    releases_by_status: list[StatusCount]
    overdue: list[MonthOverdueItem]


# `eta incident show ID --format json`

@with_config(STRICT)
class IncidentShowDocument(IncidentEntry):
    """The incident as `eta incident list` shows it, with its whole record beside it."""

    version: int
    now: Moment
    record: Annotated[dict[str, Any], dumped(Incident)]


# `eta incident new --format json`

@with_config(STRICT)
class IncidentNewDocument(TypedDict):
    """The incident recorded: its id, its file relative to the repository root, and when it
    was detected and reported."""

    version: int
    id: str
    path: str
    detected: Moment
    reported: Moment


# `eta incident classify ID --format json`

#: A criterion's verdict: what the facts recorded say of it.
VerdictName = Annotated[str, one_of(Verdict)]
ClassName = Annotated[str, one_of(IncidentClass)]


@with_config(STRICT)
class CriterionVerdict(TypedDict):
    """One criterion answered: `grounds` says what the verdict rests on, `needs` the record
    fields that would answer it while it is unknown."""

    id: str
    level: ClassName
    text: str
    verdict: VerdictName
    grounds: str
    needs: list[str]


RaisingClass = TypedDict("RaisingClass", {"class": ClassName, "criteria": list[str]})
RaisingClass.__pydantic_config__ = STRICT  # type: ignore[attr-defined]
RaisingClass.__doc__ = ("A class above the present one, and its unanswered criteria: any one "
                        "answered yes raises the incident to it.")


@with_config(STRICT)
class RecordedClassification(TypedDict):
    """The classification written: its number in the incident's list, the file, the reason."""

    classification: int
    path: str
    reason: str | None


Classification = TypedDict("Classification", {
    "class": ClassName,
    "criteria": list[CriterionVerdict],
    "unknown_facts": list[str],
    "could_raise": list[RaisingClass],
})
Classification.__pydantic_config__ = STRICT  # type: ignore[attr-defined]
Classification.__doc__ = ("The class, every criterion answered, the facts not yet known (as "
                          "record paths), and what could still raise the class.")


@with_config(STRICT)
class IncidentClassifyDocument(Classification):
    """The classification, and what was recorded of it: null when the class, its criteria
    and its grounds are those of the last classification, and nothing was written."""

    version: int
    id: str
    recorded: RecordedClassification | None


# `eta incident log ID MESSAGE --format json`

@with_config(STRICT)
class TimelineEntry(TypedDict):
    """An entry of the timeline: when it happened, when it was written down, by whom."""

    at: Moment
    recorded_at: Moment
    by: str
    text: str


@with_config(STRICT)
class IncidentLogDocument(TypedDict):
    version: int
    id: str
    path: str
    entry: TimelineEntry


# `eta incident update ID --format json`

@with_config(STRICT)
class IncidentUpdateDocument(TypedDict):
    """The fields the update changed (as record paths), and what it says besides."""

    version: int
    id: str
    path: str
    changed: list[str]
    notes: list[str]


# `eta release list --format json`, `eta release show RELEASE --format json`

@with_config(STRICT)
class PlanSummary(TypedDict):
    """The implementing parties, those whose signature is valid, and whether it is in force."""

    parties: list[str]
    signed_by: list[str]
    in_force: bool


@with_config(STRICT)
class ReleaseSummary(TypedDict):
    id: str
    title: str
    status: Annotated[str, one_of(ReleaseStatus)]
    framework_version: str | None
    decided_on: Day | None
    chain_dependencies: bool
    plan: PlanSummary | None


@with_config(STRICT)
class ReleaseListDocument(TypedDict):
    version: int
    today: Day
    releases: list[ReleaseSummary]


@with_config(STRICT)
class ReleaseShowDocument(TypedDict):
    """The release's record, and its plan and next step as `eta plan status` gives them."""

    version: int
    today: Day
    release: Annotated[dict[str, Any], dumped(Release)]
    plan: PlanStatus | None
    next: NextStatus | None


# `eta party list --format json`, `eta party show PARTY --format json`

@with_config(STRICT)
class KeyEntry(TypedDict):
    """A registered key: its type, its SHA256 fingerprint (null: not a key eta reads) and
    the comment of its line."""

    type: str
    fingerprint: str | None
    comment: str | None


@with_config(STRICT)
class RepresentativeEntry(TypedDict):
    """A representative, and whether they may sign on `today`."""

    id: str
    name: str
    email: str
    valid_from: Day
    valid_until: Day | None
    authorised: bool
    keys: list[KeyEntry]


@with_config(STRICT)
class PartyEntry(TypedDict):
    id: str
    name: str
    roles: list[Annotated[str, one_of(Role)]]
    deelnemer: bool
    contacts: list[Annotated[dict[str, Any], dumped(Contact)]]
    representatives: list[RepresentativeEntry]


@with_config(STRICT)
class PartyListDocument(TypedDict):
    version: int
    today: Day
    parties: list[PartyEntry]


@with_config(STRICT)
class PartyShowDocument(PartyEntry):
    version: int
    today: Day


# What every command that changes a release or its plan prints with `--format json`.

@with_config(STRICT)
class EditDocument(TypedDict):
    """What the command says it did, the files it wrote and those it removed (relative to
    the repository root), and its notes, such as the signatures that became stale."""

    version: int
    summary: str
    written: list[str]
    removed: list[str]
    notes: list[str]
