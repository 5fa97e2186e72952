"""`eta report`: Markdown reports for the Tactisch Beraad, from the repository's templates."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from eta.cli.common import (
    IncidentArgument,
    Judging,
    NowOption,
    ReleaseArgument,
    RootOption,
    TextOrJson,
    date_option,
    print_error,
    reports_errors,
    resolve_root,
    warn_left_out,
)
from eta.escaping import for_terminal
from eta.vocabulary import ReportKind

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from eta.reports import Kind, Options

app = typer.Typer(name="report", no_args_is_help=True, rich_markup_mode=None, help=(
    "Render Markdown reports for the Tactisch Beraad (in Dutch) from the templates in "
    "templates/, or eta's own where the repository has none. Each report ends with its "
    "audit trail: the commits that changed the records it shows."))

OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", dir_okay=False, show_default=False, metavar="FILE",
                 help="Write the report to FILE (default: standard output)."),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", metavar="REV", show_default=False,
                 help="Render from the records as they were at this git revision (a commit, "
                 "tag or branch); the templates are the working tree's."),
]
ReportDateOption = Annotated[dt.datetime | None, date_option(
    "--today", help_text="Judge what is due or overdue as on this date (default: today).")]
GeneratedOption = Annotated[
    str | None,
    typer.Option("--generated-at", metavar="TIME", show_default=False,
                 help="State in the report when it was made: `now`, or a date and time such "
                 "as 2026-12-01T09:00+01:00. Without it the report holds no clock time, so "
                 "the same records give the same text."),
]
def _options(repository: Path, on: dt.datetime | None, now: str | None,
             generated_at: str | None) -> Options:
    from eta.reports import Options

    judging = Judging(repository, now, on)
    return Options(today=judging.day, now=judging.given,
                   generated_at=_moment(generated_at, repository))


def _moment(value: str | None, root: Path) -> dt.datetime | None:
    if value is None:
        return None
    from eta.incidents.state import parse_time
    from eta.records.agreements import now_in, repository_zone

    zone = repository_zone(root)
    if value == "now":
        return now_in(zone)
    return parse_time(value, zone, "--generated-at")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    from eta.records.files import check_output_file, write_atomic

    check_output_file(output)
    write_atomic(output, text)


def _one(kind: Kind, subject: str | None, output: Path | None, at: str | None,
         on: dt.datetime | None, now: str | None, generated_at: str | None,
         root: Path | None) -> None:
    from eta.reports import render_one

    repository = resolve_root(root)
    made = render_one(repository, kind, subject, _options(repository, on, now, generated_at),
                      at)
    _emit(made.output, output)
    _end(made.left_out)


def _end(left_out: list[str]) -> None:
    warn_left_out(left_out, "a valid incident")
    if left_out:
        raise typer.Exit(1)


@app.command("plan")
@reports_errors
def plan(release_id: ReleaseArgument, output: OutputOption = None, at: AtOption = None,
         on: ReportDateOption = None, now: NowOption = None, generated_at: GeneratedOption = None,
         root: RootOption = None) -> None:
    """The implementation plan, to sign and to send to the Tactisch Beraad.

    Parties with their contact, impact analysis and planning; the measures; milestones and
    deadlines with a Gantt chart; and the signature of each party: signer, date, key, and
    whether it is valid or stale.
    """
    from eta.reports import Kind

    _one(Kind.PLAN, release_id, output, at, on, now, generated_at, root)


@app.command("progress")
@reports_errors
def progress(release_id: ReleaseArgument, output: OutputOption = None, at: AtOption = None,
             on: ReportDateOption = None,
             now: NowOption = None, generated_at: GeneratedOption = None,
             root: RootOption = None) -> None:
    """The progress report: measures and parties, what is overdue, joining, the
    communication plan and the next milestones."""
    from eta.reports import Kind

    _one(Kind.PROGRESS, release_id, output, at, on, now, generated_at, root)


@app.command("evaluation")
@reports_errors
def evaluation(release_id: ReleaseArgument, output: OutputOption = None, at: AtOption = None,
               on: ReportDateOption = None,
               now: NowOption = None, generated_at: GeneratedOption = None,
               root: RootOption = None) -> None:
    """The evaluation of a release: how the plan was carried out, the evaluation and its
    findings, and the incidents that related to the release."""
    from eta.reports import Kind

    _one(Kind.EVALUATION, release_id, output, at, on, now, generated_at, root)


@app.command("incident")
@reports_errors
def incident(
    incident_id: IncidentArgument,
    output: OutputOption = None, at: AtOption = None, on: ReportDateOption = None,
    now: NowOption = None,
    generated_at: GeneratedOption = None, root: RootOption = None,
) -> None:
    """The incident report: facts, classification and the criteria met, timeline, deadlines
    and whether they were met, and the resolution."""
    from eta.reports import Kind

    _one(Kind.INCIDENT, incident_id, output, at, on, now, generated_at, root)


@app.command("overview")
@reports_errors
def overview(output: OutputOption = None, at: AtOption = None, on: ReportDateOption = None,
             now: NowOption = None,
             generated_at: GeneratedOption = None, root: RootOption = None) -> None:
    """Every release and every open incident, with what is due or overdue."""
    from eta.reports import Kind

    _one(Kind.OVERVIEW, None, output, at, on, now, generated_at, root)


MonthOption = Annotated[str, typer.Option(
    "--month", metavar="YYYY-MM", show_default=False,
    help="The calendar month, in the time zone of afspraken/service-levels.yaml.")]


FormatOption = Annotated[TextOrJson, typer.Option(
    "--format", "-f", help="text: the Markdown report; json: its figures, for programs.")]


@app.command("availability")
@reports_errors
def availability(
    month: MonthOption, output_format: FormatOption = TextOrJson.TEXT,
    output: OutputOption = None, at: AtOption = None, on: ReportDateOption = None,
    now: NowOption = None, generated_at: GeneratedOption = None, root: RootOption = None,
) -> None:
    """The availability of a month: per party and role, and for the system, the share of the
    availability window in which it was available, against the targets, with a chart.

    A month not yet over is measured up to --now, or the start of --today.
    """
    from eta.reports import Kind

    _month(Kind.AVAILABILITY, month, output_format, output, at, on, now, generated_at, root)


@app.command("month")
@reports_errors
def month_report(
    month: MonthOption, output_format: FormatOption = TextOrJson.TEXT,
    output: OutputOption = None, at: AtOption = None, on: ReportDateOption = None,
    now: NowOption = None, generated_at: GeneratedOption = None, root: RootOption = None,
) -> None:
    """The monthly report: incidents opened and resolved by type and class, response times
    and reporting duties met or missed, availability per party and role against the target,
    releases by status and what became overdue in the month."""
    from eta.reports import Kind

    _month(Kind.MONTH, month, output_format, output, at, on, now, generated_at, root)


def _month(kind: Kind, month: str, output_format: TextOrJson, output: Path | None,
           at: str | None, on: dt.datetime | None, now: str | None, generated_at: str | None,
           root: Path | None) -> None:
    from eta.incidents.availability import Month

    Month.parse(month)
    if output_format is TextOrJson.JSON:
        _json(kind, month, output, at, on, now, root)
    else:
        _one(kind, month, output, at, on, now, generated_at, root)


def _json(kind: Kind, month: str, output: Path | None, at: str | None,
          on: dt.datetime | None, now: str | None, root: Path | None) -> None:
    """A month's figures as JSON, from the records as they are or were at `at`."""
    from eta.escaping import for_json
    from eta.reports import document_one

    repository = resolve_root(root)
    made = document_one(repository, kind, month, _options(repository, on, now, None), at)
    _emit(for_json(made.output) + "\n", output)
    _end(made.left_out)


@app.command("all")
@reports_errors
def all_reports(
    output_dir: Annotated[Path, typer.Option(
        "--output-dir", "-d", file_okay=False, metavar="DIR", show_default=False,
        help="The folder to write the reports to (made if needed).")],
    only: Annotated[list[ReportKind] | None, typer.Option(
        "--only", metavar="KIND", show_default=False,
        help="Only reports of this kind: overview, plan, progress, evaluation, incident, "
        "availability or month (again for more kinds).")] = None,
    at: AtOption = None, on: ReportDateOption = None,
    now: NowOption = None, generated_at: GeneratedOption = None,
    root: RootOption = None,
) -> None:
    """Write every report of the repository into a folder: the overview, the plan, progress
    and evaluation of each release, each incident's report, the availability of each month
    an outage lies in, and the monthly report of each month with incidents.

    A report that cannot be rendered (an invalid record, a broken template) is named with
    its problem, and the others are written still; the exit status is then 1. On a
    terminal, a progress bar shows on standard error.
    """
    from eta.interrupts import held_back
    from eta.records.files import check_output_folder, remove_left_behind, write_changed
    from eta.reports import Rendered, render_each

    kinds = frozenset(only) if only else None
    with _progress() as progress:
        repository = resolve_root(root)
        rendered, failed = render_each(repository,
                                       _options(repository, on, now, generated_at),
                                       progress, at=at, kinds=kinds, compared_with=output_dir)
    names = [report.name for report in rendered]
    check_output_folder(output_dir, names)
    # A stop while the reports are written takes effect once they all are: it never leaves
    # a set of reports of which some are made anew and the rest are not.
    with held_back():
        remove_left_behind(output_dir, names)
        for report in rendered:
            if isinstance(report, Rendered):
                write_changed(output_dir / report.name, report.text)
    for failure in failed:
        print_error(f"{failure.name} not written: {failure.problem}")
    if failed:
        typer.echo(f"wrote {len(rendered)} reports to {output_dir}; {len(failed)} failed",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"wrote {len(rendered)} reports to {output_dir}")


#: How often the progress bar is drawn again, at most.
REDRAW_SECONDS = 0.1


class _Bar:
    """A progress bar on standard error, drawn by rich."""

    def __init__(self, progress: RichProgress) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._drawn = 0.0

    def start(self, total: int) -> None:
        self._task = self._progress.add_task("reports", total=total)

    def advance(self, name: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, description=for_terminal(name))
            now = time.monotonic()
            if now - self._drawn >= REDRAW_SECONDS:
                self._progress.refresh()
                self._drawn = now


class _Silent:
    """No progress shown: standard error is no terminal (a log, a pipe, CI)."""

    def start(self, total: int) -> None:
        pass

    def advance(self, name: str) -> None:
        pass


@contextmanager
def _progress() -> Iterator[_Bar | _Silent]:
    if not sys.stderr.isatty():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=sys.stderr, markup=False, emoji=False, highlight=False)
    columns = (BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}",
                                                             markup=False))
    # Drawn as reports are done rather than by a thread of its own: the reports are
    # rendered in forked workers, and a process with threads is not forked.
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        yield _Bar(progress)
