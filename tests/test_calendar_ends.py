"""Dates and times at the ends of the calendar: a located error in a record, a refused
option on the command line, and never a crash of the reckoning that follows from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, run_eta

INCIDENT = "incidents/2026-11-16-q738dq.yaml"
PLAN = "releases/R2026-02/plan.yaml"


def replace_in(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def check_findings(repo: Path) -> list[tuple[str, int, int, str, str]]:
    outcome = run_eta("check", "--format", "json", "--today", EXAMPLES_DATE, "--no-cache",
                      cwd=repo)
    assert outcome.exit_code == 1, outcome.stdout
    return [(d["file"], d["line"], d["column"], d["code"], d["message"])
            for d in json.loads(outcome.stdout)["diagnostics"] if d["code"] == "record.date"]


@pytest.mark.parametrize(("written", "year"), [
    ("9999-12-31T23:59:59-14:00", 9999),
    ("9001-01-01T00:00:00+01:00", 9001),
    ("0001-01-01T00:00:00+14:00", 1),
    ("1969-12-31T23:59:59+01:00", 1969),
])
def test_a_time_outside_the_years_eta_reckons_with_is_located(repo: Path, written: str,
                                                              year: int) -> None:
    replace_in(repo, INCIDENT, "detected: 2026-11-16T09:12:00+01:00", f"detected: {written}")
    assert check_findings(repo) == [
        (INCIDENT, 11, 13, "record.date",
         f"`times.detected`: eta reckons with the years 1970 to 9000, not the year {year}")]


def test_a_date_outside_the_years_eta_reckons_with_is_located(repo: Path) -> None:
    replace_in(repo, PLAN, "date: 2027-03-31", "date: 9999-12-31")
    assert check_findings(repo) == [
        (PLAN, 11, 11, "record.date",
         "`milestones[0].date`: eta reckons with the years 1970 to 9000, not the year 9999")]


@pytest.mark.parametrize("command", [
    ("agenda", "--today", EXAMPLES_DATE),
    ("agenda", "--today", EXAMPLES_DATE, "--format", "ics"),
    ("incident", "list", "--today", EXAMPLES_DATE),
])
def test_views_leave_such_a_record_out_and_say_so(repo: Path, command: tuple[str, ...]
                                                  ) -> None:
    replace_in(repo, INCIDENT, "resolved: 2026-11-17T15:20:00+01:00",
               "resolved: 9999-12-31T23:00:00+01:00")
    outcome = run_eta(*command, cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (1, (
        f"eta: warning: skipped {INCIDENT}, which is not "
        f"{'a valid incident' if command[0] == 'incident' else 'valid'}; "
        f"run `eta check {INCIDENT}`\n"))
    assert outcome.stdout


def test_every_report_is_made_but_the_incident_that_is_not_valid(repo: Path, tmp_path: Path
                                                                 ) -> None:
    replace_in(repo, INCIDENT, "resolved: 2026-11-17T15:20:00+01:00",
               "resolved: 9999-12-31T23:00:00+01:00")
    outcome = run_eta("report", "all", "--output-dir", str(tmp_path / "out"), "--today",
                      EXAMPLES_DATE, cwd=repo)
    assert outcome.exit_code == 1
    assert "internal error" not in outcome.stderr
    assert (tmp_path / "out/overview.md").is_file()
    assert not (tmp_path / "out/incidents/2026-11-16-q738dq.md").exists()


@pytest.mark.parametrize(("args", "message"), [
    (("agenda", "--today", "9999-12-31"),
     "Invalid value for '--today': '9999-12-31': eta reckons with the years 1970 to 9000"),
    (("check", "--today", "0001-01-01"),
     "Invalid value for '--today': '0001-01-01': eta reckons with the years 1970 to 9000"),
    (("agenda", "--now", "9999-12-31T10:00"),
     "eta: error: --now: '9999-12-31T10:00': eta reckons with the years 1970 to 9000"),
    (("incident", "list", "--now", "9999-12-31T23:59:59-14:00"),
     "eta: error: --now: '9999-12-31T23:59:59-14:00': eta reckons with the years 1970 to 9000"),
])
def test_an_option_outside_those_years_is_refused(repo: Path, args: tuple[str, ...],
                                                  message: str) -> None:
    outcome = run_eta(*args, cwd=repo)
    assert outcome.exit_code == 2
    assert message in " ".join(outcome.stderr.replace("│", " ").split())
    assert "internal error" not in outcome.stderr
