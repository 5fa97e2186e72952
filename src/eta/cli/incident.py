"""`eta incident`: Record, classify and follow incidents."""

from __future__ import annotations

import io
import shutil
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from eta.catalogue import (
    INCIDENT_CLASSIFICATION_OVERDUE,
    INCIDENT_DATA_BREACH_UNDECIDED,
    INCIDENT_DATA_BREACH_UNRECORDED,
    INCIDENT_DUTY_LATE_WITHOUT_REASON,
    INCIDENT_DUTY_OVERDUE,
    INCIDENT_NOTIFICATION_UNKNOWN,
    INCIDENT_RESPONSE_TIME_EXCEEDED,
)
from eta.cli import completion
from eta.cli.common import (
    FormatOption,
    IncidentArgument,
    Judging,
    NowOption,
    RootOption,
    TextOrJson,
    TodayOption,
    changes_records,
    echo_lines,
    plain_console,
    reason_option,
    reports_errors,
    resolve_root,
    warn_left_out,
    write_json,
)
from eta.escaping import for_terminal
from eta.vocabulary import IncidentClass, IncidentStatus, IncidentType, OutageState, Priority

if TYPE_CHECKING:
    import datetime as dt

    from ruamel.yaml.comments import CommentedMap

    from eta.contracts.shapes import (
        IncidentClassifyDocument,
        IncidentListDocument,
        IncidentLogDocument,
        IncidentNewDocument,
        IncidentShowDocument,
        IncidentUpdateDocument,
    )
    from eta.incidents.classify import Assessment, Outcome
    from eta.incidents.listing import Listed
    from eta.models.incident import Incident
    from eta.records.agreements import Agreements

app = typer.Typer(name="incident", help="Record, classify and follow incidents.",
                  no_args_is_help=True, rich_markup_mode=None)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


#: Said once in the help of each command that takes times.
TIMES_NOTE = ("Times are written as 2026-03-28T14:30 (in the time zone of "
              "afspraken/service-levels.yaml) or with their UTC offset, 2026-03-28T14:30+01:00.")


def _help(text: str) -> str:
    return f"{text}\n\n{TIMES_NOTE}"


def _time_option(name: str, help_text: str) -> Any:
    return typer.Option(name, metavar="TIME", help=help_text, show_default=False)


def _answer_option(name: str, fact: str) -> Any:
    return typer.Option(name, help=f"Whether {fact}: yes, no, or unknown to clear it.",
                        show_default=False)


def _moment(value: str | None, agreements: Agreements, option: str) -> dt.datetime | None:
    from eta.incidents.state import parse_time

    return None if value is None else parse_time(value, agreements.tz, option)


def _recorded(value: str | None, agreements: Agreements) -> dt.datetime:
    """The moment an edit is written down (`recording_moment`)."""
    from eta.incidents.state import recording_moment

    return recording_moment(value, agreements.tz)


def _shown(moment: dt.datetime, agreements: Agreements) -> str:
    from eta.moments import shown_moment

    return shown_moment(moment, agreements.tz)


# --- eta incident new ------------------------------------------------------------------------


@app.command("new", help=_help(
    "Record a new incident; print its id (with --format json: its id, file and times)."))
@reports_errors
@changes_records
def new(
    title: Annotated[str, typer.Option("--title", help="What happened, in one line.",
                                       show_default=False)],
    incident_type: Annotated[IncidentType, typer.Option("--type", help="The kind of incident.",
                                                      show_default=False)],
    reporter: Annotated[str, typer.Option("--reporter", help="The party that reports it.",
                                          show_default=False,
                                          autocompletion=completion.parties)],
    affected: Annotated[str | None, typer.Option(
        "--affected", help="The parties affected, separated by commas.", show_default=False,
        autocompletion=completion.party_lists)] = None,
    detected_at: Annotated[str | None, _time_option(
        "--detected-at", "When it was detected (default: when it was reported).")] = None,
    reported_at: Annotated[str | None, _time_option(
        "--reported-at", "When it was reported to the Beheerorganisatie (default: now); the "
        "response time runs from it.")] = None,
    priority: Annotated[Priority, typer.Option(
        "--priority", help="The reporter's priority; the Beheerorganisatie may change it.",
    )] = Priority.P3,
    output_format: FormatOption = TextOrJson.TEXT,
    now: NowOption = None,
    root: RootOption = None,
) -> None:
    from eta.editing import changeset
    from eta.errors import EtaError
    from eta.incidents.state import incident_path, new_incident_id, party_list, timestamp
    from eta.records.agreements import load_agreements
    from eta.records.layout import relative

    if not title.strip():
        raise EtaError("--title is empty; say in one line what happened")
    repository = resolve_root(root)
    agreements = load_agreements(repository)
    recorded = _recorded(now, agreements)
    reported = _moment(reported_at, agreements, "--reported-at") or recorded
    detected = _moment(detected_at, agreements, "--detected-at") or reported
    if detected > reported:
        raise EtaError(f"--detected-at: {_shown(detected, agreements)} lies after the "
                       f"moment of reporting, {_shown(reported, agreements)}")
    agreements.check_party(reporter, "--reporter")
    parties = party_list(affected, "--affected") if affected is not None else []
    for party in parties:
        agreements.check_party(party, "--affected")
    incident_id = new_incident_id(detected.astimezone(agreements.tz).date(),
                                  lambda name: incident_path(repository, name).exists())
    data: dict[str, Any] = {"id": incident_id, "title": title, "type": str(incident_type),
                            "reporter": reporter}
    if parties:
        data["affected"] = parties
    data["priority"] = str(priority)
    data["status"] = "new"
    data["times"] = {"detected": timestamp(detected), "reported": timestamp(reported)}
    path = incident_path(repository, incident_id)
    with changeset(repository, recorded) as changes:
        changes.create(path, data)
    if output_format is TextOrJson.JSON:
        from eta.contracts import INCIDENT_NEW

        created: IncidentNewDocument = {
            "version": INCIDENT_NEW.version, "id": incident_id,
            "path": relative(repository, path), "detected": detected.isoformat(),
            "reported": reported.isoformat()}
        write_json(created)
        return
    # The id alone on standard output, for `ID=$(eta incident new ...)`.
    typer.echo(incident_id)
    typer.echo(f"eta: created {relative(repository, path)}", err=True)


# --- eta incident classify -------------------------------------------------------------------


@app.command("classify", help=_help(
    "Classify an incident as incident, calamiteit or crisis, and record it."))
@reports_errors
@changes_records
def classify(
    incident_id: IncidentArgument,
    explain: Annotated[bool, typer.Option(
        "--explain", help="Show every criterion, met or not, with what it rested on.",
    )] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why the class changes; required when it goes down.",
        show_default=False,
    )] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    now: NowOption = None,
    on: TodayOption = None,
    root: RootOption = None,
) -> None:
    from eta.editing import add_item, changeset, commented
    from eta.git import git_identity
    from eta.incidents.classify import classify_by
    from eta.incidents.edits import refuse_closed
    from eta.incidents.state import (
        classification_entry,
        incident_path,
        load_incident,
        not_ahead,
    )
    from eta.models.incident import Incident
    from eta.records.agreements import load_agreements
    from eta.records.layout import relative

    reason = reason_option(reason, "--reason")
    repository = resolve_root(root)
    agreements = load_agreements(repository)
    incident = load_incident(repository, incident_id)
    agreements.check_party(incident.reporter, "reporter")
    for party in incident.affected:
        agreements.check_party(party, "affected")
    outcome = classify_by(agreements, incident)
    at = Judging(repository, now, on, agreements.tz).moment
    path = incident_path(repository, incident.id)
    entry = classification_entry(outcome, incident, at, lambda: git_identity(repository),
                                 reason)
    if entry is not None:
        refuse_closed(incident)
        not_ahead(at, agreements.tz, "--today" if on is not None else "--now")
        item = commented(entry)
        for key in ("criteria", "unanswered"):
            if key in item:
                item[key].fa.set_flow_style()  # short lists of ids read best on one line

        def record(data: CommentedMap) -> None:
            add_item(data, "classifications", item, Incident)

        with changeset(repository, at) as changes:
            changes.edit(path, record)
    number = len(incident.classifications) + (0 if entry is None else 1)
    if output_format is TextOrJson.JSON:
        from eta.contracts import INCIDENT_CLASSIFY

        classified: IncidentClassifyDocument = {
            "version": INCIDENT_CLASSIFY.version, "id": incident.id, **outcome.as_data(),
            "recorded": None if entry is None else {
                "classification": number, "path": relative(repository, path),
                "reason": entry.get("reason")}}
        write_json(classified)
        return
    _print_reasoning(incident, outcome, explain=explain)
    if explain:
        # The duties follow the class just recorded.
        echo_lines("\n".join(_duty_lines(load_incident(repository, incident.id), agreements,
                                          at)))
    if entry is None:
        last = incident.classification
        assert last is not None
        typer.echo(f"unchanged since the classification of {_shown(last.at, agreements)} by "
                   f"{for_terminal(last.by)}; nothing written")
    else:
        note = f": {for_terminal(entry['reason'])}" if "reason" in entry else ""
        typer.echo(f"recorded as classification {number} in {relative(repository, path)}{note}")


def _print_reasoning(incident: Incident, outcome: Outcome, *, explain: bool) -> None:

    lines = [f"{incident.id}: {outcome.incident_class}", f"  {for_terminal(incident.title)}"]
    if explain:
        for level in (IncidentClass.CALAMITEIT, IncidentClass.CRISIS):
            lines.append("")
            lines.append(f"{level.capitalize()}: any one of these criteria makes it a {level}.")
            lines.extend(_assessment_lines(a) for a in outcome.assessments if a.level is level)
    else:
        met = outcome.met
        lines.append("")
        if met:
            lines.append("Criteria met:")
            lines.extend(_assessment_lines(a) for a in met)
        else:
            lines.append("No criterion of a calamiteit or a crisis is met.")
    lines.append("")
    unknown = outcome.unknown_facts
    lines.append(f"Facts not yet known: {', '.join(unknown) if unknown else 'none'}")
    if outcome.could_raise:
        by_level: dict[IncidentClass, list[Assessment]] = {}
        for assessment in outcome.could_raise:
            by_level.setdefault(assessment.level, []).append(assessment)
        for level, assessments in by_level.items():
            ids = ", ".join(a.criterion.id for a in assessments)
            lines.append(f"Could still raise the class to {level}: {ids}")
    else:
        lines.append("No unanswered criterion could raise the class.")
    echo_lines("\n".join(lines))


def _duty_lines(incident: Incident, agreements: Agreements, now: dt.datetime) -> list[str]:
    from eta.incidents.duties import duty_clocks

    clocks = duty_clocks(incident, agreements.duties, agreements.tz)
    lines = ["", "Reporting duties:" if clocks else "Reporting duties: none applies."]
    for clock in clocks:
        head = (f"  {clock.duty.id}:{clock.stage.id}  {clock.stage.name} to "
                f"{clock.duty.recipient}")
        if clock.applies is None:
            head += " (whether it applies is not decided yet)"
        if clock.due is None:
            state = "its clock has not started"
        else:
            state = f"due {_shown(clock.due, agreements)}"
            if clock.notified_at is not None:
                verdict = "met" if clock.met else "late" + (
                    ", without a reason" if clock.late_without_reason else "")
                state += f"; notified {_shown(clock.notified_at, agreements)}: {verdict}"
            elif clock.overdue(now):
                state += "; not notified: overdue"
            else:
                state += "; not notified yet"
        lines.append(f"{for_terminal(head)}\n      {state}")
    return lines


def _assessment_lines(assessment: Assessment) -> str:
    criterion = assessment.criterion
    head = f"  {criterion.id:<3} {assessment.verdict:<8} \"{for_terminal(criterion.text)}\""
    return f"{head}\n      {for_terminal(assessment.grounds)}"


# --- eta incident log ------------------------------------------------------------------------


@app.command("log", help=_help("Add an entry to an incident's timeline, by you (from git config)."))
@reports_errors
@changes_records
def log(
    incident_id: IncidentArgument,
    message: Annotated[str, typer.Argument(metavar="MESSAGE", help="What happened.",
                                           show_default=False)],
    at: Annotated[str | None, _time_option(
        "--at", "When it happened (default: now); what is logged late may lie before "
        "earlier entries, but not before the incident began or was detected.")] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    now: NowOption = None,
    root: RootOption = None,
) -> None:
    from eta.errors import EtaError
    from eta.git import git_identity
    from eta.incidents.edits import log_incident
    from eta.incidents.state import incident_path, load_incident
    from eta.records.agreements import load_agreements
    from eta.records.layout import relative

    if not message.strip():
        raise EtaError("the message is empty; say what happened")
    repository = resolve_root(root)
    agreements = load_agreements(repository)
    recorded = _recorded(now, agreements)
    moment = _moment(at, agreements, "--at") or recorded
    incident = load_incident(repository, incident_id)
    path = incident_path(repository, incident.id)
    entry = log_incident(repository, incident, message, moment, recorded,
                         git_identity(repository))
    if output_format is TextOrJson.JSON:
        from eta.contracts import INCIDENT_LOG

        logged: IncidentLogDocument = {"version": INCIDENT_LOG.version, "id": incident.id,
                                       "path": relative(repository, path), "entry": entry}
        write_json(logged)
        return
    typer.echo(f"logged in {relative(repository, path)} at {_shown(moment, agreements)}")


@app.command("update", help=_help(
    "Set an incident's facts, times, status, priority or data-breach notification. "
    "A change of status or priority is written in the timeline too."))
@reports_errors
@changes_records
def update(
    incident_id: IncidentArgument,
    status: Annotated[IncidentStatus | None, typer.Option(
        "--status", help="new -> in_progress -> resolved -> closed; resolved may reopen to "
        "in_progress, and closed too, with --reason (recorded in `reopenings`).",
        show_default=False)] = None,
    priority: Annotated[Priority | None, typer.Option(
        "--priority", help="The priority (the Beheerorganisatie may change it).",
        show_default=False)] = None,
    title: Annotated[str | None, typer.Option("--title", help="A better title.",
                                              show_default=False)] = None,
    affected: Annotated[str | None, typer.Option(
        "--affected", help="All parties affected, separated by commas (replaces the list).",
        show_default=False, autocompletion=completion.party_lists)] = None,
    add_affected: Annotated[str | None, typer.Option(
        "--add-affected", help="More parties affected, separated by commas.",
        show_default=False)] = None,
    detected: Annotated[str | None, _time_option(
        "--detected-at", "When it was detected.")] = None,
    reported: Annotated[str | None, _time_option(
        "--reported-at", "When it was reported to the Beheerorganisatie.")] = None,
    phoned: Annotated[str | None, _time_option(
        "--phoned-at", "When it was reported by telephone to the incidentmanager.")] = None,
    started: Annotated[str | None, _time_option(
        "--started-at", "When the disruption began.")] = None,
    resolved: Annotated[str | None, _time_option(
        "--resolved-at", "When it was resolved (default with --status resolved: now).")
    ] = None,
    expected_end: Annotated[str | None, _time_option(
        "--expected-end-at", "When the disruption is expected to end, or ended; the start "
        "for an incident without disruption.")] = None,
    direct_serious_hindrance: Annotated[Answer | None, _answer_option(
        "--direct-serious-hindrance", "it causes direct and serious hindrance")] = None,
    confidentiality_integrity_impact: Annotated[Answer | None, _answer_option(
        "--confidentiality-integrity-impact",
        "it affects confidentiality and integrity")] = None,
    reportable_data_breach: Annotated[Answer | None, _answer_option(
        "--reportable-data-breach", "it is a data breach that must be reported")] = None,
    major_image_impact: Annotated[Answer | None, _answer_option(
        "--major-image-impact", "it has a large impact on the image of and trust in "
        "eHerkenning")] = None,
    political_implications: Annotated[Answer | None, _answer_option(
        "--political-implications", "political decisions or implications are involved"
    )] = None,
    fundamental_vulnerability: Annotated[Answer | None, _answer_option(
        "--fundamental-vulnerability", "a fundamental legal or technical vulnerability "
        "is involved")] = None,
    aware_at: Annotated[str | None, _time_option(
        "--aware-at", "When the data breach became known; the 72 hours run from it.")] = None,
    notification: Annotated[str | None, typer.Option(
        "--notification", metavar="DUTY:STAGE", help="The stage of a reporting duty of "
        "afspraken/reporting-duties.yaml that --notified-at, --notification-reference and "
        "--delay-reason record, e.g. nis2:melding (default: the data-breach notification to "
        "the Autoriteit Persoonsgegevens).", show_default=False)] = None,
    notified_at: Annotated[str | None, _time_option(
        "--notified-at", "When the Autoriteit Persoonsgegevens, or the recipient of "
        "--notification, was notified.")] = None,
    notification_reference: Annotated[str | None, typer.Option(
        "--notification-reference", help="The notification's reference at the Autoriteit "
        "Persoonsgegevens.", show_default=False)] = None,
    delay_reason: Annotated[str | None, typer.Option(
        "--delay-reason", help="Why the notification came after 72 hours.",
        show_default=False)] = None,
    subjects_informed_at: Annotated[str | None, _time_option(
        "--subjects-informed-at", "When the people whose data leaked were told.")] = None,
    outage: Annotated[str | None, typer.Option(
        "--outage", metavar="PARTY:ROLE", help="The outage of a party in one of its roles to "
        "record or update, e.g. volmacht:machtigingenregister: the last of them not ended, "
        "else a new one from --outage-started-at.", show_default=False)] = None,
    outage_state: Annotated[OutageState | None, typer.Option(
        "--outage-state", help="Whether the party was unavailable (the default for a new "
        "outage) or degraded.", show_default=False)] = None,
    outage_started_at: Annotated[str | None, _time_option(
        "--outage-started-at", "When the outage began.")] = None,
    outage_expected_end_at: Annotated[str | None, _time_option(
        "--outage-expected-end-at", "While it lasts: when the outage is expected to end."
    )] = None,
    outage_ended_at: Annotated[str | None, _time_option(
        "--outage-ended-at", "When the outage ended.")] = None,
    resolution: Annotated[str | None, typer.Option(
        "--resolution", help="How it was resolved.", show_default=False)] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why the status or priority changes, for the timeline; required to "
        "reopen a closed incident.", show_default=False)] = None,
    output_format: FormatOption = TextOrJson.TEXT,
    now: NowOption = None,
    root: RootOption = None,
) -> None:
    from eta.git import git_identity
    from eta.incidents.edits import IncidentUpdate, update_incident
    from eta.incidents.state import load_incident, party_list
    from eta.records.agreements import load_agreements
    from eta.records.layout import relative

    repository = resolve_root(root)
    agreements = load_agreements(repository)
    incident = load_incident(repository, incident_id)
    moment = _recorded(now, agreements)

    def given(*pairs: tuple[str, str | None]) -> dict[str, dt.datetime]:
        # Every moment is `--<event>-at`: `detected` is --detected-at, `aware_at` --aware-at.
        moments = {name: _moment(value, agreements,
                                 f"--{name.replace('_', '-').removesuffix('-at')}-at")
                   for name, value in pairs}
        return {name: value for name, value in moments.items() if value is not None}

    times = given(("detected", detected), ("reported", reported), ("phoned", phoned),
                  ("started", started), ("resolved", resolved))
    expected = _moment(expected_end, agreements, "--expected-end-at")
    breach: dict[str, dt.datetime | str | None] = {
        **given(("aware_at", aware_at), ("notified_at", notified_at)),
        "reference": notification_reference, "delay_reason": delay_reason,
        **given(("subjects_informed_at", subjects_informed_at))}
    facts = {name: _flag(answer) for name, answer in (
        ("direct_serious_hindrance", direct_serious_hindrance),
        ("confidentiality_integrity_impact", confidentiality_integrity_impact),
        ("reportable_data_breach", reportable_data_breach),
        ("major_image_impact", major_image_impact),
        ("political_implications", political_implications),
        ("fundamental_vulnerability", fundamental_vulnerability)) if answer is not None}
    parties = {option: party_list(value, option) for option, value in (
        ("--affected", affected), ("--add-affected", add_affected)) if value is not None}
    _require_text(("--title", title), ("--resolution", resolution),
                  ("--notification-reference", notification_reference))
    breach["delay_reason"] = reason_option(delay_reason, "--delay-reason")
    outage_edit = None
    if outage is not None:
        from eta.incidents.outages import outage_change

        outage_edit = outage_change(
            incident, agreements.parties, outage, outage_state,
            _moment(outage_started_at, agreements, "--outage-started-at"),
            _moment(outage_expected_end_at, agreements, "--outage-expected-end-at"),
            _moment(outage_ended_at, agreements, "--outage-ended-at"))
    else:
        for option, value in (("--outage-state", outage_state),
                              ("--outage-started-at", outage_started_at),
                              ("--outage-expected-end-at", outage_expected_end_at),
                              ("--outage-ended-at", outage_ended_at)):
            if value is not None:
                from eta.errors import EtaError

                raise EtaError(f"{option} needs --outage PARTY:ROLE to say whose outage")
    notification_edit = None
    if notification is not None:
        from eta.incidents.duties import notification_change

        routed = notification_change(
            incident, agreements.duties, notification, breach.get("notified_at"),  # type: ignore[arg-type]
            notification_reference, breach["delay_reason"])  # type: ignore[arg-type]
        if routed.home != "data_breach.notified_at":
            # They belong to the notification named, not to the data breach.
            at = breach.pop("notified_at", None)
            for name in ("reference", "delay_reason"):
                breach.pop(name, None)
            if routed.home == "times.phoned":
                times["phoned"] = cast("dt.datetime", at)  # given: notification_change asks
            else:
                notification_edit = (routed.index, routed.values)
    change = IncidentUpdate(
        status=status, priority=priority, title=title, resolution=resolution,
        affected=parties.get("--affected"), add_affected=parties.get("--add-affected"),
        times=times, expected_end=expected, facts=facts,
        breach={name: value for name, value in breach.items() if value is not None},
        reason=reason_option(reason, "--reason"), outage=outage_edit,
        notification=notification_edit)
    updated = update_incident(repository, agreements, incident, change, moment,
                              lambda: git_identity(repository))
    path = relative(repository, updated.path)
    if output_format is TextOrJson.JSON:
        from eta.contracts import INCIDENT_UPDATE

        changed: IncidentUpdateDocument = {
            "version": INCIDENT_UPDATE.version, "id": incident.id, "path": path,
            "changed": updated.changed, "notes": updated.notes}
        write_json(changed)
        return
    typer.echo(f"updated {path}: {', '.join(updated.changed)}")
    for note in updated.notes:
        typer.echo(f"note: {for_terminal(note)}")


def _flag(answer: Answer) -> bool | None:
    """yes and no set a fact; unknown clears it."""
    return None if answer is Answer.UNKNOWN else answer is Answer.YES


def _require_text(*options: tuple[str, str | None]) -> None:
    from eta.errors import EtaError

    for option, text in options:
        if text is not None and not text.strip():
            raise EtaError(f"{option} is empty")


# --- eta incident list -----------------------------------------------------------------------

def _short_labels() -> dict[str, str]:
    """What `incident list` says of each finding that needs attention, in a few words."""

    return {
        INCIDENT_RESPONSE_TIME_EXCEEDED.code: "escalate: response time exceeded",
        INCIDENT_DUTY_OVERDUE.code: "reporting duty overdue",
        INCIDENT_DUTY_LATE_WITHOUT_REASON.code: "notified late, no reason",
        INCIDENT_NOTIFICATION_UNKNOWN.code: "notification of an unknown duty",
        INCIDENT_DATA_BREACH_UNDECIDED.code: "data breach: reportable undecided",
        INCIDENT_DATA_BREACH_UNRECORDED.code: "data breach: awareness time missing",
        INCIDENT_CLASSIFICATION_OVERDUE.code: "classification overdue",
    }


@app.command("list", help=_help(
    "List incidents with their class, deadlines and what needs attention now."))
@reports_errors
def list_incidents(
    open_only: Annotated[bool, typer.Option("--open", help="Only incidents not yet resolved.")
                         ] = False,
    class_filter: Annotated[IncidentClass | None, typer.Option(
        "--class", help="Only incidents of this class (by their last classification).",
        show_default=False)] = None,
    output_format: Annotated[TextOrJson, typer.Option(
        "--format", "-f", help="text: a table; json: for programs.")] = TextOrJson.TEXT,
    now: NowOption = None,
    on: TodayOption = None,
    root: RootOption = None,
) -> None:
    from eta.contracts import INCIDENT_LIST
    from eta.incidents.listing import listed_incidents
    from eta.records.agreements import load_agreements
    from eta.records.cache import kept

    repository = resolve_root(root)
    with kept(repository):
        agreements = load_agreements(repository)
        moment = Judging(repository, now, on, agreements.tz).moment
        listed, invalid = listed_incidents(repository, agreements)
    warn_left_out(invalid, "a valid incident")
    rows = [row for row in listed if (row.open or not open_only)
            and (class_filter is None or row.incident_class == class_filter)]
    if output_format is TextOrJson.JSON:
        document: IncidentListDocument = {"version": INCIDENT_LIST.version,
                                          "now": moment.isoformat(),
                                          "incidents": [row.as_data(moment) for row in rows]}
        write_json(document)
    elif rows:
        _print_list(rows, agreements, moment)
    else:
        typer.echo("no incidents")
    if invalid:
        raise typer.Exit(1)


def _print_list(rows: list[Listed], agreements: Agreements, moment: dt.datetime) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    for header in ("status", "class", "prio", "type", "detected", "response due", "title",
                   "attention"):
        table.add_column(header, overflow="fold")
    short = _short_labels()
    for row in rows:
        entry = row.entry
        table.add_row(*map(for_terminal, (
            entry["id"], entry["status"], row.incident_class or "-", entry["priority"],
            entry["type"], _table_time(row.detected, agreements),
            _table_time(row.due, agreements) if row.due is not None else "-", entry["title"],
            "; ".join(short.get(f.code, f.code) for f in row.findings(moment)) or "-",
        )))
    # Piped or redirected, the table keeps a width that fits its rows instead of 80 columns.
    width = shutil.get_terminal_size(fallback=(200, 24)).columns
    buffer = io.StringIO()
    plain_console(buffer, width).print(table)
    for line in buffer.getvalue().splitlines():
        typer.echo(line.rstrip())
    typer.echo(f"times in {agreements.tz.key}")


def _table_time(moment: dt.datetime, agreements: Agreements) -> str:
    from eta.moments import shown_moment

    return shown_moment(moment, agreements.tz, zone=False)


# --- eta incident show -----------------------------------------------------------------------


@app.command("show", help=_help(
    "Show an incident: its facts, times, classification and what needs attention now."))
@reports_errors
def show(
    incident_id: IncidentArgument,
    output_format: Annotated[TextOrJson, typer.Option(
        "--format", "-f", help="text: for people; json: the record and its judgement, for "
        "programs.")] = TextOrJson.TEXT,
    now: NowOption = None,
    on: TodayOption = None,
    root: RootOption = None,
) -> None:
    from eta.incidents.listing import Listed
    from eta.incidents.state import incident_file, load_incident_file
    from eta.records.agreements import load_agreements

    repository = resolve_root(root)
    agreements = load_agreements(repository)
    moment = Judging(repository, now, on, agreements.tz).moment
    file = incident_file(repository, incident_id)
    incident = load_incident_file(repository, file)
    row = Listed.of(incident, agreements, file)
    if output_format is TextOrJson.JSON:
        from eta.contracts import INCIDENT_SHOW

        shown: IncidentShowDocument = {
            "version": INCIDENT_SHOW.version, "now": moment.isoformat(), **row.as_data(moment),
            "record": incident.model_dump(mode="json", by_alias=True, exclude_none=True)}
        write_json(shown)
        return
    lines = [f"{incident.id}: {row.incident_class or 'not classified'}",
             f"  {incident.title}", "",
             f"type:      {incident.type}",
             f"status:    {incident.status}",
             f"priority:  {incident.priority}",
             f"reporter:  {incident.reporter}",
             f"affected:  {', '.join(incident.affected) or '-'}"]
    for name in type(incident.times).model_fields:
        value = getattr(incident.times, name)
        if value is not None:
            lines.append(f"{name + ':':<10} {_shown(value, agreements)}")
    if row.due is not None:
        lines.append(f"response due: {_shown(row.due, agreements)}")
    lines.append("")
    findings = row.findings(moment)
    if findings:
        lines.append(f"Needs attention at {_shown(moment, agreements)}:")
        lines.extend(f"  {f.severity} [{f.code}] {f.message}" for f in findings)
    else:
        lines.append(f"Nothing needs attention at {_shown(moment, agreements)}.")
    echo_lines("\n".join(lines))
