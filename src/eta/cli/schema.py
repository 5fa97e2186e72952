"""`eta schema`: the JSON Schemas in schemas/, generated from the models."""

from __future__ import annotations

from typing import Annotated

import typer

from eta.cli.common import QuietOption, RootOption, reports_errors, resolve_root


@reports_errors
def schema(
    root: RootOption = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Only report schemas that differ; write nothing.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Regenerate the JSON Schemas in schemas/ from eta's models."""
    from eta.schemas import drifted, write_schemas

    repository = resolve_root(root)
    if check_only:
        stale = drifted(repository)
        for path in stale:
            typer.echo(f"{path.relative_to(repository).as_posix()}: differs from the models")
        if stale:
            typer.echo("run `eta schema` to regenerate them")
            raise typer.Exit(1)
        typer.echo("schemas are up to date")
        return
    written = write_schemas(repository)
    for path in written if not quiet else ():
        typer.echo(f"wrote {path.relative_to(repository).as_posix()}")
    if not written and not quiet:
        typer.echo("schemas are up to date")
