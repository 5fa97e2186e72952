"""eta in a shell and a terminal: completion for bash, zsh and fish, colour on a terminal
and none elsewhere, --quiet. The real `eta` in its own process, as a shell runs it."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES_WARNING, run_eta

ETA = str(Path(sys.executable).parent / "eta")
RELEASES = ["R2026-01", "R2026-02", "R2026-03"]
PARTIES = ["grensweg", "kenniskaart", "logius", "poortwachter", "sleutelbrug", "tokenfabriek",
           "volmacht"]


def completed(shell: str, line: str, cwd: Path) -> list[str]:
    """What eta offers the shell for the command line `line` (the cursor at its end)."""
    env = {**os.environ, "_ETA_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = subprocess.run([ETA], cwd=cwd, env=env, capture_output=True, text=True,
                            check=False)
    assert (result.returncode, result.stderr) == (0, "")
    if shell == "zsh":
        # _arguments '*: :(("value":"help"\n"value"))', an item a line.
        inner = result.stdout.partition("((")[2].rpartition("))")[0]
        return re.findall(r'^"((?:[^"\\]|\\.)*)"', inner, re.MULTILINE)
    return [line.split("\t")[0] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_commands_options_and_the_ids_in_the_repository(
    repo: Path, shell: str
) -> None:
    assert completed(shell, "eta pl", repo) == ["plan"]
    assert completed(shell, "eta plan status ", repo) == RELEASES
    assert completed(shell, "eta plan sign R2026-02 --party ", repo) == PARTIES
    assert completed(shell, "eta agenda --party p", repo) == ["poortwachter"]
    assert completed(shell, "eta incident classify 2026-11", repo) == ["2026-11-16-q738dq"]
    assert completed(shell, "eta report ", repo) == [
        "plan", "progress", "evaluation", "incident", "overview", "availability", "month",
        "all"]
    assert "--changed-only" in completed(shell, "eta check --", repo)
    assert completed(shell, "eta check --format ", repo) == [
        "text", "json", "github", "sarif", "gitlab"]


def test_completion_finds_the_repository_of_root_from_anywhere(
    repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert completed("bash", "eta plan status ", elsewhere) == []
    assert completed("bash", f"eta plan status --root {repo} ", elsewhere) == RELEASES


def test_completion_offers_only_names_that_are_ids(repo: Path) -> None:
    (repo / "incidents/2026-12-01-\x1b[2Jx.yaml").write_text("id: x\n")
    (repo / "incidents/2026-12-01-\u202eevil.yaml").write_text("id: x\n")
    (repo / "releases/.hidden").mkdir()
    assert completed("bash", "eta incident classify 2026-1", repo) == [
        "2026-10-23-w12aw6", "2026-11-16-q738dq"]
    assert completed("bash", "eta plan status ", repo) == RELEASES


def test_completion_completes_the_last_of_a_list_of_parties(repo: Path) -> None:
    assert completed("bash", "eta incident new --affected poortwachter,vo", repo) == [
        "poortwachter,volmacht"]


def test_completion_loads_neither_pydantic_nor_a_record(repo: Path) -> None:
    program = ("import sys\nfrom eta.main import main\nsys.argv = ['eta']\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
               "('pydantic', 'ruamel', 'yaml', 'jinja2', 'git', 'cryptography', 'rich') "
               "or m.startswith('eta.models') or m.startswith('eta.records.read'))\n"
               "print(heavy, file=sys.stderr)\n")
    env = {**os.environ, "_ETA_COMPLETE": "complete_bash", "COMP_WORDS": "eta plan status ",
           "COMP_CWORD": "3"}
    result = subprocess.run([sys.executable, "-c", program], cwd=repo, env=env,
                            capture_output=True, text=True, check=False)
    assert (result.stdout.split(), result.stderr) == (RELEASES, "[]\n")


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _eta_completion eta"),
    ("zsh", "compdef _eta_completion eta"),
    ("fish", "complete --command eta --no-files"),
])
def test_show_completion_prints_the_script_of_each_shell(
    tmp_path: Path, shell: str, marker: str
) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
           "HOME": str(tmp_path)}
    result = subprocess.run([ETA, "--show-completion", shell], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout
    assert "_ETA_COMPLETE" in result.stdout


def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path: Path) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
           "HOME": str(tmp_path)}
    result = subprocess.run([ETA, "--install-completion", "bash"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    script = tmp_path / ".bash_completions/eta.sh"
    assert "_ETA_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run eta with its standard output and error on a pseudo-terminal."""
    leader, follower = pty.openpty()
    with subprocess.Popen([ETA, *args], cwd=cwd, env={**os.environ, **env}, stdout=follower,
                          stderr=follower, stdin=subprocess.DEVNULL) as process:
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when eta ends
                break
            if not chunk:
                break
            output += chunk
        code = process.wait()
    os.close(leader)
    return code, output.replace(b"\r\n", b"\n")


@pytest.fixture
def broken(repo: Path) -> Path:
    party = repo / "afspraken/parties/kapot.yaml"
    party.write_text("# yaml-language-server: $schema=../../schemas/party.schema.json\n"
                     "id: kapot\nname: Kapot\nroles: [herkenningsmakelaar]\ncontact: x\n")
    return repo


def test_findings_on_a_terminal_are_coloured_as_ruff_colours_them(broken: Path) -> None:
    code, output = on_a_terminal(["check", "afspraken/parties/kapot.yaml"], broken,
                                 {"TERM": "xterm", "NO_COLOR": ""})
    assert code == 1
    assert output.startswith(
        b"\x1b[1mafspraken/parties/kapot.yaml\x1b[0m:5:1: \x1b[1;31merror\x1b[0m "
        b"[record.unknown-key] unknown key `contact`\n")


@pytest.mark.parametrize("env", [{"NO_COLOR": "1", "TERM": "xterm"}, {"TERM": "dumb"}])
def test_no_colour_with_no_color_or_a_dumb_terminal(broken: Path, env: dict[str, str]) -> None:
    code, output = on_a_terminal(["check", "afspraken/parties/kapot.yaml"], broken, env)
    assert code == 1
    assert b"\x1b" not in output
    assert output.startswith(b"afspraken/parties/kapot.yaml:5:1: error [record.unknown-key]")


def test_no_colour_through_a_pipe(broken: Path) -> None:
    result = subprocess.run([ETA, "check", "afspraken/parties/kapot.yaml"], cwd=broken,
                            env={**os.environ, "TERM": "xterm"}, capture_output=True,
                            check=False)
    assert result.returncode == 1
    assert b"\x1b" not in result.stdout + result.stderr


def test_an_error_message_on_a_terminal_says_error_in_red(tmp_path: Path) -> None:
    code, output = on_a_terminal(["check"], tmp_path, {"TERM": "xterm", "NO_COLOR": ""})
    assert code == 2
    assert output.startswith(b"eta: \x1b[1;31merror:\x1b[0m ")


def test_a_report_that_fails_in_report_all_is_an_error_in_red_like_every_other(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "templates").mkdir()
    (repo / "templates" / "evaluation.md.j2").write_text("{{ release.nothing }}\n")
    code, output = on_a_terminal(["report", "all", "--output-dir", str(tmp_path / "out")], repo,
                                 {"TERM": "xterm", "NO_COLOR": ""})
    assert code == 1
    # The progress shown on a terminal shares the first line.
    for release in ("R2026-01", "R2026-02", "R2026-03"):
        assert (
            f"eta: \x1b[1;31merror:\x1b[0m evaluation-{release}.md not written: "
            "templates/evaluation.md.j2:1: undefined: 'dict object' has no attribute 'nothing'\n"
        ).encode() in output


def test_quiet_check_prints_the_findings_alone(broken: Path, repo: Path) -> None:
    outcome = run_eta("check", "--quiet", "afspraken/parties/kapot.yaml", cwd=broken)
    assert (outcome.exit_code, outcome.stdout) == (
        1, "afspraken/parties/kapot.yaml:5:1: error [record.unknown-key] unknown key "
        "`contact`\n    hint: did you mean `contacts`?\n")
    (broken / "afspraken/parties/kapot.yaml").unlink()
    # The example records' one warning, and no summary.
    warned = run_eta("check", "-q", cwd=repo)
    assert (warned.exit_code, warned.stdout) == (0, EXAMPLES_WARNING)


def test_quiet_init_and_schema_print_the_result_alone(tmp_path: Path) -> None:
    outcome = run_eta("init", "new", "--quiet", cwd=tmp_path)
    assert (outcome.exit_code, outcome.stdout) == (
        0, f"eta init: {tmp_path / 'new'} is ready; `eta check` passes there\n")
    schemas = run_eta("schema", "-q", cwd=tmp_path / "new")
    assert (schemas.exit_code, schemas.stdout) == (0, "")


def test_help_loads_no_model(tmp_path: Path) -> None:
    program = ("import sys\nfrom eta.main import main\nsys.argv = ['eta', '--help']\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'), "
               "file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", program], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert result.stderr == "[]\n"
    assert "--install-completion" in result.stdout
