"""`eta agenda` through the real command line: text, JSON and an iCalendar feed."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from typer.testing import CliRunner

from agenda_helpers import BREACH, BREACH_RECORD, WEEKEND, WEEKEND_RECORD, add_incident
from conftest import Outcome, run_eta
from eta.agenda import collect
from eta.cli import app
from eta.cli.agenda import _when

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off a terminal, each item keeps to one line; a COLUMNS of the test's own terminal
    must not fold the tables."""
    monkeypatch.delenv("COLUMNS", raising=False)


def agenda(repo: Path, *args: str) -> Outcome:
    return run_eta("agenda", "--root", str(repo), *args)


def ok(repo: Path, *args: str) -> str:
    outcome = agenda(repo, *args)
    assert (outcome.exit_code, outcome.stderr) == (0, ""), outcome.stderr
    return outcome.stdout


def raw_stdout(repo: Path, *args: str) -> bytes:
    """Standard output as written, before the test runner makes its line ends \\n."""
    result = CliRunner().invoke(app, ["agenda", "--root", str(repo), *args],
                                catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    return result.stdout_bytes


def feed(repo: Path, *args: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(raw_stdout(repo, "--format", "ics", *args))


LOGIUS_90_DAYS = """\
Agenda of logius on 2026-11-28: overdue, or due within 90 days (by 2027-02-26)

due                when              what                                                                                                                                                           owed by                                       file
───────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
2026-11-16 17:30   12 days overdue   incident 2026-11-16-q738dq: complete the classification (K1 waits for facts.major_image_impact): Phishingcampagne met nagemaakte inlogpagina van KennisKaart   logius                                        incidents/2026-11-16-q738dq.yaml
2027-02-26         in 90 days        R2026-01 deadline maatregelen-gereed: Alle maatregelen uitgevoerd                                                                                              logius, poortwachter, sleutelbrug, volmacht   releases/R2026-01/plan.yaml
2027-02-26         in 90 days        R2026-01 measure communicatie (in_progress): Deelnemers en dienstverleners informeren over de overgang naar ondertekende metadata                              logius                                        releases/R2026-01/parties/logius.yaml

times in Europe/Amsterdam
"""  # noqa: E501


def test_the_agenda_of_one_party_as_a_table(repo: Path) -> None:
    assert ok(repo, "--party", "logius", "--days", "90", "--today", "2026-11-28") \
        == LOGIUS_90_DAYS


def test_the_table_folds_to_the_width_of_a_terminal(repo: Path) -> None:
    outcome = run_eta("agenda", "--root", str(repo), "--party", "logius", "--days", "90",
                      "--today", "2026-11-28", env={"COLUMNS": "100"})
    assert outcome.stdout == """\
Agenda of logius on 2026-11-28: overdue, or due within 90 days (by 2027-02-26)

due                when              what (file)                                        owed by
────────────────────────────────────────────────────────────────────────────────────────────────────
2026-11-16 17:30   12 days overdue   incident 2026-11-16-q738dq: complete the           logius
                                     classification (K1 waits for
                                     facts.major_image_impact): Phishingcampagne met
                                     nagemaakte inlogpagina van KennisKaart
                                     incidents/2026-11-16-q738dq.yaml
2027-02-26         in 90 days        R2026-01 deadline maatregelen-gereed: Alle         logius
                                     maatregelen uitgevoerd                             poortwachter
                                     releases/R2026-01/plan.yaml                        sleutelbrug
                                                                                        volmacht
2027-02-26         in 90 days        R2026-01 measure communicatie (in_progress):       logius
                                     Deelnemers en dienstverleners informeren over de
                                     overgang naar ondertekende metadata
                                     releases/R2026-01/parties/logius.yaml

times in Europe/Amsterdam
"""


def test_the_agenda_of_everyone_for_the_coming_days(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    add_incident(repo, BREACH, BREACH_RECORD)
    text = ok(repo, "--today", "2026-10-24", "--days", "2")
    assert text.splitlines()[0] == ("Agenda of all parties on 2026-10-24: overdue, or due "
                                    "within 2 days (by 2026-10-26)")
    assert [line.split("   ")[:2] for line in text.splitlines()[4:-2]] == [
        ["2026-10-25 12:00", "tomorrow"],
        ["2026-10-25 12:00", "tomorrow"],
        ["2026-10-26 15:00", "in 2 days"],
    ]


def test_the_agenda_as_json(repo: Path) -> None:
    document = json.loads(ok(repo, "--party", "poortwachter", "--days", "60", "--today",
                             "2026-11-28", "--format", "json"))
    assert document == {
        "version": 1,
        "today": "2026-11-28",
        "now": "2026-11-28T00:00:00+01:00",
        "timezone": "Europe/Amsterdam",
        "party": "poortwachter",
        "days": 60,
        "until": "2027-01-27",
        "items": [],
    }
    document = json.loads(ok(repo, "--party", "logius", "--today", "2026-11-28", "-f", "json"))
    assert document["items"] == [{
        "id": "incident/2026-11-16-q738dq/classification",
        "uid": "incident/2026-11-16-q738dq/classification@eta.eherkenning",
        "kind": "classification",
        "due": "2026-11-16T17:30:00+01:00",
        "all_day": False,
        "overdue": True,
        "what": "incident 2026-11-16-q738dq: complete the classification (K1 waits for "
                "facts.major_image_impact): Phishingcampagne met nagemaakte inlogpagina van "
                "KennisKaart",
        "record": "2026-11-16-q738dq",
        "file": "incidents/2026-11-16-q738dq.yaml",
        "parties": ["logius"],
    }]
    document = json.loads(ok(repo, "--party", "poortwachter", "--days", "62", "--today",
                             "2026-11-28", "--format", "json"))
    assert [(i["due"], i["all_day"], i["overdue"], i["kind"]) for i in document["items"]] == [
        ("2027-01-29", True, False, "measure")]


@pytest.mark.parametrize("output_format", ["text", "json", "ics"])
def test_the_same_records_on_the_same_day_give_the_same_bytes(repo: Path, output_format: str
                                                              ) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    args = ("--today", "2026-10-24", "--days", "400", "--format", output_format)
    first = raw_stdout(repo, *args)
    assert raw_stdout(repo, *args) == first
    assert b"R2026-02" in first and b"Machtigingenregister traag in het weekend" in first


def test_an_empty_agenda_says_so(repo: Path) -> None:
    args = ("--party", "grensweg", "--today", "2026-11-28")
    assert ok(repo, *args) == ("Nothing is due for grensweg within 30 days of 2026-11-28 "
                               "(by 2026-12-28), and nothing is overdue.\n")
    assert ok(repo, "--today", "2026-11-28", "--days", "1", "--party", "volmacht") == (
        "Nothing is due for volmacht within 1 day of 2026-11-28 (by 2026-11-29), and nothing "
        "is overdue.\n")
    assert json.loads(ok(repo, *args, "--format", "json"))["items"] == []
    calendar = feed(repo, *args)
    assert calendar.events == []
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    assert str(calendar["X-WR-CALNAME"]) == "eta agenda: grensweg"


def test_the_feed_reads_back_with_every_item(repo: Path) -> None:
    calendar = feed(repo, "--today", "2026-11-28", "--days", "400")
    assert str(calendar["PRODID"]) == "-//eta//agenda//EN"
    assert str(calendar["VERSION"]) == "2.0"
    document = json.loads(ok(repo, "--today", "2026-11-28", "--days", "400", "-f", "json"))
    events = {str(event["UID"]): event for event in calendar.events}
    assert list(events) == [item["uid"] for item in document["items"]]
    for item in document["items"]:
        event = events[item["uid"]]
        assert str(event["SUMMARY"]) == item["what"]
        assert dt.datetime(2026, 11, 28, tzinfo=dt.UTC) == event.DTSTAMP
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert event.categories == [item["kind"]]
        if item["all_day"]:
            day = dt.date.fromisoformat(item["due"])
            assert (day, day + dt.timedelta(days=1)) == (event.DTSTART, event.DTEND)
        else:
            assert dt.datetime.fromisoformat(item["due"]) == event.DTSTART
            assert event.DTSTART.tzinfo == AMS
    described = str(events["release/R2026-01/milestone/ketentest@eta.eherkenning"]
                    ["DESCRIPTION"])
    assert described == ("Owed by: poortwachter, sleutelbrug, volmacht\n"
                         "Record: releases/R2026-01/plan.yaml")


def test_times_in_the_feed_keep_their_time_zone_across_the_clock_change(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    add_incident(repo, BREACH, BREACH_RECORD)
    data = raw_stdout(repo, "--today", "2026-10-24", "--days", "2", "--format", "ics")
    assert b"\r\nDTSTART;TZID=Europe/Amsterdam:20261025T120000\r\n" in data
    assert b"\r\nDTSTART;TZID=Europe/Amsterdam:20261026T150000\r\n" in data
    assert b"\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n" in data
    calendar = icalendar.Calendar.from_ical(data)
    due = {str(event["UID"]): event.DTSTART for event in calendar.events}
    breach = due[f"incident/{BREACH}/duty/datalek/melding@eta.eherkenning"]
    assert breach.utcoffset() == dt.timedelta(hours=1)
    # 72 real hours after awareness at 16:00 CEST, not 72 hours of wall clock.
    aware = dt.datetime.fromisoformat("2026-10-23T16:00:00+02:00")
    assert breach - aware == dt.timedelta(hours=72)
    assert breach.replace(tzinfo=None) - aware.replace(tzinfo=None) == dt.timedelta(hours=71)
    assert breach.astimezone(dt.UTC) == dt.datetime(2026, 10, 26, 14, 0, tzinfo=dt.UTC)
    response = due[f"incident/{WEEKEND}/response-time@eta.eherkenning"]
    assert response.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 11, 0, tzinfo=dt.UTC)


def test_uids_hold_when_an_unrelated_record_is_added(repo: Path) -> None:
    args = ("--today", "2026-11-28", "--days", "400")
    before = {str(event["UID"]): event.to_ical() for event in feed(repo, *args).events}
    later = {str(event["UID"]) for event in
             feed(repo, "--today", "2027-01-15", "--days", "400").events}
    # Only October's availability is November's to account for.
    assert set(before) == later | {
        "availability/2026-10/volmacht/machtigingenregister@eta.eherkenning"}
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    shutil.copytree(repo / "releases/R2026-03", repo / "releases/R2025-09")
    for path in (repo / "releases/R2025-09").rglob("*.yaml"):
        path.write_text(path.read_text().replace("R2026-03", "R2025-09"))
    after = {str(event["UID"]): event.to_ical() for event in feed(repo, *args).events}
    assert {uid: after[uid] for uid in before} == before
    assert sorted(set(after) - set(before)) == [
        f"incident/{WEEKEND}/classification@eta.eherkenning",
        f"incident/{WEEKEND}/response-time@eta.eherkenning",
        "release/R2025-09/deadline/sha1-uit@eta.eherkenning",
        "release/R2025-09/measure/logius/toetsingskader@eta.eherkenning",
        "release/R2025-09/signature/logius@eta.eherkenning",
        "release/R2025-09/signature/poortwachter@eta.eherkenning",
        "release/R2025-09/signature/sleutelbrug@eta.eherkenning",
    ]


def test_days_bound_what_is_shown(repo: Path) -> None:
    def shown(days: str) -> list[str]:
        document = json.loads(ok(repo, "--party", "kenniskaart", "--today", "2026-11-28",
                                 "--days", days, "-f", "json"))
        return [item["id"] for item in document["items"]]

    assert shown("36") == []
    assert shown("37") == ["release/R2026-02/signature/kenniskaart"]
    assert shown("300") == ["release/R2026-02/signature/kenniskaart",
                            "release/R2026-02/measure/kenniskaart/wallet-middel",
                            "release/R2026-02/milestone/ketentest"]
    outcome = agenda(repo, "--days", "-1")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "Error: Invalid value for '--days' / '-d': '-1' is not at least 0\n")
    outcome = agenda(repo, "--days", "99999999999999999999")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "Error: Invalid value for '--days' / '-d': '99999999999999999999' is not at most "
        "3660\n")
    outcome = agenda(repo, "--days", "1.5")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "Error: Invalid value for '--days' / '-d': '1.5' is not a whole number, such as 30\n")


def test_an_unknown_party_is_refused_with_a_suggestion(repo: Path) -> None:
    outcome = agenda(repo, "--party", "kenniskart", "--today", "2026-11-28")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == ("eta: error: --party: no party `kenniskart` in "
                              "afspraken/parties/; did you mean `kenniskaart`?\n")
    outcome = agenda(repo, "--party", "nobody", "--format", "ics")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == "eta: error: --party: no party `nobody` in afspraken/parties/\n"


@pytest.mark.parametrize("output_format", ["text", "json", "ics"])
def test_output_goes_to_a_file(repo: Path, tmp_path: Path, output_format: str) -> None:
    args = ("--today", "2026-11-28", "--days", "90", "--format", output_format)
    target = tmp_path / "out" / f"agenda.{output_format}"
    assert ok(repo, *args, "--output", str(target)) == ""
    written = target.read_bytes()
    assert written == raw_stdout(repo, *args)
    if output_format == "ics":
        assert written.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
        assert written.endswith(b"END:VCALENDAR\r\n")


def test_records_that_are_not_valid_are_skipped_with_a_warning_and_exit_1(repo: Path) -> None:
    (repo / "incidents/2026-11-16-q738dq.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/incident.schema.json\nid: [\n")
    outcome = agenda(repo, "--party", "logius", "--today", "2026-11-28")
    assert outcome.exit_code == 1
    assert outcome.stderr == ("eta: warning: skipped incidents/2026-11-16-q738dq.yaml, which "
                              "is not valid; run `eta check incidents/2026-11-16-q738dq.yaml`\n")
    assert outcome.stdout.startswith("Nothing is due for logius within 30 days")


def test_without_today_the_agenda_is_of_this_moment(repo: Path) -> None:
    today = dt.datetime.now(AMS).date()
    document = json.loads(ok(repo, "--format", "json"))
    assert document["today"] in (today.isoformat(), (today + dt.timedelta(days=1)).isoformat())
    assert dt.datetime.fromisoformat(document["now"]).utcoffset() in (
        dt.timedelta(hours=1), dt.timedelta(hours=2))


def test_how_far_off_each_item_is(repo: Path) -> None:
    add_incident(repo, WEEKEND, WEEKEND_RECORD)
    found = collect(repo, dt.datetime(2026, 10, 25, 12, 30, tzinfo=AMS))
    when = {item.id: _when(item, found) for item in found.items}
    assert when[f"incident/{WEEKEND}/response-time"] == "overdue"  # since 12:00 today
    found = collect(repo, dt.date(2026, 10, 25))
    when = {item.id: _when(item, found) for item in found.items}
    assert when[f"incident/{WEEKEND}/response-time"] == "today"
    found = collect(repo, dt.date(2027, 1, 28))
    when = {item.id: _when(item, found) for item in found.items}
    assert when["release/R2026-01/measure/volmacht/metadata-inlezen"] == "tomorrow"
    assert when["release/R2026-01/milestone/ketentest"] == "in 15 days"
    found = collect(repo, dt.date(2027, 1, 30))
    when = {item.id: _when(item, found) for item in found.items}
    assert when["release/R2026-01/measure/volmacht/metadata-inlezen"] == "1 day overdue"


def test_the_command_is_listed_in_the_help() -> None:
    outcome = run_eta("--help")
    assert outcome.exit_code == 0
    assert "agenda" in outcome.stdout
    outcome = run_eta("agenda", "--help")
    assert outcome.exit_code == 0
    for option in ("--party", "--days", "--today", "--format", "--output"):
        assert option in outcome.stdout


#: Every C0 control (a tab and a line break too), DEL, the C1 controls and the
#: bidirectional marks, in a title long enough to be folded inside a multibyte character.
#: What a record's text may hold that a calendar line may not: a tab, a line feed, and the
#: bidirectional and line-separating characters.
CONTROLS = "\t\n\u202e\u2066\u2028"
TITLE = "Storing ë€ " + CONTROLS + " ; , \\ : " + "€" * 40


def test_the_feed_holds_no_control_character_and_a_second_parser_reads_it(repo: Path) -> None:
    import vobject  # type: ignore[import-untyped]

    add_incident(repo, WEEKEND, WEEKEND_RECORD.replace(
        "title: Machtigingenregister traag in het weekend", f"title: {json.dumps(TITLE)}"))
    data = raw_stdout(repo, "--today", "2026-10-24", "--days", "400", "--format", "ics")
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    # RFC 5545: content lines end in CRLF and hold no control character (not even HTAB),
    # and are folded at 75 octets without splitting a UTF-8 character.
    assert [line for line in lines if re.search(rb"[\x00-\x1f\x7f]", line)] == []
    assert max(map(len, lines)) <= 75
    for line in lines:
        line.decode("utf-8")
    ours = icalendar.Calendar.from_ical(data)
    theirs = vobject.readOne(data.decode("utf-8"), validate=True)
    expected = {str(event["UID"]): (str(event["SUMMARY"]), event.DTSTART)
                for event in ours.events}
    read = {event.uid.value: (event.summary.value, event.dtstart.value)
            for event in theirs.vevent_list}
    assert read == expected
    summary = expected[f"incident/{WEEKEND}/response-time@eta.eherkenning"][0]
    assert summary.endswith(f": Storing ë€ {escaped_controls()} ; , \\ : {'€' * 40}")
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e\u2066\u2028]", summary)


def escaped_controls() -> str:
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                   for c in CONTROLS)


def test_now_judges_the_agenda_at_that_moment(repo: Path) -> None:
    at_moment = json.loads(agenda(repo, "--now", "2026-11-28T11:30", "--format", "json").stdout)
    assert (at_moment["today"], at_moment["now"]) == ("2026-11-28", "2026-11-28T11:30:00+01:00")
    outcome = agenda(repo, "--now", "2026-11-28T11:30", "--today", "2026-11-28")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: give --now TIME or --today DATE, not both: --now judges at a "
        "moment, --today at the start of a day\n")
