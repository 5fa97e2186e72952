"""Whether a time a record claims is attested by times eta can trust.

A record can claim any time: a signature's `signed_at`, the moment an entry was recorded.
Two clocks eta does not take from the record bound such a claim: the moment of the check
(nothing is recorded in the future, beyond a few minutes of clock skew), and, for what a
change adds, the committer time of the commit the change starts from (nothing it adds is
dated much earlier: a grace period lets work made some days before it was pushed, or
rebased, keep its time). Between those bounds a claimed time stands; git cannot say more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

#: How far a claimed time may lie after the moment of the check: clocks differ a little.
CLOCK_SKEW = dt.timedelta(minutes=5)
#: How far what a change adds may be dated before the commit it starts from, unless the
#: agreements say otherwise (service levels: `backdating_grace_days`).
DEFAULT_GRACE = dt.timedelta(days=14)


class Unattested(StrEnum):
    """Which bound a claimed time fails."""

    FUTURE = "future"
    BEFORE_BASE = "before-base"


@dataclass(frozen=True, slots=True)
class UnattestedTime:
    """A claimed time that the trusted clocks do not bear out, and the bound it fails."""

    kind: Unattested
    claimed: dt.datetime
    #: The latest (FUTURE) or earliest (BEFORE_BASE) time the claim could have had.
    bound: dt.datetime
    margin: dt.timedelta

    @property
    def message(self) -> str:
        """What is wrong, to follow "it is" or "the signature is": `dated ..., ...`."""
        claimed = self.claimed.isoformat()
        if self.kind is Unattested.FUTURE:
            return (f"dated {claimed}, in the future: more than {_span(self.margin)} after "
                    "the moment of the check")
        base = self.bound + self.margin
        return (f"dated {claimed}, more than {_span(self.margin)} before the commit the "
                f"change starts from ({base.isoformat()})")


def _span(span: dt.timedelta) -> str:
    if span.days and not span.seconds:
        return f"{span.days} day{'' if span.days == 1 else 's'}"
    minutes = int(span.total_seconds()) // 60
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def unattested(claimed: dt.datetime, *, checked_at: dt.datetime,
               base_time: dt.datetime | None, grace: dt.timedelta,
               skew: dt.timedelta = CLOCK_SKEW) -> UnattestedTime | None:
    """Why `claimed` is not attested, or None when it is.

    `claimed` may lie no more than `skew` after `checked_at`, the moment of the check.
    When the claim is added by a change, `base_time` is the committer time of the commit
    the change starts from, and `claimed` may lie no more than `grace` before it; None
    where nothing bounds the claim from below (no change, or no git). Every time carries
    its time zone; a naive one is refused with ValueError.
    """
    for moment in (claimed, checked_at, base_time):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError(f"{moment.isoformat()} carries no time zone")
    if claimed > checked_at + skew:
        return UnattestedTime(Unattested.FUTURE, claimed, checked_at + skew, skew)
    if base_time is not None and claimed < base_time - grace:
        return UnattestedTime(Unattested.BEFORE_BASE, claimed, base_time - grace, grace)
    return None
