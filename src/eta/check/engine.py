"""`eta check`: every record against its model, then the process rules.

The agreements (afspraken/) load first: every other record is read in their light. The
other records are checked in units: each release folder is one unit, each other file its
own. Within a unit, each record meets the rules about itself alone (`RecordRule`), then the
unit meets the rules across its records (`Rule`; a plan and its parties' files and
signatures). What the rules across the whole repository need of a unit (its records' ids and
references) is kept as an `Entry`, so that a unit whose files did not change comes from the
cache and is not read again. Units are checked in parallel on large repositories.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import importlib
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from eta.diagnostics import Diagnostic
from eta.records.layout import covers, name_inside, record_files, record_names, relative

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.models.agreements import Criteria, ServiceLevels
    from eta.models.party import Party

    # Loaded only once a record must be read: a check whose files are all unchanged
    # answers from the cache without them.
    from eta.records.read import FileResult, Loaded, Reference


#: The time zone of records judged without service levels to name one.
DEFAULT_TIMEZONE = "Europe/Amsterdam"


def timezone_of(levels: ServiceLevels | None) -> ZoneInfo:
    """The time zone the service levels name, the default without them."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(levels.timezone if levels is not None else DEFAULT_TIMEZONE)


@dataclass(frozen=True, slots=True)
class Context:
    """What every record is checked against: the agreements, the day it is, the moment of
    the check and the commit the working tree is on (None outside git)."""

    today: dt.date
    parties: dict[str, Party]
    service_levels: ServiceLevels | None
    criteria: Criteria | None
    checked_at: dt.datetime
    head: str | None


@dataclass(slots=True)
class RecordSet:
    """The records of one unit with the agreements, for the rules across records."""

    root: Path
    context: Context
    records: list[Loaded]

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

    @classmethod
    def of(cls, loaded: Loaded) -> Entry:
        pos = loaded.position("id")
        return cls(loaded.kind.name, loaded.file, loaded.id, pos.line, pos.column,
                   tuple(loaded.references))


class KnownIds:
    """The ids of each kind that the repository's paths promise (a mismatch is its own error).

    A kind's folder is listed when a reference to that kind is first looked up: a check of a
    few files lists no folder that none of their references points into.
    """

    __slots__ = ("_criteria", "_found", "_root")

    def __init__(self, root: Path, criteria: Criteria | None) -> None:
        self._root = root
        self._criteria = criteria
        self._found: dict[str, set[str]] = {}

    def of(self, kind: str) -> set[str]:
        if kind not in self._found:
            self._found[kind] = self._list(kind)
        return self._found[kind]

    def _list(self, kind: str) -> set[str]:
        if kind == "criterion":
            criteria = self._criteria
            return set() if criteria is None else {
                c.id for c in (*criteria.calamiteit, *criteria.crisis)}
        # Only real files and folders: a record behind a link is refused, not known.
        if kind == "release":
            return {entry.name for entry in _entries(self._root, "releases")
                    if entry.is_dir(follow_symlinks=False)
                    and _is_real_file(Path(entry.path) / "release.yaml")}
        folder = {"party": "afspraken/parties", "incident": "incidents"}.get(kind)
        if folder is None:
            return set()
        return {entry.name[:-5] for entry in _entries(self._root, folder)
                if entry.name.endswith(".yaml") and entry.is_file(follow_symlinks=False)}


def _is_real_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _entries(root: Path, folder: str) -> list[os.DirEntry[str]]:
    from eta.records.files import check_real

    if check_real(root, folder) is not None:
        return []
    try:
        with os.scandir(root / folder) as entries:
            return list(entries)
    except OSError:
        return []


@dataclass(slots=True)
class Index:
    """Every record of the repository as an entry, with the agreements in full."""

    root: Path
    context: Context
    agreements: list[Loaded]
    entries: list[Entry]
    known_ids: KnownIds

    def of(self, kind: str) -> list[Loaded]:
        return [loaded for loaded in self.agreements if loaded.kind.name == kind]


#: A rule about one record, given the agreements.
RecordRule: TypeAlias = "Callable[[Loaded, Context], Iterable[Diagnostic]]"
#: A rule across the records of one unit (a release folder, say).
Rule = Callable[[RecordSet], Iterable[Diagnostic]]
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


#: The modules whose rules concern each kind of record beyond the rules for every kind;
#: imported only once a record of that kind is checked, so a warm check stays light.
_RULE_MODULES: dict[str, tuple[str, ...]] = {
    "incident": ("eta.rules.incidents",),
    **dict.fromkeys(("release", "plan", "plan-party", "signature"), ("eta.rules.plans",)),
}


#: The agreements that the rules about each kind of record read (through `Context`), beyond
#: the references the records hold: a change to one of them can change the findings of
#: every record of the kind, so `eta check --changed-only` then checks them all. A rule that
#: comes to read another agreement names it here.
AGREEMENTS_READ: dict[str, frozenset[str]] = {
    "incident": frozenset({"service-levels"}),
    **dict.fromkeys(("release", "plan", "plan-party", "signature"), frozenset({"party"})),
}


@functools.cache
def record_rules(kind: str) -> tuple[RecordRule, ...]:
    """The rules about single records of `kind`."""
    found: list[RecordRule] = []
    for module_name in ("eta.rules.references", "eta.rules.facts",
                        *_RULE_MODULES.get(kind, ())):
        module = importlib.import_module(module_name)
        found.extend(module.RECORD_RULES.get(kind, ()))
    return tuple(found)


@functools.cache
def unit_rules(kinds: frozenset[str]) -> tuple[Rule, ...]:
    """The rules across the records of a unit that holds records of `kinds`."""
    modules = dict.fromkeys(name for kind in sorted(kinds) for name in _RULE_MODULES.get(kind, ()))
    return tuple(rule for name in modules for rule in importlib.import_module(name).RULES)


def index_rules() -> list[IndexRule]:
    """The rules across the whole repository."""
    from eta.rules import agreements, references

    return [*agreements.RULES, *references.RULES]


def unit_of(name: str) -> str:
    """The unit a record file belongs to: its release folder, or the file itself."""
    parts = name.split("/")
    if parts[0] == "releases" and len(parts) > 2:
        return "/".join(parts[:2])
    return name


#: Below this many units a pool of processes costs more than it saves.
PARALLEL_FROM = 1000


def agreement_files(root: Path) -> list[Path]:
    return record_files(root, [root / "afspraken"])


def load_agreements(root: Path, paths: Sequence[Path]) -> dict[str, FileResult]:
    """The agreements at `paths` by name, each with its findings and those of its rules."""
    from eta.records.read import load_record

    found: dict[str, FileResult] = {}
    for path in paths:
        name = relative(root, path)
        result = load_record(root, path, name)
        if result.loaded is not None:
            result.diagnostics.extend(_record_rule_findings(result.loaded, None))
        found[name] = result
    return found


def run_check(
    root: Path, paths: Sequence[Path] = (), *, today: dt.date, use_cache: bool = True,
    base: str | None = None, changed_only: bool = False,
    agreements: dict[str, FileResult] | None = None,
) -> CheckResult:
    """Check the records below `root`, or only those in `paths` (files or folders).

    With `base` (a git revision), also the rules about the change since its merge base;
    with `changed_only`, only the changed records and those they refer to are checked.
    `agreements` are those of `root`, when `load_agreements` has already read them.
    A change that a killed command left half done is found too (eta.journal).
    """
    from eta.journal import interrupted_change

    result = _run_check(root, paths, today=today, use_cache=use_cache, base=base,
                        changed_only=changed_only, agreements=agreements)
    half_done = interrupted_change(root)
    if not half_done:
        return result
    return CheckResult(sorted({*result.diagnostics, *half_done}), result.files)


def _run_check(
    root: Path, paths: Sequence[Path], *, today: dt.date, use_cache: bool,
    base: str | None, changed_only: bool, agreements: dict[str, FileResult] | None,
) -> CheckResult:
    if base is not None:
        from eta.check.change import run_check_against_base

        return run_check_against_base(
            root, paths, base=base, changed_only=changed_only,
            check=lambda chosen, agreements: _run_check(
                root, chosen, today=today, use_cache=use_cache, base=None, changed_only=False,
                agreements=agreements))
    from eta.check.cache import CheckCache
    from eta.git import head_commit

    names = set(record_names(root, paths))
    agreement_paths = agreement_files(root)
    units: dict[str, list[str]] = {}
    for name in sorted(names):
        if not name.startswith("afspraken/"):
            units.setdefault(unit_of(name), []).append(name)
    # A release's signatures are dated by git's history: the commit is part of its key.
    head = head_commit(root) if any(unit.startswith("releases/") for unit in units) else None
    # A whole check whose every file is as it was needs none of them read again.
    cache = CheckCache.open(root, today, agreement_paths) if use_cache else None
    content_ids: dict[str, tuple[str, ...]] = {}
    whole_key = None
    if cache is not None:
        for unit, files in units.items():
            # The rules of a release read its whole folder, even when only some of its
            # files are checked: every file of the folder is part of the key.
            whole_folder = paths and unit != files[0]
            folder_files = record_names(root, [root / unit]) if whole_folder else files
            ids = cache.content_ids(root, folder_files)
            if unit.startswith("releases/"):
                ids += (f"commit:{head}",)
            content_ids[_cache_key(unit, files)] = ids
        if not paths:
            whole_key = cache.whole_key(content_ids)
            whole = cache.get_whole(whole_key)
            if whole is not None:
                cache.save()
                return CheckResult(whole, len(names))

    if agreements is None:
        agreements = load_agreements(root, agreement_paths)
    diagnostics = [d for name, result in agreements.items() if name in names
                   for d in result.diagnostics]
    agreed = [result.loaded for result in agreements.values() if result.loaded is not None]
    context = _context(today, agreed, head)
    results: dict[str, UnitResult] = {}
    if cache is not None:
        for unit, files in units.items():
            cached = cache.get(_cache_key(unit, files), content_ids[_cache_key(unit, files)])
            if cached is not None:
                results[unit] = cached
    to_check = [unit for unit in units if unit not in results]
    fresh = _check_units(root, [(unit, units[unit]) for unit in to_check], agreed, context)
    for unit, unit_result in zip(to_check, fresh, strict=True):
        results[unit] = unit_result
        if cache is not None and not _time_may_resolve(unit_result.diagnostics):
            key = _cache_key(unit, units[unit])
            cache.put(key, content_ids[key], unit_result)
    entries = [Entry.of(loaded) for loaded in agreed]
    for unit_result in results.values():
        diagnostics.extend(unit_result.diagnostics)
        entries.extend(unit_result.entries)
    index = Index(root, context, agreed, entries, KnownIds(root, context.criteria))
    # A check of some paths reports what the rules across the repository find in them, a
    # file that is missing (the agreements) or a folder (the register) included.
    scope = [name_inside(root, Path(p)) for p in paths] or ["."]
    for rule in index_rules():
        diagnostics.extend(d for d in rule(index) if covers(d.file, scope))
    found = sorted(set(diagnostics))
    if cache is not None:
        if whole_key is not None and not _time_may_resolve(found):
            cache.put_whole(whole_key, found)
        cache.save()
    return CheckResult(found, len(names))


#: Findings that the passing of time alone can resolve: never kept in the cache.
_RESOLVED_BY_TIME = frozenset({"plan.signature.future"})


def _time_may_resolve(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.code in _RESOLVED_BY_TIME for d in diagnostics)


def _cache_key(unit: str, files: list[str]) -> str:
    """A unit's findings are kept apart for each choice of its files that was checked."""
    return unit if files == [unit] else "\0".join([unit, *files])


# The state a forked worker inherits; set just before the pool starts.
_shared: tuple[Path, list[Loaded], Context] | None = None


def _check_units(
    root: Path,
    units: list[tuple[str, list[str]]],
    agreements: list[Loaded],
    context: Context,
) -> list[UnitResult]:
    global _shared
    _shared = (root, agreements, context)
    file_lists = [files for _, files in units]
    # Bulk loading makes many objects that live to the end; collecting them is wasted work.
    gc.disable()
    try:
        if len(units) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and _can_fork():
            import multiprocessing

            workers = min(os.cpu_count() or 1, 4)
            chunk = max(1, len(units) // (workers * 8))
            from eta.interrupts import held_back, left_to_parent

            # The pool's threads start with the stopping signals blocked, so the kernel
            # hands Ctrl-C to the main thread: one delivered to a pool thread would leave
            # the main thread waiting on the pool for ever; it ends the workers itself.
            with held_back():
                pool = multiprocessing.get_context("fork").Pool(
                    workers, initializer=left_to_parent)
            with pool:
                return pool.map(_check_unit_in_worker, file_lists, chunksize=chunk)
        return [check_unit(root, files, agreements, context) for files in file_lists]
    finally:
        gc.enable()
        _shared = None


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _check_unit_in_worker(files: list[str]) -> UnitResult:
    assert _shared is not None
    root, agreements, context = _shared
    return check_unit(root, files, agreements, context)


def check_unit(
    root: Path,
    files: list[str],
    agreements: list[Loaded],
    context: Context,
) -> UnitResult:
    """Load and check the record files of one unit."""
    from eta.records.read import load_record

    diagnostics: list[Diagnostic] = []
    loaded: list[Loaded] = []
    for name in files:
        result = load_record(root, root / name, name)
        diagnostics.extend(result.diagnostics)
        if result.loaded is not None:
            diagnostics.extend(_record_rule_findings(result.loaded, context))
            loaded.append(result.loaded)
    if loaded:
        records = RecordSet(root, context, [*agreements, *loaded])
        own = set(files)
        for rule in unit_rules(frozenset(record.kind.name for record in loaded)):
            diagnostics.extend(d for d in rule(records) if d.file in own)
    return UnitResult(diagnostics, [Entry.of(record) for record in loaded])


def _record_rule_findings(loaded: Loaded, context: Context | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if context is None and loaded.kind.name not in _CONTEXT_FREE:
        return found
    for rule in record_rules(loaded.kind.name):
        found.extend(rule(loaded, context or _NO_CONTEXT))
    return found


# The agreements are checked before their context exists; their rules do not need it.
_CONTEXT_FREE = frozenset({"party", "service-levels", "criteria"})
_NO_CONTEXT = Context(dt.date.min, {}, None, None, dt.datetime.min.replace(tzinfo=dt.UTC), None)


def _context(today: dt.date, agreements: list[Loaded], head: str | None) -> Context:
    from eta.models.agreements import Criteria, ServiceLevels
    from eta.models.party import Party

    parties = {r.record.id: r.record for r in agreements if isinstance(r.record, Party)}
    levels = [r.record for r in agreements if isinstance(r.record, ServiceLevels)]
    criteria = [r.record for r in agreements if isinstance(r.record, Criteria)]
    return Context(today, parties, levels[0] if levels else None,
                   criteria[0] if criteria else None, dt.datetime.now(dt.UTC), head)

