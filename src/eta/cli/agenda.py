"""`eta agenda`: what is due, and for whom, across every record."""

from __future__ import annotations

import io
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from eta.cli import completion
from eta.cli.common import (
    Judging,
    NowOption,
    RootOption,
    TodayOption,
    plain_console,
    reports_errors,
    resolve_root,
    warn_left_out,
)
from eta.escaping import for_json, for_terminal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eta.agenda import Agenda, AgendaItem


class AgendaFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    ICS = "ics"


DEFAULT_DAYS = 30
#: How far ahead the agenda looks at most: ten years, far beyond any plan.
MAX_DAYS = 3660
#: Off a terminal (a pipe, a file) each item keeps to one line, however long.
UNLIMITED_WIDTH = 10_000


@reports_errors
def agenda(
    party: Annotated[str | None, typer.Option(
        "--party", "-p", metavar="PARTY", show_default=False,
        help="Only what this party owes (a party id of afspraken/parties/).",
        autocompletion=completion.parties)] = None,
    days: Annotated[int, typer.Option(
        "--days", "-d", min=0, max=MAX_DAYS, metavar="N",
        help="Show what is due within N days of today, besides everything overdue.")
    ] = DEFAULT_DAYS,
    on: TodayOption = None,
    now: NowOption = None,
    output_format: Annotated[AgendaFormat, typer.Option(
        "--format", "-f",
        help="text: a table; json: for programs; ics: an iCalendar feed for calendar apps."),
    ] = AgendaFormat.TEXT,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", dir_okay=False, show_default=False,
        help="Write to FILE instead of standard output.")] = None,
    root: RootOption = None,
) -> None:
    """What is due, and for whom: plan milestones, deadlines and measures, missing
    signatures, evaluations, incident response times, data-breach notifications and
    classifications, overdue first.

    Without --today, overdue is judged at this moment; with --now, at that moment; with
    --today, at the start of that day (in the time zone of afspraken/service-levels.yaml),
    and the output is the same on every run. Every item keeps its id (the UID in the
    calendar feed) from run to run.
    """
    from eta.agenda import agenda_document, calendar_feed, collect
    from eta.records.cache import kept

    repository = resolve_root(root)
    # One snapshot for the time zone the moment is told in and for the agenda: the
    # agreements are read once.
    with kept(repository):
        found = collect(repository, Judging(repository, now, on).moment)
    if party is not None:
        found.agreements.check_party(party, "--party")
    warn_left_out(found.skipped, "valid")
    items = found.select(days, party)
    if output_format is AgendaFormat.JSON:
        document = agenda_document(found, items, days, party)
        text = for_json(document) + "\n"
        _emit(text.encode("utf-8"), output)
    elif output_format is AgendaFormat.ICS:
        _emit(calendar_feed(found, items, party), output)
    else:
        _emit(_table(found, items, days, party, to_file=output is not None).encode("utf-8"),
              output)
    if found.skipped:
        raise typer.Exit(1)


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from eta.records.files import check_output_file, write_atomic

    check_output_file(output)
    # The bytes as they are: an iCalendar feed ends its lines with CRLF.
    write_atomic(output, data.decode("utf-8"))


def _heading(found: Agenda, days: int, party: str | None) -> str:
    whose = party if party is not None else "all parties"
    return (f"Agenda of {whose} on {found.today}: overdue, or due within {days} "
            f"day{'' if days == 1 else 's'} (by {found.until(days)})")


def _table(found: Agenda, items: Sequence[AgendaItem], days: int, party: str | None,
           *, to_file: bool) -> str:
    if not items:
        whose = f" for {party}" if party is not None else ""
        return (f"Nothing is due{whose} within {days} day{'' if days == 1 else 's'} of "
                f"{found.today} (by {found.until(days)}), and nothing is overdue.\n")
    from rich import box
    from rich.console import Console
    from rich.table import Table

    on_terminal = not to_file and sys.stdout.isatty()
    if on_terminal or (not to_file and "COLUMNS" in os.environ):
        width = Console().width
    else:
        width = UNLIMITED_WIDTH
    # Within a terminal's width, the text of an item gets most of the room left.
    folds = width != UNLIMITED_WIDTH
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=folds)
    table.add_column("due", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("what" + (" (file)" if folds else ""), overflow="fold",
                     ratio=1 if folds else None)
    table.add_column("owed by", no_wrap=True)
    if not folds:
        table.add_column("file", no_wrap=True)
    for item in items:
        # Folded, the file goes under the text it belongs to, and the parties stand one a
        # line rather than broken off mid-name.
        what, file, parties = (for_terminal(item.what), for_terminal(item.file),
                               [for_terminal(party) for party in item.parties])
        if folds:
            table.add_row(_due(item, found), _when(item, found), f"{what}\n{file}",
                          "\n".join(parties) or "-")
        else:
            table.add_row(_due(item, found), _when(item, found), what,
                          ", ".join(parties) or "-", file)
    buffer = io.StringIO()
    plain_console(buffer, width).print(table)
    lines = [for_terminal(_heading(found, days, party)), ""]
    lines += [line.rstrip() for line in buffer.getvalue().splitlines()]
    lines += ["", f"times in {found.tz.key}"]
    return "\n".join(lines) + "\n"


def _due(item: AgendaItem, found: Agenda) -> str:
    import datetime as dt

    if isinstance(item.due, dt.datetime):
        from eta.moments import shown_moment

        return shown_moment(item.due, found.tz, zone=False)
    return item.due.isoformat()


def _when(item: AgendaItem, found: Agenda) -> str:
    """How far off it is, from today: `3 days overdue`, `today`, `in 12 days`."""
    distance = (item.day(found.tz) - found.today).days
    if item.overdue:
        if distance >= 0:
            return "overdue"
        return f"{-distance} day{'' if distance == -1 else 's'} overdue"
    if distance == 0:
        return "today"
    if distance == 1:
        return "tomorrow"
    return f"in {distance} days"
