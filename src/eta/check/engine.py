"""The engine of `eta check`: records checked in units, from the cache or in parallel, then
the rules across the repository and those about the change since a base.

The agreements (afspraken/) load first: every other record is read in their light. The
other records are checked in units: each release folder is one unit, each other file its
own. Within a unit, each record meets the rules about itself alone (`RecordRule`), then the
unit meets the rules across its records (`UnitRule`; a plan and its parties' files and
signatures). A release folder is given to those rules whole, however few of its files are
checked, and the engine hands the rules the evidence a signature's time is judged by: no
rule reads a file or git itself. What the rules across the whole repository need of a unit
(its records' ids and references) is kept as an `Entry`, so that a unit whose files did not
change comes from the cache and is not read again. Units are checked in parallel on large
repositories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eta.catalogue import PLAN_SIGNATURE_FUTURE
from eta.check.result import CheckResult, Context, Entry, Index, RecordSet, UnitResult
from eta.diagnostics import Diagnostic
from eta.records.agreements import agreed, agreement_files, read_agreements, timezone_of
from eta.records.kinds import KIND_BY_NAME
from eta.records.layout import KnownIds, covers, is_template, name_inside, record_names
from eta.rules import AGREEMENTS_READ, change_rules, index_rules, record_rules, unit_rules

if TYPE_CHECKING:
    # Loaded only once a record must be read: a check whose files are all unchanged
    # answers from the cache without them.
    from eta.records.read import FileResult, Loaded


def unit_of(name: str) -> str:
    """The unit a record file belongs to: its release folder, or the file itself."""
    parts = name.split("/")
    if parts[0] == "releases" and len(parts) > 2:
        return "/".join(parts[:2])
    return name


#: Below this many units a pool of processes costs more than it saves.
PARALLEL_FROM = 1000


def run_check(
    root: Path, paths: Sequence[Path] = (), *, today: dt.date, use_cache: bool = True,
    base: str | None = None, changed_only: bool = False,
    agreements: dict[str, FileResult] | None = None, moment: dt.datetime | None = None,
) -> CheckResult:
    """Check the records below `root`, or only those in `paths` (files or folders).

    With `base` (a git revision), also the rules about the change since its merge base;
    with `changed_only`, only the changed records and those they refer to are checked.
    `agreements` are those of `root`, when `read_agreements` has already read them.
    A change that a killed command left half done is found too (eta.journal).
    """
    from eta.journal import interrupted_change
    from eta.parallel import collection_paused

    # What a check reads and finds lives to its end: on 100,000 incidents, the collections
    # over the findings kept for the cache took longer than the rest of the parent's work.
    with collection_paused():
        result = _run_check(root, paths, today=today, use_cache=use_cache, base=base,
                            changed_only=changed_only, agreements=agreements, moment=moment)
        half_done = interrupted_change(root)
    if not half_done:
        return result
    return CheckResult(sorted({*result.diagnostics, *half_done}), result.files)


def _run_check(
    root: Path, paths: Sequence[Path], *, today: dt.date, use_cache: bool,
    base: str | None, changed_only: bool, agreements: dict[str, FileResult] | None,
    moment: dt.datetime | None = None,
) -> CheckResult:
    if base is not None:
        return _run_check_against_base(
            root, paths, base=base, changed_only=changed_only,
            check=lambda chosen, agreements: _run_check(
                root, chosen, today=today, use_cache=use_cache, base=None, changed_only=False,
                agreements=agreements, moment=moment))
    from eta.check.cache import CheckCache
    from eta.git import head_commit

    names = set(record_names(root, paths))
    agreement_paths = agreement_files(root)
    units: dict[str, list[str]] = {}
    for name in sorted(names):
        if not name.startswith("afspraken/"):
            units.setdefault(unit_of(name), []).append(name)
    # A release's signatures are dated by git's history: the commit is part of its key.
    dates_signatures = any(unit.startswith("releases/") for unit in units)
    head = head_commit(root) if dates_signatures else None
    # A whole check whose every file is as it was needs none of them read again.
    cache = CheckCache.open(root, today, agreement_paths, moment) if use_cache else None
    # The rules of a release read its whole folder, even when only some of its files are
    # checked: the folder's other files are read for them, and are part of the cache key.
    folders = {unit: record_names(root, [root / unit]) for unit, files in units.items()
               if paths and unit != files[0]}
    content_ids: dict[str, tuple[str, ...]] = {}
    whole_key = None
    if cache is not None:
        for unit, files in units.items():
            ids = cache.content_ids(root, folders.get(unit, files))
            if unit.startswith("releases/"):
                ids += (f"commit:{head}",)
            content_ids[_cache_key(unit, files)] = ids
        if not paths:
            whole_key = cache.whole_key(content_ids)
            whole = cache.get_whole(whole_key)
            if whole is not None:
                cache.save(every_unit=True)
                return CheckResult(whole, len(names))

    if agreements is None:
        agreements = read_agreements(root, agreement_paths)
    agreed = [result.loaded for result in agreements.values() if result.loaded is not None]
    duties_invalid = any(result.loaded is None for name, result in agreements.items()
                         if name == DUTIES_FILE)
    context = _context(root if dates_signatures else None, today, agreed, head, moment,
                       duties_invalid=duties_invalid)
    diagnostics = [d for name, result in agreements.items() if name in names
                   for d in result.diagnostics]
    for loaded in agreed:
        if loaded.file in names:
            diagnostics.extend(_record_rule_findings(loaded, context))
    results: dict[str, UnitResult] = {}
    if cache is not None:
        for unit, files in units.items():
            cached = cache.get(_cache_key(unit, files), content_ids[_cache_key(unit, files)])
            if cached is not None:
                results[unit] = cached
    to_check = [unit for unit in units if unit not in results]
    fresh = _check_units(root, [(units[unit], folders.get(unit, ())) for unit in to_check],
                         agreed, context)
    for unit, unit_result in zip(to_check, fresh, strict=True):
        results[unit] = unit_result
        if cache is not None and not _time_may_resolve(unit_result.diagnostics):
            key = _cache_key(unit, units[unit])
            cache.put(key, content_ids[key], unit_result)
    entries = [Entry.of(loaded) for loaded in agreed]
    for unit_result in results.values():
        diagnostics.extend(unit_result.diagnostics)
        entries.extend(unit_result.entries)
    index = Index(context, agreed, entries, KnownIds(root, context.criteria),
                  frozenset(agreements))
    # A check of some paths reports what the rules across the repository find in them, a
    # file that is missing (the agreements) or a folder (the register) included.
    scope = [name_inside(root, Path(p)) for p in paths] or ["."]
    for rule in index_rules():
        diagnostics.extend(d for d in rule(index) if covers(d.file, scope))
    found = sorted(set(diagnostics))
    if cache is not None:
        if whole_key is not None and not _time_may_resolve(found):
            cache.put_whole(whole_key, found)
        cache.save(every_unit=not paths)
    return CheckResult(found, len(names))


def _run_check_against_base(
    root: Path,
    paths: Sequence[Path],
    *,
    base: str,
    changed_only: bool,
    check: Callable[[Sequence[Path], dict[str, FileResult]], CheckResult],
) -> CheckResult:
    """`check` (eta check on the given paths, with the working tree's agreements) with the
    rules about the change since `base`."""
    from eta.background import InBackground
    from eta.check.change import ask_git, changed_selection, compare

    # Reading git and loading the working tree's agreements keep a core busy each.
    with InBackground(lambda: ask_git(root, base)) as answer:
        agreements = read_agreements(root)
        comparison = compare(root, base, answer.result())
    found = [d for rule in change_rules() for d in rule(comparison)]
    given = [name_inside(root, Path(p)) for p in paths]
    if paths:
        found = [d for d in found if covers(d.file, given)]
    if changed_only:
        selection = changed_selection(comparison, AGREEMENTS_READ)
        if paths:
            # What is both changed and asked for: the narrower of each pair.
            selection = sorted({g for g in given if covers(g, selection)}
                               | {s for s in selection if covers(s, given)})
        chosen = [root / name for name in selection]
        result = check(chosen, agreements) if chosen else CheckResult([], 0)
    else:
        result = check(paths, agreements)
    return CheckResult(sorted(set(result.diagnostics) | set(found)), result.files)


#: Findings that the passing of time alone can resolve: never kept in the cache.
_RESOLVED_BY_TIME = frozenset({PLAN_SIGNATURE_FUTURE.code})


def _time_may_resolve(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.code in _RESOLVED_BY_TIME for d in diagnostics)


def _cache_key(unit: str, files: list[str]) -> str:
    """A unit's findings are kept apart for each choice of its files that was checked."""
    return unit if files == [unit] else "\0".join([unit, *files])


def _check_units(
    root: Path,
    units: list[tuple[list[str], Sequence[str]]],
    agreements: list[Loaded],
    context: Context,
) -> list[UnitResult]:
    from eta.parallel import forked_map

    def check(unit: tuple[list[str], Sequence[str]]) -> UnitResult:
        files, folder = unit
        return check_unit(root, files, agreements, context, folder)

    return list(forked_map(check, units, parallel_from=PARALLEL_FROM))


def check_unit(
    root: Path,
    files: list[str],
    agreements: list[Loaded],
    context: Context,
    folder: Sequence[str] = (),
) -> UnitResult:
    """Load and check the record files of one unit.

    `folder` names every file of the unit's release folder where only some of them are
    checked: the rules across the unit are given the folder whole, so that no rule reads a
    file itself, and report only what they find in `files`.
    """
    from eta.records.read import load_record

    diagnostics: list[Diagnostic] = []
    loaded: list[Loaded] = []
    unloaded: list[str] = []
    for name in files:
        if is_template(name):
            from eta.reports.templating import template_findings

            diagnostics.extend(template_findings(root, name))
            continue
        result = load_record(root, root / name, name)
        diagnostics.extend(result.diagnostics)
        if result.loaded is not None:
            diagnostics.extend(_record_rule_findings(result.loaded, context))
            loaded.append(result.loaded)
        else:
            unloaded.append(name)
    if loaded:
        own = set(files)
        whole = [*agreements, *loaded]
        for name in folder:
            if name not in own:
                other = load_record(root, root / name, name).loaded
                if other is not None:
                    whole.append(other)
                else:
                    unloaded.append(name)
        records = RecordSet(context, whole, unloaded)
        for rule in unit_rules(frozenset(record.kind.name for record in loaded)):
            diagnostics.extend(d for d in rule(records) if d.file in own)
    return UnitResult(diagnostics, [Entry.of(record) for record in loaded])


def _record_rule_findings(loaded: Loaded, context: Context) -> list[Diagnostic]:
    return [d for rule in record_rules(loaded.kind.name) for d in rule(loaded, context)]


#: Where the agreements hold their reporting duties.
DUTIES_FILE = "/".join(KIND_BY_NAME["reporting-duties"].layout)


def _context(root: Path | None, today: dt.date, agreements: list[Loaded], head: str | None,
             moment: dt.datetime | None = None, *, duties_invalid: bool = False) -> Context:
    """The context of a check; with the evidence that signatures are dated by where `root`
    is given, for a check of releases."""
    found = agreed(agreements)
    evidence = None
    if root is not None:
        from eta.plans.timing import SigningEvidence

        # It reads git only once a plan's signatures ask it, and then once a process.
        evidence = SigningEvidence(root, head, zone=timezone_of(found.service_levels))
    return Context(today, found.parties, found.service_levels, found.criteria, evidence,
                   moment, None if duties_invalid else found.duties)
