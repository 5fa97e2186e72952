"""Record text reaches no terminal, log, annotation, summary, report or feed as control
characters, terminal escapes, bidirectional overrides or markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agenda_helpers import add_incident
from conftest import EXAMPLES_DATE, run_eta

#: As YAML writes it: erase the screen, set the window title (OSC), ring the bell, close a
#: rich tag, an image and a link, a carriage return and a heading, a right-to-left override.
HOSTILE_YAML = (r'"\e[2J\e]0;pwned\a[/b] ![beeld](http://evil.example/x.png) '
                r'[klik](http://evil.example)\r## Kop \u202Eevil"')
#: The same text as every terminal view shows it.
HOSTILE_SHOWN = (r"\x1b[2J\x1b]0;pwned\x07[/b] ![beeld](http://evil.example/x.png) "
                 r"[klik](http://evil.example)\x0d## Kop \u202eevil")
UNSAFE = ("\x1b", "\x07", "\r", "\u202e", "\x9b")
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
    assert "\\u001b[2J" in outcome.stdout and "\\u202e" in outcome.stdout
    [found] = [i for i in json.loads(outcome.stdout)["incidents"] if i["id"] == INCIDENT_ID]
    assert found["title"].startswith("\x1b[2J\x1b]0;pwned\x07[/b]")


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
        r"\x1b", r"\u001b").replace(r"\x07", r"\u0007").replace(r"\x0d", r"\r")
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
title: "[Storing](http://evil.example) ![x](http://evil.example/x.png)\\r# Alles goed"
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
    assert r"\x1b\[2J\x1b\]0;pwned\x07\[/b\]" in outcome.stdout


def test_a_template_printing_record_text_raw_still_escapes_its_controls(
    hostile: Path
) -> None:
    (hostile / "templates").mkdir()
    (hostile / "templates" / "incident.md.j2").write_text("# {{ incident.title }}\n")
    outcome = run_eta("report", "incident", INCIDENT_ID, "--today", EXAMPLES_DATE,
                      cwd=hostile)
    assert (outcome.exit_code, outcome.stdout) == (0, f"# {HOSTILE_SHOWN}\n")
