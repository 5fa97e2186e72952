"""`eta party`: keep the register of parties, their contacts and who may sign for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from eta.cli.common import (
    FormatOption,
    RootOption,
    TextOrJson,
    TodayOption,
    changes_records,
    contact_of,
    date_option,
    reports_errors,
    resolve_root,
    show_outcome,
    today,
    write_json,
)
from eta.escaping import for_terminal
from eta.vocabulary import Role

app = typer.Typer(
    name="party",
    help="Keep the register of parties (afspraken/parties/PARTY.yaml): their roles, "
    "contacts, and the authorised representatives who sign plans with their SSH keys.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PartyArgument = Annotated[str, typer.Argument(metavar="PARTY", show_default=False,
                                              help="The party's id, e.g. sleutelbrug.")]
RepresentativeArgument = Annotated[str, typer.Argument(
    metavar="REPRESENTATIVE", show_default=False, help="The representative's id.")]
KeyFileOption = Annotated[Path, typer.Option(
    "--key-file", metavar="PATH", show_default=False,
    help="The representative's SSH public key file, as ssh-keygen wrote it (KEY.pub).")]


@app.command("new")
@reports_errors
@changes_records
def new(
    party: PartyArgument,
    name: Annotated[str, typer.Option("--name", help="The party's legal name.",
                                      show_default=False)],
    roles: Annotated[list[Role], typer.Option(
        "--role", help="A role the party has in the framework; repeat for each.",
        show_default=False)],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add a party to the register.

    Writes afspraken/parties/PARTY.yaml. Example:
    eta party new sleutelbrug --name "Sleutelbrug Toegang B.V." --role herkenningsmakelaar
    """
    from eta.register.edits import new_party

    show_outcome(new_party(resolve_root(root), party, name=name, roles=roles), output_format)


@app.command("add-contact")
@reports_errors
@changes_records
def add_contact(
    party: PartyArgument,
    name: Annotated[str, typer.Option("--name", show_default=False)],
    email: Annotated[str, typer.Option("--email", show_default=False)],
    phone: Annotated[str | None, typer.Option("--phone", show_default=False)] = None,
    function: Annotated[str | None, typer.Option(
        "--function", show_default=False,
        help="What the contact is for, e.g. releasemanager or incidentmanager.")] = None,
    available_24x7: Annotated[bool, typer.Option(
        "--available-24x7", help="Reachable day and night during a calamity or crisis.")
    ] = False,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add a contact to a party."""
    from eta.register.edits import add_contact as add

    show_outcome(add(resolve_root(root), party,
                     contact_of(name, email, phone, function, available_24x7)),
                 output_format)


@app.command("add-representative")
@reports_errors
@changes_records
def add_representative(
    party: PartyArgument,
    representative: Annotated[str, typer.Option(
        "--id", help="The representative's id, e.g. jvermeulen.", show_default=False)],
    name: Annotated[str, typer.Option("--name", show_default=False)],
    email: Annotated[str, typer.Option("--email", show_default=False)],
    key_file: KeyFileOption,
    valid_from: Annotated[dt.datetime, date_option(
        "--valid-from", help_text="The first day on which they may sign.")],
    valid_until: Annotated[dt.datetime | None, date_option(
        "--valid-until", help_text="The last day on which they may sign (default: no end).")
    ] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Authorise a person to sign plans for a party, with their SSH key.

    The key is checked as the register checks every key it holds; a key registered for
    anyone else is refused, since a key belongs to one representative.
    """
    from eta.register.edits import add_representative as add
    from eta.register.edits import read_public_key

    show_outcome(add(resolve_root(root), party, representative=representative, name=name,
                     email=email, key=read_public_key(key_file),
                     valid_from=valid_from.date(),
                     valid_until=valid_until.date() if valid_until else None),
                 output_format)


@app.command("end-representative")
@reports_errors
@changes_records
def end_representative(
    party: PartyArgument,
    representative: RepresentativeArgument,
    on: Annotated[dt.datetime, date_option(
        "--on", help_text="The last day on which they may sign.")],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """End a representative's authorisation: from the day after --on they no longer sign.

    Signatures they made after that day no longer count; the command names them.
    """
    from eta.register.edits import end_representative as end

    show_outcome(end(resolve_root(root), party, representative, on.date()), output_format)


@app.command("add-key")
@reports_errors
@changes_records
def add_key(
    party: PartyArgument,
    representative: RepresentativeArgument,
    key_file: KeyFileOption,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Register another SSH key for a representative."""
    from eta.register.edits import add_key as add
    from eta.register.edits import read_public_key

    show_outcome(add(resolve_root(root), party, representative, read_public_key(key_file)),
                 output_format)


@app.command("revoke-key")
@reports_errors
@changes_records
def revoke_key(
    party: PartyArgument,
    representative: RepresentativeArgument,
    fingerprint: Annotated[str, typer.Argument(
        metavar="FINGERPRINT", show_default=False,
        help="The key's SHA256 fingerprint, as `eta party show` lists it.")],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Take a key out of the register (lost or compromised).

    No signature made with it counts any longer; the command names the ones that were.
    """
    from eta.register.edits import revoke_key as revoke

    show_outcome(revoke(resolve_root(root), party, representative, fingerprint), output_format)


@app.command("list")
@reports_errors
def list_parties(
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
) -> None:
    """List the parties of the register: roles, contacts, representatives authorised."""
    from eta.records.agreements import load_register
    from eta.register.views import party_list_document

    repository = resolve_root(root)
    register = load_register(repository)
    day = today(on, repository)
    listed = party_list_document([register[key] for key in sorted(register)], day)
    if output_format is TextOrJson.JSON:
        write_json(listed)
        return
    for document in listed["parties"]:
        authorised = sum(rep["authorised"] for rep in document["representatives"])
        typer.echo(for_terminal(
            f"{document['id']}: {document['name']} ({', '.join(document['roles'])}); "
            f"{len(document['contacts'])} contact(s), {authorised} of "
            f"{len(document['representatives'])} representative(s) authorised on {day}"))


@app.command("show")
@reports_errors
def show(
    party: PartyArgument,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
) -> None:
    """Show a party: its roles, contacts, representatives and their keys."""
    from eta.plans.edits import _registered as registered_party
    from eta.records.agreements import load_register
    from eta.register.views import party_lines, party_show_document

    repository = resolve_root(root)
    day = today(on, repository)
    found = registered_party(load_register(repository), party)
    if output_format is TextOrJson.JSON:
        write_json(party_show_document(found, day))
        return
    for line in party_lines(found, day):
        typer.echo(for_terminal(line))
