"""Shared fixtures: a copy of the example repository, an isolated git, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eta.cli import app

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE_KEYS = PROJECT / "tests" / "example-keys"
RECORD_FOLDERS = ("afspraken", "releases", "incidents", "schemas")
#: The day the example records were written for; of all they hold, only the demo incident
#: has something overdue then: its classification still waits for a fact.
EXAMPLES_DATE = "2026-12-01"
#: What `eta check` says of it, from then on until a person classifies it again.
EXAMPLES_WARNING = (
    "incidents/2026-11-16-q738dq.yaml:9:9: warning [incident.classification.overdue] the "
    "classification was due when the response time ran out, at 2026-11-16 17:30 CET: "
    "complete the classification (K1 waits for facts.major_image_impact)\n"
    "    hint: `eta incident classify 2026-11-16-q738dq`\n")
#: The same, as `eta check --format json` gives it.
EXAMPLES_DIAGNOSTIC = {
    "file": "incidents/2026-11-16-q738dq.yaml", "line": 9, "column": 9, "severity": "warning",
    "code": "incident.classification.overdue",
    "message": "the classification was due when the response time ran out, at 2026-11-16 "
    "17:30 CET: complete the classification (K1 waits for facts.major_image_impact)",
    "hint": "`eta incident classify 2026-11-16-q738dq`"}


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def run_eta(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Outcome:
    """Run the real CLI in-process through typer's runner, from `cwd`."""
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True, scope="session")
def private_example_keys() -> None:
    """ssh-keygen signs only with a key no one else may read; a checkout gives 0644."""
    for key in EXAMPLE_KEYS.iterdir():
        if key.suffix not in (".pub", ".md"):
            key.chmod(0o600)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                 ) -> None:
    """A git that reads no user or system configuration, with fixed names and dates."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{name}_NAME", "Femke Hoekstra")
        monkeypatch.setenv(f"GIT_{name}_EMAIL", "f.hoekstra@beheer.example.nl")
        monkeypatch.setenv(f"GIT_{name}_DATE", "2026-03-02T10:00:00+01:00")
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Femke Hoekstra\n\temail = f.hoekstra@beheer.example.nl\n"
        "[init]\n\tdefaultBranch = main\n"
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the example records, outside any git repository."""
    root = tmp_path / "records"
    root.mkdir()
    for name in RECORD_FOLDERS:
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, root / name)
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def commit(root: Path, message: str, date: str) -> str:
    """Commit everything in `root` at a fixed date; the new commit's id."""
    git(root, "add", "-A")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_AUTHOR_DATE", date)
        patch.setenv("GIT_COMMITTER_DATE", date)
        git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def commit_without_date(root: Path, message: str) -> str:
    """Commit everything in `root` as a commit object written by hand, whose author and
    committer lines give no time git can read (which `git commit` never writes, and `git
    fsck` refuses); the new commit's id."""
    return commit_by_hand(root, b"Mal <m@example.org> nooit +0000", message.encode())


def commit_by_hand(root: Path, identity: bytes, message: bytes, headers: bytes = b"") -> str:
    """Commit everything in `root` as a commit object of exactly these bytes: `identity` as
    author and committer, `headers` after them; the new commit's id."""
    git(root, "add", "-A")
    tree = git(root, "write-tree").strip()
    parent = git(root, "rev-parse", "HEAD").strip()
    body = (f"tree {tree}\nparent {parent}\n".encode() + b"author " + identity
            + b"\ncommitter " + identity + b"\n" + headers + b"\n" + message + b"\n")
    written = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"], cwd=root,
        input=body, capture_output=True, check=True).stdout.decode().strip()
    git(root, "update-ref", "HEAD", written)
    return written


@pytest.fixture
def git_repo(repo: Path) -> Iterator[Path]:
    """The example records as a git repository with one commit."""
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Example records")
    yield repo


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Wait until `condition()` holds; the limit only stops a run that would hang."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.001)


def children(pid: int) -> set[int]:
    """The processes that process `pid` forked, from any of its threads (a pool forks the
    replacements of its workers from a thread of its own)."""
    return {int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()}


def all_ended(pids: set[int]) -> bool:
    """Whether every one of `pids` has ended (a zombie has: only its status is left)."""
    return not any(Path(f"/proc/{pid}").exists()
                   and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                   != "Z" for pid in pids)
