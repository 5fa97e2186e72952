"""Numbers in the agreements are finite and bounded; deep trees end in a located error."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, run_eta

LEVELS = "afspraken/service-levels.yaml"
CRITERIA = "afspraken/criteria.yaml"
INVALID = ("eta: error: afspraken/service-levels.yaml is not a valid record; run "
           "`eta check afspraken/service-levels.yaml`\n")


def with_p1_hours(repo: Path, hours: str) -> None:
    path = repo / LEVELS
    path.write_text(path.read_text().replace("hours: 4\n", f"hours: {hours}\n", 1))


def check_findings(repo: Path) -> list[tuple[str, int, int, str, str]]:
    outcome = run_eta("check", "--format", "json", "--today", EXAMPLES_DATE, cwd=repo)
    assert outcome.exit_code == 1, outcome.stdout
    return [(d["file"], d["line"], d["column"], d["code"], d["message"])
            for d in json.loads(outcome.stdout)["diagnostics"]]


@pytest.mark.parametrize(("hours", "message"), [
    (".inf", "`response_times.P1.hours` must be a finite number, not the number inf"),
    ("-.inf", "`response_times.P1.hours` must be a finite number, not the number -inf"),
    (".nan", "`response_times.P1.hours` must be a finite number, not the number nan"),
    ("1e400", "`response_times.P1.hours` must be a finite number, not the number inf"),
    ("1e9", "`response_times.P1.hours` must be at most 1000, not the number 1000000000.0"),
    ("5e6", "`response_times.P1.hours` must be at most 1000, not the number 5000000.0"),
    ("1000.5", "`response_times.P1.hours` must be at most 1000, not the number 1000.5"),
    ("0", "`response_times.P1.hours` must be more than 0, not the number 0"),
    ("1e-07", "`response_times.P1.hours`: 1e-07 hours has more than two decimals; write "
     "hours as 1, 1.5 or 0.25"),
    ("2.125", "`response_times.P1.hours`: 2.125 hours has more than two decimals; write "
     "hours as 1, 1.5 or 0.25"),
])
def test_response_time_hours_out_of_range_are_located(repo: Path, hours: str, message: str
                                                      ) -> None:
    with_p1_hours(repo, hours)
    assert check_findings(repo) == [(LEVELS, 32, 12, "record.value", message)]


@pytest.mark.parametrize("command", [
    ("agenda", "--today", EXAMPLES_DATE),
    ("incident", "list"),
    ("incident", "classify", "2026-11-16-q738dq"),
    ("report", "overview", "--today", EXAMPLES_DATE),
    ("report", "incident", "2026-11-16-q738dq"),
])
@pytest.mark.parametrize("hours", [".inf", "1e9", "5e6"])
def test_commands_refuse_agreements_with_such_hours_instead_of_crashing(
    repo: Path, command: tuple[str, ...], hours: str
) -> None:
    with_p1_hours(repo, hours)
    outcome = run_eta(*command, cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (2, "", INVALID)


@pytest.mark.parametrize("hours", ["1000", "0.25", "2.75"])
def test_a_response_time_in_range_to_the_hundredth_of_an_hour_is_accepted(
    repo: Path, hours: str
) -> None:
    with_p1_hours(repo, hours)
    outcome = run_eta("check", "--today", EXAMPLES_DATE, cwd=repo)
    assert outcome.exit_code == 0, outcome.stdout


@pytest.mark.parametrize(("old", "new", "line", "column", "message"), [
    ("system_percent: 99.2", "system_percent: .nan", 46, 19,
     "`availability_targets.system_percent` must be a finite number, not the number nan"),
    ("maintenance_notice_working_days: 5", "maintenance_notice_working_days: 100000000", 21, 34,
     "`maintenance_notice_working_days` must be at most 260, not the number 100000000"),
])
def test_other_numbers_of_the_service_levels_are_bounded(
    repo: Path, old: str, new: str, line: int, column: int, message: str
) -> None:
    path = repo / LEVELS
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    assert check_findings(repo) == [(LEVELS, line, column, "record.value", message)]


@pytest.mark.parametrize(("threshold", "message"), [
    (".inf", "must be a finite number, not the number inf"),
    ("1e12", "must be at most 100000, not the number 1000000000000.0"),
])
def test_a_criterion_threshold_is_finite_and_bounded(repo: Path, threshold: str, message: str
                                                     ) -> None:
    path = repo / CRITERIA
    text = path.read_text()
    before, marker, after = text.partition("threshold: ")
    value = after.split("\n", 1)[0]
    path.write_text(before + marker + threshold + after[len(value):])
    line = before.count("\n") + 1
    # The criteria are then unknown to the incidents that name them: only the first matters.
    [found] = [finding for finding in check_findings(repo) if finding[0] == CRITERIA]
    assert found[:4] == (CRITERIA, line, len(before) - before.rfind("\n") + len(marker),
                         "record.value")
    assert found[4].endswith(f".threshold` {message}")


Nest = Callable[[Path, int, str], None]


@pytest.fixture
def nest() -> Iterator[Nest]:
    """Makes `levels` folders one inside the other, a level at a time (as `mkdir` would):
    Python's own os.makedirs and shutil.rmtree recurse, and fail on such a tree, so `rm`
    removes it afterwards."""
    made: list[Path] = []

    def make(folder: Path, levels: int, name: str = "a") -> None:
        made.append(folder / name)
        _nest(folder, levels, name)

    yield make
    for top in made:
        subprocess.run(["rm", "-rf", str(top)], check=True)


def _nest(folder: Path, levels: int, name: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        record = os.open("x.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(record, b"a: 1\n")
        os.close(record)
    finally:
        os.close(fd)


def test_a_folder_tree_1500_deep_ends_in_a_located_error(repo: Path, nest: Nest) -> None:
    nest(repo / "releases" / "R2026-01", 1500, "a")
    outcome = run_eta("check", "--today", EXAMPLES_DATE, cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == ("eta: error: releases/R2026-01/" + "a/" * 31 + "...: folders "
                              "nest more than 32 levels deep; no record lies that deep\n")


def test_a_path_longer_than_the_system_allows_ends_in_a_located_error(repo: Path, nest: Nest
                                                                     ) -> None:
    name = "b" * 250
    nest(repo / "incidents", 20, name)
    outcome = run_eta("check", "--today", EXAMPLES_DATE, cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    shown = ("incidents/" + "/".join([name] * 20))[:200]
    assert outcome.stderr == f"eta: error: {shown}...: cannot read the folder: File name too long\n"


WHOLE_WEEK = ('maintenance_windows:\n  - days: [mon, tue, wed, thu, fri, sat, sun]\n'
              '    start: "00:00"\n    end: "00:00"\n')


def with_maintenance_all_week(repo: Path) -> None:
    path = repo / LEVELS
    text = path.read_text()
    start = text.index("maintenance_windows:")
    end = text.index("maintenance_notice_working_days:")
    path.write_text(text[:start] + WHOLE_WEEK + text[end:])


def test_maintenance_windows_that_leave_no_open_time_are_located(repo: Path) -> None:
    with_maintenance_all_week(repo)
    assert check_findings(repo) == [(
        LEVELS, 14, 3, "record.value", "`maintenance_windows`: the maintenance windows cover "
        "the whole availability window: no time is left in which the services are available")]


@pytest.mark.parametrize("command", [
    ("agenda", "--today", EXAMPLES_DATE),
    ("incident", "list"),
    ("report", "overview", "--today", EXAMPLES_DATE),
])
def test_commands_refuse_windows_without_open_time_instead_of_crashing(
    repo: Path, command: tuple[str, ...]
) -> None:
    with_maintenance_all_week(repo)
    outcome = run_eta(*command, cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (2, "", INVALID)
