"""`eta check`: validate the records and the process rules."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from eta.check.formats import FORMATS
from eta.cli.common import (
    Judging,
    NowOption,
    QuietOption,
    RootOption,
    TodayOption,
    fail,
    reports_errors,
    resolve_root,
    wants_colour,
)

# The choices of --format are the formats' registry itself: a format added there is one
# that `eta check` offers.
if TYPE_CHECKING:
    Format = StrEnum
else:
    Format = StrEnum("Format", {name.upper(): name for name in FORMATS})
TEXT = Format("text")


@reports_errors
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders to check (default: every record).",
                       show_default=False, metavar="PATH"),
    ] = None,
    root: RootOption = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="How to print the findings: text, json, "
                             "github (workflow annotations), sarif (code scanning) or gitlab "
                             "(GitLab's Code Quality report).")
    ] = TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too.")
    ] = False,
    on: TodayOption = None,
    now: NowOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Check every file again; read no cached result.")
    ] = False,
    base: Annotated[
        str | None,
        typer.Option("--base", metavar="REF", show_default=False,
                     help="Also check the change since the merge base of REF and HEAD "
                     "(e.g. origin/main): history is only added to, never rewritten."),
    ] = None,
    changed_only: Annotated[
        bool, typer.Option("--changed-only",
                           help="With --base: check only the changed records and those "
                           "they refer to.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Check every record against its model and the process rules.

    Exit status: 0 clean, 1 findings, 2 usage or environment error.
    """
    from eta.check.engine import run_check
    from eta.check.formats import report_text
    from eta.diagnostics import is_failure

    repository = resolve_root(root)
    if changed_only and base is None:
        fail("--changed-only needs --base REF: the change is taken from its merge base")
    judging = Judging(repository, now, on)
    result = run_check(repository, paths or (), today=judging.day, use_cache=not no_cache,
                       base=base, changed_only=changed_only, moment=judging.given)
    if output_format == TEXT:
        report_text(result, sys.stdout, colour=wants_colour(sys.stdout), quiet=quiet)
    else:
        FORMATS[output_format](result, sys.stdout)
    raise typer.Exit(1 if is_failure(result.diagnostics, strict=strict) else 0)
