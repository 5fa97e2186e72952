"""What `eta release list` and `eta release show` print: releases as plain data, and as lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eta.contracts import RELEASE_LIST, RELEASE_SHOW
from eta.models.party import Party
from eta.models.release import Release
from eta.plans.state import RELEASES, PlanState, SignatureState, status_document
from eta.records.layout import record_names

if TYPE_CHECKING:
    from eta.contracts.shapes import (
        PlanSummary,
        ReleaseListDocument,
        ReleaseShowDocument,
        ReleaseSummary,
    )


def release_ids(root: Path) -> list[str]:
    """Every release of the repository: the folders of releases/ that hold a release.yaml."""
    if not (root / RELEASES).is_dir():
        return []
    return sorted(name.split("/")[1] for name in record_names(root, [root / RELEASES])
                  if name.count("/") == 2 and name.endswith("/release.yaml"))


def _release(state: PlanState) -> Release:
    assert state.release is not None
    return state.release


def plan_summary(state: PlanState) -> PlanSummary | None:
    """How far the plan is signed; None for a release without one."""
    if state.plan is None:
        return None
    signed = [p.party for p in state.parties if p.signature.state is SignatureState.VALID]
    return {"parties": [p.party for p in state.parties], "signed_by": signed,
            "in_force": state.in_force}


def release_summary(state: PlanState) -> ReleaseSummary:
    """A release as a row of `eta release list --format json`."""
    release = _release(state)
    return {
        "id": release.id,
        "title": release.title,
        "status": str(release.status),
        "framework_version": release.framework_version,
        "decided_on": release.decided_on.isoformat() if release.decided_on else None,
        "chain_dependencies": release.chain_dependencies,
        "plan": plan_summary(state),
    }


def release_list_document(states: Sequence[PlanState], day: dt.date) -> ReleaseListDocument:
    """The releases as `eta release list --format json` prints them."""
    return {"version": RELEASE_LIST.version, "today": day.isoformat(),
            "releases": [release_summary(state) for state in states]}


def summary_line(state: PlanState) -> str:
    """A release in one line of `eta release list`."""
    release = _release(state)
    version = f" {release.framework_version}" if release.framework_version else ""
    return f"{release.id}  {release.status}{version}  {release.title}  ({plan_line(state)})"


def plan_line(state: PlanState) -> str:
    summary = plan_summary(state)
    if summary is None:
        return "no plan"
    if summary["in_force"]:
        return f"plan in force, signed by all {len(summary['parties'])} parties"
    return (f"plan not in force, signed by {len(summary['signed_by'])} of "
            f"{len(summary['parties'])} parties")


def release_document(state: PlanState, register: Mapping[str, Party]) -> ReleaseShowDocument:
    """A release as `eta release show --format json` prints it: its record, and where its
    plan and its next step stand (as `eta plan status` gives them)."""
    status = status_document(state, register)
    return {"version": RELEASE_SHOW.version, "today": state.today.isoformat(),
            "release": _release(state).model_dump(mode="json"), "plan": status["plan"],
            "next": status["next"]}


def release_lines(state: PlanState) -> list[str]:
    """`eta release show` for people."""
    release = _release(state)
    lines = [f"{release.id}: {release.title}", f"status: {release.status}"]
    if release.framework_version:
        lines.append(f"framework version: {release.framework_version}")
    lines.append(f"decided on: {release.decided_on or 'not yet'}")
    lines.append(f"chain dependencies: {'yes' if release.chain_dependencies else 'no'}")
    lines.append(f"releasemanager: {release.releasemanager.name} "
                 f"<{release.releasemanager.email}>")
    for change in release.changes:
        lines.append(f"change {change.id}: {change.title}")
    lines.append(f"implementation plan: {plan_line(state)}")
    for party in state.parties:
        lines.append(f"  {party.party}: signature {party.signature.state}")
    if release.communication_plan:
        lines.append(f"communication plan: delivered on {release.communication_plan.delivered_on}")
    if release.rollout:
        planned = release.rollout.planned_on or "not planned"
        completed = release.rollout.completed_on or "not yet"
        lines.append(f"roll-out: planned {planned}, completed {completed}")
    if release.evaluation:
        lines.append(f"evaluation: held on {release.evaluation.held_on} with "
                     f"{', '.join(release.evaluation.participants)}")
    for reopening in release.reopenings:
        lines.append(f"reopened {reopening.at.isoformat()} by {reopening.by}: "
                     f"{reopening.reason}")
    return lines
