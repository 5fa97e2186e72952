"""Every command the README shows works as shown, on a copy of this repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, git

COPIED = ("afspraken", "releases", "incidents", "schemas", "templates", "tests/example-keys")


def readme_scripts() -> list[tuple[str, str]]:
    """The README's shell blocks, each with the heading it stands under, but for `make`."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        heading = re.findall(r"^#+ (.+)$", text[: match.start()], re.MULTILINE)[-1]
        if "make " not in match.group(1):
            found.append((heading, match.group(1)))
    return found


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "eta"
    for name in COPIED:
        shutil.copytree(PROJECT / name, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The example records")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    return root


def test_the_readme_shows_commands_for_every_part_of_eta() -> None:
    assert [heading for heading, _ in readme_scripts()] == [
        "Checking records", "Releases and implementation plans", "Incidents", "History",
        "Reports for the Tactisch Beraad", "The agenda", "A new records repository",
        "From `eta init` to a plan in force", "The register of parties",
    ]


def test_every_command_in_the_readme_works_as_shown(project_copy: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "ETA_CACHE_DIR": str(project_copy.parent / "cache")}
    for heading, script in readme_scripts():
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=project_copy,
                              env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{heading}:\n{script}\n{done.stdout}\n{done.stderr}"


#: What the walk from `eta init` to a plan in force may run: eta, and what makes keys and
#: commits. No command that writes a file by hand (no editor, no `>`, no sed).
WALK_PROGRAMS = {"eta", "cd", "mkdir", "ssh-keygen", "git"}


def test_the_readme_walks_from_init_to_a_plan_in_force_with_commands_only(
        tmp_path: Path) -> None:
    import json

    [walk] = [script for heading, script in readme_scripts()
              if heading == "From `eta init` to a plan in force"]
    commands = [line for line in walk.replace("\\\n", " ").splitlines()
                if line.strip() and not line.startswith("#")]
    assert ">" not in walk.replace("->", "")
    for command in commands:
        for part in command.split("#")[0].split("&&"):
            assert part.split()[0] in WALK_PROGRAMS, command
    start = tmp_path / "start"
    start.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "ETA_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", walk], cwd=start, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "\nrelease R2027-01: draft -> in_force\n" in done.stdout
    assert done.stdout.endswith(": no problems found\n")
    shown = subprocess.run([str(Path(sys.executable).parent / "eta"), "release", "show",
                            "R2027-01", "--format", "json"], cwd=tmp_path / "eherkenning",
                           env=env, capture_output=True, text=True, check=True)
    document = json.loads(shown.stdout)
    assert document["release"]["status"] == "in_force"
    assert document["plan"]["in_force"] is True
    assert [p["signature"]["state"] for p in document["plan"]["parties"]] == ["valid", "valid"]
