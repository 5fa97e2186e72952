"""How eta shows a moment to people: to the minute, in the records' time zone, and with the
zone's abbreviation (CET, CEST) wherever a reader needs it to know which moment is meant."""

from __future__ import annotations

import datetime as dt


def shown_moment(moment: dt.datetime, tz: dt.tzinfo | None = None, *, zone: bool = True
                 ) -> str:
    """`2026-11-16 17:30 CET`: `moment` to the minute in `tz` (in its own zone without one).

    Without `zone` the abbreviation is left out, for a table that names its time zone once,
    except where the clock shows the time twice (the hour it is set back in autumn): 02:30
    CEST and 02:30 CET are an hour apart, and a reader could not tell which was meant."""
    local = moment.astimezone(tz) if tz is not None else moment
    text = local.strftime("%Y-%m-%d %H:%M")
    if zone or _shown_twice(local):
        abbreviation = local.strftime("%Z")
        if abbreviation:
            return f"{text} {abbreviation}"
    return text


def _shown_twice(local: dt.datetime) -> bool:
    """Whether the wall-clock time of `local` is also that of another moment."""
    return local.tzinfo is not None and (
        local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset())
