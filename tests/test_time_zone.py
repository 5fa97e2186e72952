"""The time zone of the records is the one afspraken/service-levels.yaml names, everywhere:
the default `--today`, the moment an edit is written down, a signature's day, and what a
command reads as a wall time; Europe/Amsterdam where the service levels name none."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import run_eta
from eta.models.agreements import DEFAULT_TIMEZONE
from eta.records.agreements import repository_zone

#: Fourteen hours ahead of UTC, thirteen of Amsterdam in winter: most hours of the day its
#: date is not the Netherlands'.
KIRITIMATI = "Pacific/Kiritimati"
DEMO = "2026-11-16-q738dq"


def in_zone(repo: Path, zone: str) -> Path:
    levels = repo / "afspraken" / "service-levels.yaml"
    text = levels.read_text()
    assert "timezone: Europe/Amsterdam\n" in text
    levels.write_text(text.replace("timezone: Europe/Amsterdam\n", f"timezone: {zone}\n"))
    return repo


def days_around(zone: str) -> set[str]:
    """Today in `zone`, as a test that runs across its midnight may see it."""
    return {dt.datetime.now(ZoneInfo(zone)).date().isoformat()}


def test_the_default_today_is_the_service_levels_day(repo: Path) -> None:
    in_zone(repo, KIRITIMATI)
    before = days_around(KIRITIMATI)
    outcome = run_eta("plan", "status", "R2026-01", "--format", "json", "--root", str(repo))
    after = days_around(KIRITIMATI)
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["today"] in before | after


def test_an_entry_logged_now_is_written_down_in_the_service_levels_zone(repo: Path) -> None:
    in_zone(repo, KIRITIMATI)
    path = repo / "incidents" / f"{DEMO}.yaml"
    before = path.read_text()
    outcome = run_eta("incident", "log", DEMO, "Nagebeld met de melder", "--root", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    added = path.read_text()[len(before):]
    assert re.fullmatch(r"  - at: \S+\+14:00\n    recorded_at: \S+\+14:00\n    by: .+\n"
                        r"    text: Nagebeld met de melder\n", added), added


def test_a_report_reads_generated_at_in_the_service_levels_zone(repo: Path) -> None:
    in_zone(repo, KIRITIMATI)
    outcome = run_eta("report", "overview", "--today", "2026-11-28", "--generated-at",
                      "2026-12-01T09:00", "--root", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    assert "**Opgesteld op:** 1 december 2026 09:00" in outcome.stdout


@pytest.mark.parametrize("text", ["timezone: Europe/Amsterdam\n", ""])
def test_without_a_zone_the_records_are_in_the_documented_default(repo: Path, text: str
                                                                  ) -> None:
    levels = repo / "afspraken" / "service-levels.yaml"
    levels.write_text(levels.read_text().replace("timezone: Europe/Amsterdam\n", text))
    assert repository_zone(repo) == ZoneInfo(DEFAULT_TIMEZONE) == ZoneInfo(
        "Europe/Amsterdam")


def test_service_levels_that_do_not_load_leave_the_default(repo: Path) -> None:
    (repo / "afspraken" / "service-levels.yaml").write_text("timezone: [\n")
    assert repository_zone(repo) == ZoneInfo(DEFAULT_TIMEZONE)
    (repo / "afspraken" / "service-levels.yaml").unlink()
    assert repository_zone(repo) == ZoneInfo(DEFAULT_TIMEZONE)


def test_another_zone_is_the_zone_of_the_records(repo: Path) -> None:
    in_zone(repo, KIRITIMATI)
    assert repository_zone(repo) == ZoneInfo(KIRITIMATI)


#: The hour the clocks go back in the Netherlands in 2026: 02:30 comes twice.
TWICE = ("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00")


@pytest.mark.parametrize(("moment", "in_table", "in_text"), [
    (TWICE[0], "2026-10-25 02:30 CEST", "2026-10-25 02:30 CEST"),
    (TWICE[1], "2026-10-25 02:30 CET", "2026-10-25 02:30 CET"),
    ("2026-10-25T01:59:00+02:00", "2026-10-25 01:59", "2026-10-25 01:59 CEST"),
    ("2026-10-25T03:00:00+01:00", "2026-10-25 03:00", "2026-10-25 03:00 CET"),
    # The hour the clocks go forward has no time twice (02:30 there is no time at all).
    ("2026-03-29T01:30:00+01:00", "2026-03-29 01:30", "2026-03-29 01:30 CET"),
    ("2026-03-29T03:30:00+02:00", "2026-03-29 03:30", "2026-03-29 03:30 CEST"),
])
def test_a_time_the_clock_shows_twice_is_shown_with_its_zone_even_in_a_table(
    moment: str, in_table: str, in_text: str
) -> None:
    from eta.moments import shown_moment

    amsterdam = ZoneInfo("Europe/Amsterdam")
    given = dt.datetime.fromisoformat(moment).astimezone(dt.UTC)
    assert shown_moment(given, amsterdam, zone=False) == in_table
    assert shown_moment(given, amsterdam) == in_text


def test_the_incident_list_tells_the_two_half_past_twos_of_october_apart(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no cell folded over two lines
    text = (repo / f"incidents/{DEMO}.yaml").read_text()
    for number, detected in enumerate(TWICE, start=1):
        incident = f"2026-10-25-twee0{number}"
        (repo / f"incidents/{incident}.yaml").write_text(text.replace(DEMO, incident).replace(
            "  detected: 2026-11-16T09:12:00+01:00", f"  detected: {detected}"))
    listed = run_eta("incident", "list", "--today", "2026-12-01", "--root", str(repo))
    assert listed.exit_code == 0, listed.stderr
    shown = {line.split()[0]: re.findall(r"2026-10-25 02:30(?: CES?T)?", line)
             for line in listed.stdout.splitlines() if line.startswith("2026-10-25-twee")}
    assert shown == {"2026-10-25-twee01": ["2026-10-25 02:30 CEST"],
                     "2026-10-25-twee02": ["2026-10-25 02:30 CET"]}
