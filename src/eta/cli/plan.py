"""`eta plan`: fill in, sign and follow a release's implementation plan."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from eta.cli import completion
from eta.cli.common import (
    FormatOption,
    Judging,
    NowOption,
    ReleaseArgument,
    RootOption,
    TextOrJson,
    TodayOption,
    changes_records,
    contact_of,
    date_option,
    plain_console,
    reports_errors,
    resolve_root,
    show_outcome,
    today,
)
from eta.escaping import for_json, for_terminal
from eta.vocabulary import ImpactLevel, MeasureStatus

if TYPE_CHECKING:
    from collections.abc import Mapping

    from eta.models.party import Party
    from eta.plans.state import PartyState, PlanState

app = typer.Typer(
    name="plan",
    help="Fill in, sign and follow a release's implementation plan. Each implementing "
    "party's part lives in releases/ID/parties/PARTY.yaml and its signature in "
    "releases/ID/signatures/PARTY.yaml, so parties can work in parallel.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PartyOption = Annotated[str, typer.Option("--party", "-p", metavar="PARTY",
                                          help="The implementing party, by its id.",
                                          show_default=False,
                                          autocompletion=completion.parties)]
OnOption = Annotated[dt.datetime | None, date_option(
    "--on", help_text="The date it happened (default: today).")]


# -- Drafting ------------------------------------------------------------------------------


@app.command("add-party")
@reports_errors
@changes_records
def add_party(
    release_id: ReleaseArgument,
    party: PartyOption,
    contact_name: Annotated[str, typer.Option(
        "--contact-name", help="The party's aanspreekpunt for the whole implementation.",
        show_default=False)],
    contact_email: Annotated[str, typer.Option("--contact-email", show_default=False)],
    contact_phone: Annotated[str | None, typer.Option("--contact-phone")] = None,
    contact_function: Annotated[str | None, typer.Option("--contact-function")] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add an implementing party and its contact.

    Starts releases/ID/parties/PARTY.yaml, where the party's impact analysis, planning and
    measures go.
    """
    from eta.plans.edits import add_party as add

    contact = contact_of(contact_name, contact_email, contact_phone, contact_function, False)
    show_outcome(add(resolve_root(root), release_id, party, contact), output_format)


@app.command("contact")
@reports_errors
@changes_records
def contact(
    release_id: ReleaseArgument,
    party: PartyOption,
    name: Annotated[str, typer.Option("--name", show_default=False)],
    email: Annotated[str, typer.Option("--email", show_default=False)],
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    function: Annotated[str | None, typer.Option("--function")] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Set an implementing party's contact (aanspreekpunt)."""
    from eta.plans.edits import set_contact

    show_outcome(set_contact(resolve_root(root), release_id, party,
                       contact_of(name, email, phone, function, False)), output_format)


@app.command("impact")
@reports_errors
@changes_records
def impact(
    release_id: ReleaseArgument,
    party: PartyOption,
    summary: Annotated[str, typer.Option("--summary", help="The impact, in a few lines.",
                                         show_default=False)],
    level: Annotated[ImpactLevel, typer.Option("--level", help="How large the impact is.",
                                         show_default=False)],
    components: Annotated[list[str] | None, typer.Option(
        "--component", metavar="NAME", help="An affected component; repeat for each.",
        show_default=False)] = None,
    document: Annotated[str | None, typer.Option(
        "--document", help="A link to the full analysis.", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record a party's impact analysis.

    Replaces an earlier one of the same party.
    """
    from eta.plans.edits import set_impact_analysis

    show_outcome(set_impact_analysis(resolve_root(root), release_id, party, summary=summary,
                               level=level, components=components or [],
                               document=document), output_format)


@app.command("planning")
@reports_errors
@changes_records
def planning(
    release_id: ReleaseArgument,
    party: PartyOption,
    summary: Annotated[str, typer.Option("--summary", help="The party's planning, briefly.",
                                         show_default=False)],
    ready_on: Annotated[dt.datetime, date_option(
        "--ready-on", help_text="When the party will be ready.")],
    start_on: Annotated[dt.datetime | None, date_option(
        "--start-on", help_text="When the party starts.")] = None,
    document: Annotated[str | None, typer.Option(
        "--document", help="A link to the full planning.", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record a party's planning.

    Replaces an earlier one of the same party.
    """
    from eta.plans.edits import set_planning

    show_outcome(set_planning(resolve_root(root), release_id, party, summary=summary,
                        ready_on=ready_on.date(),
                        start_on=start_on.date() if start_on else None, document=document),
                 output_format)


@app.command("add-measure")
@reports_errors
@changes_records
def add_measure(
    release_id: ReleaseArgument,
    party: PartyOption,
    description: Annotated[str, typer.Option("--description", help="What the party does.",
                                             show_default=False)],
    deadline: Annotated[dt.datetime, date_option("--deadline", help_text="When it is due.")],
    measure_id: Annotated[str | None, typer.Option(
        "--id", help="The measure's id (default: measure-N).", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add a measure (maatregel) an implementing party must take."""
    from eta.plans.edits import add_measure as add

    show_outcome(add(resolve_root(root), release_id, party, description=description,
               deadline=deadline.date(), measure_id=measure_id), output_format)


@app.command("add-milestone")
@reports_errors
@changes_records
def add_milestone(
    release_id: ReleaseArgument,
    date: Annotated[dt.datetime, date_option("--date", help_text="When it must be reached.")],
    title: Annotated[str, typer.Option("--title", help="What is reached.",
                                       show_default=False)],
    parties: Annotated[list[str] | None, typer.Option(
        "--party", "-p", metavar="PARTY", help="A party involved; repeat for each.",
        show_default=False, autocompletion=completion.parties)] = None,
    milestone_id: Annotated[str | None, typer.Option(
        "--id", help="The milestone's id (default: milestone-N).", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add a milestone to the plan."""
    from eta.plans.edits import add_milestone as add

    show_outcome(add(resolve_root(root), release_id, date=date.date(), title=title,
               parties=parties or [], milestone_id=milestone_id), output_format)


@app.command("deadline")
@reports_errors
@changes_records
def deadline(
    release_id: ReleaseArgument,
    date: Annotated[dt.datetime, date_option("--date", help_text="The deadline.")],
    title: Annotated[str, typer.Option("--title", help="What must be done by then.",
                                       show_default=False)],
    deadline_id: Annotated[str | None, typer.Option(
        "--id", help="Set the deadline with this id, or add it (default: a new deadline-N).",
        show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Add a plan deadline, or move one.

    With --id of an existing deadline, sets its date and title; otherwise adds one.
    """
    from eta.plans.edits import set_deadline

    show_outcome(set_deadline(resolve_root(root), release_id, date=date.date(), title=title,
                        deadline_id=deadline_id), output_format)


# -- Undoing a draft ----------------------------------------------------------------------
# A draft's mistakes are taken out before every party signed; what was signed stays.


@app.command("remove-party")
@reports_errors
@changes_records
def remove_party(
    release_id: ReleaseArgument,
    party: Annotated[str, typer.Argument(metavar="PARTY", help="The implementing party's id.",
                                         show_default=False, autocompletion=completion.parties)],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Take an implementing party out of a draft plan.

    Removes it from the plan's parties and milestones, and removes its part of the plan
    (releases/ID/parties/PARTY.yaml) and its signature, all in one change. Refused (exit 1)
    once the plan is in force; before that, the signatures of the other parties become
    stale, and the command names them.
    """
    from eta.plans.edits import remove_party as remove

    show_outcome(remove(resolve_root(root), release_id, party), output_format)


@app.command("remove-measure")
@reports_errors
@changes_records
def remove_measure(
    release_id: ReleaseArgument,
    measure: Annotated[str, typer.Argument(metavar="MEASURE", help="The measure's id.",
                                           show_default=False)],
    party: PartyOption,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Take a measure out of a draft plan.

    Refused (exit 1) once the plan is in force; before that, the signatures already made
    become stale, and the command names them.
    """
    from eta.plans.edits import remove_measure as remove

    show_outcome(remove(resolve_root(root), release_id, party, measure), output_format)


@app.command("remove-milestone")
@reports_errors
@changes_records
def remove_milestone(
    release_id: ReleaseArgument,
    milestone: Annotated[str, typer.Argument(metavar="MILESTONE", help="The milestone's id.",
                                             show_default=False)],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Take a milestone out of a draft plan.

    Refused (exit 1) once the plan is in force; before that, the signatures already made
    become stale, and the command names them.
    """
    from eta.plans.edits import remove_milestone as remove

    show_outcome(remove(resolve_root(root), release_id, milestone), output_format)


@app.command("remove-deadline")
@reports_errors
@changes_records
def remove_deadline(
    release_id: ReleaseArgument,
    deadline_id: Annotated[str, typer.Argument(metavar="DEADLINE", help="The deadline's id.",
                                               show_default=False)],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Take a deadline out of a draft plan.

    Refused (exit 1) once the plan is in force; before that, the signatures already made
    become stale, and the command names them.
    """
    from eta.plans.edits import remove_deadline as remove

    show_outcome(remove(resolve_root(root), release_id, deadline_id), output_format)


# -- Signing -------------------------------------------------------------------------------


@app.command("sign")
@reports_errors
@changes_records
def sign(
    release_id: ReleaseArgument,
    party: PartyOption,
    key: Annotated[str | None, typer.Option(
        "--key", metavar="KEY",
        help="Your SSH key: a private key file, the public key file of a key held by "
        "ssh-agent or a security key, or `key::` and a public key line, as git's "
        "user.signingkey takes them; a path is relative to the current folder. "
        "Default: git's user.signingkey, when gpg.format is ssh.", show_default=False)
    ] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Sign the plan for a party with your SSH key.

    You sign as the party's authorised representative whose key it is. The SSH signature
    (ssh-keygen -Y sign, namespace eta-plan@eherkenning) covers the plan's digest, the
    party, the representative and the moment of signing, which is now (it cannot be
    chosen); it goes to releases/ID/signatures/PARTY.yaml. Refused, with nothing written,
    when the plan is not complete, PARTY does not implement it, the key is not registered
    for a representative of PARTY, that representative is not authorised today, or
    `eta check` would not accept the signature (before the release's decision, say).
    Signing an unchanged plan again with the same key changes nothing.
    """
    from eta import signing
    from eta.errors import EtaError
    from eta.plans.edits import sign_plan
    from eta.records.agreements import repository_zone

    repository = resolve_root(root)
    spec = key or signing.git_signing_key(repository)
    if spec is None:
        raise EtaError("no signing key: give --key PATH, or set git's user.signingkey to "
                       "your SSH key with gpg.format ssh")
    # A path is where the signer is, as for every other program they run.
    signing_key = signing.signing_key(spec, cwd=Path.cwd())
    now = dt.datetime.now(repository_zone(repository))
    show_outcome(sign_plan(repository, release_id, party, signing_key, now), output_format)


# -- Progress ------------------------------------------------------------------------------


@app.command("measure-status")
@reports_errors
@changes_records
def measure_status(
    release_id: ReleaseArgument,
    measure: Annotated[str, typer.Argument(metavar="MEASURE", help="The measure's id.",
                                                   show_default=False)],
    status: Annotated[MeasureStatus, typer.Argument(metavar="STATUS", show_default=False,
                                               help="open, in_progress or done.")],
    party: PartyOption,
    on: OnOption = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Report a measure's progress: open, in_progress or done.

    Example: eta plan measure-status R2026-02 --party volmacht koppelvlak done --on 2027-01-15
    """
    from eta.plans.edits import set_measure_status

    repository = resolve_root(root)
    show_outcome(set_measure_status(repository, release_id, party, measure,
                                    status=status, on=today(on, repository)), output_format)


@app.command("milestone-done")
@reports_errors
@changes_records
def milestone_done(
    release_id: ReleaseArgument,
    milestone: Annotated[str, typer.Argument(metavar="MILESTONE", help="The milestone's id.",
                                                     show_default=False)],
    on: OnOption = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record that a milestone was reached."""
    from eta.plans.edits import mark_milestone_done

    repository = resolve_root(root)
    show_outcome(mark_milestone_done(repository, release_id, milestone, today(on, repository)),
                 output_format)


@app.command("join")
@reports_errors
@changes_records
def join(
    release_id: ReleaseArgument,
    party: PartyOption,
    on: OnOption = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record that a deelnemer joined the new framework version.

    Joining (toetreden) is progress: it does not change what the signatures cover.
    """
    from eta.plans.edits import record_joining

    repository = resolve_root(root)
    show_outcome(record_joining(repository, release_id, party, today(on, repository)),
                 output_format)


# -- Status --------------------------------------------------------------------------------


@app.command("status")
@reports_errors
def status(
    release_id: ReleaseArgument,
    output_format: Annotated[TextOrJson, typer.Option(
        "--format", "-f", help="A table for people, or JSON for programs.")] = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
    now: NowOption = None,
) -> None:
    """Show where the plan stands, party by party.

    A row per implementing party with its contact, impact analysis, planning, measures and
    signature (valid, stale, invalid or missing); whether the plan is in force; what is
    overdue; and what the release's next step still needs.
    """
    from eta.plans.state import assess, load_release, status_document
    from eta.plans.timing import SigningEvidence
    from eta.records.agreements import load_register

    repository = resolve_root(root)
    files = load_release(repository, release_id)
    register = load_register(repository)
    state = assess(files, register, Judging(repository, now, on).day,
                   SigningEvidence.of(repository))
    if output_format is TextOrJson.JSON:
        sys.stdout.write(for_json(status_document(state, register)) + "\n")
        return
    _print_status(state, register)


def _print_status(state: PlanState, register: Mapping[str, Party]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from eta.due import ItemKind
    from eta.plans.state import SignatureState, blockers, next_status

    release = state.release
    assert release is not None
    # Rendered aside and written without rich's padding: no trailing spaces in the output.
    # Off a terminal (a pipe, a file, a test) rich would assume 80 columns and wrap the table.
    probe = Console()
    width = probe.width if probe.is_terminal or "COLUMNS" in os.environ else 160
    buffer = io.StringIO()
    console = plain_console(buffer, width)
    version = f", framework version {release.framework_version}" \
        if release.framework_version else ""
    console.print(f"{release.id}: {for_terminal(release.title)}")
    console.print(f"status {release.status}{for_terminal(version)}; releasemanager "
                  f"{for_terminal(release.releasemanager.name)}")
    plan = state.plan
    if plan is None:
        why = ("the release has no chain dependencies" if not release.chain_dependencies
               else "there is none yet")
        console.print(f"implementation plan: none ({why})", markup=False)
    else:
        signed = sum(p.signature.state is SignatureState.VALID for p in state.parties)
        if state.in_force:
            console.print(f"implementation plan: IN FORCE, signed by all {signed} "
                          "implementing parties", markup=False)
        else:
            console.print(f"implementation plan: NOT in force, {signed} of "
                          f"{len(state.parties)} implementing parties signed", markup=False)
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        for column in ("party", "contact", "impact analysis", "planning", "measures",
                       "signature"):
            table.add_column(column)
        for party in state.parties:
            table.add_row(*map(for_terminal, _row(party)))
        console.print(table)
        lacking = state.lacking()
        if lacking:
            console.print("still lacking (the plan cannot be signed before):", markup=False)
            for line in lacking:
                console.print(f"  - {for_terminal(line)}")
        if plan.deadlines:
            console.print("deadlines:", markup=False)
            for due in sorted(plan.deadlines, key=lambda d: d.date):
                console.print(f"  {due.date}  {due.id}: {for_terminal(due.title)}")
        if plan.milestones:
            console.print("milestones:", markup=False)
            for milestone in sorted(plan.milestones, key=lambda m: m.date):
                mark = (f"done {milestone.done_on}" if milestone.done_on else
                        "OVERDUE" if state.is_overdue(ItemKind.MILESTONE, milestone.id)
                        else "open")
                title = for_terminal(milestone.title)
                console.print(f"  {milestone.date}  {milestone.id}: {title} [{mark}]")
    if state.overdue:
        console.print(f"overdue on {state.today}:", markup=False)
        for late in state.overdue:
            owner = f" of {late.party}" if late.party else ""
            # A signature or an evaluation is named by its kind alone.
            what = late.kind if late.name == late.kind else f"{late.kind} {late.name}"
            console.print(f"  {what}{for_terminal(owner)}, due {late.due}: "
                          f"{for_terminal(late.title)}")
    following = next_status(release.status)
    if following is None:
        console.print("next step: none, the release process is complete", markup=False)
    elif found := blockers(state, following, register):
        console.print(f"next step: {following}, once:", markup=False)
        for blocker in found:
            console.print(f"  - {for_terminal(blocker.message)}")
    else:
        console.print(f"next step: {following}, ready: `eta release advance {release.id}`",
                      markup=False)
    sys.stdout.write("".join(for_terminal(line.rstrip()) + "\n"
                             for line in buffer.getvalue().splitlines()))


def _row(party: PartyState) -> tuple[str, ...]:
    from eta.due import ItemKind

    record = party.record
    contact = record.contact.name if record and record.contact else "MISSING"
    impact = (str(record.impact_analysis.level) if record and record.impact_analysis
              else "MISSING")
    planning = (f"ready {record.planning.ready_on}" if record and record.planning
                else "MISSING")
    measures = record.measures if record else []
    if measures:
        done = sum(m.status is MeasureStatus.DONE for m in measures)
        overdue = sum(item.kind is ItemKind.MEASURE for item in party.overdue)
        measure_text = f"{len(measures)}: {done} done" + (f", {overdue} OVERDUE"
                                                          if overdue else "")
    else:
        measure_text = "MISSING"
    signature = party.signature
    if signature.representative and signature.signed_at:
        who = f" ({signature.representative}, {signature.signed_at.date()})"
    else:
        who = ""
    signature_text = f"{signature.state}{who}"
    if signature.reason and signature.state.value in ("stale", "invalid"):
        signature_text += f": {signature.reason}"
    return party.party, contact, impact, planning, measure_text, signature_text
