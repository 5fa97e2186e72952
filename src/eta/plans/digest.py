"""The digest of an implementation plan: what every signature on the plan covers, taken over
the records of one release folder.

A signature covers what the signed document, `eta report plan`, shows as agreed: the
release's agreed content (its id, title, framework version, changes, chain dependencies and
the Tactisch Beraad's decision), the plan (implementing parties, milestones, deadlines,
notes) and every implementing party's part (contact, impact analysis, planning, measures).
Changing any of it makes every signature stale.

Not covered is where the release and the plan stand: the release's status, communication
plan, roll-out and evaluation, its releasemanager (who coordinates, not what is agreed), and
what the parties report as they go (a measure's status, a milestone done, joining the new
framework version). Nor are the signatures themselves, which live in files of their own.

The digest is taken over that content as the models read it, written as canonical JSON:
formatting, comments, quoting, key order and values left at their defaults do not count.
The canonical text names its form (`CANONICAL_FORM`), so an old signature can never match
content written in a later form, whatever that form makes of it; and it is plain JSON with
sorted keys and every character outside ASCII escaped, from which the content can be read
back whole: two different contents never have the same canonical text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eta.models.release import Plan, PlanParty, Release, Signature

if TYPE_CHECKING:
    from eta.records.read import Loaded

#: Names the canonical form, so that a future change of it can never match an old digest.
#: Form 1 covered the plan and its parties only; form 2 adds the release's agreed content.
CANONICAL_FORM = "eta-plan-content/2"

#: Where the release stands and who coordinates it: not part of what the parties agree.
RELEASE_NOT_AGREED = frozenset(
    {"releasemanager", "status", "communication_plan", "rollout", "evaluation"})
_PLAN_PROGRESS: dict[str, Any] = {"milestones": {"__all__": {"done_on"}}}
_PARTY_PROGRESS: dict[str, Any] = {
    "joined_on": True,
    "measures": {"__all__": {"status", "status_on"}},
}


def canonical_content(release: Release, plan: Plan, parties: Mapping[str, PlanParty]) -> str:
    """The release's agreed content, the plan and every party's part of it, as canonical
    JSON."""
    content = {
        "form": CANONICAL_FORM,
        "release": release.model_dump(mode="json", exclude_defaults=True,
                                      exclude=set(RELEASE_NOT_AGREED)),
        "plan": plan.model_dump(mode="json", exclude_defaults=True, exclude=_PLAN_PROGRESS),
        "parties": {
            party_id: party.model_dump(mode="json", exclude_defaults=True,
                                       exclude=_PARTY_PROGRESS)
            for party_id, party in sorted(parties.items())
        },
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def plan_digest(release: Release, plan: Plan, parties: Mapping[str, PlanParty]) -> str:
    """`sha256:` and the hex SHA-256 of the canonical content."""
    content = canonical_content(release, plan, parties).encode("ascii")
    return "sha256:" + hashlib.sha256(content).hexdigest()


@dataclass
class ReleaseFiles:
    """The records of one release folder: releases/<id>/."""

    release_id: str
    release: Loaded | None = None
    plan: Loaded | None = None
    parties: dict[str, Loaded] = field(default_factory=dict)
    signatures: dict[str, Loaded] = field(default_factory=dict)
    #: Files of the folder that did not load; their errors are reported by `eta check`.
    unloaded: list[str] = field(default_factory=list)

    def add(self, loaded: Loaded) -> None:
        record = loaded.record
        if isinstance(record, Release):
            self.release = loaded
        elif isinstance(record, Plan):
            self.plan = loaded
        elif isinstance(record, PlanParty):
            self.parties[record.party] = loaded
        elif isinstance(record, Signature):
            self.signatures[record.party] = loaded

    @property
    def files(self) -> set[str]:
        loaded = [self.release, self.plan, *self.parties.values(), *self.signatures.values()]
        return {item.file for item in loaded if item is not None} | set(self.unloaded)

    @property
    def plan_parties(self) -> dict[str, PlanParty]:
        return {party: loaded.record for party, loaded in self.parties.items()
                if isinstance(loaded.record, PlanParty)}


def content_digest(files: ReleaseFiles) -> str | None:
    """The digest of what the signatures on the release's plan cover; None without the
    release or its plan, or while a party's part of the plan does not load."""
    release = files.release.record if files.release is not None else None
    plan = files.plan.record if files.plan is not None else None
    if (not isinstance(release, Release) or not isinstance(plan, Plan)
            or any("/parties/" in name for name in files.unloaded)):
        return None
    return plan_digest(release, plan, files.plan_parties)
