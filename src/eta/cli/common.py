"""What every command shares: finding the repository, reporting errors, common options."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TextIO, TypeVar

import typer

from eta.cli import completion
from eta.errors import EtaError
from eta.escaping import ERROR_STYLE, WARNING_STYLE, for_terminal, for_text_block, paint

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from rich.console import Console

    from eta.contracts.shapes import EditDocument
    from eta.models.party import Contact
    from eta.plans.edits import Outcome


class TextOrJson(StrEnum):
    """The output formats of the commands that show records: for people, or for programs."""

    TEXT = "text"
    JSON = "json"


#: What every date option expects, said in each of its errors.
DATE_FORMAT_NOTE = "write a date as YYYY-MM-DD, e.g. 2026-03-28"


def parse_date(value: str | dt.datetime) -> dt.datetime:
    """A calendar date as typed, YYYY-MM-DD; an error says the format with an example."""
    if isinstance(value, dt.datetime):
        return value
    from eta.models.common import CALENDAR_NOTE, in_calendar

    text = value.strip()
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        pass
    else:
        if not in_calendar(day):
            raise typer.BadParameter(f"{value!r}: {CALENDAR_NOTE}")
        return day
    if len(text) == len("2026-03-28") and text[4:5] == text[7:8] == "-":
        raise typer.BadParameter(f"{value!r} is no day of the calendar; {DATE_FORMAT_NOTE}")
    raise typer.BadParameter(f"{value!r} is no date; {DATE_FORMAT_NOTE}")


def date_option(*names: str, help_text: str) -> Any:
    """An option holding a calendar date, written YYYY-MM-DD."""
    return typer.Option(*names, parser=parse_date, metavar="YYYY-MM-DD", help=help_text,
                        show_default=False)


RootOption = Annotated[
    Path | None,
    typer.Option("--root", help="The records repository (default: found from the current "
                 "folder upwards).", file_okay=False, show_default=False),
]
TodayOption = Annotated[dt.datetime | None, date_option(
    "--today", help_text="Check deadlines as on this date (default: today).")]
ReleaseArgument = Annotated[str, typer.Argument(metavar="RELEASE", show_default=False,
                                                help="The release id, e.g. R2026-02.",
                                                autocompletion=completion.releases)]
IncidentArgument = Annotated[str, typer.Argument(
    metavar="ID", show_default=False, help="The incident's id, e.g. 2026-03-28-k7q2mx.",
    autocompletion=completion.incidents)]

QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only the findings or the result, no summary or progress.")]

P = ParamSpec("P")
R = TypeVar("R")


FormatOption = Annotated[TextOrJson, typer.Option(
    "--format", "-f", help="text: for people; json: for programs.")]


def write_json(document: Mapping[str, object]) -> None:
    """A JSON document on standard output, one line, record text escaped (`for_json`)."""
    from eta.escaping import for_json

    sys.stdout.write(for_json(document) + "\n")


def show_outcome(outcome: Outcome, output_format: TextOrJson = TextOrJson.TEXT) -> None:
    """What an editing command did: its summary, the files it wrote, and any notes."""
    if output_format is TextOrJson.JSON:
        from eta.contracts import EDIT

        document: EditDocument = {"version": EDIT.version, "summary": outcome.summary,
                                  "written": outcome.written, "removed": outcome.removed,
                                  "notes": outcome.notes}
        write_json(document)
        return
    typer.echo(for_terminal(outcome.summary))
    for name in outcome.written:
        typer.echo(f"  wrote {for_terminal(name)}")
    for name in outcome.removed:
        typer.echo(f"  removed {for_terminal(name)}")
    for note in outcome.notes:
        typer.echo(f"note: {for_terminal(note)}")


def echo_lines(text: str, *, err: bool = False) -> None:
    """Lines made of record text, each shown as a terminal line (see `for_terminal`)."""
    for line in text.split("\n"):
        typer.echo(for_terminal(line), err=err)


def wants_colour(stream: TextIO) -> bool:
    """Whether to write colour to `stream`: only to a terminal, and not where `NO_COLOR` is
    set (no-color.org) or the terminal says it is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def warn(message: str) -> None:
    label = paint("warning:", WARNING_STYLE, wants_colour(sys.stderr))
    typer.echo(f"eta: {label} {for_terminal(message)}", err=True)


def plain_console(file: TextIO, width: int) -> Console:
    """A rich console that reads no markup (`[/b]` in a record is text) or emoji codes,
    highlights nothing and writes no colour: what it prints is the text it is given, laid
    out. Record text still goes through `for_terminal` before it is given."""
    from rich.console import Console

    return Console(file=file, width=width, markup=False, emoji=False, highlight=False,
                   color_system=None, soft_wrap=False)


def fail(message: str, code: int = 2) -> NoReturn:
    print_error(message)
    raise typer.Exit(code)


def print_error(message: str) -> None:
    """An error on standard error, where the command goes on (or ends) on its own."""
    # A message may list what is missing, a line each; every other control is escaped.
    label = paint("error:", ERROR_STYLE, wants_colour(sys.stderr))
    typer.echo(f"eta: {label} {for_text_block(message)}", err=True)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a user can cause into a message and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except EtaError as exc:
            fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`eta ... | head`): stop quietly, as other tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("ETA_DEBUG"):
                traceback.print_exc()
            fail(f"internal error: {type(exc).__name__}: {exc} "
                 "(set ETA_DEBUG=1 for details, and please report it)", 3)

    return wrapper


def changes_records(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command that changes records holding the repository's lock (eta.journal) from
    before it reads to after it writes, once any change a killed command left is settled.

    Goes beneath `reports_errors`, which reports what the lock refuses.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from eta.journal import exclusive

        given = kwargs.get("root")
        repository = resolve_root(given if isinstance(given, Path) else None)
        with exclusive(repository, timeout=lock_timeout(), notify=_note):
            return command(*args, **kwargs)

    return wrapper


def _note(message: str) -> None:
    typer.echo(f"eta: {message}", err=True)


def lock_timeout() -> float:
    """How long to wait for another command's change: ETA_LOCK_TIMEOUT seconds, or 30."""
    from eta.journal import DEFAULT_TIMEOUT

    given = os.environ.get("ETA_LOCK_TIMEOUT")
    if given is None or not given.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 24 * 3600:
        raise EtaError(f"ETA_LOCK_TIMEOUT={given!r} is not a number of seconds from 0 to 86400")
    return seconds


NowOption = Annotated[
    str | None,
    typer.Option("--now", metavar="TIME", show_default=False,
                 help="Take this as the present moment (default: the clock's time)."),
]


def reason_option(value: str | None, option: str) -> str | None:
    """A reason as given; refused unless it is one by the records' own `Reason` type."""
    from eta.models.common import is_reason

    if value is not None and not is_reason(value):
        raise EtaError(f"{option} must say why: give text, not only spaces")
    return value


def warn_left_out(names: Sequence[str], being: str) -> None:
    """Name each record a view leaves out for not being valid. A view that leaves one out
    is incomplete, so its command exits 1 once it has shown the rest."""
    for name in names:
        warn(f"skipped {name}, which is not {being}; run `eta check {name}`")


def resolve_root(root: Path | None) -> Path:
    from eta.records.layout import check_root, find_root

    return check_root(root) if root is not None else find_root(Path.cwd())


NOW_OR_TODAY = ("give --now TIME or --today DATE, not both: --now judges at a moment, "
                "--today at the start of a day")


class Judging:
    """When a command judges, as `--now` and `--today` say: at the moment `--now` gives, at
    the start of the day `--today` gives, or at the clock's moment; each moment in the
    records' time zone. Both options at once are refused.

    The time zone is that of the agreements given, or else read from the repository, and
    only once a moment needs it: `--today` alone names its day without it.
    """

    def __init__(self, repository: Path, now: str | None, on: dt.datetime | None,
                 zone: ZoneInfo | None = None) -> None:
        if now is not None and on is not None:
            raise EtaError(NOW_OR_TODAY)
        self._repository = repository
        self._on = on
        self._zone = zone
        #: The moment `--now` gives; None without it, where a check or a report judges the
        #: day as a whole.
        self.given: dt.datetime | None = None
        if now is not None:
            from eta.incidents.state import parse_time

            self.given = parse_time(now, self.zone, "--now").astimezone(self.zone)

    @functools.cached_property
    def zone(self) -> ZoneInfo:
        if self._zone is not None:
            return self._zone
        from eta.records.agreements import repository_zone

        return repository_zone(self._repository)

    @functools.cached_property
    def moment(self) -> dt.datetime:
        """The moment judged at."""
        if self.given is not None:
            return self.given
        if self._on is not None:
            from eta.due import midnight

            return midnight(self._on.date(), self.zone)
        from eta.records.agreements import now_in

        return now_in(self.zone)

    @property
    def day(self) -> dt.date:
        """The day judged: that of the moment, or the one `--today` gives."""
        if self.given is None and self._on is not None:
            return self._on.date()
        return self.moment.date()


def today(value: dt.datetime | None, root: Path) -> dt.date:
    """The date to judge deadlines by: the one given, or today in the time zone of the
    records at `root`."""
    if value is not None:
        return value.date()
    from eta.records.agreements import now_in, repository_zone

    return now_in(repository_zone(root)).date()


def contact_of(name: str, email: str, phone: str | None, function: str | None,
               available_24x7: bool) -> Contact:
    """A contact from options, refused with a message a person reads when it is not valid."""
    from pydantic import ValidationError

    from eta.models.party import Contact

    try:
        return Contact(name=name, email=email, phone=phone, function=function,
                       available_24x7=available_24x7)
    except ValidationError as exc:
        fields = ", ".join(str(error["loc"][0]) for error in exc.errors())
        raise EtaError(f"the contact is not valid: check {fields} (an email address looks "
                       "like name@example.nl; no value may be empty)") from None
