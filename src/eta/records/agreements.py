"""The standing agreements, read one way: the register of parties, the service levels and the
incident criteria of afspraken/, and the time zone they set.

Every command reads them through here: `eta check` takes each file with its findings
(`read_agreements`), and judges what a repository lacks; the commands that judge by them
need them whole (`load_agreements`), or the register alone (`load_register`). The records
among any loaded set, the working tree's or those at a base revision, are sorted into the
agreements by `agreed`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from eta.errors import EtaError
from eta.records.snapshot import once

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.models.agreements import Criteria, ServiceLevels
    from eta.models.duties import ReportingDuties
    from eta.models.party import Party
    from eta.records.read import FileResult, Loaded

#: Where the agreements live below the repository root.
FOLDER = "afspraken"


def timezone_of(levels: ServiceLevels | None) -> ZoneInfo:
    """The time zone the service levels name, the default without them."""
    if levels is not None:
        return levels.zone
    from zoneinfo import ZoneInfo

    from eta.models.agreements import DEFAULT_TIMEZONE

    return ZoneInfo(DEFAULT_TIMEZONE)

@dataclass(frozen=True, slots=True)
class Agreed:
    """The agreements among some loaded records; a repository under check may lack some."""

    parties: dict[str, Party]
    service_levels: ServiceLevels | None
    criteria: Criteria | None
    #: The reporting duties, or the framework's own where the repository names none.
    duties: ReportingDuties


def agreed(records: Iterable[Loaded]) -> Agreed:
    """The register by party id, the service levels and the criteria among `records`."""
    from eta.models.agreements import Criteria, ServiceLevels
    from eta.models.duties import ReportingDuties, default_duties
    from eta.models.party import Party

    parties: dict[str, Party] = {}
    levels: ServiceLevels | None = None
    criteria: Criteria | None = None
    duties: ReportingDuties | None = None
    for loaded in records:
        record = loaded.record
        if isinstance(record, Party):
            parties[record.id] = record
        elif isinstance(record, ServiceLevels) and levels is None:
            levels = record
        elif isinstance(record, Criteria) and criteria is None:
            criteria = record
        elif isinstance(record, ReportingDuties) and duties is None:
            duties = record
    return Agreed(parties, levels, criteria, duties or default_duties())


@dataclass(frozen=True)
class Agreements:
    """What the commands judge by: the register of parties, the service levels and the
    incident criteria, all present and valid."""

    parties: dict[str, Party]
    service_levels: ServiceLevels
    criteria: Criteria
    duties: ReportingDuties = field(default_factory=lambda: _default_duties())

    @cached_property
    def deelnemers(self) -> frozenset[str]:
        """The ids of the register's deelnemers; every incident is classified by them."""
        from eta.models.party import deelnemers

        return deelnemers(self.parties)

    @cached_property
    def beheerorganisatie(self) -> tuple[str, ...]:
        """The ids of the parties in the role of Beheerorganisatie, in order."""
        from eta.models.party import beheerorganisatie

        return beheerorganisatie(self.parties)

    @property
    def tz(self) -> ZoneInfo:
        return timezone_of(self.service_levels)

    def check_party(self, party: str, option: str) -> None:
        """EtaError unless `party` is in the register; `option` names where it was given."""
        from eta.diagnostics import did_you_mean

        if party not in self.parties:
            hint = did_you_mean(party, sorted(self.parties))
            raise EtaError(f"{option}: no party `{party}` in afspraken/parties/"
                           + (f"; {hint}" if hint else ""))


def _default_duties() -> ReportingDuties:
    from eta.models.duties import default_duties

    return default_duties()


def agreement_files(root: Path, folder: str = FOLDER) -> list[Path]:
    """The record files of afspraken/ (or of one folder below it)."""
    from eta.records.layout import record_files

    path = root / folder
    return record_files(root, [path]) if os.path.lexists(path) else []


def read_agreements(root: Path, paths: Iterable[Path] | None = None
                    ) -> dict[str, FileResult]:
    """Each agreement file (those at `paths`, or all of afspraken/) by name, as read."""
    from eta.records.layout import relative
    from eta.records.read import load_record

    chosen = agreement_files(root) if paths is None else paths
    return {(name := relative(root, path)): load_record(root, path, name) for path in chosen}


def load_agreements(root: Path) -> Agreements:
    """The agreements whole; EtaError when one of their files is not valid, or the service
    levels or the criteria are missing. Within a run's snapshot they are judged once."""
    return once(("agreements", str(root)), lambda: _load_agreements(root))


def _load_agreements(root: Path) -> Agreements:
    from eta.records.read import not_loaded

    loaded = []
    for name, result in read_agreements(root).items():
        if result.loaded is None:
            raise not_loaded(result, name, "record")
        loaded.append(result.loaded)
    found = agreed(loaded)
    if found.service_levels is None:
        raise EtaError("afspraken/service-levels.yaml is missing: incidents are timed by it")
    if found.criteria is None:
        raise EtaError("afspraken/criteria.yaml is missing: incidents are classified by it")
    return Agreements(found.parties, found.service_levels, found.criteria, found.duties)


def load_register(root: Path) -> dict[str, Party]:
    """The parties of afspraken/parties/; EtaError if one of them is not valid. Within a
    run's snapshot they are judged once; each asker is given its own dict."""
    from eta.records.snapshot import once

    return dict(once(("register", str(root)), lambda: _load_register(root)))


def _load_register(root: Path) -> dict[str, Party]:
    from eta.diagnostics import Severity
    from eta.records.read import invalid_records

    results = read_agreements(root, agreement_files(root, f"{FOLDER}/parties"))
    problems = [d for result in results.values() for d in result.diagnostics
                if d.severity is Severity.ERROR]
    if problems:
        raise invalid_records(problems)
    return agreed(r.loaded for r in results.values() if r.loaded is not None).parties


def repository_zone(root: Path) -> ZoneInfo:
    """The time zone afspraken/service-levels.yaml names, or the default where that file is
    missing or invalid (`eta check` reports it; a time given with its offset needs none)."""
    from eta.models.agreements import ServiceLevels
    from eta.records.layout import relative
    from eta.records.read import load_record

    path = root / FOLDER / "service-levels.yaml"
    result = load_record(root, path, relative(root, path)) if os.path.lexists(path) else None
    record = result.loaded.record if result is not None and result.loaded is not None else None
    return timezone_of(record if isinstance(record, ServiceLevels) else None)


def now_in(tz: ZoneInfo) -> dt.datetime:
    """The clock's moment in `tz`, to the second, as records write moments."""
    return dt.datetime.now(tz).replace(microsecond=0)


def agreements_digest(root: Path, agreements: list[Path]) -> str:
    """A hash of which agreement files there are, where (their paths from the root: a file
    moved to another folder means something else) and what each holds: what a cache of
    findings that rest on the agreements is valid for."""
    from eta.records.layout import relative

    files = []
    for path in agreements:
        files.append((relative(root, path),
                      hashlib.blake2b(_content(root, path), digest_size=16).digest()))
    return hashlib.blake2b(marshal.dumps(files), digest_size=16).hexdigest()


def _content(root: Path, path: Path) -> bytes:
    """The bytes of an agreement, read as the loader reads it; for one it refuses, what it
    is instead."""
    from eta.records.files import MAX_FILE_BYTES, NotReal, TooLarge, read_real
    from eta.user_cache import UNREADABLE

    try:
        return read_real(root, path.relative_to(root).as_posix(), MAX_FILE_BYTES)
    except NotReal as refused:
        return f"{UNREADABLE}:{refused.name}:{refused.code}:{refused.what}".encode()
    except (TooLarge, OSError, ValueError) as exc:
        return f"{UNREADABLE}:{type(exc).__name__}".encode()
