"""What the views say of each incident, kept between runs: `eta incident list` and `show`,
and what the overview lists as owed.

An incident's entry (its id, class, deadline, ...) and what is owed for it (`eta.due`)
depend on its record and the agreements alone; its findings, and whether what is owed is
overdue, depend on the moment too, but only through deadlines: each finding holds once a
moment it names has passed, or at every moment (`eta.rules.incidents.timed_findings`). So
what is kept is the entry, what is owed, and each finding with its moment, and a view at
any moment later, or earlier, judges the moments again: nothing kept can be stale at
another moment.

What is kept is keyed by the content id of the bytes the incident was read from, and the
cache as a whole by the build of eta and the content of every agreement file; it is kept
in the user's private cache folder, sealed, as the record cache is (`eta.records.cache`).
A warm `eta incident list` validates no record at all. A run that has read every
incident already (`eta report all`) works each out from its record and keeps nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eta import __version__
from eta.diagnostics import Severity
from eta.due import DueItem, ItemKind, incident_owed
from eta.incidents.availability import Period, periods_of
from eta.incidents.state import (
    INCIDENTS,
    incident_files,
    incidents_held,
    is_open,
    load_incidents,
    response_deadline,
)
from eta.models.incident import Incident
from eta.records.agreements import FOLDER as AGREEMENTS
from eta.records.agreements import Agreements
from eta.records.cache import ContentCache, kept_for
from eta.records.layout import relative
from eta.records.read import each_record, load_records
from eta.records.snapshot import current, once
from eta.rules.incidents import Finding, TimedFinding, holding, timed_findings
from eta.user_cache import SealedFiles, build_stamp
from eta.vocabulary import OutageState

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from eta.contracts.shapes import IncidentEntry

FORMAT = 1
FILES = SealedFiles(b"eta incident list\0", b"eta-list-cache")


@dataclass(frozen=True, slots=True)
class Listed:
    """An incident as the views show it: the file it is read from, its entry without
    findings, whether it is open, its findings, each with the moment it holds from, what is
    owed for it, not yet judged, and its outages as availability counts them."""

    file: str
    entry: dict[str, Any]
    open: bool
    timed: tuple[TimedFinding, ...]
    owed: tuple[DueItem, ...]
    periods: tuple[Period, ...]

    @classmethod
    def of(cls, incident: Incident, agreements: Agreements, file: str) -> Listed:
        current = incident.classification
        due = (response_deadline(incident, agreements.service_levels)
               if is_open(incident) else None)
        entry = {
            "id": incident.id,
            "title": incident.title,
            # The values of the vocabulary themselves, and the record's own lists: 100,000
            # incidents are listed at once.
            "type": incident.type.value,
            "status": incident.status.value,
            "priority": incident.priority.value,
            "class": current.class_.value if current is not None else None,
            "criteria": current.criteria if current is not None else [],
            "reporter": incident.reporter,
            "affected": incident.affected,
            "detected": incident.times.detected.isoformat(),
            "response_due": due.isoformat() if due is not None else None,
        }
        return cls(file, entry, is_open(incident), tuple(timed_findings(
            incident, agreements.service_levels, agreements.duties, agreements)),
            tuple(incident_owed(incident, f"{INCIDENTS}/{incident.id}.yaml", agreements)),
            tuple(periods_of(incident)))

    @property
    def incident_class(self) -> str | None:
        found: str | None = self.entry["class"]
        return found

    @property
    def detected(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.entry["detected"])

    @property
    def due(self) -> dt.datetime | None:
        """When the response time of an open incident runs out."""
        due: str | None = self.entry["response_due"]
        return None if due is None else dt.datetime.fromisoformat(due)

    def findings(self, moment: dt.datetime) -> list[Finding]:
        return holding(self.timed, moment)

    def as_data(self, moment: dt.datetime) -> IncidentEntry:
        """The entry of `eta incident list --format json` at `moment`."""
        findings = [{"severity": f.severity.label, "code": f.code, "message": f.message}
                    for f in self.findings(moment)]
        return {**self.entry, "findings": findings}  # type: ignore[typeddict-item]

    def plain(self) -> object:
        """As the cache keeps it, by its file: plain data only."""
        return (self.entry, self.open, [
            (None if at is None else at.isoformat(), list(f.path), f.severity.value, f.code,
             f.message, f.hint, f.key) for at, f in self.timed], [
            (i.id, i.kind.value, i.due.isoformat(), i.what, i.record, i.file, list(i.parties),
             i.name, i.title, i.party) for i in self.owed], [
            (p.party, p.role, p.state.value, p.start.isoformat(),
             None if p.end is None else p.end.isoformat()) for p in self.periods])

    @classmethod
    def of_plain(cls, plain: object, tz: ZoneInfo, file: str) -> Listed | None:
        """What `plain`, kept for `file`, was made of, its moments owed in `tz` as they were
        made; None for anything eta did not write so."""
        try:
            entry: Any
            open_: Any
            timed: Any
            owed: Any
            periods: Any
            entry, open_, timed, owed, periods = plain  # type: ignore[misc]
            if type(entry) is not dict or type(open_) is not bool:
                return None
            return cls(file, entry, open_, tuple(
                (None if at is None else _moment(at),
                 Finding(tuple(path), Severity(severity), code, message, hint, key))
                for at, path, severity, code, message, hint, key in timed), tuple(
                DueItem(id_, ItemKind(kind), _moment(due).astimezone(tz), what, record, file,
                        tuple(parties), name, title, party)
                for id_, kind, due, what, record, file, parties, name, title, party in owed),
                tuple(Period(party, role, OutageState(state), _moment(start),
                             None if end is None else _moment(end), entry["id"])
                      for party, role, state, start, end in periods))
        except (TypeError, ValueError):
            return None


def _digest(sources: list[tuple[str, str]]) -> str:
    return hashlib.blake2b(marshal.dumps(sources), digest_size=16).hexdigest()


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a moment kept without its offset")
    return moment


def listed_incidents(root: Path, agreements: Agreements) -> tuple[list[Listed], list[str]]:
    """Every valid incident as the views show it, by id; and the files that are not valid
    incidents. An incident whose file is as it was when it was last listed, under the same
    agreements, is not read: what was worked out from it is taken from the cache. The
    others are read through the record cache in use (`eta.records.cache.kept`). Within a
    run's snapshot this is done once; each asker is given its own lists."""
    listed, invalid = once(_listed_key(root), lambda: _listed_incidents(root, agreements))
    return list(listed), list(invalid)


def invalid_incidents(root: Path) -> list[str]:
    """The incident files that are not valid incidents, as this run found them: from what
    was kept, when it listed the incidents so, else by reading every incident."""
    snapshot = current()
    if snapshot is not None and snapshot.holds(_listed_key(root)):
        return list(snapshot.once(_listed_key(root), _never)[1])
    return load_incidents(root)[1]


def _listed_key(root: Path) -> tuple[str, str]:
    return ("listed incidents", str(root))


def _never() -> tuple[list[Listed], list[str]]:
    raise AssertionError("held by the snapshot")


def _listed_incidents(root: Path, agreements: Agreements) -> tuple[list[Listed], list[str]]:
    paths = incident_files(root)
    names = [relative(root, path) for path in paths]
    records = kept_for(root)
    # A run that has read every incident already works each row out from its record.
    held = incidents_held(root)
    # Keyed by the bytes the agreements were read from in this run, not read again: an
    # agreement changed in between would leave what was worked out from the old one
    # under the new one's key.
    cache = None if records is None or held else ContentCache.opened(
        root, "incident-list", FILES, f"{FORMAT}:{__version__}:{build_stamp()}:"
        f"{_digest(records.used_under(f'{AGREEMENTS}/'))}")
    found: dict[str, Listed | None] = {}
    try:
        for path, name in zip(paths, names, strict=True):
            plain = None if cache is None else cache.get(path, name)
            if plain is not None:
                found[name] = (None if plain == "invalid"
                               else Listed.of_plain(plain, agreements.tz, name))
                if found[name] is None and plain != "invalid":
                    del found[name]  # of a shape this build does not write: read again
        unread = [path for path, name in zip(paths, names, strict=True) if name not in found]
        # One at a time, unless held: 100,000 incidents take some 1 GiB as models, their
        # rows far less.
        read = (zip([relative(root, path) for path in unread], load_records(root, unread),
                    strict=True) if held else each_record(root, unread))
        for name, result in read:
            record = None if result.loaded is None else result.loaded.record
            listed = (Listed.of(record, agreements, name) if isinstance(record, Incident)
                      else None)
            found[name] = listed
            source = records.made_from(name) if records is not None else None
            if cache is not None and source is not None:
                cache.put(name, source[0], source[1],
                          "invalid" if listed is None else listed.plain())
    finally:
        if cache is not None:
            cache.save()
    # In the order of the files, then by id: as `load_incidents` gives them, two files of
    # one id (which `eta check` refuses) included.
    in_order = [found[name] for name in names]
    listed_ones = sorted((listed for listed in in_order if listed is not None),
                         key=lambda listed: str(listed.entry["id"]))
    return listed_ones, [name for name in names if found[name] is None]
