"""Incident records and where they stand: new ids, times as people type them, the status
flow, open or not, when the response time runs out, what keeps one from being closed, and
classification entries. The rules, the agenda, the reports and the editing commands read
these judgements from here.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from eta.diagnostics import did_you_mean
from eta.errors import EtaError, Refused
from eta.incidents.classify import Outcome
from eta.incidents.clock import clock_for
from eta.lifecycle import INCIDENT_MOVES
from eta.models.agreements import ServiceLevels
from eta.models.common import CALENDAR_NOTE, in_calendar, is_identifier
from eta.models.incident import Facts, Incident
from eta.moments import shown_moment
from eta.records.agreements import now_in
from eta.records.layout import record_files, relative
from eta.records.read import FileResult, load_record, load_records, not_loaded
from eta.records.snapshot import current, once
from eta.vocabulary import IncidentStatus

if TYPE_CHECKING:
    from eta.editing import YamlTimestamp

INCIDENTS = "incidents"

OPEN_STATUSES = frozenset({IncidentStatus.NEW, IncidentStatus.IN_PROGRESS})


def is_open(incident: Incident) -> bool:
    return incident.status in OPEN_STATUSES


def response_clock_start(incident: Incident) -> dt.datetime:
    """The response time runs from the report to the Beheerorganisatie, else from detection."""
    return incident.times.reported or incident.times.detected


def response_deadline(incident: Incident, levels: ServiceLevels) -> dt.datetime:
    return clock_for(levels).response_deadline(response_clock_start(incident), incident.priority)


def closing_problems(incident: Incident) -> list[str]:
    """What keeps `incident` from being closed; empty when it may be."""
    problems = []
    if incident.resolution is None:
        problems.append("it has no `resolution`")
    current = incident.classification
    if current is None:
        problems.append("it was never classified")
    else:
        if current.unanswered:
            problems.append("its last classification left criteria unanswered: "
                            + ", ".join(current.unanswered))
        if current.facts != incident.facts:
            problems.append("its facts changed after the last classification")
    if incident.facts.reportable_data_breach and (
            incident.data_breach is None or incident.data_breach.notified_at is None):
        problems.append("it is a reportable data breach without a recorded notification "
                        "(`data_breach.notified_at`)")
    return problems

#: Crockford's base32 in lower case: no i, l, o or u to misread.
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_SUFFIX_LENGTH = 6


def incident_path(root: Path, incident_id: str) -> Path:
    return root / INCIDENTS / f"{incident_id}.yaml"


def new_incident_id(day: dt.date, taken: Callable[[str], bool]) -> str:
    """A new id: the day of detection and a random suffix, e.g. `2026-03-28-k7q2mx`.

    Two people filing on two branches at the same moment draw their suffixes
    independently (30 random bits each), so their files get different names and the
    branches merge without a conflict. The date keeps the folder in the order of events.
    """
    for _ in range(100):
        suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(ID_SUFFIX_LENGTH))
        candidate = f"{day.isoformat()}-{suffix}"
        if not taken(candidate):
            return candidate
    raise EtaError("could not find a free incident id")  # pragma: no cover - 2**30 per day


def parse_time(text: str, tz: ZoneInfo, option: str) -> dt.datetime:
    """A moment as typed: ISO 8601, with its UTC offset or in the agreements' time zone.

    A wall time that a daylight-saving change skips or repeats is refused: only an offset
    can say which moment was meant.
    """
    example = "write it as 2026-03-28T14:30 or 2026-03-28T14:30+01:00"
    cleaned = text.strip()
    try:
        value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise EtaError(f"{option}: {text!r} is no date and time; {example}") from None
    if len(cleaned) <= len("2026-03-28"):
        raise EtaError(f"{option}: {text!r} has no time of day; {example}")
    if not in_calendar(value):
        raise EtaError(f"{option}: {text!r}: {CALENDAR_NOTE}")
    if value.tzinfo is not None:
        return value.replace(microsecond=0)
    local = value.replace(tzinfo=tz, microsecond=0)
    if local.utcoffset() == local.replace(fold=1).utcoffset():
        return local
    back = local.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    if back != local.replace(tzinfo=None):
        raise EtaError(f"{option}: {cleaned} does not exist in {tz.key}: the clocks skip "
                       "that hour for daylight saving time")
    offsets = " or ".join(f"{cleaned}{_offset(local.replace(fold=fold))}" for fold in (0, 1))
    raise EtaError(f"{option}: {cleaned} happens twice in {tz.key}: the clocks go back "
                   f"that night; give the UTC offset: {offsets}")


def _offset(moment: dt.datetime) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def recording_moment(value: str | None, tz: ZoneInfo) -> dt.datetime:
    """The moment an edit is written down: the clock's, or an earlier one `--now` gives."""
    if value is None:
        return now_in(tz)
    return not_ahead(parse_time(value, tz, "--now"), tz, "--now")


def not_ahead(moment: dt.datetime, tz: ZoneInfo, option: str) -> dt.datetime:
    """`moment`, as the moment an edit is written down, refused when it lies after the
    present: every fact the edit records would too, and `eta check` would refuse the
    record it wrote."""
    clock = now_in(tz)
    if moment > clock:
        raise EtaError(f"{option}: {shown_moment(moment, tz)} lies after the "
                       f"present moment, {shown_moment(clock)}; an edit is written down "
                       "when it is made or later, never ahead")
    return moment


def timestamp(moment: dt.datetime) -> YamlTimestamp:
    """`moment` as an edit writes it. Imported here only: the check and the views, which
    read incidents but write none, need not load the round-trip YAML library."""
    from eta.editing import YamlTimestamp

    return YamlTimestamp(moment.isoformat())


class AmbiguousId(EtaError):
    """A short id that more than one incident's id starts with."""


#: How many candidates an ambiguous short id lists.
_CANDIDATES_SHOWN = 10


def resolve_incident_id(root: Path, given: str) -> str:
    """The id of the one incident that `given` names: its whole id, or a prefix of it that
    no other incident's id starts with (as git takes a short commit hash)."""
    if not is_identifier(given):
        raise EtaError(f"`{given}` is no incident id; ids look like 2026-03-28-k7q2mx")
    if os.path.lexists(incident_path(root, given)):
        return given
    known = _incident_ids(root)
    matches = [incident_id for incident_id in known if incident_id.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(matches[:_CANDIDATES_SHOWN])
        more = len(matches) - _CANDIDATES_SHOWN
        raise AmbiguousId(f"`{given}` is the start of {len(matches)} incident ids: {shown}"
                       + (f" and {more} more" if more > 0 else "")
                       + "; give more of the id")
    display = relative(root, incident_path(root, given))
    hint = did_you_mean(given, known)
    raise EtaError(f"no incident `{given}` ({display} does not exist)"
                   + (f"; {hint}" if hint else ""))


def _incident_ids(root: Path) -> list[str]:
    """The ids the incident files in `root` are named by, sorted; only names are read."""
    folder = root / INCIDENTS
    if folder.is_symlink():
        return []  # a link is refused where records are read; its names are not shown
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return []
    # A name no id could have is no incident's (`eta check` reports it), and is not shown.
    return sorted(stem for stem in (name.removesuffix(".yaml") for name in names
                                    if name.endswith(".yaml"))
                  if is_identifier(stem))


def incident_file(root: Path, given: str) -> str:
    """The file, relative to `root`, of the incident that `given` names, in full or by a
    unique prefix of its id."""
    return relative(root, incident_path(root, resolve_incident_id(root, given)))


def load_incident(root: Path, given: str) -> Incident:
    """The incident that `given` names, in full or by a unique prefix of its id."""
    return load_incident_file(root, incident_file(root, given))


def load_incident_file(root: Path, display: str) -> Incident:
    """The incident of the file `display` (relative to `root`)."""
    result = load_record(root, root / display, display)
    if result.loaded is None or not isinstance(result.loaded.record, Incident):
        raise not_loaded(result, display, "incident")
    return result.loaded.record


def facts_data(facts: Facts) -> dict[str, Any]:
    """The known facts as YAML data, in the model's order."""
    data: dict[str, Any] = {}
    for name in Facts.model_fields:
        value = getattr(facts, name)
        if isinstance(value, dt.datetime):
            data[name] = timestamp(value)
        elif value is not None:
            data[name] = value
    return data


def classification_entry(
    outcome: Outcome,
    incident: Incident,
    at: dt.datetime,
    by: Callable[[], str],
    reason: str | None,
) -> dict[str, Any] | None:
    """The entry to append to `classifications`, or None when nothing changed.

    A class lower than the one before needs a reason; a higher one gets one saying which
    criteria raised it, unless a reason is given. `by` names who classifies; it is asked
    only when there is something to write.
    """
    previous = incident.classification
    met = [a.criterion.id for a in outcome.met]
    unanswered = [a.criterion.id for a in outcome.unanswered]
    grounds = {a.criterion.id: a.grounds for a in outcome.met}
    new_class = outcome.incident_class
    if previous is not None:
        unchanged = (previous.class_ is new_class and previous.criteria == met
                     and previous.unanswered == unanswered and previous.facts == incident.facts
                     and previous.grounds == grounds)
        if unchanged and reason is None:
            return None
        if new_class.rank < previous.class_.rank and reason is None:
            dropped = [c for c in previous.criteria if c not in met]
            why = f" ({', '.join(dropped)} no longer met)" if dropped else ""
            raise Refused(f"the class would go down from {previous.class_} to {new_class}"
                           f"{why}; a downgrade needs --reason")
        if new_class.rank > previous.class_.rank and reason is None:
            raising = [a.criterion.id for a in outcome.met
                       if a.level.rank > previous.class_.rank]
            reason = f"raised from {previous.class_} to {new_class}: {', '.join(raising)} met"
    entry: dict[str, Any] = {"class": str(new_class), "criteria": met}
    if grounds:
        entry["grounds"] = grounds
    if unanswered:
        entry["unanswered"] = unanswered
    entry["facts"] = facts_data(incident.facts)
    entry["at"] = timestamp(at)
    entry["recorded_at"] = timestamp(at)
    entry["by"] = by()
    if reason is not None:
        entry["reason"] = reason
    return entry


def load_incidents(root: Path) -> tuple[list[Incident], list[str]]:
    """Every valid incident, by id; and the files that are not valid incidents. Within a
    run's snapshot the folder is read once; each asker is given its own lists."""
    incidents, invalid = once(_incidents_key(root), lambda: _load_incidents(root))
    return list(incidents), list(invalid)


def incidents_held(root: Path) -> bool:
    """Whether this run has read every incident of `root` already (`load_incidents`)."""
    snapshot = current()
    return snapshot is not None and snapshot.holds(_incidents_key(root))


def _incidents_key(root: Path) -> tuple[str, str]:
    return ("incidents", str(root))


def _load_incidents(root: Path) -> tuple[list[Incident], list[str]]:
    incidents: list[Incident] = []
    invalid: list[str] = []
    paths = incident_files(root)
    for path, result in zip(paths, load_records(root, paths), strict=True):
        incident = _incident_of(result)
        if incident is not None:
            incidents.append(incident)
        else:
            invalid.append(relative(root, path))
    incidents.sort(key=lambda incident: incident.id)
    return incidents, invalid


def incident_files(root: Path) -> list[Path]:
    folder = root / INCIDENTS
    return record_files(root, [folder]) if os.path.lexists(folder) else []


def _incident_of(result: FileResult) -> Incident | None:
    record = None if result.loaded is None else result.loaded.record
    return record if isinstance(record, Incident) else None


def party_list(value: str, option: str) -> list[str]:
    """`a,b, c` as a list of distinct party ids."""
    parts = [part.strip() for part in value.split(",")]
    if any(not part for part in parts):
        raise EtaError(f"{option}: give party ids separated by commas, e.g. grensweg,volmacht")
    return list(dict.fromkeys(parts))


def status_change_problem(incident: Incident, target: IncidentStatus) -> str | None:
    """Why `incident` may not move to `target`, or None when it may."""
    allowed = INCIDENT_MOVES[incident.status]
    if target not in allowed:
        options = " or ".join(str(s) for s in allowed)
        return (f"the status cannot go from {incident.status} to {target}; "
                f"from {incident.status} it goes to {options}")
    return None

