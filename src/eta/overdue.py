"""Whether what is due is overdue: the one judgement of it, for every deadline eta names
(`eta.due`) and every clock of a reporting duty (`eta.incidents.duties`)."""

from __future__ import annotations

import datetime as dt


def is_overdue(due: dt.date | dt.datetime, at: dt.date | dt.datetime) -> bool:
    """Whether what is due at `due` is overdue as at `at`: a moment once it has passed, a
    day once the day after it has begun. A day judged alone (`at` a date) stands for its
    start; a moment is judged only at a moment."""
    if isinstance(due, dt.datetime):
        if not isinstance(at, dt.datetime):
            raise TypeError("a moment that is due is judged at a moment")
        # In UTC: two moments of one zone compare by their wall clocks, which the hour
        # repeated in autumn makes wrong.
        return due.astimezone(dt.UTC) < at.astimezone(dt.UTC)
    return due < (at.date() if isinstance(at, dt.datetime) else at)
