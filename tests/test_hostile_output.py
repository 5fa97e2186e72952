"""`--output` writes only regular files: never over a pipe, a device or through a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, run_eta

REFUSAL = ("; eta writes its output only to a regular file (or a new one), never through a "
           "link, pipe or device\n")
COMMANDS = {
    "report": ("report", "incident", "2026-11-16-q738dq", "--today", EXAMPLES_DATE),
    "agenda": ("agenda", "--today", EXAMPLES_DATE, "--format", "ics"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_named_pipe_is_refused_without_being_opened(
    repo: Path, tmp_path: Path, command: str
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    outcome = run_eta(*COMMANDS[command], "--output", str(pipe), cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == f"eta: error: --output {pipe} is a named pipe{REFUSAL}"
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_dev_null_is_refused_and_stays_a_device(repo: Path, command: str) -> None:
    outcome = run_eta(*COMMANDS[command], "--output", "/dev/null", cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == f"eta: error: --output /dev/null is a device{REFUSAL}"
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symbolic_link_is_refused_and_its_target_kept(
    repo: Path, tmp_path: Path, command: str
) -> None:
    target = tmp_path / "target.md"
    target.write_text("kept\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    outcome = run_eta(*COMMANDS[command], "--output", str(link), cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == f"eta: error: --output {link} is a symbolic link{REFUSAL}"
    assert link.is_symlink()
    assert target.read_text() == "kept\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_regular_file_is_replaced(repo: Path, tmp_path: Path, command: str) -> None:
    output = tmp_path / "out.txt"
    output.write_text("old\n")
    outcome = run_eta(*COMMANDS[command], "--output", str(output), cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert output.read_text() != "old\n"


def test_report_all_refuses_a_pipe_among_its_files_and_writes_none(
    repo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "rapporten"
    folder.mkdir()
    os.mkfifo(folder / "overview.md")
    outcome = run_eta("report", "all", "--today", EXAMPLES_DATE, "--output-dir", str(folder),
                      cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (f"eta: error: --output-dir {folder / 'overview.md'} is a "
                              f"named pipe{REFUSAL.replace('--output ', '')}")
    assert [path.name for path in folder.iterdir()] == ["overview.md"]


def test_report_all_refuses_a_folder_that_is_a_link(repo: Path, tmp_path: Path) -> None:
    real = tmp_path / "elders"
    real.mkdir()
    link = tmp_path / "rapporten"
    link.symlink_to(real)
    outcome = run_eta("report", "all", "--today", EXAMPLES_DATE, "--output-dir", str(link),
                      cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (f"eta: error: --output-dir {link} is a symbolic link; eta "
                              "writes its reports only into a folder, never through a link\n")
    assert list(real.iterdir()) == []
