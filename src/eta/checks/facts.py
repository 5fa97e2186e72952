"""Facts are not in the future: `eta check` judges them as at the end of its day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from eta.checks import Context, RecordRule, timezone_of
from eta.diagnostics import Diagnostic
from eta.facts import future_fact_diagnostics
from eta.load import Loaded


def facts_not_in_the_future(loaded: Loaded, context: Context) -> Iterable[Diagnostic]:
    tz = timezone_of(context.service_levels)
    # The whole day counts, so that a check gives the same findings at any hour of it.
    end_of_day = dt.datetime.combine(context.today, dt.time.max, tzinfo=tz)
    words = f"{context.today.isoformat()}, the day checked for"
    return future_fact_diagnostics(loaded, end_of_day, day=words, moment=words)


#: The kinds whose records hold facts; the agreements hold none.
RECORD_RULES: dict[str, tuple[RecordRule, ...]] = dict.fromkeys(
    ("release", "plan", "plan-party", "signature", "incident"), (facts_not_in_the_future,))
