"""`eta plan sign` takes keys the way people hold them, and dates a signature itself."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, git, run_eta
from plan_helpers import example_key, public_line, replace_in

RELEASE = "R2026-02"
SIGNED = ("Noor Mulder (nmulder) signed the plan of R2026-02 for tokenfabriek\n"
          "  wrote releases/R2026-02/signatures/tokenfabriek.yaml\n")


def clean(root: Path) -> bool:
    outcome = run_eta("check", "--root", str(root), "--no-cache", "--today", EXAMPLES_DATE,
                      str(root / "releases"))
    return outcome.exit_code == 0 and outcome.stdout.endswith("no problems found\n")


def signed_at(root: Path) -> str:
    text = (root / "releases/R2026-02/signatures/tokenfabriek.yaml").read_text()
    found = re.search(r"^signed_at: (\S+)$", text, re.MULTILINE)
    assert found is not None
    return found.group(1)


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[str]:
    """A real ssh-agent of this test alone; its socket's path."""
    socket = tmp_path / "agent.sock"
    started = subprocess.run(["ssh-agent", "-a", str(socket)], capture_output=True,
                             text=True, check=True)
    found = re.search(r"SSH_AGENT_PID=(\d+)", started.stdout)
    assert found is not None
    try:
        yield str(socket)
    finally:
        os.kill(int(found.group(1)), signal.SIGTERM)


def add_to_agent(socket: str, key: Path) -> None:
    subprocess.run(["ssh-add", "-q", str(key)], env={**os.environ, "SSH_AUTH_SOCK": socket},
                   check=True, capture_output=True)


def eta_process(cwd: Path, *args: str, socket: str | None = None
                ) -> subprocess.CompletedProcess[str]:
    """eta as its own process, the agent's socket in its environment only."""
    env = {name: value for name, value in os.environ.items() if name != "SSH_AUTH_SOCK"}
    if socket is not None:
        env["SSH_AUTH_SOCK"] = socket
    return subprocess.run([sys.executable, "-m", "eta", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def public_key_alone(tmp_path: Path) -> Path:
    """nmulder's public key file, with no private key beside it."""
    folder = tmp_path / "public-only"
    folder.mkdir()
    target = folder / "nmulder.pub"
    shutil.copy(example_key("tokenfabriek", "nmulder").with_name("tokenfabriek-nmulder.pub"),
                target)
    return target


def test_a_relative_key_is_found_from_the_current_folder(git_repo: Path, tmp_path: Path
                                                          ) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    for suffix in ("", ".pub"):
        shutil.copy(f"{example_key('tokenfabriek', 'nmulder')}{suffix}", keys / f"n{suffix}")
    (keys / "n").chmod(0o600)
    inside = git_repo / "releases" / RELEASE
    relative = os.path.relpath(keys / "n", inside)
    assert relative == "../../../keys/n"
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key", relative,
                      cwd=inside)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (0, SIGNED, "")
    assert clean(git_repo)


def test_a_relative_key_is_not_looked_for_from_the_repository_root(git_repo: Path) -> None:
    inside = git_repo / "releases"
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key",
                      "afspraken/service-levels.yaml", cwd=inside)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", f"eta: error: no SSH key file at {inside}/afspraken/service-levels.yaml\n")


def test_a_public_key_signs_through_ssh_agent(git_repo: Path, tmp_path: Path, agent: str
                                               ) -> None:
    add_to_agent(agent, example_key("tokenfabriek", "nmulder"))
    public = public_key_alone(tmp_path)
    done = eta_process(git_repo, "plan", "sign", RELEASE, "--party", "tokenfabriek",
                       "--key", str(public), socket=agent)
    assert (done.returncode, done.stdout, done.stderr) == (0, SIGNED, "")
    assert clean(git_repo)


def test_without_the_agent_a_public_key_alone_cannot_sign(git_repo: Path, tmp_path: Path
                                                          ) -> None:
    public = public_key_alone(tmp_path)
    done = eta_process(git_repo, "plan", "sign", RELEASE, "--party", "tokenfabriek",
                       "--key", str(public))
    assert done.returncode == 2
    assert done.stderr.startswith("eta: error: ssh-keygen could not sign: ")
    assert not (git_repo / "releases/R2026-02/signatures/tokenfabriek.yaml").exists()


def test_gits_key_literal_signs_through_ssh_agent(git_repo: Path, agent: str) -> None:
    add_to_agent(agent, example_key("tokenfabriek", "nmulder"))
    git(git_repo, "config", "gpg.format", "ssh")
    git(git_repo, "config", "user.signingkey",
        "key::" + public_line(example_key("tokenfabriek", "nmulder")))
    done = eta_process(git_repo, "plan", "sign", RELEASE, "--party", "tokenfabriek",
                       socket=agent)
    assert (done.returncode, done.stdout, done.stderr) == (0, SIGNED, "")
    assert clean(git_repo)


def test_gits_key_path_signs(git_repo: Path) -> None:
    git(git_repo, "config", "gpg.format", "ssh")
    git(git_repo, "config", "user.signingkey",
        str(example_key("tokenfabriek", "nmulder").with_name("tokenfabriek-nmulder.pub")))
    assert run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--root",
                   str(git_repo)).exit_code == 0
    assert clean(git_repo)


def test_the_signature_is_dated_now_in_the_agreements_time_zone(git_repo: Path) -> None:
    replace_in(git_repo / "afspraken/service-levels.yaml", "timezone: Europe/Amsterdam",
               "timezone: America/Kralendijk")
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key",
                      str(example_key("tokenfabriek", "nmulder")), "--root", str(git_repo))
    assert outcome.exit_code == 0
    assert signed_at(git_repo).endswith("-04:00")
    assert clean(git_repo)


def test_the_time_of_signing_cannot_be_chosen() -> None:
    outcome = run_eta("plan", "sign", "--help")
    assert "--key" in outcome.stdout
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", outcome.stdout))
    assert options == {"--party", "--key", "--format", "--root", "--help"}


def test_signing_before_the_decision_is_refused_and_writes_nothing(git_repo: Path) -> None:
    replace_in(git_repo / f"releases/{RELEASE}/release.yaml", "decided_on: 2026-10-13",
               "decided_on: 2099-10-13")
    outcome = run_eta("plan", "sign", RELEASE, "--party", "tokenfabriek", "--key",
                      str(example_key("tokenfabriek", "nmulder")), "--root", str(git_repo))
    assert outcome.exit_code == 1  # a refusal of the process, not of its usage
    assert re.fullmatch(
        r"eta: error: the plan of R2026-02 cannot be signed now: the signature would be "
        r"invalid: it is dated \S+, before the release was decided on 2099-10-13\n",
        outcome.stderr), outcome.stderr
    assert not (git_repo / "releases/R2026-02/signatures/tokenfabriek.yaml").exists()
