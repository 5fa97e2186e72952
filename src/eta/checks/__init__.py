"""`eta check`: every record against its model, then the process rules.

The agreements (afspraken/) load first: every other record is read in their light. Each
record then loads and meets the rules about itself alone (`RecordRule`), after which only
the records that rules across records need keep their node trees. Last come the rules
across records (`Rule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eta.diagnostics import Diagnostic
from eta.load import Loaded, load_record
from eta.models.agreements import Criteria, ServiceLevels
from eta.models.party import Party
from eta.records import kind_for
from eta.repository import record_files, relative


@dataclass(frozen=True, slots=True)
class Context:
    """What every record is checked against: the agreements, and the day it is."""

    today: dt.date
    parties: dict[str, Party]
    service_levels: ServiceLevels | None
    criteria: Criteria | None


@dataclass(slots=True)
class RecordSet:
    """The records that loaded, and the ids that exist, for the rules across records."""

    root: Path
    context: Context
    records: list[Loaded]
    known_ids: dict[str, set[str]] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.context.today

    def of(self, kind: str) -> list[Loaded]:
        return [loaded for loaded in self.records if loaded.kind.name == kind]


#: A rule about one record, given the agreements.
RecordRule = Callable[[Loaded, Context], Iterable[Diagnostic]]
#: A rule across records: it reads the whole set and yields what it finds.
Rule = Callable[[RecordSet], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int


def record_rules() -> dict[str, tuple[RecordRule, ...]]:
    """The rules about single records, by record kind."""
    from eta.checks import incidents, plans

    return {**incidents.RECORD_RULES, **plans.RECORD_RULES}


def rules() -> list[Rule]:
    """Every rule across records, in the order they run."""
    from eta.checks import agreements, incidents, plans, references

    return [*agreements.RULES, *references.RULES, *plans.RULES, *incidents.RULES]


#: Kinds whose many records would keep too much memory with their node trees.
_LET_GO_OF_TREES = frozenset({"incident"})


def run_check(root: Path, paths: Sequence[Path] = (), *, today: dt.date) -> CheckResult:
    """Check the records below `root`, or only those in `paths` (files or folders)."""
    chosen = record_files(root, paths)
    chosen_names = {relative(root, path) for path in chosen}
    agreement_files = record_files(root, [root / "afspraken"])
    diagnostics: list[Diagnostic] = []
    loaded: list[Loaded] = []
    for path in agreement_files:
        name = relative(root, path)
        result = load_record(root, path, name)
        if name in chosen_names:
            diagnostics.extend(result.diagnostics)
        if result.loaded is not None:
            loaded.append(result.loaded)
    context = _context(today, loaded)
    by_kind = record_rules()
    for path in chosen:
        name = relative(root, path)
        if name.startswith("afspraken/"):
            continue
        result = load_record(root, path, name)
        diagnostics.extend(result.diagnostics)
        if result.loaded is not None:
            for record_rule in by_kind.get(result.loaded.kind.name, ()):
                diagnostics.extend(record_rule(result.loaded, context))
            if result.loaded.kind.name in _LET_GO_OF_TREES:
                result.loaded.document = None
            loaded.append(result.loaded)
    records = RecordSet(root, context, loaded, _known_ids(root, loaded))
    for rule in rules():
        diagnostics.extend(d for d in rule(records) if not paths or d.file in chosen_names)
    return CheckResult(sorted(set(diagnostics)), len(chosen))


def _context(today: dt.date, agreements: list[Loaded]) -> Context:
    parties = {r.record.id: r.record for r in agreements if isinstance(r.record, Party)}
    levels = [r.record for r in agreements if isinstance(r.record, ServiceLevels)]
    criteria = [r.record for r in agreements if isinstance(r.record, Criteria)]
    return Context(today, parties, levels[0] if levels else None,
                   criteria[0] if criteria else None)


def _known_ids(root: Path, loaded: list[Loaded]) -> dict[str, set[str]]:
    """Ids by kind: those of the loaded records, and those the repository's paths promise."""
    known: dict[str, set[str]] = {}
    for record in loaded:
        if record.id is not None:
            known.setdefault(record.kind.name, set()).add(record.id)
    for folder in ("releases", "incidents", "afspraken"):
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*.yaml"):
            found = kind_for(Path(relative(root, path)).parts)
            if found is not None and "id" in found[1]:
                known.setdefault(found[0].name, set()).add(found[1]["id"])
    criteria = [r.record for r in loaded if isinstance(r.record, Criteria)]
    known["criterion"] = {c.id for cr in criteria for c in (*cr.calamiteit, *cr.crisis)}
    return known
