"""Rules about incidents."""

from __future__ import annotations

from eta.checks import RecordRule, Rule

RECORD_RULES: dict[str, tuple[RecordRule, ...]] = {}
RULES: tuple[Rule, ...] = ()
