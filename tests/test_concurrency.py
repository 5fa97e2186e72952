"""Parallel writers, kills at every step of a change, and Ctrl-C, with real eta processes.

A change is stopped at a chosen step by running the real command under `KILL_AT_STEP`: a
small driver (below) that wraps the calls the change is made of (`os.replace`, `os.fsync`,
`os.unlink`) and, at the n-th of them, sends its own process SIGKILL before the call is
made, then runs eta's entry point. eta itself holds no hook for tests: the process dies
exactly as one killed from outside at that instant would.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, all_ended, children, git, run_eta, wait_for
from eta.records.files import left_behind, running

INCIDENT = "2026-11-16-q738dq"
INCIDENT_FILE = f"incidents/{INCIDENT}.yaml"
ADD_PARTY = ["plan", "add-party", "R2026-03", "--party", "tokenfabriek", "--contact-name",
             "Mehmet Yilmaz", "--contact-email", "m.yilmaz@tokenfabriek.example.nl"]
CHANGED_BY_ADD_PARTY = ("releases/R2026-03/plan.yaml",
                        "releases/R2026-03/parties/tokenfabriek.yaml")

KILL_AT_STEP = """
import os, signal, sys
chosen = int(os.environ["KILL_AT_STEP"])
action = os.environ.get("KILL_WITH", "KILL")
steps = []
def step(call):
    def wrapper(*args, **kwargs):
        steps.append(call.__name__)
        if len(steps) == chosen:
            os.kill(os.getpid(), getattr(signal, "SIG" + action))
        return call(*args, **kwargs)
    return wrapper
for name in ("replace", "fsync", "unlink"):
    setattr(os, name, step(getattr(os, name)))
if not chosen:
    import atexit
    atexit.register(lambda: sys.stderr.write("steps: " + " ".join(steps) + "\\n"))
sys.argv[0] = "eta"
from eta.main import main
main()
"""


def eta_process(root: Path, *args: str, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eta", *args], cwd=root, capture_output=True,
                          text=True, check=False, env={**os.environ, **(env or {})})


def killed_at(root: Path, step: int, *args: str, signal_name: str = "KILL"
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", KILL_AT_STEP, *args], cwd=root,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "KILL_AT_STEP": str(step),
                               "KILL_WITH": signal_name})


def timeline(root: Path) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = yaml.safe_load((root / INCIDENT_FILE).read_text())["timeline"]
    return entries


def contents(root: Path, names: tuple[str, ...]) -> dict[str, str | None]:
    return {name: (root / name).read_text() if (root / name).exists() else None
            for name in names}


@contextmanager
def lock_held(root: Path) -> Iterator[None]:
    """The repository's lock, held as another eta command would hold it."""
    folder = root / ".git" / "eta"
    folder.mkdir(exist_ok=True)
    with (folder / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# -- Parallel writers ----------------------------------------------------------------------


def test_twenty_parallel_logs_keep_twenty_entries(git_repo: Path) -> None:
    before = len(timeline(git_repo))
    messages = [f"Melding {number} van de servicedesk." for number in range(20)]
    processes = [subprocess.Popen([sys.executable, "-m", "eta", "incident", "log", INCIDENT,
                                   message, "--at", "2026-11-18T12:00"],
                                  cwd=git_repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env={**os.environ, "ETA_LOCK_TIMEOUT": "300"})
                 for message in messages]
    outputs = [process.communicate() for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert stdout == f"logged in {INCIDENT_FILE} at 2026-11-18 12:00 CET\n"
        assert stderr in ("", "eta: waiting for another eta command to finish its change "
                          "(.git/eta/lock; up to 300 s, ETA_LOCK_TIMEOUT)\n")
    entries = timeline(git_repo)
    assert len(entries) == before + 20
    assert sorted(entry["text"] for entry in entries[before:]) == sorted(messages)
    # The entries were written down now, so they are judged as of now.
    assert run_eta("check", cwd=git_repo).exit_code == 0


def test_a_command_that_waits_too_long_gives_up_and_writes_nothing(git_repo: Path) -> None:
    before = (git_repo / INCIDENT_FILE).read_bytes()
    with lock_held(git_repo):
        done = eta_process(git_repo, "incident", "log", INCIDENT, "Te laat.",
                           env={"ETA_LOCK_TIMEOUT": "0.5"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "eta: waiting for another eta command to finish its change (.git/eta/lock; up to "
        "0.5 s, ETA_LOCK_TIMEOUT)\n"
        "eta: error: gave up after 0.5 s waiting for another eta command to finish its change "
        "(.git/eta/lock); nothing was written. Set ETA_LOCK_TIMEOUT to wait longer\n")
    assert (git_repo / INCIDENT_FILE).read_bytes() == before


def test_a_command_that_waits_goes_on_when_the_lock_is_free(git_repo: Path) -> None:
    with lock_held(git_repo):
        process = subprocess.Popen(
            [sys.executable, "-m", "eta", "incident", "log", INCIDENT, "Na het wachten.",
             "--at", "2026-11-18T12:00"], cwd=git_repo, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        waiting = process.stderr.readline()
    stdout, stderr = process.communicate()
    assert process.returncode == 0
    assert waiting == ("eta: waiting for another eta command to finish its change "
                       "(.git/eta/lock; up to 30 s, ETA_LOCK_TIMEOUT)\n")
    assert stderr == ""
    assert stdout == f"logged in {INCIDENT_FILE} at 2026-11-18 12:00 CET\n"
    assert timeline(git_repo)[-1]["text"] == "Na het wachten."


def test_a_timeout_that_is_no_number_of_seconds_is_refused(git_repo: Path) -> None:
    outcome = run_eta("incident", "log", INCIDENT, "x", cwd=git_repo,
                      env={"ETA_LOCK_TIMEOUT": "soon"})
    assert outcome.exit_code == 2
    assert outcome.stderr == ("eta: error: ETA_LOCK_TIMEOUT='soon' is not a number of "
                              "seconds from 0 to 86400\n")


def test_records_outside_git_keep_their_lock_in_a_folder_git_ignores(repo: Path) -> None:
    outcome = run_eta("incident", "log", INCIDENT, "Buiten git.", cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    assert sorted(p.name for p in (repo / ".eta").iterdir()) == [".gitignore", "lock"]
    assert (repo / ".eta" / ".gitignore").read_text() == "*\n"


def test_a_lock_planted_as_a_link_is_refused(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("not eta's\n")
    (repo / ".eta").mkdir()
    (repo / ".eta" / "lock").symlink_to(elsewhere)
    before = (repo / INCIDENT_FILE).read_bytes()
    outcome = run_eta("incident", "log", INCIDENT, "x", cwd=repo)
    assert outcome.exit_code == 2
    assert outcome.stderr == ("eta: error: cannot open the lock .eta/lock: Too many levels "
                              "of symbolic links\n")
    assert (repo / INCIDENT_FILE).read_bytes() == before
    assert elsewhere.read_text() == "not eta's\n"


def test_a_state_folder_planted_as_a_link_is_refused(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (repo / ".eta").symlink_to(tmp_path / "elsewhere")
    outcome = run_eta("incident", "log", INCIDENT, "x", cwd=repo)
    assert outcome.exit_code == 2
    assert outcome.stderr == ("eta: error: .eta is not a folder (a link, say); eta keeps its "
                              "lock and journal only in a real folder\n")
    assert list((tmp_path / "elsewhere").iterdir()) == []


# -- A kill at every step of a change ------------------------------------------------------


def steps_of(root: Path, *args: str) -> list[str]:
    """The calls `eta ARGS` makes its change with, in order."""
    done = killed_at(root, 0, *args)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("steps: ")]
    return line.split()[1:]


Outcome = tuple[int, str, bool, str, str]


def killed_at_every_step(git_repo: Path, tmp_path: Path, names: tuple[str, ...],
                         *args: str) -> tuple[list[str], list[Outcome]]:
    """The steps of `eta ARGS`, and what a kill at each left of the files `names`: the
    step, its call, whether a journal was left, whether the files were then all old or
    all new, and what the next command that changes records said of it."""
    old = contents(git_repo, names)
    finished = tmp_path / "finished"
    git(git_repo, "clone", "-q", str(git_repo), str(finished))
    steps = steps_of(finished, *args)
    new = contents(finished, names)
    outcomes = []
    for number, call in enumerate(steps, start=1):
        records = tmp_path / f"killed-at-{number}"
        git(git_repo, "clone", "-q", str(git_repo), str(records))
        killed = killed_at(records, number, *args)
        assert killed.returncode == -signal.SIGKILL, (number, killed.stderr)
        journal_left = (records / ".git/eta/journal").exists()
        check = run_eta("check", "--today", EXAMPLES_DATE, cwd=records)
        if journal_left:
            assert check.exit_code == 1, number
            assert "[edit.interrupted]" in check.stdout
        else:
            assert check.exit_code == 0, (number, check.stdout)
            assert contents(records, names) in (old, new)
        after = eta_process(records, "incident", "log", INCIDENT, "Daarna.")
        assert after.returncode == 0, after.stderr
        state = contents(records, names)
        assert state in (old, new), number
        assert not (records / ".git/eta/journal").exists()
        assert not [p for p in (records / ".git/eta").iterdir() if p.name != "lock"]
        assert not list(records.rglob("*.eta-new"))
        # The entry logged afterwards was written down now, so it is judged as of now.
        assert run_eta("check", cwd=records).exit_code == 0
        outcomes.append((number, call, journal_left, "new" if state == new else "old",
                         after.stderr))
    return steps, outcomes


def test_a_kill_at_any_step_of_a_change_leaves_all_of_it_or_none(
        git_repo: Path, tmp_path: Path) -> None:
    steps, outcomes = killed_at_every_step(git_repo, tmp_path, CHANGED_BY_ADD_PARTY,
                                           *ADD_PARTY)
    # the journal in place, two files written, two renamed, the journal removed
    assert steps == ["fsync", "replace", "fsync", "fsync", "fsync", "replace", "replace",
                     "fsync", "fsync", "unlink", "fsync"]
    completed = ("eta: completed a change an interrupted eta command had begun: "
                 "releases/R2026-03/plan.yaml, releases/R2026-03/parties/tokenfabriek.yaml\n")
    undone = ("eta: undid a change an interrupted eta command had begun; as they were: "
              "releases/R2026-03/plan.yaml, releases/R2026-03/parties/tokenfabriek.yaml\n")
    assert outcomes == [
        (1, "fsync", False, "old", ""),        # the journal written, not yet in place
        (2, "replace", False, "old", ""),
        (3, "fsync", True, "old", undone),     # the journal in place, no new file yet
        (4, "fsync", True, "old", undone),     # the first new file written, not the second
        (5, "fsync", True, "new", completed),  # both written, none renamed
        (6, "replace", True, "new", completed),
        (7, "replace", True, "new", completed),  # one renamed: the half state
        (8, "fsync", True, "new", completed),
        (9, "fsync", True, "new", completed),
        (10, "unlink", True, "new", completed),  # both renamed, the journal still there
        (11, "fsync", False, "new", ""),
    ]


def test_check_reports_a_change_left_half_done(git_repo: Path) -> None:
    killed = killed_at(git_repo, 7, *ADD_PARTY)  # after the first rename, before the second
    assert killed.returncode == -signal.SIGKILL
    assert (git_repo / "releases/R2026-03/plan.yaml").read_text().count("tokenfabriek") == 1
    assert not (git_repo / "releases/R2026-03/parties/tokenfabriek.yaml").exists()
    outcome = run_eta("check", "--today", EXAMPLES_DATE, cwd=git_repo)
    assert outcome.exit_code == 1
    hint = ("    hint: the next eta command that changes records completes or undoes the "
            "change before it does anything else\n")
    assert outcome.stdout == (
        ".git/eta/journal:1:1: error [edit.interrupted] an eta command was interrupted while "
        "changing 2 file(s) together, which may be half changed: releases/R2026-03/plan.yaml, "
        "releases/R2026-03/parties/tokenfabriek.yaml\n" + hint + EXAMPLES_WARNING
        + "releases/R2026-03/parties/tokenfabriek.yaml:1:1: error [edit.interrupted] an eta "
        "command was interrupted while changing this file together with others (journal "
        ".git/eta/journal)\n" + hint
        + "releases/R2026-03/plan.yaml:1:1: error [edit.interrupted] an eta command was "
        "interrupted while changing this file together with others (journal "
        ".git/eta/journal)\n" + hint
        + "40 files checked: 3 errors, 1 warning\n")


def test_a_journal_that_would_move_files_outside_the_records_is_refused(
        git_repo: Path, tmp_path: Path) -> None:
    (git_repo / ".git/eta").mkdir()
    (git_repo / ".git/eta/journal").write_text(
        '{"eta-journal": 1, "files": [{"path": "../outside.yaml", "temporary": '
        '".outside.yaml.0123456789abcdef.eta-new", "sha256": "' + "0" * 64 + '"}]}\n')
    outcome = run_eta("incident", "log", INCIDENT, "x", cwd=git_repo)
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        "eta: error: .git/eta/journal cannot be read (not a journal eta wrote); an eta "
        "command was interrupted in a change it cannot complete. Check the files, then "
        "remove the journal\n")
    assert not (tmp_path / "outside.yaml").exists()


# -- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_while_a_change_is_written_lets_it_finish_first(git_repo: Path) -> None:
    old = contents(git_repo, CHANGED_BY_ADD_PARTY)
    interrupted = killed_at(git_repo, 6, *ADD_PARTY, signal_name="INT")  # at the first rename
    assert interrupted.returncode == 130
    assert interrupted.stderr == "eta: interrupted\n"
    assert interrupted.stdout == ""
    state = contents(git_repo, CHANGED_BY_ADD_PARTY)
    assert state != old and None not in state.values()
    assert not (git_repo / ".git/eta/journal").exists()
    assert run_eta("check", "--today", EXAMPLES_DATE, cwd=git_repo).exit_code == 0


def catches_sigterm(pid: int) -> bool:
    """Whether the process has installed eta's handlers (Python alone catches only SIGINT)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line for line in status.splitlines()
                      if line.startswith("SigCgt:")).split()[1], 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15])
def test_ctrl_c_in_the_first_moments_of_a_command(git_repo: Path, delay: float) -> None:
    before = (git_repo / INCIDENT_FILE).read_bytes()
    process = subprocess.Popen([sys.executable, "-m", "eta", "incident", "log", INCIDENT,
                                "Onderbroken."], cwd=git_repo, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for(lambda: catches_sigterm(process.pid), "eta's signal handlers")
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    stdout, stderr = process.communicate()
    if process.returncode == 0:  # the command was quicker than the delay
        assert stdout.startswith("logged in")
        return
    assert (process.returncode, stdout, stderr) == (130, "", "eta: interrupted\n")
    assert (git_repo / INCIDENT_FILE).read_bytes() == before


def test_ctrl_c_while_waiting_for_the_lock(git_repo: Path) -> None:
    before = (git_repo / INCIDENT_FILE).read_bytes()
    with lock_held(git_repo):
        process = subprocess.Popen([sys.executable, "-m", "eta", "incident", "log", INCIDENT,
                                    "Onderbroken."], cwd=git_repo, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert process.stderr is not None
        waiting = process.stderr.readline()
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate()
    assert waiting.startswith("eta: waiting for another eta command")
    assert (process.returncode, stdout, stderr) == (130, "", "eta: interrupted\n")
    assert (git_repo / INCIDENT_FILE).read_bytes() == before


def many_incidents(root: Path, count: int) -> None:
    """Enough incidents that `eta check` runs them in a pool of worker processes."""
    text = (root / INCIDENT_FILE).read_text()
    for number in range(count):
        incident_id = f"2026-11-16-{number:06d}"
        (root / f"incidents/{incident_id}.yaml").write_text(text.replace(INCIDENT, incident_id))


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a parallel check needs two cores")
@pytest.mark.parametrize("whom", ["the group, as a terminal does", "the command alone"])
def test_ctrl_c_during_a_parallel_check(repo: Path, whom: str) -> None:
    many_incidents(repo, 1200)
    process = subprocess.Popen([sys.executable, "-m", "eta", "check", "--no-cache"], cwd=repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    wait_for(lambda: len(children(process.pid)) >= 2, "the pool's workers")
    workers = children(process.pid)
    time.sleep(0.2)
    if whom == "the command alone":
        os.kill(process.pid, signal.SIGINT)
    else:
        os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate()
    assert (process.returncode, stdout, stderr) == (130, "", "eta: interrupted\n")
    wait_for(lambda: all_ended(workers), "the workers to end", seconds=10)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a parallel check needs two cores")
@pytest.mark.parametrize("command", [["check", "--no-cache"],
                                     ["report", "all", "--output-dir", "reports"]])
def test_a_kill_of_a_parallel_command_ends_its_workers(git_repo: Path, command: list[str]
                                                       ) -> None:
    """SIGKILL leaves the command no moment to end its workers: they end with it, and
    hold its output open no longer."""
    many_incidents(git_repo, 1200)
    process = subprocess.Popen([sys.executable, "-m", "eta", *command], cwd=git_repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    wait_for(lambda: len(children(process.pid)) >= 2, "the pool's workers")
    workers = children(process.pid)
    process.kill()
    stdout, _ = process.communicate(timeout=20)  # no worker holds the output open
    assert (process.returncode, stdout) == (-signal.SIGKILL, "")
    wait_for(lambda: all_ended(workers), "the workers to end", seconds=10)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="parallel reports need two cores")
def test_ctrl_c_during_parallel_reports_leaves_the_last_reports_as_they_were(
        git_repo: Path, tmp_path: Path) -> None:
    output = tmp_path / "reports"
    assert run_eta("report", "all", "--output-dir", str(output), "--today", EXAMPLES_DATE,
                   cwd=git_repo).exit_code == 0
    before = folder_bytes(output)
    many_incidents(git_repo, 220)
    process = subprocess.Popen([sys.executable, "-m", "eta", "report", "all", "--output-dir",
                                str(output), "--today", EXAMPLES_DATE], cwd=git_repo,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    wait_for(lambda: len(children(process.pid)) >= 2, "the pool's workers")
    workers = children(process.pid)
    time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate()
    assert (process.returncode, stdout, stderr) == (130, "", "eta: interrupted\n")
    assert folder_bytes(output) == before
    wait_for(lambda: all_ended(workers), "the workers to end", seconds=10)


REPORTS_AGAIN = ["report", "all", "--output-dir", "reports", "--today", EXAMPLES_DATE,
                 "--generated-at", "2026-12-01T10:00"]


def reports_written_once_and_again(git_repo: Path, tmp_path: Path
                                   ) -> tuple[dict[str, bytes], dict[str, bytes], int]:
    """The example reports written once into `reports`; what that folder then holds, what
    `REPORTS_AGAIN` makes of it (every report anew: its time of making changed), and the
    step of that run at which its second report is renamed into place."""
    first = run_eta("report", "all", "--output-dir", "reports", "--today", EXAMPLES_DATE,
                    "--generated-at", "2026-11-30T10:00", cwd=git_repo)
    assert first.exit_code == 0, first.stderr
    finished = tmp_path / "finished"
    shutil.copytree(git_repo, finished)
    steps = steps_of(finished, *REPORTS_AGAIN)
    again = folder_bytes(finished / "reports")
    before = folder_bytes(git_repo / "reports")
    assert before.keys() == again.keys() and all(before[n] != again[n] for n in before)
    assert steps[-len(again):] == ["replace"] * len(again)
    return before, again, len(steps) - len(again) + 2


def test_ctrl_c_while_reports_are_written_lets_every_one_be_written_first(
        git_repo: Path, tmp_path: Path) -> None:
    _, again, second_report = reports_written_once_and_again(git_repo, tmp_path)
    interrupted = killed_at(git_repo, second_report, *REPORTS_AGAIN, signal_name="INT")
    assert (interrupted.returncode, interrupted.stderr) == (130, "eta: interrupted\n")
    assert folder_bytes(git_repo / "reports") == again
    assert sorted(p.name for p in (git_repo / "reports").iterdir()) == sorted(again)


def test_what_a_kill_while_reports_are_written_leaves_the_next_run_removes(
        git_repo: Path, tmp_path: Path) -> None:
    before, again, second_report = reports_written_once_and_again(git_repo, tmp_path)
    killed = killed_at(git_repo, second_report, *REPORTS_AGAIN)
    assert killed.returncode == -signal.SIGKILL
    output = git_repo / "reports"
    [left] = [p.name for p in output.iterdir() if p.name not in before]
    found = re.fullmatch(r"\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp", left)
    assert found is not None and found[1] in again and not running(int(found[2]))
    done = eta_process(git_repo, *REPORTS_AGAIN)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in output.iterdir()) == sorted(again)
    assert folder_bytes(output) == again


def test_only_names_a_killed_writer_gave_are_taken_for_what_it_left(tmp_path: Path) -> None:
    # A process of this user that runs for the length of the test, and one that has ended.
    alive = subprocess.Popen(["sleep", "60"])
    gone = subprocess.Popen(["true"])
    gone.wait()
    try:
        hex12 = "0123456789ab"
        entries = [
            f".plan.md.{gone.pid}.{hex12}.tmp",          # its writer ended: left behind
            f".plan.md.{os.getpid()}.{hex12}.tmp",       # this process's id: left behind
            f".a.b.md.{gone.pid}.{hex12}.tmp",           # a name with dots of its own
            f".plan.md.{alive.pid}.{hex12}.tmp",         # its writer may be writing still
            f".plan.md.{gone.pid}.{hex12.upper()}.tmp",  # eta writes lower-case hex
            f".plan.md.{gone.pid}.{hex12[:-1]}.tmp",
            ".plan.md.\u0663.0123456789ab.tmp",         # a digit, but no ASCII one
            f".plan.md.{10**12}.{hex12}.tmp",            # beyond any process id
            f".plan.md.9999999999.{hex12}.tmp",          # beyond what kill() takes: none
            f".plan.md.0{gone.pid}.{hex12}.tmp",
            f".other.md.{gone.pid}.{hex12}.tmp",         # not a file this run writes
            f"plan.md.{gone.pid}.{hex12}.tmp",
            "plan.md",
        ]
        assert left_behind(entries, {"plan.md", "a.b.md"}) == [
            entries[0], entries[1], entries[2], entries[8]]
    finally:
        alive.kill()
        alive.wait()


# -- A change that removes files -------------------------------------------------------------

REMOVE_PARTY = ["plan", "remove-party", "R2026-02", "grensweg"]
CHANGED_BY_REMOVE_PARTY = ("releases/R2026-02/plan.yaml",
                           "releases/R2026-02/parties/grensweg.yaml",
                           "releases/R2026-02/signatures/grensweg.yaml")


def test_a_kill_at_any_step_of_a_removal_leaves_the_old_plan_or_the_new(
        git_repo: Path, tmp_path: Path) -> None:
    steps, outcomes = killed_at_every_step(git_repo, tmp_path, CHANGED_BY_REMOVE_PARTY,
                                           *REMOVE_PARTY)
    assert not (tmp_path / "finished/releases/R2026-02/parties/grensweg.yaml").exists()
    assert not (tmp_path / "finished/releases/R2026-02/signatures/grensweg.yaml").exists()
    # the journal in place, the plan written and renamed, two files removed, the three
    # folders synced, the journal removed
    assert steps == ["fsync", "replace", "fsync", "fsync", "replace", "unlink", "unlink",
                     "fsync", "fsync", "fsync", "unlink", "fsync"]
    names = ", ".join(CHANGED_BY_REMOVE_PARTY)
    completed = f"eta: completed a change an interrupted eta command had begun: {names}\n"
    undone = f"eta: undid a change an interrupted eta command had begun; as they were: {names}\n"
    assert outcomes == [
        (1, "fsync", False, "old", ""),        # the journal written, not yet in place
        (2, "replace", False, "old", ""),
        (3, "fsync", True, "old", undone),     # the journal in place, the new plan not yet
        (4, "fsync", True, "new", completed),  # the new plan on disk, nothing renamed
        (5, "replace", True, "new", completed),
        (6, "unlink", True, "new", completed),  # the new plan in place, the files still there
        (7, "unlink", True, "new", completed),  # one of them removed: the half state
        (8, "fsync", True, "new", completed),
        (9, "fsync", True, "new", completed),
        (10, "fsync", True, "new", completed),
        (11, "unlink", True, "new", completed),  # all done, the journal still there
        (12, "fsync", False, "new", ""),
    ]


def test_a_journal_that_would_remove_a_file_outside_the_records_is_refused(
        git_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("kept\n")
    (git_repo / ".git/eta").mkdir()
    for planted in ('{"path": "../outside.yaml", "remove": true}',
                    '{"path": "releases/R2026-02/plan.yaml", "remove": "yes"}',
                    '{"path": "releases/R2026-02/plan.yaml", "remove": true, "sha256": "x"}'):
        (git_repo / ".git/eta/journal").write_text(
            '{"eta-journal": 1, "files": [' + planted + ']}\n')
        outcome = run_eta("incident", "log", INCIDENT, "x", cwd=git_repo)
        assert (outcome.exit_code, outcome.stderr) == (2, (
            "eta: error: .git/eta/journal cannot be read (not a journal eta wrote); an eta "
            "command was interrupted in a change it cannot complete. Check the files, then "
            "remove the journal\n")), planted
    assert outside.read_text() == "kept\n"
    assert (git_repo / "releases/R2026-02/plan.yaml").exists()


def test_a_journal_does_not_remove_a_file_through_a_linked_folder(
        git_repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "grensweg.yaml").write_text("kept\n")
    folder = git_repo / "releases/R2026-02/signatures"
    shutil.rmtree(folder)
    folder.symlink_to(elsewhere)
    (git_repo / ".git/eta").mkdir()
    (git_repo / ".git/eta/journal").write_text(
        '{"eta-journal": 1, "files": [{"path": "releases/R2026-02/signatures/grensweg.yaml", '
        '"remove": true}]}\n')
    outcome = run_eta("incident", "log", INCIDENT, "x", cwd=git_repo)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(
        "eta: error: cannot remove releases/R2026-02/signatures/grensweg.yaml as the change "
        "a journal names: releases/R2026-02/signatures: a symbolic link")
    assert (elsewhere / "grensweg.yaml").read_text() == "kept\n"


def test_parallel_writers_of_a_plan_lose_nothing_while_a_party_leaves(git_repo: Path) -> None:
    commands = [["plan", "remove-party", "R2026-02", "tokenfabriek"],
                *[["plan", "add-measure", "R2026-02", "--party", "kenniskaart", "--description",
                   f"Maatregel {number}", "--deadline", "2027-08-31", "--id", f"m{number}"]
                  for number in range(9)],
                ["plan", "remove-party", "R2026-02", "tokenfabriek"]]
    processes = [subprocess.Popen([sys.executable, "-m", "eta", *command], cwd=git_repo,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "ETA_LOCK_TIMEOUT": "300"})
                 for command in commands]
    outputs = [process.communicate() for process in processes]
    codes = [process.returncode for process in processes]
    # Of the two removals of one party, one removes it and the other finds it gone.
    assert sorted([codes[0], codes[-1]]) == [0, 2], outputs
    refused = outputs[0] if codes[0] == 2 else outputs[-1]
    assert refused[1].endswith(
        "eta: error: tokenfabriek is not an implementing party of the plan of R2026-02 "
        "(implementing parties: logius, grensweg, kenniskaart)\n")
    assert codes[1:-1] == [0] * 9, outputs
    plan = yaml.safe_load((git_repo / "releases/R2026-02/plan.yaml").read_text())
    assert plan["parties"] == ["logius", "grensweg", "kenniskaart"]
    assert not (git_repo / "releases/R2026-02/parties/tokenfabriek.yaml").exists()
    part = yaml.safe_load((git_repo / "releases/R2026-02/parties/kenniskaart.yaml").read_text())
    assert sorted(m["id"] for m in part["measures"]) == sorted(
        ["wallet-middel", *[f"m{number}" for number in range(9)]])
    assert run_eta("check", "--today", EXAMPLES_DATE, cwd=git_repo).exit_code == 0
