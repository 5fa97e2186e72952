"""`eta report availability`: the month's figures as a Dutch report with a chart, and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROJECT, run_eta
from report_helpers import GOLDEN, mermaid_blocks, table_shapes, xychart_problems


def test_the_report_of_a_month_with_a_miss() -> None:
    outcome = run_eta("report", "availability", "--month", "2026-10", "--today", "2026-12-01",
                      "--root", str(PROJECT))
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert ("| Volmachtregister Nederland B.V. | Machtigingenregister | 92,215% | 99,5% | **nee** "
            "| 40 uur 38 min | 0 uur | 2026-10-23-w12aw6 |") in text
    assert ("| Poortwachter Identiteit B.V. | Herkenningsmakelaar | 100% | 99,5% | ja | 0 uur | "
            "40 uur 38 min | 2026-10-23-w12aw6 |") in text
    assert "## Onder de norm\n\n- Volmachtregister Nederland B.V. als machtigingenregister: " \
           "92,215%, norm 99,5% (40 uur 38 min onbeschikbaar).\n" in text
    assert {len(set(shape)) for shape in table_shapes(text)} == {1}


def test_the_json_figures() -> None:
    outcome = run_eta("report", "availability", "--month", "2026-10", "--today", "2026-12-01",
                      "--format", "json", "--root", str(PROJECT))
    assert outcome.exit_code == 0, outcome.stderr
    document = json.loads(outcome.stdout)
    # October 2026: 745 real hours, 223 of them maintenance.
    assert {k: v for k, v in document.items() if k not in ("roles", "system")} == {
        "version": 1, "month": "2026-10", "timezone": "Europe/Amsterdam",
        "start": "2026-10-01T00:00:00+02:00", "end": "2026-11-01T00:00:00+01:00",
        "now": "2026-12-01T00:00:00+01:00", "closed": True, "window_seconds": 522 * 3600,
        "system_rule": "any-role-unavailable", "degraded_counts_percent": 0,
        "invalid_incidents": []}
    volmacht = [r for r in document["roles"] if r["party"] == "volmacht"]
    assert volmacht == [{"party": "volmacht", "role": "machtigingenregister",
                         "available_percent": 92.215, "target_percent": 99.5, "met": False,
                         "unavailable_seconds": (40 * 60 + 38) * 60, "degraded_seconds": 0,
                         "incidents": ["2026-10-23-w12aw6"]}]
    assert document["system"]["met"] is False
    assert len(document["roles"]) == 9


def test_a_month_not_yet_over_is_measured_up_to_today() -> None:
    outcome = run_eta("report", "availability", "--month", "2026-12", "--today", "2026-12-01",
                      "--root", str(PROJECT))
    assert outcome.exit_code == 0, outcome.stderr
    assert "- **Let op:** de maand is nog niet voorbij; de cijfers gelden tot de peildatum.\n" \
           in outcome.stdout
    assert "**nee**" not in outcome.stdout


@pytest.mark.parametrize("month", ["2026-13", "oktober", "2026-1", " 2026-10", "2026-10\n"])
def test_a_month_is_required_as_yyyy_mm(month: str) -> None:
    outcome = run_eta("report", "availability", "--month", month, "--root", str(PROJECT))
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr.startswith(f"eta: error: --month: {month!r} is no month")


def test_every_chart_of_the_golden_files_parses_as_mermaid_reads_it() -> None:
    charts = [block for path in sorted(GOLDEN.glob("*.md"))
              for block in mermaid_blocks(path.read_text())
              if block.startswith("xychart-beta")]
    assert len(charts) >= 2
    assert xychart_problems(*charts) == []


@pytest.mark.parametrize(("chart", "problem"), [
    ('xychart-beta\n    x-axis ["a", "b"]\n    bar [1, 2, 3]', "3 values for 2 bands"),
    ('xychart-beta\n    x-axis ["a "b"]\n    bar [1]', "mermaid refuses it: Parse error on "
     "line 2:"),
    ('xychart-beta\n    x-axis ["a"]\n    y-axis "p" 90 --> 100\n    bar [89]',
     "89 lies outside the y-axis 90 --> 100"),
    ('xychart-beta\n    bar [1,]', "mermaid refuses it: Parse error on line 2:"),
    ("gantt\n    title x", "mermaid refuses it: a gantt chart"),
])
def test_the_chart_check_refuses_what_mermaid_refuses(chart: str, problem: str) -> None:
    assert any(found.startswith(problem) for found in xychart_problems(chart))


def test_party_names_cannot_break_the_table_or_the_chart(repo: Path) -> None:
    party = repo / "afspraken" / "parties" / "volmacht.yaml"
    party.write_text(party.read_text().replace(
        "name: Volmachtregister Nederland B.V.", 'name: "Volmacht | ``` \\"] --> 0"'))
    outcome = run_eta("report", "availability", "--month", "2026-10", "--today", "2026-12-01",
                      "--root", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    assert {len(set(shape)) for shape in table_shapes(outcome.stdout)} == {1}
    charts = mermaid_blocks(outcome.stdout)
    assert len(charts) == 1 and xychart_problems(charts[0]) == []


def test_a_tiny_target_is_charted_in_plain_decimals(repo: Path) -> None:
    levels = repo / "afspraken" / "service-levels.yaml"
    levels.write_text(levels.read_text().replace("per_role_percent: 99.5",
                                                 "per_role_percent: 0.00001"))
    outcome = run_eta("report", "availability", "--month", "2026-10", "--today", "2026-12-01",
                      "--root", str(repo))
    assert outcome.exit_code == 0, outcome.stderr
    [chart] = mermaid_blocks(outcome.stdout)
    assert "e-05" not in chart
    assert "0.00001, " in chart
    assert xychart_problems(chart) == []


def test_the_monthly_report() -> None:
    outcome = run_eta("report", "month", "--month", "2026-11", "--today", "2026-12-01",
                      "--root", str(PROJECT))
    assert outcome.exit_code == 0, outcome.stderr
    text = outcome.stdout
    assert text.startswith("# Maandrapportage november 2026\n")
    assert ("| fraude | 1 | 0 | 1 | 0 | 0 | 1 |" in text
            and "1 incident ontdekt in de maand, 1 opgelost." in text)
    # The final report of October's crisis to the CSIRT was due in November and came late.
    assert ("| 2026-10-23-w12aw6 | Significant incident (NIS2, Cyberbeveiligingswet) | CSIRT | "
            "Eindverslag | 26 november 2026 14:00 | 27 november 2026 10:00 | **te laat** |"
            ) in text
    assert "Van de 2 meldingen met een termijn in de maand: 1 op tijd, 1 te laat of niet " \
           "gedaan." in text
    assert {len(set(shape)) for shape in table_shapes(text)} == {1}
    assert xychart_problems(*mermaid_blocks(text)) == []


def test_the_monthly_report_needs_a_month() -> None:
    outcome = run_eta("report", "month", "--month", "2026-00", "--root", str(PROJECT))
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == ("eta: error: --month: '2026-00' is no month from 1970-01 to "
                              "9000-12\n")


def _volmacht(repo: Path, month: str = "2026-10", *args: str) -> tuple[int, int]:
    """Volmacht's unavailable seconds in `month`, and the exit status of `eta check`."""
    outcome = run_eta("report", "availability", "--month", month, "--format", "json",
                      "--root", str(repo), *(args or ("--today", "2026-12-01")))
    assert outcome.exit_code == 0, outcome.stderr
    figure = next(r for r in json.loads(outcome.stdout)["roles"] if r["party"] == "volmacht")
    checked = run_eta("check", "--root", str(repo), "--no-cache", "--today", "2026-12-01")
    return figure["unavailable_seconds"], checked.exit_code


@pytest.mark.parametrize(("start", "end", "seconds"), [
    # As recorded: from the start of the disruption (16:02 CEST) to its resolution.
    ("2026-10-23T16:02:00+02:00", "2026-10-26T10:40:00+01:00", (40 * 60 + 38) * 60),
    # Written from the first of the month, or to a year later: the incident's times bound it.
    ("2026-10-01T00:00:00+02:00", "2026-10-26T10:40:00+01:00", (40 * 60 + 38) * 60),
    ("2026-10-23T16:02:00+02:00", "2027-10-26T10:40:00+01:00", (40 * 60 + 38) * 60),
    ("1970-01-01T00:00:00+01:00", "9000-12-31T23:00:00+01:00", (40 * 60 + 38) * 60),
    # Ending before it starts, or wholly after the resolution: it counts nothing.
    ("2026-10-26T10:40:00+01:00", "2026-10-23T16:02:00+02:00", 0),
    ("2026-10-27T10:00:00+01:00", "2026-10-28T10:00:00+01:00", 0),
])
def test_an_outage_counts_within_its_incident_and_check_reports_it_outside(
    repo: Path, start: str, end: str, seconds: int
) -> None:
    path = repo / "incidents" / "2026-10-23-w12aw6.yaml"
    text = path.read_text()
    recorded = ("    state: unavailable\n    start: 2026-10-23T16:02:00+02:00\n"
                "    end: 2026-10-26T10:40:00+01:00\n")
    assert recorded in text
    path.write_text(text.replace(recorded, f"    state: unavailable\n    start: {start}\n"
                                           f"    end: {end}\n"))
    assert _volmacht(repo) == (seconds, 0 if seconds and start.startswith("2026-10-23") and
                               end.startswith("2026-10-26") else 1)


def test_an_outage_still_going_counts_up_to_the_moment_judged_and_no_further(
    repo: Path
) -> None:
    path = repo / "incidents" / "2026-10-23-w12aw6.yaml"
    path.write_text(path.read_text().replace("  resolved: 2026-10-26T10:40:00+01:00\n", "")
                    .replace("status: closed", "status: in_progress")
                    .replace("    end: 2026-10-26T10:40:00+01:00\n  # Ketenmachtigingen",
                             "    end: 2026-12-26T10:40:00+01:00\n  # Ketenmachtigingen"))
    # Judged on Saturday 24 October at 12:00: 16:02 to 24:00 on Friday is 7 h 58 min, and
    # Saturday from 06:00, after the night's maintenance, 6 hours more; a claimed end in
    # December counts no further than the moment judged.
    seconds, _ = _volmacht(repo, "2026-10", "--now", "2026-10-24T12:00")
    assert seconds == (13 * 60 + 58) * 60
