"""`eta init`: a new, empty records repository."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eta.cli.common import QuietOption, fail, reports_errors


@reports_errors
def init(
    folder: Annotated[
        Path, typer.Argument(metavar="FOLDER", file_okay=False, show_default=False,
                             help="Where to make the repository (made if it does not exist)."),
    ],
    organisation: Annotated[
        str, typer.Option("--organisation", help="The Beheerorganisatie's party id.")
    ] = "logius",
    organisation_name: Annotated[
        str, typer.Option("--organisation-name", help="The Beheerorganisatie's legal name.")
    ] = "Logius, Beheerorganisatie eHerkenning",
    contact_name: Annotated[
        str | None, typer.Option("--contact-name", show_default=False,
                                 help="A contact of the Beheerorganisatie (with --contact-email).")
    ] = None,
    contact_email: Annotated[
        str | None, typer.Option("--contact-email", show_default=False,
                                 help="The contact's email address.")
    ] = None,
    action: Annotated[
        str | None, typer.Option(
            "--action", metavar="OWNER/REPO@TAG", show_default=False,
            help="eta's GitHub Action that the workflow runs (default: eta's own "
            "repository at this version's tag); a fork or mirror of eta, at a tag.")
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Make a new, empty records repository that passes `eta check`.

    It gets the record folders, the JSON Schemas, the agreements (the Beheerorganisatie,
    the service levels, the incident criteria), a GitHub Actions workflow and a pre-commit
    configuration; and `git init` (on branch main) when it lies in no git repository yet.
    """
    from eta.init import Organisation, default_action, init_repository

    if (contact_name is None) != (contact_email is None):
        fail("--contact-name and --contact-email go together")
    target = folder.resolve()
    written, made = init_repository(
        target, Organisation(organisation, organisation_name, contact_name, contact_email),
        action or default_action())
    for name in written if not quiet else ():
        typer.echo(f"wrote {name}")
    if made and not quiet:
        typer.echo(f"made a git repository in {target}")
    typer.echo(f"eta init: {target} is ready; `eta check` passes there")
