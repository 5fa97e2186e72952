"""`eta release`: create releases and move them through the release process."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from eta.cli import completion
from eta.cli.common import (
    FormatOption,
    NowOption,
    ReleaseArgument,
    RootOption,
    TextOrJson,
    TodayOption,
    changes_records,
    date_option,
    reason_option,
    reports_errors,
    resolve_root,
    show_outcome,
    today,
    write_json,
)
from eta.escaping import for_terminal
from eta.vocabulary import ReleaseStatus

app = typer.Typer(
    name="release",
    help="Create releases and move them through the release process: draft -> in_force -> "
    "in_realisation -> rolled_out -> evaluated; an evaluated release is reopened with a "
    "reason.",
    no_args_is_help=True,
    rich_markup_mode=None,
)



@app.command("list")
@reports_errors
def list_releases(
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
) -> None:
    """List the releases: status, framework version, title and how far each plan is signed."""
    from eta.plans.state import assess, load_release
    from eta.plans.timing import SigningEvidence
    from eta.plans.views import release_ids, release_list_document, summary_line
    from eta.records.agreements import load_register

    repository = resolve_root(root)
    register = load_register(repository)
    evidence = SigningEvidence.of(repository)
    day = today(on, repository)
    states = [assess(load_release(repository, release_id), register, day, evidence)
              for release_id in release_ids(repository)]
    if output_format is TextOrJson.JSON:
        write_json(release_list_document(states, day))
        return
    if not states:
        typer.echo("no releases yet; start one with `eta release new ID --title TEXT`")
    for state in states:
        typer.echo(for_terminal(summary_line(state)))


@app.command("show")
@reports_errors
def show(
    release_id: ReleaseArgument,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
) -> None:
    """Show a release: its record, and where its plan stands (`eta plan status` has the
    plan in full)."""
    from eta.plans.state import assess, load_release
    from eta.plans.timing import SigningEvidence
    from eta.plans.views import release_document, release_lines
    from eta.records.agreements import load_register

    repository = resolve_root(root)
    register = load_register(repository)
    day = today(on, repository)
    state = assess(load_release(repository, release_id), register, day,
                   SigningEvidence.of(repository))
    if output_format is TextOrJson.JSON:
        write_json(release_document(state, register))
        return
    for line in release_lines(state):
        typer.echo(for_terminal(line))


@app.command("new")
@reports_errors
@changes_records
def new(
    release_id: ReleaseArgument,
    title: Annotated[str, typer.Option("--title", help="What the release brings, in a line.",
                                       show_default=False)],
    chain_dependencies: Annotated[bool, typer.Option(
        "--chain-dependencies",
        help="Several parties must change together: start a draft implementation plan.")
    ] = False,
    framework_version: Annotated[str | None, typer.Option(
        "--framework-version", metavar="X.Y",
        help="The framework version the release brings, e.g. 1.15.")] = None,
    decided_on: Annotated[dt.datetime | None, date_option(
        "--decided-on", help_text="When the Tactisch Beraad decided the release.")] = None,
    releasemanager_name: Annotated[str | None, typer.Option(
        "--releasemanager-name",
        help="Default: the Beheerorganisatie's contact whose function is releasemanager.")
    ] = None,
    releasemanager_email: Annotated[str | None, typer.Option(
        "--releasemanager-email", help="Given together with --releasemanager-name.")] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Create a release, with a draft plan if it has chain dependencies.

    Writes releases/ID/release.yaml, and with --chain-dependencies a draft implementation
    plan (plan.yaml) to fill in with `eta plan`.

    Example: eta release new R2026-04 --title "AS 1.16: machtigen namens" --chain-dependencies
    """
    from pydantic import ValidationError

    from eta.errors import EtaError
    from eta.models.release import Person
    from eta.plans.edits import new_release

    person = None
    if (releasemanager_name is None) != (releasemanager_email is None):
        raise EtaError("give --releasemanager-name and --releasemanager-email together")
    if releasemanager_name is not None and releasemanager_email is not None:
        try:
            person = Person(name=releasemanager_name, email=releasemanager_email)
        except ValidationError:
            raise EtaError("--releasemanager-name must not be empty, and "
                           "--releasemanager-email must be an email address") from None
    show_outcome(new_release(resolve_root(root), release_id, title=title,
                       chain_dependencies=chain_dependencies,
                       framework_version=framework_version, releasemanager=person,
                       decided_on=decided_on.date() if decided_on else None), output_format)


@app.command("decide")
@reports_errors
@changes_records
def decide(
    release_id: ReleaseArgument,
    on: Annotated[dt.datetime, date_option("--on", help_text="The day of the decision.")],
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record the Tactisch Beraad's decision on the release."""
    from eta.plans.edits import decide as record_decision

    show_outcome(record_decision(resolve_root(root), release_id, on.date()), output_format)


@app.command("advance")
@reports_errors
@changes_records
def advance(
    release_id: ReleaseArgument,
    to: Annotated[ReleaseStatus | None, typer.Option(
        "--to", help="The status you expect to reach; refused if it is not the next one.",
        show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
    on: TodayOption = None,
) -> None:
    """Move the release to its next status, if its preconditions hold.

    draft -> in_force: decided, framework version set, and (with chain dependencies, or a
    plan) the plan in force: a valid signature of every implementing party.
    in_force -> in_realisation: the plan is still in force.
    in_realisation -> rolled_out: communication plan delivered, every measure and milestone
    done, every deelnemer joined, roll-out complete.
    rolled_out -> evaluated: the evaluation is recorded.

    The preconditions of every status before still hold too, as `eta check` requires. A
    refused move lists every reason and changes nothing.
    """
    from eta.plans.edits import advance as move

    target = to
    repository = resolve_root(root)
    show_outcome(move(repository, release_id, target=target, today=today(on, repository)),
                 output_format)


@app.command("reopen")
@reports_errors
def reopen(
    release_id: ReleaseArgument,
    reason: Annotated[str, typer.Option(
        "--reason", help="Why the evaluated release is opened again.", show_default=False)],
    now: NowOption = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Reopen an evaluated release: back to rolled_out, recording who, when and why.

    An evaluated release is history: its files change only in a change that reopens it
    (`eta check --base`). After the reopen, the change may edit it and evaluate it again.
    """
    from eta.git import git_identity
    from eta.incidents.state import recording_moment
    from eta.plans.edits import reopen as record_reopen
    from eta.records.agreements import repository_zone

    reason_option(reason, "--reason")
    repository = resolve_root(root)
    moment = recording_moment(now, repository_zone(repository))
    show_outcome(record_reopen(repository, release_id, reason=reason,
                               by=git_identity(repository), now=moment), output_format)


@app.command("communication-plan")
@reports_errors
@changes_records
def communication_plan(
    release_id: ReleaseArgument,
    delivered_on: Annotated[dt.datetime, date_option(
        "--delivered-on", help_text="When the Beheerorganisatie delivered it.")],
    document: Annotated[str | None, typer.Option(
        "--document", help="A link to the plan.", show_default=False)] = None,
    summary: Annotated[str | None, typer.Option(
        "--summary", help="What it says, in a line or two.", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record the Beheerorganisatie's communication plan."""
    from eta.plans.edits import record_communication_plan

    show_outcome(record_communication_plan(resolve_root(root), release_id,
                                     delivered_on=delivered_on.date(), document=document,
                                     summary=summary), output_format)


@app.command("rollout")
@reports_errors
@changes_records
def rollout(
    release_id: ReleaseArgument,
    planned_on: Annotated[dt.datetime | None, date_option(
        "--planned-on", help_text="The roll-out date agreed with the Beheerorganisatie.")] = None,
    completed_on: Annotated[dt.datetime | None, date_option(
        "--completed-on",
        help_text="When the implementation was complete in production; the evaluation is due "
        "within two months after it.")] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record the planned or completed roll-out."""
    from eta.plans.edits import record_rollout

    show_outcome(record_rollout(resolve_root(root), release_id,
                          planned_on=planned_on.date() if planned_on else None,
                          completed_on=completed_on.date() if completed_on else None),
                 output_format)


@app.command("evaluation")
@reports_errors
@changes_records
def evaluation(
    release_id: ReleaseArgument,
    held_on: Annotated[dt.datetime, date_option("--held-on", help_text="When it was held.")],
    participants: Annotated[list[str], typer.Option(
        "--participant", metavar="PARTY", help="A party that took part; repeat for each.",
        show_default=False, autocompletion=completion.parties)],
    findings: Annotated[list[str] | None, typer.Option(
        "--finding", metavar="TEXT", help="A finding; repeat for each.",
        show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    root: RootOption = None,
) -> None:
    """Record the evaluation held with the parties."""
    from eta.plans.edits import record_evaluation

    show_outcome(record_evaluation(resolve_root(root), release_id, held_on=held_on.date(),
                             participants=participants, findings=findings or []), output_format)
