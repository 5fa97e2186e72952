"""Diagnostics: what a check found, where, and how bad it is."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from eta.contracts.shapes import DiagnosticEntry


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> Literal["error", "warning"]:
        """The severity as eta's JSON outputs write it."""
        return "error" if self is Severity.ERROR else "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One finding, located in a file relative to the repository root.

    Line and column are 1-based; 0 means the finding concerns the file as a whole.
    """

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    hint: str | None = None

    def as_plain(self) -> tuple[str, int, int, str, str, str, str | None]:
        """The finding as plain data, for a cache (`of_plain` reads it back)."""
        return (self.file, self.line, self.column, str(self.severity), self.code,
                self.message, self.hint)

    @classmethod
    def of_plain(cls, plain: Any) -> Diagnostic:
        """A finding from plain data as `as_plain` wrote it; ValueError, TypeError or
        IndexError for anything else."""
        file, line, column, severity, code, message, hint = plain
        if not (type(file) is str and type(line) is int and type(column) is int
                and type(code) is str and type(message) is str
                and (hint is None or type(hint) is str)):
            raise TypeError("a finding of a cache is not of the shape eta writes")
        return cls(file, line, column, Severity(severity), code, message, hint)

    def as_dict(self) -> DiagnosticEntry:
        return {"file": self.file, "line": self.line, "column": self.column,
                "severity": self.severity.label,
                "code": self.code, "message": self.message, "hint": self.hint}


def error(file: str, line: int, column: int, code: str, message: str, hint: str | None = None
          ) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.ERROR, code, message, hint)


def warning(file: str, line: int, column: int, code: str, message: str, hint: str | None = None
            ) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.WARNING, code, message, hint)


def with_article(noun: str) -> str:
    """`noun` after "a" or "an", as its first letter sounds in the words eta uses."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest of `choices`, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def is_failure(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """Whether the findings fail a check: any error, or any warning under `strict`."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)
