"""The rules of `eta check --base REF`: what a change from the merge base of REF to the
work tree may do.

Git history is the audit trail, so a pull request may add to it but not rewrite it:

- a record is never deleted, and its file is never renamed (closing is the way out), but
  for the part of a party that the change takes out of a plan still a draft at the base
  (`eta plan remove-party`);
- a record's id, and every field its path fixes, never changes;
- a signature is only added, never altered; it may be removed (or replaced by a new one)
  only when it was stale: its digest did not match the plan at the base, or does not
  match the plan as changed here;
- timeline entries, classifications and reopenings are append-only;
- a classification whose class differs from the one before carries a reason (text that is
  more than spaces, as every reason);
- a release in force or later keeps its chain dependencies;
- what a change appends to a timeline, the classifications or the reopens says when it
  was written down (`recorded_at`; a reopen's `at`), no earlier than the base commit's
  committer time less the grace period of the base's service levels
  (`backdating_grace_days`), besides the time of the event it records;
- a status changes only along the moves of its lifecycle (`eta.lifecycle`): a change may
  make several, but never one the lifecycle lacks;
- a closed incident, and every file of an evaluated release (release.yaml, plan.yaml,
  parties/, signatures/), whether or not its status file changed, is not edited except
  through an explicit reopen recorded in the same change: a `reopenings` entry appended
  with who, when and why (`eta incident update --status in_progress --reason`,
  `eta release reopen --reason`); after it the change may go on, to resolve or re-evaluate;
- the agreements are read from the base: a signature added here must be by a
  representative, with a key, that the register at the base holds and authorises on the
  signing date and on the day of the base commit (a representative added in a pull
  request cannot sign in it, nor one whose authorisation ended before it), and a
  classification added here may cite only criteria the base defines;
- a signature added here is dated no earlier than the base commit's committer time less
  the grace period of the base's service levels (`backdating_grace_days`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from eta.catalogue import (
    BASE_CLASSIFICATION_NO_REASON,
    BASE_CLASSIFICATION_UNKNOWN_CRITERION,
    BASE_FACT_UNCORRECTED,
    BASE_INCIDENT_CLOSED_EDITED,
    BASE_RECORD_DELETED,
    BASE_RECORD_ID_CHANGED,
    BASE_RECORD_RENAMED,
    BASE_RECORDED_AT_MISSING,
    BASE_RECORDED_AT_UNATTESTED,
    BASE_RELEASE_CHAIN_DEPENDENCIES_CHANGED,
    BASE_RELEASE_EVALUATED_EDITED,
    BASE_SIGNATURE_ALTERED,
    BASE_SIGNATURE_BACKDATED,
    BASE_SIGNATURE_NOT_AUTHORISED_AT_BASE,
    BASE_SIGNATURE_REMOVED,
    BASE_SIGNATURE_UNREGISTERED,
    BASE_STATUS_ILLEGAL_MOVE,
    code_named,
)
from eta.changes import ChangeStatus
from eta.check.change import Comparison, Side, is_signature, release_file, release_of
from eta.diagnostics import Diagnostic, error
from eta.lifecycle import (
    INCIDENT_MOVES,
    INCIDENT_REOPEN,
    RELEASE_MOVES,
    RELEASE_REOPEN,
    path_words,
    reachable,
)
from eta.records.files import refusal_of_git_mode
from eta.records.kinds import KINDS, kind_for
from eta.vocabulary import IncidentStatus, ReleaseStatus

if TYPE_CHECKING:
    # Loaded once the change is known: the records while git is read in a child process,
    # the release model only for a change that holds a signature.
    from eta.models.party import Party
    from eta.models.release import Signature


ChangeRule = Callable[[Comparison], Iterable[Diagnostic]]


def _at(side: Side | None, path: str, *keys: str | int, code: str, message: str,
        hint: str | None = None) -> Diagnostic:
    if side is not None and side.document is not None:
        pos = side.document.position(keys)
        return error(path, pos.line, pos.column, code, message, hint)
    return error(path, 1, 1, code, message, hint)


def records_stay(comparison: Comparison) -> Iterator[Diagnostic]:
    """Records are never deleted and their files never renamed."""
    restore = f"git restore --source={comparison.short_base} --"
    for change in comparison.changes:
        if change.old_path is None or is_signature(change.old_path):
            continue
        if change.status is ChangeStatus.DELETED and not _left_a_draft(comparison,
                                                                      change.old_path):
            yield error(change.old_path, 1, 1, BASE_RECORD_DELETED.code,
                        f"{change.old_path} was deleted since {comparison.revision}; records "
                        "are never deleted: a record is closed, and stays",
                        f"bring it back with `{restore} {change.old_path}`")
        elif change.status is ChangeStatus.RENAMED:
            yield error(change.path, 1, 1, BASE_RECORD_RENAMED.code,
                        f"{change.old_path} was renamed to {change.path}; a record's file "
                        "keeps its name", f"move it back to {change.old_path}")


def _left_a_draft(comparison: Comparison, path: str) -> bool:
    """Whether `path` is the part of a party that the change took out of a plan that was a
    draft at the base, whose parties were still being agreed on."""
    found = kind_for(PurePosixPath(path).parts)
    if found is None or found[0].name != "plan-party":
        return False
    release = release_of(path)
    at_base = comparison.before.get(release_file(release))
    plan = comparison.after.get(f"releases/{release}/plan.yaml")
    if at_base is None or plan is None or at_base.mapping.get("status") != "draft":
        return False
    parties = plan.mapping.get("parties")
    return isinstance(parties, list) and PurePosixPath(path).stem not in parties


def ids_stay(comparison: Comparison) -> Iterator[Diagnostic]:
    """A record's id, and the fields its path fixes (release, party), never change."""
    for change in comparison.changes:
        if change.status is not ChangeStatus.MODIFIED:
            continue
        before, after = comparison.before.get(change.path), comparison.after.get(change.path)
        if before is None or after is None or after.document is None:
            continue
        fields = [f for f in ("id", "release", "party") if f in before.kind.model.model_fields]
        for name in fields:
            old, new = before.mapping.get(name), after.mapping.get(name)
            if old is not None and old != new:
                yield _at(after, change.path, name, code=BASE_RECORD_ID_CHANGED.code,
                          message=f"`{name}` changed from `{old}` to `{new}`; a record's "
                          f"`{name}` never changes", hint=f"set it back to `{old}`")


def signatures_only_added(comparison: Comparison) -> Iterator[Diagnostic]:
    """A signature is only added; removed or replaced only when it was stale."""
    for change, before, after in comparison.changed("signature"):
        if change.status is ChangeStatus.ADDED or before is None:
            continue
        if (change.status is ChangeStatus.MODIFIED and after is not None
                and after.data == before.data):
            continue
        if _was_stale(comparison, before):
            continue
        path = change.old_path or change.path
        if change.status is ChangeStatus.DELETED:
            yield error(path, 1, 1, BASE_SIGNATURE_REMOVED.code,
                        f"the signature in {path} was removed, but it was not stale: it still "
                        "matches the plan; a valid signature is never withdrawn by deleting it",
                        f"bring it back with `git restore --source={comparison.short_base} -- "
                        f"{path}`")
        else:
            yield _at(after, change.path, code=BASE_SIGNATURE_ALTERED.code,
                      message=f"the signature in {change.path} was altered; signatures are "
                      "only added, never changed",
                      hint=f"bring it back with `git restore --source={comparison.short_base} "
                      f"-- {change.path}`; a stale signature may be replaced by signing again")


def _was_stale(comparison: Comparison, signature: Side) -> bool:
    """Whether the signature's digest failed to match the plan at the base, or now."""
    from eta.models.release import Signature

    if signature.loaded is None or not isinstance(signature.loaded.record, Signature):
        return True  # an unreadable signature signed nothing
    digest = signature.loaded.record.digest
    old, new = comparison.plan_files.get(release_of(signature.path), ({}, {}))
    return any(found is not None and found != digest
               for found in (_plan_digest(old), _plan_digest(new)))


def _plan_digest(files: dict[str, Side]) -> str | None:
    """The digest of the release and plan in these files; None when it cannot be taken."""
    from eta.models.release import Plan, PlanParty, Release
    from eta.plans.digest import plan_digest

    releases = [s.loaded.record for s in files.values()
                if s.loaded is not None and isinstance(s.loaded.record, Release)]
    plans = [s.loaded.record for s in files.values()
             if s.loaded is not None and isinstance(s.loaded.record, Plan)]
    parties = {s.loaded.record.party: s.loaded.record for s in files.values()
               if s.loaded is not None and isinstance(s.loaded.record, PlanParty)}
    if len(releases) != 1 or len(plans) != 1 or any(s.loaded is None for s in files.values()):
        return None
    return plan_digest(releases[0], plans[0], parties)


def signers_in_base_register(comparison: Comparison) -> Iterator[Diagnostic]:
    """A signature added here is by a representative and key the base's register holds."""
    for change, before, after in comparison.changed("signature"):
        from eta.models.release import Signature

        if after is None or after.loaded is None or not isinstance(after.loaded.record,
                                                                      Signature):
            continue
        if before is not None and before.data == after.data:
            continue
        signature = after.loaded.record
        problem = _register_problem(comparison.register, signature)
        if problem is not None:
            field_name, message = problem
            yield _at(after, change.path, field_name, code=BASE_SIGNATURE_UNREGISTERED.code,
                      message=f"{message} in the register at the base "
                      f"({comparison.revision}); the register a change is checked against is "
                      "the one it starts from", hint="register the representative or key in "
                      "a change of its own first; once that is merged, sign")
        elif comparison.base_time is not None:
            yield from _dated_from_base(comparison, change.path, after, signature)


def _dated_from_base(comparison: Comparison, path: str, after: Side, signature: Signature
                     ) -> Iterator[Diagnostic]:
    """An added signature is dated within the grace period before the base commit, by a
    representative the base's register authorises on the day of the base commit."""
    from eta.attestation import Unattested, unattested
    from eta.plans.state import authorisation_period
    from eta.plans.timing import signing_date

    assert comparison.base_time is not None
    found = unattested(signature.signed_at, checked_at=comparison.checked_at,
                       base_time=comparison.base_time, grace=comparison.grace)
    # A time in the future is the whole check's finding (plan.signature.future).
    if found is not None and found.kind is Unattested.BEFORE_BASE:
        yield _at(after, path, "signed_at", code=BASE_SIGNATURE_BACKDATED.code,
                  message=f"the signature is {found.message}; a signature a change adds is "
                  "dated no earlier than the grace period of the agreements at the base "
                  "(backdating_grace_days) allows", hint="sign again: `eta plan sign "
                  f"{signature.release} --party {signature.party}`")
    representative = next(r for r in comparison.register[signature.party].representatives
                          if r.id == signature.representative)
    assert comparison.zone is not None
    day = signing_date(comparison.base_time, comparison.zone)
    if not representative.authorised_on(day):
        yield _at(after, path, "signed_at", code=BASE_SIGNATURE_NOT_AUTHORISED_AT_BASE.code,
                  message=f"`{representative.id}` is not authorised to sign for "
                  f"`{signature.party}` on {day}, the day of the commit the change starts "
                  f"from ({comparison.revision}); authorised "
                  f"{authorisation_period(representative)}")


def _register_problem(register: dict[str, Party], signature: Signature
                      ) -> tuple[str, str] | None:
    from eta.signing import fingerprint

    party = register.get(signature.party)
    if party is None:
        return "party", f"party `{signature.party}` does not exist"
    found = [r for r in party.representatives if r.id == signature.representative]
    if not found:
        return ("representative", f"`{signature.representative}` is no representative of "
                f"`{signature.party}`")
    representative = found[0]
    if signature.key not in {fingerprint(key) for key in representative.keys}:
        return "key", f"key {signature.key} is not registered for `{representative.id}`"
    day = signature.signed_at.date()
    if not representative.authorised_on(day):
        return ("signed_at", f"`{representative.id}` is not authorised to sign for "
                f"`{signature.party}` on {day.isoformat()}")
    return None


def append_only(comparison: Comparison) -> Iterator[Diagnostic]:
    """Timeline entries, classifications and reopenings are only ever appended."""
    for kind in KINDS:
        if not kind.append_only:
            continue
        for change, before, after in comparison.readable(kind.name):
            if before is None:
                continue
            for name, what in kind.append_only:
                yield from _appended_only(change.path, before, after, name, what)


def _appended_only(path: str, before: Side, after: Side, name: str, what: str
                   ) -> Iterator[Diagnostic]:
    old, new = _list(before, name), _list(after, name)
    for index, item in enumerate(old):
        if index >= len(new):
            yield _at(after, path, name, code=code_named(f"base.{name}.rewritten").code,
                      message=f"{len(old) - len(new)} {what}(s) were removed from "
                      f"`{name}`; it is append-only",
                      hint="bring the removed entries back; add a new one to correct")
            return
        if new[index] != item:
            yield _at(after, path, name, index, code=code_named(f"base.{name}.rewritten").code,
                      message=f"{what} {index + 1} of `{name}` was changed; it is "
                      "append-only", hint="restore it as it was, and append a new "
                      "entry that corrects it")
            return


def recorded_facts_corrected(comparison: Comparison) -> Iterator[Diagnostic]:
    """A recorded notification or outage changes only with a correction appended in the same
    change, and is never removed (`eta.incidents.corrections`)."""
    from eta.incidents.corrections import changed_facts, uncorrected

    since = f"since {comparison.revision}"
    for change, before, after in comparison.readable("incident"):
        if before is None:
            continue
        appended = _list(after, "corrections")[len(_list(before, "corrections")):]
        for fact in uncorrected(changed_facts(before.mapping, after.mapping), appended):
            if fact.now is None and isinstance(fact.path[-1], int):
                where, message = fact.path[:1], (
                    f"{fact.list_name} entry {fact.path[-1] + 1} ({fact.was}) was removed "
                    f"{since}; a recorded notification or outage is never removed")
            elif fact.now is None:
                where, message = fact.path[:-1], (
                    f"`{fact.name}` ({fact.was}) was removed {since}; a recorded fact is "
                    "corrected, never removed")
            else:
                where, message = fact.path, (
                    f"`{fact.name}` was changed from {fact.was} to {fact.now} {since} "
                    "without a correction; a recorded fact is corrected, never overwritten")
            yield _at(after, change.path, *where, code=BASE_FACT_UNCORRECTED.code,
                      message=message, hint="restore it, or correct it with `eta incident "
                      "update ... --reason TEXT`, which appends to `corrections` what it was")


#: The lists of each kind whose appended entries say when they were written down: the list,
#: what an entry is called, and the field that holds that time.
RECORDED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "incident": (("timeline", "timeline entry", "recorded_at"),
                 ("classifications", "classification", "recorded_at"),
                 ("reopenings", "reopening", "at")),
    "release": (("reopenings", "reopening", "at"),),
}


def appended_entries_are_attested(comparison: Comparison) -> Iterator[Diagnostic]:
    """What a change appends carries the time it was written down, and that time is
    attested as a signature's is: no earlier than the base commit less the grace period
    (a time in the future is the whole check's finding, `fact.future`)."""
    from eta.attestation import Unattested, unattested

    checked_at = comparison.checked_at
    for kind, lists in RECORDED.items():
        for change, before, after in comparison.readable(kind):
            for name, what, field_name in lists:
                old = 0 if before is None else len(_list(before, name))
                for index, entry in enumerate(_list(after, name)[old:], start=old):
                    if not isinstance(entry, dict):
                        continue
                    claimed = _moment_of(entry.get(field_name))
                    # A reopen's `at` is required by its model, which says so when missing.
                    if field_name == "recorded_at" and field_name not in entry:
                        yield _at(after, change.path, name, index,
                                  code=BASE_RECORDED_AT_MISSING.code,
                                  message=f"{what} {index + 1} is appended without "
                                  f"`{field_name}`: what a change appends says when it was "
                                  "written down", hint=f"add `{field_name}`, the moment it "
                                  "was written; eta's commands write it")
                    if claimed is None or comparison.base_time is None:
                        continue  # an unreadable time is the record's own error
                    found = unattested(claimed, checked_at=checked_at,
                                       base_time=comparison.base_time, grace=comparison.grace)
                    if found is not None and found.kind is Unattested.BEFORE_BASE:
                        yield _at(after, change.path, name, index, field_name,
                                  code=BASE_RECORDED_AT_UNATTESTED.code,
                                  message=f"{what} {index + 1} is appended here, but its "
                                  f"`{field_name}` is {found.message}; the time something "
                                  "was written down is no earlier than the grace period of "
                                  "the agreements at the base (backdating_grace_days) allows",
                                  hint="what happened earlier is logged with that time as "
                                  "its `at` and the present as its `recorded_at`")


def _moment_of(value: object) -> dt.datetime | None:
    """A time as a record writes it, with its offset; None for anything else."""
    if not isinstance(value, str | dt.datetime):
        return None
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _reopened(before: Side | None, after: Side | None) -> bool:
    """Whether the change records a reopen: it appends to `reopenings`."""
    return (before is not None and after is not None
            and len(_list(after, "reopenings")) > len(_list(before, "reopenings")))


def _list(side: Side, name: str) -> list[Any]:
    value = side.mapping.get(name)
    return value if isinstance(value, list) else []


def classification_changes_carry_reason(comparison: Comparison) -> Iterator[Diagnostic]:
    """A classification added here whose class differs from the one before has a reason;
    the criteria it cites are those of the base."""
    from eta.models.common import is_reason

    known = ({c.id for c in (*comparison.criteria.calamiteit, *comparison.criteria.crisis)}
             if comparison.criteria is not None else set())
    for change, before, after in comparison.readable("incident"):
        old, new = ([] if before is None else _list(before, "classifications"),
                    _list(after, "classifications"))
        for index in range(len(old), len(new)):
            entry = new[index]
            if not isinstance(entry, dict):
                continue
            previous = new[index - 1] if index > 0 else None
            if (isinstance(previous, dict) and previous.get("class") != entry.get("class")
                    and not is_reason(entry.get("reason"))):
                yield _at(after, change.path, "classifications", index, "class",
                          code=BASE_CLASSIFICATION_NO_REASON.code,
                          message=f"the class changes from `{previous.get('class')}` to "
                          f"`{entry.get('class')}` without a reason",
                          hint="give the classification a `reason`")
            cited = entry.get("criteria")
            for position, criterion in enumerate(cited if isinstance(cited, list) else []):
                if isinstance(criterion, str) and criterion not in known:
                    yield _at(after, change.path, "classifications", index, "criteria",
                              position, code=BASE_CLASSIFICATION_UNKNOWN_CRITERION.code,
                              message=f"criterion `{criterion}` is not among the criteria at "
                              f"the base ({comparison.revision}); criteria changed in a "
                              "change apply from the next one")


def closed_incidents_stay_closed(comparison: Comparison) -> Iterator[Diagnostic]:
    """A closed incident changes only in a change that records its reopen."""
    for change, before, after in comparison.readable("incident"):
        if before is None or before.mapping.get("status") != "closed":
            continue
        if before.data == after.data or _reopened(before, after):
            continue
        incident_id = before.mapping.get("id")
        yield _at(after, change.path, "status", code=BASE_INCIDENT_CLOSED_EDITED.code,
                  message="the incident was closed at the base and is edited here "
                  "without being reopened",
                  hint=f"reopen it with `eta incident update {incident_id} --status "
                  "in_progress --reason TEXT`, which records who reopened it, when and why")


def evaluated_releases_stay(comparison: Comparison) -> Iterator[Diagnostic]:
    """No file of an evaluated release changes, whether or not its release.yaml does,
    unless the change records the release's reopen."""
    for change in comparison.changes:
        path = change.old_path or change.path
        parts = PurePosixPath(path).parts
        if parts[0] != "releases" or len(parts) < 3:
            continue
        release_path = release_file(parts[1])
        release = comparison.before.get(release_path)
        if release is None or release.mapping.get("status") != "evaluated":
            continue
        if _reopened(release, comparison.after.get(release_path, release)):
            continue
        before = comparison.before.get(change.old_path) if change.old_path else None
        after = comparison.after.get(change.path)
        if before is not None and after is not None and before.data == after.data:
            continue
        hint = (f"reopen it with `eta release reopen {parts[1]} --reason TEXT`, which records "
                "who reopened it, when and why")
        if change.path == release_path and after is not None:
            yield _at(after, change.path, "status", code=BASE_RELEASE_EVALUATED_EDITED.code,
                      message="the release was evaluated at the base; it is edited here "
                      "without being reopened", hint=hint)
        else:
            yield _at(after, change.path, code=BASE_RELEASE_EVALUATED_EDITED.code,
                      message=f"release `{parts[1]}` was evaluated at the base; its files "
                      "change only when the release is reopened", hint=hint)


def statuses_follow_the_lifecycle(comparison: Comparison) -> Iterator[Diagnostic]:
    """A status goes from the base's to the new one along the moves of its lifecycle; a
    record added here starts where its lifecycle does."""
    for kind, (moves, reopen, enum) in _LIFECYCLES.items():
        for change, before, after in comparison.readable(kind):
            start = enum(next(iter(moves))) if before is None else _status(before, enum)
            end = _status(after, enum)
            if start is None or end is None:
                continue  # no status the lifecycle knows: the record's own error says so
            reopened = _reopened(before, after)
            if reachable(moves, reopen, start, end, reopened=reopened):
                continue
            if start is reopen[0] and reachable(moves, reopen, start, end, reopened=True):
                continue  # closed or evaluated and not reopened: its own rule says so
            yield _at(after, change.path, "status", code=BASE_STATUS_ILLEGAL_MOVE.code,
                      message=f"the status goes from `{start}` to `{end}`, which no moves of "
                      f"the {kind}'s lifecycle lead to ({path_words(moves)})",
                      hint=f"set it back to `{start}`, or move it on by the lifecycle")


def _status(side: Side, enum: type[StrEnum]) -> StrEnum | None:
    value = side.mapping.get("status", next(iter(enum)).value)
    try:
        return enum(value)
    except ValueError:
        return None


_LIFECYCLES: dict[str, tuple[Any, Any, type[StrEnum]]] = {
    "incident": (INCIDENT_MOVES, INCIDENT_REOPEN, IncidentStatus),
    "release": (RELEASE_MOVES, RELEASE_REOPEN, ReleaseStatus),
}


#: The statuses of a release whose preconditions depend on its chain dependencies.
_PAST_DRAFT = ("in_force", "in_realisation", "rolled_out", "evaluated")


def chain_dependencies_stay(comparison: Comparison) -> Iterator[Diagnostic]:
    """A release in force or later keeps its chain dependencies: they decide whether it
    needs a plan signed by every party, and the signatures cover them."""
    for change, before, after in comparison.readable("release"):
        if before is None:
            continue
        old = before.mapping.get("chain_dependencies")
        new = after.mapping.get("chain_dependencies")
        statuses = [side.mapping.get("status") for side in (before, after)]
        status = next((s for s in reversed(statuses) if s in _PAST_DRAFT), None)
        if old == new or not isinstance(old, bool) or status is None:
            continue
        yield _at(after, change.path, "chain_dependencies",
                  code=BASE_RELEASE_CHAIN_DEPENDENCIES_CHANGED.code,
                  message=f"`chain_dependencies` changed from `{_yaml_bool(old)}` to "
                  f"`{_yaml_bool(new)}` on a release that is {status}; whether a release "
                  "needs a plan signed by every party is agreed, and does not change once "
                  "it is in force",
                  hint=f"set it back to `{_yaml_bool(old)}`")


def _yaml_bool(value: object) -> str:
    """A value as YAML writes it: `true`, `false`, `null`."""
    import json

    return json.dumps(value)


def files_stay_real(comparison: Comparison) -> Iterator[Diagnostic]:
    """The change adds no link and no submodule: what git holds is refused as the working
    tree's own link is, wherever the change is checked out (even where git writes a link as
    a plain file holding its target)."""
    from eta.records.yaml import refusal_diagnostic

    for change in comparison.changes:
        refused = refusal_of_git_mode(change.path, change.mode) if change.mode else None
        if refused is not None:
            yield refusal_diagnostic(refused)


CHANGE_RULES: tuple[ChangeRule, ...] = (
    files_stay_real,
    records_stay,
    ids_stay,
    signatures_only_added,
    signers_in_base_register,
    append_only,
    recorded_facts_corrected,
    classification_changes_carry_reason,
    closed_incidents_stay_closed,
    evaluated_releases_stay,
    chain_dependencies_stay,
    statuses_follow_the_lifecycle,
    appended_entries_are_attested,
)

