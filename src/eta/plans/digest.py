"""The digest of an implementation plan: what every signature on the plan covers.

The digest is taken over the plan's content as the models read it, written as canonical
JSON: formatting, comments, quoting, key order and values left at their defaults do not
count. What the parties report as they go (a measure's status, a milestone done, joining
the new framework version) is progress, not the agreement, and does not count either; nor
do the signatures themselves, which live in files of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from eta.models.release import Plan, PlanParty

#: Names the canonical form, so that a future change of it can never match an old digest.
CANONICAL_FORM = "eta-plan-content/1"

_PLAN_PROGRESS: dict[str, Any] = {"milestones": {"__all__": {"done_on"}}}
_PARTY_PROGRESS: dict[str, Any] = {
    "joined_on": True,
    "measures": {"__all__": {"status", "status_on"}},
}


def canonical_content(plan: Plan, parties: Mapping[str, PlanParty]) -> str:
    """The plan and every implementing party's part of it, as canonical JSON."""
    content = {
        "form": CANONICAL_FORM,
        "plan": plan.model_dump(mode="json", exclude_defaults=True, exclude=_PLAN_PROGRESS),
        "parties": {
            party_id: party.model_dump(mode="json", exclude_defaults=True,
                                       exclude=_PARTY_PROGRESS)
            for party_id, party in sorted(parties.items())
        },
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plan_digest(plan: Plan, parties: Mapping[str, PlanParty]) -> str:
    """`sha256:` and the hex SHA-256 of the canonical content."""
    content = canonical_content(plan, parties).encode("utf-8")
    return "sha256:" + hashlib.sha256(content).hexdigest()
