"""The grounds of a criterion in Dutch, told from the facts `eta.incidents.classify` judged it on.

The classifier decides; this module only says in Dutch what its basis holds, so a report
never reasons about a criterion itself. The text is plain: templates escape it with `md`.
"""

from __future__ import annotations

import datetime as dt
from typing import assert_never

from eta.incidents.classify import (
    Basis,
    DeelnemersBasis,
    DisruptionBasis,
    FlagBasis,
    HoursBasis,
    ResponseTimeBasis,
    UnknownEndBasis,
)
from eta.reports import labels
from eta.reports.templating import dutch_moment, dutch_number


def dutch_grounds(basis: Basis) -> str:
    """`Impact op vertrouwelijkheid en integriteit: ja`, `2 deelnemers betrokken (...)`."""
    match basis:
        case FlagBasis(fact=fact, value=value):
            return f"{_capitalized(labels.FACT[fact])}: {labels.yes_no(value)}"
        case DeelnemersBasis(involved=involved, threshold=threshold):
            return (f"{_deelnemers(involved)}; het criterium vraagt er ten minste "
                    f"{dutch_number(threshold)}")
        case ResponseTimeBasis():
            return (f"verwachte verstoring van {dutch_duration(basis.disruption)} binnen het "
                    f"{labels.CLOCK['availability']} ({_span(basis)}) overschrijdt de "
                    f"responstijd van {dutch_duration(basis.limit)} voor {basis.priority}"
                    f"{'' if basis.exceeds else ' niet'}")
        case HoursBasis():
            return (f"verwachte verstoring van {dutch_duration(basis.disruption)} "
                    f"({_span(basis)}) duurt {'' if basis.exceeds else 'niet '}langer dan "
                    f"{dutch_duration(basis.limit)}")
        case UnknownEndBasis():
            return f"{_capitalized(labels.EXPECTED_END)}: {labels.yes_no(None)}"
        case _:
            assert_never(basis)


def dutch_duration(span: dt.timedelta) -> str:
    """`8 uur`, `0 uur`, `5 uur en 15 minuten`, `4 uur en 1 seconde`."""
    minutes, seconds = divmod(int(span.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} uur"]
    if minutes:
        parts.append(f"{minutes} {'minuut' if minutes == 1 else 'minuten'}")
    if seconds:
        parts.append(f"{seconds} {'seconde' if seconds == 1 else 'seconden'}")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


def _deelnemers(involved: tuple[str, ...]) -> str:
    if not involved:
        return "geen deelnemers betrokken"
    noun = "deelnemer" if len(involved) == 1 else "deelnemers"
    return f"{len(involved)} {noun} betrokken ({', '.join(involved)})"


def _span(basis: DisruptionBasis) -> str:
    return (f"vanaf {labels.DISRUPTION_SINCE[basis.since]} op {dutch_moment(basis.start)} "
            f"tot {dutch_moment(basis.end)}")


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
