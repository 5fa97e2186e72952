"""The result types of `eta check` and what its rules are given: a leaf, importing nothing of
eta's at run time but the diagnostics.

A rule is a plain function of one of three shapes, by what it judges: one record with the
agreements (`RecordRule`), the records of one unit with the agreements (`UnitRule`; a
release folder: its plan, its parties' files and signatures), or every record of the
repository as an `Entry` (`IndexRule`). The rules about the change since a base are given a
`eta.check.change.Comparison`. Each shape is one unit of the cache: a unit's findings are
kept by its files' contents, the repository's are found again from the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from eta.diagnostics import Diagnostic

if TYPE_CHECKING:
    from eta.models.agreements import Criteria, ServiceLevels
    from eta.models.duties import ReportingDuties
    from eta.models.party import Party
    from eta.plans.timing import SigningEvidence
    from eta.records.layout import KnownIds
    from eta.records.read import Loaded, Reference


@dataclass(frozen=True, slots=True)
class Context:
    """What every record is checked against: the agreements, the day it is, and what a
    signature's time is judged by: the moment of the check and git's history up to the
    commit the working tree is on."""

    today: dt.date
    parties: dict[str, Party]
    service_levels: ServiceLevels | None
    criteria: Criteria | None
    #: What the signatures of a plan are dated by, where releases are checked: the moment
    #: of the check, and git's history, which it reads only once a plan's signatures ask.
    evidence: SigningEvidence | None
    #: The moment deadlines are judged at, when one was given (`--now`); otherwise the
    #: start of `today`, so that a check gives the same findings at any hour of the day.
    moment: dt.datetime | None = None
    #: The reporting duties of afspraken/reporting-duties.yaml, or eta's default ones
    #: without the file; None where the file is not a valid record.
    duties: ReportingDuties | None = None


@dataclass(slots=True)
class RecordSet:
    """The records of one unit with the agreements, for the rules across records.

    A release folder is given whole, however few of its files are checked: `records` holds
    every record of it that loaded, `unloaded` names those of its files that did not (their
    errors are reported where they are checked).
    """

    context: Context
    records: list[Loaded]
    unloaded: list[str] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.context.today

    def of(self, kind: str) -> list[Loaded]:
        return [loaded for loaded in self.records if loaded.kind.name == kind]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the rules across the whole repository need of one record."""

    kind: str
    file: str
    id: str | None
    id_line: int
    id_column: int
    references: tuple[Reference, ...]
    #: An incident's outages (party, role, state, start, end or None) as availability
    #: counts them (`Incident.measured_outages`), times in ISO 8601: what the availability
    #: of a month is measured by, across every incident.
    outages: tuple[tuple[str, str, str, str, str | None], ...] = ()

    @classmethod
    def of(cls, loaded: Loaded) -> Entry:
        pos = loaded.position("id")
        from eta.models.incident import Incident

        record = loaded.record
        measured = record.measured_outages() if isinstance(record, Incident) else []
        outages = tuple(
            (o.party, str(o.role), str(o.state), start.isoformat(),
             None if end is None else end.isoformat())
            for o, start, end in measured)
        return cls(loaded.kind.name, loaded.file, loaded.id, pos.line, pos.column,
                   tuple(loaded.references), outages)


@dataclass(slots=True)
class Index:
    """Every record of the repository as an entry, with the agreements in full."""

    context: Context
    agreements: list[Loaded]
    entries: list[Entry]
    known_ids: KnownIds
    #: The names of the files in afspraken/, those that did not load too.
    agreement_files: frozenset[str]

    def of(self, kind: str) -> list[Loaded]:
        return [loaded for loaded in self.agreements if loaded.kind.name == kind]


#: A rule about one record, given the agreements.
RecordRule: TypeAlias = "Callable[[Loaded, Context], Iterable[Diagnostic]]"
#: A rule across the records of one unit (a release folder, say).
UnitRule = Callable[[RecordSet], Iterable[Diagnostic]]
#: A rule across the whole repository.
IndexRule = Callable[[Index], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int


@dataclass(slots=True)
class UnitResult:
    diagnostics: list[Diagnostic]
    entries: list[Entry]
