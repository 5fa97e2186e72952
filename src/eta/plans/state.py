"""Where a release and its implementation plan stand.

What the plan and each implementing party still lack, the state of every signature
(valid, stale, invalid or missing), whether the plan is in force, what is overdue, and what
stands in the way of the release's next step. `eta plan status`, `eta plan sign`,
`eta release advance` and the plan rules of `eta check` all read it from here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from eta import signing
from eta.catalogue import (
    PLAN_NOT_IN_FORCE,
    PLAN_SIGNATURE_INVALID,
    PLAN_SIGNATURE_NOT_AUTHORISED,
    PLAN_SIGNATURE_STALE,
    PLAN_SIGNATURE_UNREGISTERED_KEY,
    RELEASE_STATUS_UNMET,
)
from eta.contracts import PLAN_STATUS
from eta.diagnostics import Diagnostic, Severity, did_you_mean
from eta.due import DueItem, ItemKind, PartyPart, ReleaseRecords, release_items
from eta.errors import EtaError
from eta.lifecycle import RELEASE_MOVES, RELEASE_PROCESS, RELEASE_REOPEN, forward
from eta.models.common import is_identifier
from eta.models.party import Party, Representative
from eta.models.release import Plan, PlanParty, Release, Signature
from eta.plans.digest import ReleaseFiles, content_digest
from eta.plans.timing import SignatureTimes, SigningEvidence, signing_date
from eta.records.layout import record_names, relative
from eta.records.read import Loaded, invalid_records, load_record, load_records
from eta.records.snapshot import current, once
from eta.ssh_keys import registered_key
from eta.vocabulary import MeasureStatus, ReleaseStatus

if TYPE_CHECKING:
    from eta.contracts.shapes import PartyStatus, PlanStatusDocument

RELEASES = "releases"

#: The release process in order; each status is reached from the one before.
PROCESS = RELEASE_PROCESS

#: How many days before that deadline `eta check` starts to warn.
EVALUATION_WARNING_DAYS = 14


def next_status(status: ReleaseStatus) -> ReleaseStatus | None:
    return forward(RELEASE_MOVES, RELEASE_REOPEN, status)


# -- The records of one release ------------------------------------------------------------


def release_folder(root: Path, release_id: str) -> Path:
    return root / RELEASES / release_id


def folder_paths(root: Path, release_id: str) -> list[Path]:
    """The record files in a release's folder, as `eta check` lists them (links and special
    files too, which the loader refuses), in a fixed order."""
    folder = release_folder(root, release_id)
    if not os.path.lexists(folder):
        return []
    first = {f"{RELEASES}/{release_id}/release.yaml": 0, f"{RELEASES}/{release_id}/plan.yaml": 1}
    names = sorted(record_names(root, [folder]), key=lambda name: (first.get(name, 2), name))
    return [root / name for name in names]


def read_releases_ahead(root: Path, release_ids: Iterable[str]) -> None:
    """Read the files of the releases into the run's snapshot all at once, many of them in
    forked workers (`load_records`): `load_release` then finds them read. A file that cannot
    be read is passed over here; its release's `load_release` raises the error again."""
    if current() is None:
        return  # nothing would keep them
    with suppress(EtaError):
        load_records(root, release_files(root, release_ids))


def release_files(root: Path, release_ids: Iterable[str]) -> list[Path]:
    """The record files of the releases' folders, each folder's as `folder_paths` lists
    them."""
    return [path for release_id in release_ids for path in folder_paths(root, release_id)]


def load_release(root: Path, release_id: str) -> ReleaseFiles:
    """Every record of the release's folder; EtaError if one of them is not valid."""
    if not is_identifier(release_id):
        raise EtaError(f"`{release_id}` is not a release id: letters, digits, `.`, `_` and "
                       "`-`, starting with a letter or digit")
    if not os.path.lexists(release_folder(root, release_id)):
        known = [name.split("/")[1] for name in record_names(root, [root / RELEASES])
                 if name.endswith("/release.yaml")] if (root / RELEASES).is_dir() else []
        hint = did_you_mean(release_id, known)
        raise EtaError(f"there is no release `{release_id}` (no folder "
                       f"{RELEASES}/{release_id}/)" + (f"; {hint}" if hint else ""))
    files = ReleaseFiles(release_id)
    problems: list[Diagnostic] = []
    for path in folder_paths(root, release_id):
        result = load_record(root, path, relative(root, path))
        problems.extend(d for d in result.diagnostics if d.severity is Severity.ERROR)
        if result.loaded is not None:
            files.add(result.loaded)
    if problems:
        raise invalid_records(problems)
    if files.release is None:
        raise EtaError(f"{RELEASES}/{release_id}/release.yaml does not exist")
    return files


def group_by_release(records: Iterable[Loaded], unloaded: Iterable[str] = ()
                     ) -> dict[str, ReleaseFiles]:
    """The release records among `records` by release, with the files of their folders
    named in `unloaded`, which did not load."""
    groups: dict[str, ReleaseFiles] = {}
    for loaded in records:
        release_id = _release_of(loaded.file)
        if release_id is not None:
            groups.setdefault(release_id, ReleaseFiles(release_id)).add(loaded)
    for name in unloaded:
        release_id = _release_of(name)
        if release_id in groups:
            groups[release_id].unloaded.append(name)
    return groups


def _release_of(name: str) -> str | None:
    """The release whose folder holds the file `name`, or None."""
    parts = name.split("/")
    return parts[1] if parts[0] == RELEASES and len(parts) >= 3 else None


# -- Signatures ----------------------------------------------------------------------------


class SignatureState(StrEnum):
    VALID = "valid"
    STALE = "stale"
    INVALID = "invalid"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The state of one party's signature, and why it is not valid."""

    state: SignatureState
    reason: str | None = None
    #: The diagnostic code of what is wrong, and the field of the signature it concerns.
    code: str | None = None
    field: str = "signature"
    representative: str | None = None
    signed_at: dt.datetime | None = None
    key: str | None = None

    @property
    def summary(self) -> str:
        return f"{self.state}: {self.reason}" if self.reason else str(self.state)


MISSING = SignatureCheck(SignatureState.MISSING, "not signed yet")


def key_holders(register: Mapping[str, Party], key: signing.PublicKey
                ) -> list[tuple[Party, Representative]]:
    """Every representative, of any party, for whom `key` is registered."""
    return [(party, rep) for party in register.values() for rep in party.representatives
            if any(registered_key(line) == key for line in rep.keys)]


def authorisation_period(rep: Representative) -> str:
    until = f"until {rep.valid_until}" if rep.valid_until else "without end date"
    return f"from {rep.valid_from} {until}"


def check_signature(signature: Signature, register: Mapping[str, Party],
                    current_digest: str | None, times: SignatureTimes) -> SignatureCheck:
    """Verify one signature: the SSH signature itself, the key against the register of
    representatives on the day of signing, its time against the times it cannot precede
    or follow (`times`), and its digest against the plan's."""

    def invalid(code: str, where: str, reason: str) -> SignatureCheck:
        return SignatureCheck(SignatureState.INVALID, reason, code, where,
                              signature.representative, signature.signed_at, signature.key)

    message = signing.signing_message(
        release=signature.release, party=signature.party,
        representative=signature.representative,
        signed_at=signature.signed_at.isoformat(), digest=signature.digest)
    try:
        # A run's snapshot verifies each signature once, however many views judge it.
        key = once(("signature", signature.signature, message),
                   lambda: signing.verify(signature.signature, message))
    except signing.BadSignature as exc:
        return invalid(PLAN_SIGNATURE_INVALID.code, "signature", f"it does not verify ({exc})")
    if key.fingerprint != signature.key:
        return invalid(PLAN_SIGNATURE_INVALID.code, "key",
                       f"it was made with key {key.fingerprint}, not with {signature.key}")
    party = register.get(signature.party)
    if party is None:
        return invalid(PLAN_SIGNATURE_UNREGISTERED_KEY.code, "party",
                       f"party `{signature.party}` is not in the register")
    holders = key_holders(register, key)
    own = [rep for holder, rep in holders if holder.id == party.id]
    rep = next((r for r in own if r.id == signature.representative), None)
    if rep is None:
        if own:
            reason = (f"key {key.fingerprint} is registered for {own[0].id}, not for "
                      f"{signature.representative}")
        else:
            elsewhere = ", ".join(f"{r.id} of {p.id}" for p, r in holders)
            reason = (f"key {key.fingerprint} is not registered for a representative of "
                      f"{party.id}" + (f" (it is registered for {elsewhere})"
                                       if elsewhere else ""))
        return invalid(PLAN_SIGNATURE_UNREGISTERED_KEY.code, "key", reason)
    day = signing_date(signature.signed_at, times.evidence.zone)
    if not rep.authorised_on(day):
        return invalid(PLAN_SIGNATURE_NOT_AUTHORISED.code, "signed_at",
                       f"{rep.id} was not authorised to sign for {party.id} on {day} "
                       f"(authorised {authorisation_period(rep)})")
    problem = times.problem(signature)
    if problem is not None:
        return invalid(problem.code, problem.field, problem.reason)
    if current_digest is not None and signature.digest != current_digest:
        return SignatureCheck(SignatureState.STALE,
                              "the plan changed after it was signed",
                              PLAN_SIGNATURE_STALE.code, "digest", signature.representative,
                              signature.signed_at, signature.key)
    return SignatureCheck(SignatureState.VALID, None, None, "signature",
                          signature.representative, signature.signed_at, signature.key)


# -- Plan state ----------------------------------------------------------------------------


@dataclass
class PartyState:
    party: str
    name: str | None
    record: PlanParty | None
    lacks: list[str]
    signature: SignatureCheck
    #: What this party owes that is overdue (`eta.due`).
    overdue: list[DueItem] = field(default_factory=list)

    @property
    def measures_done(self) -> int:
        if self.record is None:
            return 0
        return sum(m.status is MeasureStatus.DONE for m in self.record.measures)


@dataclass
class PlanState:
    release_id: str
    release: Release | None
    plan: Plan | None
    digest: str | None
    plan_lacks: list[str]
    parties: list[PartyState]
    #: Signatures of parties that do not implement the plan.
    stray_signatures: list[str]
    today: dt.date
    #: What the plan's signatures were dated against; None without a plan.
    times: SignatureTimes | None = None
    #: Everything owed for the release, judged as at the start of `today` (`eta.due`).
    due: list[DueItem] = field(default_factory=list)

    @property
    def overdue(self) -> list[DueItem]:
        """What is overdue, by the day it was due."""
        late = [item for item in self.due if item.overdue]
        return sorted(late, key=lambda item: (item.due, str(item.kind), item.party or "",
                                              item.name))

    def is_overdue(self, kind: ItemKind, name: str, party: str | None = None) -> bool:
        """Whether the milestone, measure (of `party`) or other item `name` is overdue."""
        return any(item.kind is kind and item.name == name and item.party == party
                   for item in self.due if item.overdue)

    @property
    def in_force(self) -> bool:
        return bool(self.parties) and all(
            p.signature.state is SignatureState.VALID for p in self.parties)

    def lacking(self) -> list[str]:
        """What the plan and its parties still lack, one line each."""
        lines = [f"the plan has no {what}" for what in self.plan_lacks]
        lines += [f"{p.party}: {', '.join(p.lacks)}" for p in self.parties if p.lacks]
        return lines

    def not_in_force_reasons(self) -> list[str]:
        if self.plan is None:
            return ["there is no implementation plan"]
        if not self.parties:
            return ["the plan has no implementing parties"]
        reasons = []
        for state in self.parties:
            signature = state.signature
            if signature.state is SignatureState.MISSING:
                reasons.append(f"{state.party} has not signed the plan")
            elif signature.state is not SignatureState.VALID:
                reasons.append(f"the signature of {state.party} is {signature.summary}")
        return reasons


#: What each implementing party must deliver before the plan can be signed.
PARTY_DELIVERABLES = ("contact", "impact analysis", "planning", "measures")


def party_lacks(record: PlanParty | None) -> list[str]:
    if record is None:
        return list(PARTY_DELIVERABLES)
    present = {
        "contact": record.contact is not None,
        "impact analysis": record.impact_analysis is not None,
        "planning": record.planning is not None,
        "measures": bool(record.measures),
    }
    return [what for what in PARTY_DELIVERABLES if not present[what]]


def assess(files: ReleaseFiles, register: Mapping[str, Party], today: dt.date,
           evidence: SigningEvidence) -> PlanState:
    """Where the release's plan stands on `today`, its signatures dated by `evidence`."""
    release = files.release.record if files.release is not None else None
    assert release is None or isinstance(release, Release)
    plan = files.plan.record if files.plan is not None else None
    assert plan is None or isinstance(plan, Plan)
    if plan is None:
        state = PlanState(files.release_id, release, None, None, [], [], [], today)
        state.due = _due(files, state, register)
        return state
    records = files.plan_parties
    digest = content_digest(files)
    times = evidence.for_release(files, digest)
    plan_lacks = []
    if not plan.parties:
        plan_lacks.append("implementing parties")
    if not plan.deadlines:
        plan_lacks.append("deadline")
    states = []
    for party_id in plan.parties:
        record = records.get(party_id)
        signed = files.signatures.get(party_id)
        signature = MISSING
        if signed is not None:
            assert isinstance(signed.record, Signature)
            signature = check_signature(signed.record, register, digest, times)
        registered = register.get(party_id)
        states.append(PartyState(party_id, registered.name if registered else None, record,
                                 party_lacks(record), signature))
    stray = sorted(set(files.signatures) - set(plan.parties))
    state = PlanState(files.release_id, release, plan, digest, plan_lacks, states, stray, today,
                      times)
    state.due = _due(files, state, register)
    for party in state.parties:
        party.overdue = [item for item in state.overdue if item.party == party.party]
    return state


def _due(files: ReleaseFiles, state: PlanState, register: Mapping[str, Party]
         ) -> list[DueItem]:
    """What the release owes, as `eta.due` judges it."""
    if files.release is None or state.release is None:
        return []
    plan_file = files.plan.file if files.plan is not None else None
    parts = [PartyPart(party.party, party.record,
                       files.parties[party.party].file if party.party in files.parties
                       else plan_file or files.release.file,
                       signature_action(party),
                       files.signatures[party.party].file if party.party in files.signatures
                       else plan_file or files.release.file)
             for party in state.parties]
    records = ReleaseRecords(files.release_id, state.release, files.release.file, state.plan,
                             plan_file, parts, state.in_force)
    return release_items(records, register, state.today)


def signature_action(party: PartyState) -> str | None:
    """What `party` must do about its signature for the plan to come into force."""
    signature = party.signature
    if signature.state is SignatureState.VALID:
        return None
    if signature.state is SignatureState.MISSING:
        action = "sign the implementation plan"
    elif signature.state is SignatureState.STALE:
        action = f"sign the implementation plan again ({signature.reason})"
    else:
        action = (f"sign the implementation plan again (the signature is invalid: "
                  f"{signature.reason})")
    lacks = f"; its part still lacks: {', '.join(party.lacks)}" if party.lacks else ""
    return action + lacks


# -- The release process -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Blocker:
    """A precondition of a status that does not hold."""

    code: str
    message: str


def blockers(state: PlanState, status: ReleaseStatus,
             register: Mapping[str, Party]) -> list[Blocker]:
    """What keeps the release from being at `status`: every precondition of that status,
    and of each step of the process that leads to it, that does not hold.

    The one judgement of whether a status rests on the records: `eta release advance` asks
    it of the next status, `eta check` of the status the release has, however it got there.
    """
    found: list[Blocker] = []
    for step in PROCESS[1:PROCESS.index(status) + 1]:
        for blocker in _step_blockers(state, step, register):
            if blocker not in found:
                found.append(blocker)
    return found


def _step_blockers(state: PlanState, target: ReleaseStatus,
                   register: Mapping[str, Party]) -> list[Blocker]:
    """The preconditions of `target` itself that do not hold."""
    release = state.release
    if release is None:
        return []
    found: list[Blocker] = []

    def unmet(message: str) -> None:
        found.append(Blocker(RELEASE_STATUS_UNMET.code, message))

    if target in (ReleaseStatus.IN_FORCE, ReleaseStatus.IN_REALISATION):
        if release.decided_on is None:
            unmet("the Tactisch Beraad's decision is not recorded (decided_on)")
        if release.framework_version is None:
            unmet("the framework version is not set (framework_version)")
        # A plan that exists is what `in_force` says is in force, whatever the release's
        # chain dependencies say.
        if release.chain_dependencies or state.plan is not None:
            found.extend(Blocker(PLAN_NOT_IN_FORCE.code, f"the plan is not in force: {reason}")
                         for reason in state.not_in_force_reasons())
    elif target is ReleaseStatus.ROLLED_OUT:
        if release.communication_plan is None:
            unmet("the Beheerorganisatie's communication plan is not recorded")
        for milestone in state.plan.milestones if state.plan else []:
            if milestone.done_on is None:
                unmet(f"milestone {milestone.id} ({milestone.date}) is not done")
        for party in state.parties:
            for measure in party.record.measures if party.record else []:
                if measure.status is not MeasureStatus.DONE:
                    unmet(f"measure {measure.id} of {party.party} is not done "
                          f"({measure.status})")
            registered = register.get(party.party)
            joined = party.record is not None and party.record.joined_on is not None
            if registered is not None and registered.is_deelnemer and not joined:
                version = release.framework_version or "the new version"
                unmet(f"{party.party} has not joined framework version {version}")
        if release.rollout is None or release.rollout.completed_on is None:
            unmet("the roll-out is not complete (rollout.completed_on)")
    elif target is ReleaseStatus.EVALUATED and release.evaluation is None:
        unmet("no evaluation is recorded")
    return found


def status_document(state: PlanState, register: Mapping[str, Party]) -> PlanStatusDocument:
    """Where the release and its plan stand, as the plain data `eta plan status --format
    json` prints."""
    release = state.release
    assert release is not None
    following = next_status(release.status)
    parties: list[PartyStatus] = []
    for party in state.parties:
        record = party.record
        signature = party.signature
        parties.append({
            "party": party.party,
            "name": party.name,
            "contact": record.contact.model_dump(mode="json", exclude_defaults=True)
            if record and record.contact else None,
            "impact_analysis": record.impact_analysis.model_dump(mode="json")
            if record and record.impact_analysis else None,
            "planning": record.planning.model_dump(mode="json")
            if record and record.planning else None,
            "measures": [m.model_dump(mode="json")
                         | {"overdue": state.is_overdue(ItemKind.MEASURE, m.id, party.party)}
                         for m in (record.measures if record else [])],
            "joined_on": record.joined_on.isoformat() if record and record.joined_on else None,
            "lacks": party.lacks,
            "signature": {
                "state": str(signature.state),
                "reason": signature.reason,
                "representative": signature.representative,
                "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
                "key": signature.key,
            },
        })
    plan = state.plan
    return {
        "version": PLAN_STATUS.version,
        "release": release.id,
        "title": release.title,
        "status": str(release.status),
        "framework_version": release.framework_version,
        "today": state.today.isoformat(),
        "plan": None if plan is None else {
            "digest": state.digest,
            "in_force": state.in_force,
            "not_in_force_because": [] if state.in_force else state.not_in_force_reasons(),
            "lacks": state.lacking(),
            "parties": parties,
            "milestones": [m.model_dump(mode="json")
                           | {"overdue": state.is_overdue(ItemKind.MILESTONE, m.id)}
                           for m in plan.milestones],
            "deadlines": [d.model_dump(mode="json") for d in plan.deadlines],
            "signatures_of_other_parties": state.stray_signatures,
        },
        "overdue": [{"kind": str(o.kind), "id": o.name, "party": o.party, "what": o.title,
                     "due": o.due.isoformat()} for o in state.overdue],
        "next": None if following is None else {
            "status": str(following),
            "blocked_by": [b.message for b in blockers(state, following, register)],
        },
    }
