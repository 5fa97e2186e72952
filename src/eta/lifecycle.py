"""The lifecycles of incidents and releases: which status may follow which.

One definition, read by the commands that move a status one step and by
`eta check --base`, which accepts a change whose status went from the base's to the new one
along these moves. The moves that open what history closed (a closed incident, an evaluated
release) count only in a change that records a reopen.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from eta.vocabulary import IncidentStatus, ReleaseStatus

Status = TypeVar("Status", bound=StrEnum)

#: An incident goes forward one step at a time; a resolved incident may be reopened, and a
#: closed one with a recorded reopen (who, when and why).
INCIDENT_MOVES: dict[IncidentStatus, tuple[IncidentStatus, ...]] = {
    IncidentStatus.NEW: (IncidentStatus.IN_PROGRESS,),
    IncidentStatus.IN_PROGRESS: (IncidentStatus.RESOLVED,),
    IncidentStatus.RESOLVED: (IncidentStatus.CLOSED, IncidentStatus.IN_PROGRESS),
    IncidentStatus.CLOSED: (IncidentStatus.IN_PROGRESS,),
}
INCIDENT_REOPEN = (IncidentStatus.CLOSED, IncidentStatus.IN_PROGRESS)

#: The release process in order; each status is reached from the one before.
RELEASE_PROCESS = (
    ReleaseStatus.DRAFT,
    ReleaseStatus.IN_FORCE,
    ReleaseStatus.IN_REALISATION,
    ReleaseStatus.ROLLED_OUT,
    ReleaseStatus.EVALUATED,
)
#: An evaluated release goes back to rolled_out only with a recorded reopen.
RELEASE_REOPEN = (ReleaseStatus.EVALUATED, ReleaseStatus.ROLLED_OUT)
RELEASE_MOVES: dict[ReleaseStatus, tuple[ReleaseStatus, ...]] = {
    **{status: (following,) for status, following in pairwise(RELEASE_PROCESS)},
    ReleaseStatus.EVALUATED: (ReleaseStatus.ROLLED_OUT,),
}


def forward(moves: Mapping[Status, tuple[Status, ...]], reopen: tuple[Status, Status],
            status: Status) -> Status | None:
    """The status that follows `status` without a reopen; None at the end of the process."""
    found = [s for s in moves[status] if (status, s) != reopen]
    return found[0] if found else None


def reachable(moves: Mapping[Status, tuple[Status, ...]], reopen: tuple[Status, Status],
              start: Status, end: Status, *, reopened: bool) -> bool:
    """Whether `end` follows `start` by moves of the lifecycle; the reopen move counts only
    when the change records a reopen."""
    seen = {start}
    frontier = [start]
    while frontier:
        status = frontier.pop()
        for following in moves[status]:
            if (status, following) == reopen and not reopened:
                continue
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return end in seen


def path_words(moves: Mapping[Status, tuple[Status, ...]]) -> str:
    """The moves in words: `new -> in_progress; resolved -> closed or in_progress`."""
    return "; ".join(f"{status} -> {' or '.join(following)}"
                     for status, following in moves.items())
