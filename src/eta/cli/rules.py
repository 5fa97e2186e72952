"""`eta rules`: the catalogue of diagnostic codes, as a list or one code explained."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from eta.cli.common import fail


class RulesFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A code to explain, such as plan.signature.stale (default: list "
                       "every code).", show_default=False, metavar="CODE"),
    ] = None,
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f",
                                  help="text for people, json for programs, markdown for "
                                  "docs/rules.md.")
    ] = RulesFormat.TEXT,
) -> None:
    """List the diagnostic codes eta reports, or explain one: what it means, how to fix it,
    and an example that gives it.

    Exit status: 0, or 2 for a code eta does not know.
    """
    from eta import catalogue

    if code is None:
        chosen = list(catalogue.CATALOGUE.values())
    else:
        try:
            chosen = [catalogue.code_named(code)]
        except catalogue.UnknownCode as unknown:
            fail(f"{unknown}; `eta rules` lists every code")
    if output_format is RulesFormat.JSON:
        from eta.contracts import RULES
        from eta.escaping import for_json

        sys.stdout.write(for_json({"version": RULES.version,
                                   "rules": catalogue.entries(chosen)}) + "\n")
    elif output_format is RulesFormat.MARKDOWN:
        sys.stdout.write(catalogue.catalogue_markdown() if code is None
                         else catalogue.as_markdown(chosen[0], "#"))
    elif code is not None:
        sys.stdout.write(catalogue.as_text(chosen[0]))
    else:
        width = max(len(entry.code) for entry in chosen)
        for entry in chosen:
            sys.stdout.write(f"{entry.code:<{width}}  {entry.severity:<7}  {entry.title}\n")
