"""eta's command line. The only package that knows of typer and rich.

Commands import what they need inside their bodies, so that `eta --help` stays fast. A run
builds only the command it was asked for: typer reads the signature of every command it
is given before it runs one, which would cost every run the whole command line.
"""

from __future__ import annotations

import functools
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from eta import __version__

#: Each command or group of commands, in the order `eta --help` lists them, and where it is.
COMMANDS: dict[str, str] = {
    "check": "eta.cli.check:check",
    "release": "eta.cli.release:app",
    "plan": "eta.cli.plan:app",
    "party": "eta.cli.party:app",
    "incident": "eta.cli.incident:app",
    "report": "eta.cli.report:app",
    "schema": "eta.cli.schema:schema",
    "history": "eta.cli.history:history",
    "init": "eta.cli.init:init",
    "agenda": "eta.cli.agenda:agenda",
    "rules": "eta.cli.rules:rules",
}


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"eta {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Show eta's version and exit."),
    ] = False,
) -> None:
    """Run the release and incident processes of the eHerkenning trust framework."""


class _Commands(TyperGroup):
    """eta's commands, whose option errors speak eta's language (see `option_message`)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            from pydantic import ValidationError

            if isinstance(exc.__cause__, ValidationError):
                from eta.records.validation import option_message

                exc.message = option_message(exc.__cause__)
            raise


def build_app(only: str | None = None) -> typer.Typer:
    """eta's command line, with every command or with only the one named `only`."""
    app = typer.Typer(
        name="eta",
        help="Run the release and incident processes of the eHerkenning trust framework "
        "from YAML records in git.",
        cls=_Commands,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name, location in COMMANDS.items():
        if only is None or name == only:
            module, attribute = location.split(":")
            target: Any = getattr(importlib.import_module(module), attribute)
            if isinstance(target, typer.Typer):
                app.add_typer(target)
            else:
                app.command(name)(target)
    return app


def invoked_command(arguments: Sequence[str]) -> str | None:
    """The command the arguments start with, or None when they start with no command of eta.

    Anything else (`--help`, `--version`, a mistyped command) gets the whole command line,
    so that help lists every command and a typo is answered with the commands there are.
    """
    return arguments[0] if arguments and arguments[0] in COMMANDS else None


@functools.cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    # `eta.cli.app`, the whole command line, for typer's test runner and tools that look
    # for a typer app; built on first use, since a run builds its own.
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    import os

    from eta.cli import completion

    if completion.COMPLETION_REQUEST in os.environ:
        completion.answer_without_converting_values()
    try:
        build_app(invoked_command(sys.argv[1:]))()
    finally:
        # The process ends here. At exit Python looks through every object it tracks for
        # garbage the system takes back anyway: tens of milliseconds of a short command.
        gc.freeze()
