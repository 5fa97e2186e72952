"""Rules about releases and their implementation plans.

A plan is read as a whole: the release, the plan, each implementing party's part and each
signature. A release that is still a draft may have gaps and missing signatures; once its
status says the plan is in force, the plan must hold up: every party complete, every
signature valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from eta.catalogue import (
    PLAN_DEADLINE_OVERDUE,
    PLAN_MEASURE_AFTER_DEADLINE,
    PLAN_MEASURE_OVERDUE,
    PLAN_MILESTONE_AFTER_DEADLINE,
    PLAN_MILESTONE_NOT_IMPLEMENTING,
    PLAN_MILESTONE_OVERDUE,
    PLAN_PARTY_INCOMPLETE,
    PLAN_PARTY_NO_PLAN,
    PLAN_PARTY_NOT_IMPLEMENTING,
    PLAN_SIGNATURE_NO_PLAN,
    PLAN_SIGNATURE_NOT_IMPLEMENTING,
    PLAN_SIGNATURE_OVERDUE,
    RELEASE_EVALUATION_DUE,
    RELEASE_EVALUATION_LATE,
    RELEASE_EVALUATION_OVERDUE,
    RELEASE_PLAN_MISSING,
)
from eta.check.result import RecordRule, RecordSet, UnitRule
from eta.diagnostics import Diagnostic, error, warning
from eta.due import ItemKind, evaluation_deadline, is_overdue
from eta.models.party import Party
from eta.models.release import Plan, PlanParty, Release, Signature
from eta.plans.digest import ReleaseFiles
from eta.plans.state import (
    EVALUATION_WARNING_DAYS,
    PlanState,
    SignatureState,
    assess,
    blockers,
    check_signature,
    group_by_release,
)
from eta.records.read import Loaded
from eta.vocabulary import ReleaseStatus


def _at(loaded: Loaded, code: str, message: str, *path: str | int, hint: str | None = None,
        severity: str = "error") -> Diagnostic:
    pos = loaded.position(*path)
    make = warning if severity == "warning" else error
    return make(loaded.file, pos.line, pos.column, code, message, hint)


def release_plans(records: RecordSet) -> Iterator[Diagnostic]:
    register = records.context.parties
    for files in group_by_release(records.records, records.unloaded).values():
        yield from _release(files, register, records)


def _release(files: ReleaseFiles, register: Mapping[str, Party], records: RecordSet
             ) -> Iterator[Diagnostic]:
    release_file = files.release
    release = release_file.record if release_file is not None else None
    assert release is None or isinstance(release, Release)
    plan_file = f"releases/{files.release_id}/plan.yaml"
    has_plan = files.plan is not None or plan_file in files.unloaded
    if (release_file is not None and release is not None and not has_plan
            and release.chain_dependencies and release.decided_on is not None):
        yield _at(release_file, RELEASE_PLAN_MISSING.code,
                  f"release {release.id} has chain dependencies and was decided on "
                  f"{release.decided_on}, but has no implementation plan",
                  "chain_dependencies",
                  hint=f"start it with `eta plan add-party {release.id} --party PARTY "
                  "--contact-name NAME --contact-email EMAIL`")
    evidence = records.context.evidence
    assert evidence is not None, "the engine gives the evidence to every check of releases"
    state = assess(files, register, records.today, evidence)
    if files.plan is None:
        yield from _orphans(files)
    else:
        yield from _plan(files, state, register)
    if release_file is not None and release is not None:
        yield from _status(release_file, release, state, register)
        yield from _evaluation(release_file, release, records)


def _orphans(files: ReleaseFiles) -> Iterator[Diagnostic]:
    """Parts and signatures of a plan that does not exist."""
    for loaded in files.parties.values():
        yield _at(loaded, PLAN_PARTY_NO_PLAN.code,
                  f"release {files.release_id} has no implementation plan (plan.yaml) for "
                  "this party's part to belong to", "party")
    for loaded in files.signatures.values():
        yield _at(loaded, PLAN_SIGNATURE_NO_PLAN.code,
                  f"release {files.release_id} has no implementation plan (plan.yaml) for "
                  "this signature to sign", "party")


def _is_draft(release: Release | None) -> bool:
    return release is None or release.status is ReleaseStatus.DRAFT


def _plan(files: ReleaseFiles, state: PlanState, register: Mapping[str, Party]
          ) -> Iterator[Diagnostic]:
    assert files.plan is not None and isinstance(files.plan.record, Plan)
    plan_loaded, plan = files.plan, files.plan.record
    release = files.release.record if files.release is not None else None
    assert release is None or isinstance(release, Release)
    draft = _is_draft(release)
    for party_id, loaded in files.parties.items():
        if party_id not in plan.parties:
            yield _at(loaded, PLAN_PARTY_NOT_IMPLEMENTING.code,
                      f"{party_id} is not an implementing party of the plan of "
                      f"{files.release_id}", "party",
                      hint=f"add `{party_id}` to `parties` in {plan_loaded.file}, or remove "
                      "this file")
    for party_state in state.parties:
        signed = files.signatures.get(party_state.party)
        check = party_state.signature
        if signed is not None and check.code is not None:
            stale = check.state is SignatureState.STALE
            yield _at(signed, check.code, f"the signature of {party_state.party} is "
                      f"{check.state}: {check.reason}", check.field,
                      hint=f"sign again: `eta plan sign {files.release_id} --party "
                      f"{party_state.party}`" if stale else None,
                      severity="warning" if stale and draft else "error")
        if party_state.lacks and not draft:
            missing = ", ".join(party_state.lacks)
            part = files.parties.get(party_state.party)
            if part is not None:
                yield _at(part, PLAN_PARTY_INCOMPLETE.code,
                          f"{party_state.party}'s part of the plan lacks: {missing}", "party")
            else:
                yield _at(plan_loaded, PLAN_PARTY_INCOMPLETE.code,
                          f"{party_state.party} has no part in the plan "
                          f"(parties/{party_state.party}.yaml); it lacks: {missing}",
                          "parties", plan.parties.index(party_state.party))
    for party_id in state.stray_signatures:
        signed = files.signatures[party_id]
        yield _at(signed, PLAN_SIGNATURE_NOT_IMPLEMENTING.code,
                  f"{party_id} is not an implementing party of the plan of "
                  f"{files.release_id}; its signature counts for nothing", "party")
        assert isinstance(signed.record, Signature) and state.times is not None
        check = check_signature(signed.record, register, state.digest, state.times)
        if check.state is SignatureState.INVALID and check.code is not None:
            yield _at(signed, check.code, f"the signature of {party_id} is invalid: "
                      f"{check.reason}", check.field)
    yield from _dates(files, state)


def _dates(files: ReleaseFiles, state: PlanState) -> Iterator[Diagnostic]:
    assert files.plan is not None and isinstance(files.plan.record, Plan)
    plan_loaded, plan = files.plan, files.plan.record
    last = max((d.date for d in plan.deadlines), default=None)
    for index, milestone in enumerate(plan.milestones):
        if last is not None and milestone.date > last:
            yield _at(plan_loaded, PLAN_MILESTONE_AFTER_DEADLINE.code,
                      f"milestone {milestone.id} ({milestone.date}) lies after the plan's "
                      f"last deadline ({last})", "milestones", index, "date")
        if state.is_overdue(ItemKind.MILESTONE, milestone.id):
            yield _at(plan_loaded, PLAN_MILESTONE_OVERDUE.code,
                      f"milestone {milestone.id} was due on {milestone.date} and is not done",
                      "milestones", index, "date", severity="warning",
                      hint=f"when it is: `eta plan milestone-done {files.release_id} "
                      f"{milestone.id} --on DATE`")
        for position, party_id in enumerate(milestone.parties):
            if party_id not in plan.parties:
                yield _at(plan_loaded, PLAN_MILESTONE_NOT_IMPLEMENTING.code,
                          f"milestone {milestone.id} names {party_id}, which is not an "
                          "implementing party of the plan", "milestones", index, "parties",
                          position)
    for index, deadline in enumerate(plan.deadlines):
        if state.is_overdue(ItemKind.DEADLINE, deadline.id):
            yield _at(plan_loaded, PLAN_DEADLINE_OVERDUE.code,
                      f"deadline {deadline.id} was on {deadline.date} and the roll-out is not "
                      "complete", "deadlines", index, "date", severity="warning",
                      hint=f"once it is: `eta release rollout {files.release_id} "
                      "--completed-on DATE`")
    yield from _late_signatures(files, state)
    for party_id, loaded in files.parties.items():
        assert isinstance(loaded.record, PlanParty)
        for index, measure in enumerate(loaded.record.measures):
            if last is not None and measure.deadline > last:
                yield _at(loaded, PLAN_MEASURE_AFTER_DEADLINE.code,
                          f"measure {measure.id} ({measure.deadline}) lies after the plan's "
                          f"last deadline ({last})", "measures", index, "deadline")
            if state.is_overdue(ItemKind.MEASURE, measure.id, party_id):
                yield _at(loaded, PLAN_MEASURE_OVERDUE.code,
                          f"measure {measure.id} of {party_id} was due on {measure.deadline} "
                          f"and is {measure.status}", "measures", index, "deadline",
                          severity="warning",
                          hint=f"when it is done: `eta plan measure-status {files.release_id} "
                          f"--party {party_id} {measure.id} done`")


def _late_signatures(files: ReleaseFiles, state: PlanState) -> Iterator[Diagnostic]:
    """A signature the plan needs to be in force by its first open date, now passed."""
    assert files.plan is not None and isinstance(files.plan.record, Plan)
    plan = files.plan.record
    for item in state.overdue:
        if item.kind is not ItemKind.SIGNATURE or item.party is None:
            continue
        signed = files.signatures.get(item.party)
        loaded, path = ((signed, ("party",)) if signed is not None
                        else (files.plan, ("parties", plan.parties.index(item.party))))
        yield _at(loaded, PLAN_SIGNATURE_OVERDUE.code,
                  f"the plan must be in force by {item.due}, and {item.party} has still to "
                  f"{item.title}", *path, severity="warning",
                  hint=f"`eta plan sign {files.release_id} --party {item.party}`")


def _status(release_file: Loaded, release: Release, state: PlanState,
            register: Mapping[str, Party]) -> Iterator[Diagnostic]:
    """A release's status must rest on the preconditions of every step that led there."""
    for blocker in blockers(state, release.status, register):
        yield _at(release_file, blocker.code,
                  f"the release is {release.status}, but {blocker.message}", "status")


def _evaluation(release_file: Loaded, release: Release, records: RecordSet
                ) -> Iterator[Diagnostic]:
    completed = release.rollout.completed_on if release.rollout else None
    if completed is None:
        return
    deadline = evaluation_deadline(completed)
    evaluation = release.evaluation
    if evaluation is not None:
        if evaluation.held_on > deadline:
            yield _at(release_file, RELEASE_EVALUATION_LATE.code,
                      f"the evaluation was held on {evaluation.held_on}, later than two "
                      f"months after the implementation was complete ({completed}): "
                      f"it was due by {deadline}", "evaluation", "held_on")
        return
    days_left = (deadline - records.today).days
    if is_overdue(deadline, records.today):
        yield _at(release_file, RELEASE_EVALUATION_OVERDUE.code,
                  f"the implementation was complete on {completed}; the evaluation was due "
                  f"by {deadline} and has not been held", "rollout", "completed_on",
                  hint=f"record it: `eta release evaluation {release.id} --held-on DATE "
                  "--participant PARTY`")
    elif days_left <= EVALUATION_WARNING_DAYS:
        yield _at(release_file, RELEASE_EVALUATION_DUE.code,
                  f"the evaluation is due by {deadline}, in {days_left} days: two months "
                  f"after the implementation was complete ({completed})",
                  "rollout", "completed_on", severity="warning")


RECORD_RULES: dict[str, tuple[RecordRule, ...]] = {}
RULES: tuple[UnitRule, ...] = (release_plans,)
