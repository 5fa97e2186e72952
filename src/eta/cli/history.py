"""`eta history`: the commits that changed a record, and what they changed in it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from eta.cli import completion
from eta.cli.common import RootOption, TextOrJson, reports_errors, resolve_root
from eta.escaping import for_json


@reports_errors
def history(
    record: Annotated[
        str, typer.Argument(metavar="RECORD", show_default=False,
                            help="The record: its path, or the id of a party, release or "
                            "incident.", autocompletion=completion.records),
    ],
    root: RootOption = None,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="How to print the history.")
    ] = TextOrJson.TEXT,
) -> None:
    """List the commits that changed a record, newest first, following renames.

    Each shows its date, author, commit, whether git verified its signature, and the
    fields it added, removed or changed.
    """
    from eta.history import record_history, render_text, resolve_record

    repository = resolve_root(root)
    found = record_history(repository, resolve_record(repository, record))
    if output_format is TextOrJson.JSON:
        sys.stdout.write(for_json(found.as_dict()) + "\n")
    else:
        sys.stdout.write(render_text(found))
