"""eta's command line. The only package that knows of typer and rich.

Commands import what they need inside their bodies, so that `eta --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from eta import __version__

app = typer.Typer(
    name="eta",
    help="Run the release and incident processes of the eHerkenning trust framework "
    "from YAML records in git.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"eta {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Show eta's version and exit."),
    ] = False,
) -> None:
    """Run the release and incident processes of the eHerkenning trust framework."""


def _register() -> None:
    from eta.cli import agenda, check, history, incident, init, plan, release, report, schema

    app.command("check")(check.check)
    app.add_typer(release.app)
    app.add_typer(plan.app)
    app.add_typer(incident.app)
    app.add_typer(report.app)
    app.command("schema")(schema.schema)
    app.command("history")(history.history)
    app.command("init")(init.init)
    app.command("agenda")(agenda.agenda)


_register()


def main() -> None:
    app()
