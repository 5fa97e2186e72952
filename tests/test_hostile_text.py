"""Record text reaches no terminal, log, annotation, summary, report or feed as control
characters, terminal escapes, bidirectional overrides or markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agenda_helpers import add_incident
from conftest import EXAMPLES_DATE, run_eta

#: As YAML writes it: a rich tag closed, an image and a link, a line break and a heading, a
#: right-to-left override, a line separator and a tab. A record's text may hold each of them.
HOSTILE_YAML = (r'"[/b] ![beeld](http://evil.example/x.png) '
                r'[klik](http://evil.example)\n## Kop \u202Eevil\u2028\tstaart"')
#: The same text as every terminal view shows it.
HOSTILE_SHOWN = (r"[/b] ![beeld](http://evil.example/x.png) "
                 r"[klik](http://evil.example)\x0a## Kop \u202eevil\u2028\x09staart")
#: What YAML can write within double quotes but a record's text may not hold: erase the
#: screen, set the window title (OSC), ring the bell, a carriage return, a C1 escape.
CONTROLS_YAML = r'"\e[2J\e]0;pwned\a ok\r## Kop \x9b2J"'
UNSAFE = ("\x1b", "\x07", "\r", "\u202e", "\u2028", "\x9b")
INCIDENT_ID = "2026-11-27-h0st1l"


@pytest.fixture
def hostile(repo: Path) -> Path:
    add_incident(repo, INCIDENT_ID, f"""\
id: {INCIDENT_ID}
title: {HOSTILE_YAML}
type: verstoring
reporter: poortwachter
priority: P1
times:
  detected: 2026-11-27T09:00:00+01:00
""")
    return repo


def unwrapped(text: str) -> str:
    """The text without its white space: a table folds a long cell over several lines."""
    return "".join(text.split())


def assert_harmless(text: str) -> None:
    assert not [c for c in UNSAFE if c in text], repr(text)


def test_incident_list_shows_the_title_escaped_and_reads_no_markup(hostile: Path) -> None:
    outcome = run_eta("incident", "list", "--now", "2026-11-27T10:00", cwd=hostile,
                      env={"COLUMNS": "400"})
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert_harmless(outcome.stdout)
    assert unwrapped(HOSTILE_SHOWN) in unwrapped(outcome.stdout)


def test_incident_list_as_json_escapes_the_controls(hostile: Path) -> None:
    outcome = run_eta("incident", "list", "--format", "json", "--now", "2026-11-27T10:00",
                      cwd=hostile)
    assert outcome.exit_code == 0
    assert_harmless(outcome.stdout)
    assert "\\n## Kop \\u202eevil\\u2028" in outcome.stdout
    [found] = [i for i in json.loads(outcome.stdout)["incidents"] if i["id"] == INCIDENT_ID]
    assert found["title"].endswith("\n## Kop \u202eevil\u2028\tstaart")


def test_classify_shows_the_title_escaped(hostile: Path) -> None:
    outcome = run_eta("incident", "classify", INCIDENT_ID, "--now", "2026-11-27T10:00",
                      cwd=hostile)
    assert outcome.exit_code == 0, outcome.stderr
    assert_harmless(outcome.stdout)
    assert outcome.stdout.splitlines()[1] == f"  {HOSTILE_SHOWN}"


@pytest.mark.parametrize("output_format", ["text", "json", "ics"])
def test_the_agenda_shows_the_title_escaped(hostile: Path, output_format: str) -> None:
    outcome = run_eta("agenda", "--today", EXAMPLES_DATE, "--format", output_format,
                      cwd=hostile)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    text = outcome.stdout.replace("\r\n", "\n")  # the feed's own line ends
    assert_harmless(text)
    shown = HOSTILE_SHOWN if output_format != "json" else HOSTILE_SHOWN.replace(
        r"\x0a", r"\n").replace(r"\x09", r"\t")
    if output_format == "ics":
        # iCalendar escapes its own separators, and folds long lines.
        unfolded = text.replace("\n ", "")
        escaped = HOSTILE_SHOWN.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        assert escaped in unfolded
    else:
        assert unwrapped(shown) in unwrapped(text)


def test_plan_status_reads_no_markup_from_a_title(repo: Path) -> None:
    release = repo / "releases/R2026-01/release.yaml"
    text = release.read_text()
    release.write_text(text.replace("title: 'Afsprakenstelsel 1.14: ondertekende "
                                    "netwerkmetadata'", f"title: {HOSTILE_YAML}", 1))
    outcome = run_eta("plan", "status", "R2026-01", "--today", EXAMPLES_DATE, cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert_harmless(outcome.stdout)
    assert unwrapped(f"R2026-01: {HOSTILE_SHOWN}") in unwrapped(outcome.stdout)


KEY_YAML = r'"\e[2J\e[H\rno problems found\u202E"'
KEY_SHOWN = r"\x1b[2J\x1b[H\x0dno problems found\u202e"
ALLOWED = ("allowed keys: id, title, type, reporter, affected, priority, status, times, facts, "
           "classifications, timeline, data_breach, notifications, outages, release, resolution, "
           "reopenings, corrections")


@pytest.fixture
def hostile_key(repo: Path) -> Path:
    add_incident(repo, INCIDENT_ID, f"""\
id: {INCIDENT_ID}
title: "[Storing](http://evil.example) ![x](http://evil.example/x.png)\\n# Alles goed"
type: verstoring
reporter: poortwachter
priority: P3
times:
  detected: 2026-11-27T09:00:00+01:00
{KEY_YAML}: 1
""")
    return repo


def test_a_key_cannot_clear_the_screen_in_the_text_format(hostile_key: Path) -> None:
    outcome = run_eta("check", "--today", EXAMPLES_DATE, f"incidents/{INCIDENT_ID}.yaml",
                      cwd=hostile_key)
    assert outcome.exit_code == 1
    assert outcome.stdout == (
        f"incidents/{INCIDENT_ID}.yaml:9:1: error [record.unknown-key] unknown key "
        f"`{KEY_SHOWN}`\n"
        f"    hint: {ALLOWED}\n"
        "1 file checked: 1 error, 0 warnings\n")


def test_annotations_and_the_step_summary_render_nothing_of_a_record(
    hostile_key: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    outcome = run_eta("check", "--format", "github", "--today", EXAMPLES_DATE,
                      f"incidents/{INCIDENT_ID}.yaml", cwd=hostile_key,
                      env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines() == [
        f"::error file=incidents/{INCIDENT_ID}.yaml,line=9,col=1,title=record.unknown-key::"
        f"unknown key `{KEY_SHOWN}` ({ALLOWED})",
        "1 file checked: 1 error, 0 warnings",
    ]
    assert summary.read_text() == (
        "## eta check\n\n1 file checked: 1 error, 0 warnings\n\n"
        "| | Location | Code | Message |\n|---|---|---|---|\n"
        f"| ❌ | `incidents/{INCIDENT_ID}.yaml:9:1` | `record.unknown-key` | "
        # A line break (a carriage return too) in code is a space: it starts no heading.
        f"`unknown key '{KEY_SHOWN.replace(chr(92) + 'x0d', ' ')}' ({ALLOWED})` |\n\n")


def test_json_and_sarif_escape_the_controls(hostile_key: Path) -> None:
    for output_format in ("json", "sarif"):
        outcome = run_eta("check", "--format", output_format, "--today", EXAMPLES_DATE,
                          f"incidents/{INCIDENT_ID}.yaml", cwd=hostile_key)
        assert outcome.exit_code == 1
        assert_harmless(outcome.stdout)
        assert "\\u001b[2J" in outcome.stdout and "\\u202e" in outcome.stdout


def test_an_incident_report_shows_the_title_as_escaped_text(hostile: Path) -> None:
    outcome = run_eta("report", "incident", INCIDENT_ID, "--today", EXAMPLES_DATE,
                      cwd=hostile)
    assert outcome.exit_code == 0, outcome.stderr
    assert_harmless(outcome.stdout)
    # The brackets of the link and the image are escaped: no link or image is rendered.
    assert re.search(r"(?<!\\)\]\(", outcome.stdout) is None
    assert r"!\[beeld\](http://evil.example/x.png) \[klik\](http://evil.example)" in outcome.stdout
    assert r"\[/b\]" in outcome.stdout


def test_a_template_printing_record_text_raw_still_escapes_its_controls(
    hostile: Path
) -> None:
    (hostile / "templates").mkdir()
    (hostile / "templates" / "incident.md.j2").write_text("# {{ incident.title }}\n")
    outcome = run_eta("report", "incident", INCIDENT_ID, "--today", EXAMPLES_DATE,
                      cwd=hostile)
    # Line breaks and tabs are text a record may hold, kept as a text block keeps them; the
    # bidirectional controls are still shown escaped.
    assert (outcome.exit_code, outcome.stdout) == (
        0, "# [/b] ![beeld](http://evil.example/x.png) [klik](http://evil.example)\n"
        "## Kop \\u202eevil\\u2028\tstaart\n")


@pytest.mark.parametrize("field", ["title", "resolution"])
def test_a_record_whose_text_holds_a_control_character_is_refused_where_it_is(
    repo: Path, field: str
) -> None:
    """YAML can write a control character as an escape within double quotes; a record's
    text may not hold one, so `eta check` refuses it at the value, and the views leave the
    record out and say so."""
    add_incident(repo, INCIDENT_ID, f"""\
id: {INCIDENT_ID}
title: {CONTROLS_YAML if field == "title" else "Storing"}
type: verstoring
reporter: poortwachter
priority: P1
times:
  detected: 2026-11-27T09:00:00+01:00
{"resolution: " + CONTROLS_YAML if field == "resolution" else ""}
""")
    path = f"incidents/{INCIDENT_ID}.yaml"
    line = 3 if field == "title" else 9  # below the schema line
    outcome = run_eta("check", "--today", EXAMPLES_DATE, path, cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (1, (
        f"{path}:{line}:{len(field) + 3}: error [record.value] `{field}`: holds the control "
        "character U+001B; text may hold line breaks and tabs, no other control characters\n"
        "1 file checked: 1 error, 0 warnings\n"))
    listed = run_eta("incident", "list", "--now", "2026-11-27T10:00", cwd=repo)
    assert listed.exit_code == 1
    assert INCIDENT_ID not in listed.stdout
    assert listed.stderr == (f"eta: warning: skipped {path}, which is not a valid incident; "
                             f"run `eta check {path}`\n")


@pytest.mark.parametrize(("option", "value"), [
    ("--title", "Storing\x1b[2J"), ("--title", "Storing\x9b2J"), ("--title", "a\rb"),
])
def test_a_command_refuses_text_with_a_control_character_and_writes_nothing(
    repo: Path, option: str, value: str
) -> None:
    before = sorted(p.name for p in (repo / "incidents").iterdir())
    outcome = run_eta("incident", "new", option, value, "--type", "verstoring",
                      "--reporter", "poortwachter", "--now", "2026-11-27T10:00", cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert "`title`: holds the control character U+00" in outcome.stderr
    assert sorted(p.name for p in (repo / "incidents").iterdir()) == before
