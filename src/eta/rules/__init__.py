"""The rules of `eta check` behind one registry: which rules judge a record of each kind, a
unit of records, the whole repository, and the change since a base.

Every rule is a plain function of the data it is given (`eta.check.result`); none reads a
file, git or the clock. A rule module is imported only once a record of a kind it concerns
is checked, so that a warm check stays light.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eta.check.result import IndexRule, RecordRule, UnitRule
    from eta.rules.change import ChangeRule

#: The kinds the rules about releases and their plans concern.
_RELEASE_KINDS = frozenset({"release", "plan", "plan-party", "signature"})

#: The agreements that the rules about each kind of record read (through `Context`), beyond
#: the references the records hold: a change to one of them can change the findings of
#: every record of the kind, so `eta check --changed-only` then checks them all. A rule that
#: comes to read another agreement names it here.
AGREEMENTS_READ: dict[str, frozenset[str]] = {
    "incident": frozenset({"service-levels", "party", "reporting-duties", "criteria"}),
    **dict.fromkeys(sorted(_RELEASE_KINDS), frozenset({"party"})),
}


def _kind_modules(kind: str) -> tuple[ModuleType, ...]:
    """The modules whose rules concern `kind` beyond the rules for every kind."""
    if kind == "incident":
        from eta.rules import incidents

        return (incidents,)
    if kind in _RELEASE_KINDS:
        from eta.rules import plans

        return (plans,)
    return ()


@functools.cache
def record_rules(kind: str) -> tuple[RecordRule, ...]:
    """The rules about single records of `kind`."""
    from eta.rules import facts, references

    modules = (references, facts, *_kind_modules(kind))
    return tuple(rule for module in modules for rule in module.RECORD_RULES.get(kind, ()))


@functools.cache
def unit_rules(kinds: frozenset[str]) -> tuple[UnitRule, ...]:
    """The rules across the records of a unit that holds records of `kinds`."""
    modules = dict.fromkeys(module for kind in sorted(kinds) for module in _kind_modules(kind))
    return tuple(rule for module in modules for rule in module.RULES)


def index_rules() -> list[IndexRule]:
    """The rules across the whole repository."""
    from eta.rules import agreements, availability, references

    return [*agreements.RULES, *references.RULES, *availability.RULES]


def change_rules() -> tuple[ChangeRule, ...]:
    """The rules about the change since a base (`eta check --base`)."""
    from eta.rules import change

    return change.CHANGE_RULES
