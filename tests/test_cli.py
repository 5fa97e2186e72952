"""The command line as a whole: a run builds only the command it names."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from eta.cli import COMMANDS, app, build_app, invoked_command


@pytest.mark.parametrize(("arguments", "command"), [
    (["plan", "sign", "R2026-02"], "plan"),
    (["check", "--base", "main"], "check"),
    (["--help"], None),
    (["--version", "check"], None),
    (["chek"], None),
    ([], None),
])
def test_the_command_a_run_names(arguments: list[str], command: str | None) -> None:
    assert invoked_command(arguments) == command


@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_command_alone_behaves_as_in_the_whole_command_line(command: str) -> None:
    runner = CliRunner()
    alone = runner.invoke(build_app(command), [command, "--help"])
    whole = runner.invoke(app, [command, "--help"])
    assert (alone.exit_code, alone.stdout) == (whole.exit_code, whole.stdout)
    assert alone.exit_code == 0
    assert alone.stdout.startswith(f"Usage: eta {command} ")


def test_help_lists_every_command() -> None:
    listed = CliRunner().invoke(app, ["--help"]).stdout.split("Commands:\n")[1]
    assert sorted(line.split()[0] for line in listed.splitlines() if line.startswith("  ")
                  and not line.startswith("   ")) == sorted(COMMANDS)
