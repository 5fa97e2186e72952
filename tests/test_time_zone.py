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
