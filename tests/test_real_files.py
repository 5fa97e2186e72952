"""Only real files, only inside the repository: a link or special file in the record folders
or in templates/ is a located error wherever eta meets it, is never followed, and nothing
behind it is ever shown.

Each attack is made with real links, a real FIFO and real git repositories; each output is
searched for the secret that the file behind the link holds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, commit, git, run_eta
from plan_helpers import example_key, snapshot

SECRET = "ghp_R3alT0kenThatMustNeverBeShown0123456789"
INCIDENT = "2026-11-16-q738dq"
INCIDENT_PATH = f"incidents/{INCIDENT}.yaml"
SYMLINK_MESSAGE = ("a symbolic link; eta reads only real files inside the repository and never "
                   "follows a link")
SYMLINK_HINT = "replace the link by the file or folder itself"
#: What `eta check` finds in the example records as they are (conftest.EXAMPLES_WARNING).
EXAMPLES_FINDING = (INCIDENT_PATH, 9, 9, "incident.classification.overdue",
                    "the classification was due when the response time ran out, at 2026-11-16 "
                    "17:30 CET: complete the classification (K1 waits for "
                    "facts.major_image_impact)")


def secret_file(folder: Path, name: str = "secrets.yaml") -> Path:
    """A file outside the repository whose text would show up in a diagnostic if read: an
    unknown key is quoted in its finding."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"# yaml-language-server: $schema=../schemas/incident.schema.json\n"
                    f"{SECRET}: {SECRET}\ntoken: {SECRET}\n")
    return path


def findings(root: Path, *args: str) -> tuple[int, list[tuple[str, int, int, str, str]]]:
    outcome = run_eta("check", "--format", "json", "--no-cache", "--today", EXAMPLES_DATE,
                      *args, cwd=root)
    assert SECRET not in outcome.stdout + outcome.stderr
    found = json.loads(outcome.stdout)["diagnostics"]
    return outcome.exit_code, [(d["file"], d["line"], d["column"], d["code"], d["message"])
                               for d in found]


def refused(name: str) -> tuple[str, int, int, str, str]:
    return (name, 1, 1, "file.symlink", SYMLINK_MESSAGE)


# -- eta check -----------------------------------------------------------------------------

def test_a_record_linked_to_a_file_outside_is_refused_in_every_format(
    repo: Path, tmp_path: Path
) -> None:
    (repo / INCIDENT_PATH).unlink()
    (repo / INCIDENT_PATH).symlink_to(secret_file(tmp_path / "outside"))
    assert findings(repo) == (1, [refused(INCIDENT_PATH)])
    for fmt in ("text", "github", "sarif"):
        outcome = run_eta("check", "--format", fmt, "--no-cache", "--today", EXAMPLES_DATE,
                          cwd=repo)
        assert outcome.exit_code == 1
        assert SECRET not in outcome.stdout + outcome.stderr
    text = run_eta("check", "--no-cache", "--today", EXAMPLES_DATE, cwd=repo).stdout
    assert text == (f"{INCIDENT_PATH}:1:1: error [file.symlink] {SYMLINK_MESSAGE}\n"
                    f"    hint: {SYMLINK_HINT}\n"
                    "40 files checked: 1 error, 0 warnings\n")


def test_a_path_check_through_a_linked_folder_names_the_link(repo: Path, tmp_path: Path
                                                             ) -> None:
    outside = tmp_path / "outside"
    shutil.move(repo / "releases/R2026-02/signatures", outside)
    (repo / "releases/R2026-02/signatures").symlink_to(outside, target_is_directory=True)
    for given in ("releases/R2026-02/signatures/logius.yaml", "releases/R2026-02/signatures",
                  "releases/R2026-02"):
        code, found = findings(repo, given)
        assert (code, [f for f in found if f[3] == "file.symlink"]) == (
            1, [refused("releases/R2026-02/signatures")]), given
    # The plan counts no signature behind the link.
    code, found = findings(repo)
    assert code == 1
    assert refused("releases/R2026-02/signatures") in found


def test_a_linked_record_folder_is_refused_as_a_whole(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "incidents"
    shutil.move(repo / "incidents", outside)
    (repo / "incidents").symlink_to(outside, target_is_directory=True)
    assert findings(repo) == (1, [refused("incidents")])


def test_a_link_to_a_file_inside_the_repository_is_refused_too(repo: Path) -> None:
    copy = "afspraken/parties/kopie.yaml"
    (repo / copy).symlink_to(repo / "afspraken/parties/logius.yaml")
    assert findings(repo) == (1, [refused(copy), EXAMPLES_FINDING])


def test_a_named_pipe_never_blocks_a_check_and_is_a_special_file(repo: Path) -> None:
    os.mkfifo(repo / "incidents/pijp.yaml")
    (repo / "templates").mkdir()
    os.mkfifo(repo / "templates/plan.md.j2")
    # In a child process, so that a check that waited on the pipe would fail, not hang.
    outcome = subprocess.run(
        [sys.executable, "-m", "eta", "check", "--format", "json", "--no-cache", "--today",
         EXAMPLES_DATE], cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    assert outcome.returncode == 1
    message = "a FIFO (named pipe), not a regular file; a record is a plain file"
    assert [(d["file"], d["code"], d["message"])
            for d in json.loads(outcome.stdout)["diagnostics"]] == [
        (INCIDENT_PATH, EXAMPLES_FINDING[3], EXAMPLES_FINDING[4]),
        ("incidents/pijp.yaml", "file.special", message),
        ("templates/plan.md.j2", "file.special", message),
    ]


def test_the_environment_behind_a_link_is_never_printed(repo: Path) -> None:
    (repo / INCIDENT_PATH).unlink()
    (repo / INCIDENT_PATH).symlink_to("/proc/self/environ")
    outcome = subprocess.run(
        [sys.executable, "-m", "eta", "check", "--no-cache", "--today", EXAMPLES_DATE],
        cwd=repo, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ETA_TEST_SECRET": SECRET})
    assert (outcome.returncode, outcome.stdout, outcome.stderr) == (
        1, f"{INCIDENT_PATH}:1:1: error [file.symlink] {SYMLINK_MESSAGE}\n"
           f"    hint: {SYMLINK_HINT}\n40 files checked: 1 error, 0 warnings\n", "")


def test_the_root_reached_through_a_link_is_fine(repo: Path, tmp_path: Path) -> None:
    way = tmp_path / "way-in"
    way.symlink_to(repo, target_is_directory=True)
    outcome = run_eta("check", "--no-cache", "--today", EXAMPLES_DATE, "--root", str(way),
                      str(way / INCIDENT_PATH))
    assert (outcome.exit_code, outcome.stdout) == (
        0, f"{EXAMPLES_WARNING}1 file checked: 0 errors, 1 warning\n")


# -- eta check --base ----------------------------------------------------------------------

def limited_memory() -> None:
    """A child that reads /dev/zero into memory fails at 1 GiB instead of taking the
    machine down."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_committed_link_to_dev_zero_is_refused_without_reading_it(git_repo: Path) -> None:
    (git_repo / INCIDENT_PATH).unlink()
    (git_repo / INCIDENT_PATH).symlink_to("/dev/zero")
    commit(git_repo, "An endless incident", "2026-11-20T10:00:00+01:00")
    for args in ([], ["--changed-only"]):
        outcome = subprocess.run(
            [sys.executable, "-m", "eta", "check", "--base", "HEAD~1", "--no-cache",
             "--today", EXAMPLES_DATE, *args], cwd=git_repo, capture_output=True, text=True,
            timeout=120, check=False, preexec_fn=limited_memory)
        checked = "40 files" if not args else "1 file"
        assert (outcome.returncode, outcome.stdout, outcome.stderr) == (
            1, f"{INCIDENT_PATH}:1:1: error [file.symlink] {SYMLINK_MESSAGE}\n"
               f"    hint: {SYMLINK_HINT}\n{checked} checked: 1 error, 0 warnings\n", ""), args


def test_a_link_git_holds_is_refused_where_it_is_checked_out_as_a_plain_file(
    git_repo: Path, tmp_path: Path
) -> None:
    target = secret_file(tmp_path / "outside")
    (git_repo / "afspraken/parties/extra.yaml").symlink_to(target)
    commit(git_repo, "A party behind a link", "2026-11-20T10:00:00+01:00")
    # As git writes a link where links are off (core.symlinks=false): a file of its target.
    (git_repo / "afspraken/parties/extra.yaml").unlink()
    (git_repo / "afspraken/parties/extra.yaml").write_text(str(target))
    git(git_repo, "update-index", "--assume-unchanged", "afspraken/parties/extra.yaml")
    code, found = findings(git_repo, "--base", "HEAD~1")
    assert code == 1
    assert refused("afspraken/parties/extra.yaml") in found


def test_a_submodule_in_the_record_folders_is_refused(git_repo: Path) -> None:
    blob = "0123456789abcdef0123456789abcdef01234567"
    git(git_repo, "update-index", "--add", "--cacheinfo", f"160000,{blob},releases/R2099-01")
    git(git_repo, "commit", "-q", "-m", "A release from elsewhere")
    (git_repo / "releases/R2099-01").mkdir()  # as a checkout leaves a submodule not cloned
    code, found = findings(git_repo, "--base", "HEAD~1")
    assert (code, [f for f in found if f[3] == "file.submodule"]) == (1, [
        ("releases/R2099-01", 1, 1, "file.submodule",
         "a git submodule; records and templates are files of this repository itself"),
    ])


# -- reports and templates -----------------------------------------------------------------

def test_a_template_linked_to_a_file_outside_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "plan.md.j2").write_text(f"{SECRET}\n")
    (repo / "templates").mkdir()
    (repo / "templates/plan.md.j2").symlink_to(outside / "plan.md.j2")
    outcome = run_eta("report", "plan", "R2026-01", "--today", EXAMPLES_DATE, cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", f"eta: error: templates/plan.md.j2:1:1: {SYMLINK_MESSAGE}\n")
    assert findings(repo) == (1, [EXAMPLES_FINDING, refused("templates/plan.md.j2")])
    out = tmp_path / "out"
    everything = run_eta("report", "all", "--output-dir", str(out), cwd=repo)
    # The plan reports are refused by name, the others written: none holds the secret.
    assert everything.exit_code == 1
    assert everything.stderr.count(f"templates/plan.md.j2:1:1: {SYMLINK_MESSAGE}") == 3
    assert SECRET not in everything.stdout + everything.stderr
    assert not any(SECRET in report.read_text() for report in out.iterdir())


def test_a_linked_template_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "incident.md.j2").write_text(f"{SECRET}\n")
    (repo / "templates").symlink_to(outside, target_is_directory=True)
    outcome = run_eta("report", "incident", INCIDENT, cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: templates:1:1: {SYMLINK_MESSAGE}\n")


def test_a_report_never_shows_a_record_behind_a_link(repo: Path, tmp_path: Path) -> None:
    (repo / INCIDENT_PATH).unlink()
    (repo / INCIDENT_PATH).symlink_to(secret_file(tmp_path / "outside"))
    outcome = run_eta("report", "incident", INCIDENT, cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: records this command reads are not valid; fix them first "
               f"(`eta check` shows all):\n  {INCIDENT_PATH}:1:1: {SYMLINK_MESSAGE}\n")
    overview = run_eta("report", "overview", cwd=repo)
    assert SECRET not in overview.stdout + overview.stderr


def test_a_report_of_a_revision_refuses_the_link_it_held(git_repo: Path, tmp_path: Path
                                                         ) -> None:
    (git_repo / INCIDENT_PATH).unlink()
    (git_repo / INCIDENT_PATH).symlink_to(secret_file(tmp_path / "outside"))
    head = commit(git_repo, "An incident behind a link", "2026-11-20T10:00:00+01:00")
    outcome = run_eta("report", "overview", "--at", "HEAD", cwd=git_repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", f"eta: error: {INCIDENT_PATH}:1:1: {SYMLINK_MESSAGE} (at {head[:12]})\n")


# -- editing commands ----------------------------------------------------------------------

def test_an_edit_neither_reads_nor_writes_through_a_link(repo: Path, tmp_path: Path) -> None:
    target = secret_file(tmp_path / "outside")
    before = target.read_bytes()
    (repo / INCIDENT_PATH).unlink()
    (repo / INCIDENT_PATH).symlink_to(target)
    outcome = run_eta("incident", "log", INCIDENT, "Verder.", "--at", "2026-11-17T10:00",
                      cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: records this command reads are not valid; fix them first "
               f"(`eta check` shows all):\n  {INCIDENT_PATH}:1:1: {SYMLINK_MESSAGE}\n")
    assert target.read_bytes() == before


def test_signing_into_a_linked_signatures_folder_is_refused(repo: Path, tmp_path: Path
                                                            ) -> None:
    outside = tmp_path / "outside"
    shutil.move(repo / "releases/R2026-02/signatures", outside)
    (repo / "releases/R2026-02/signatures").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    key = tmp_path / "lvisser"
    shutil.copy(example_key("kenniskaart", "lvisser"), key)
    shutil.copy(example_key("kenniskaart", "lvisser").with_suffix(".pub"),
                key.with_suffix(".pub"))
    key.chmod(0o600)
    outcome = run_eta("plan", "sign", "R2026-02", "--party", "kenniskaart", "--key", str(key),
                      cwd=repo)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2, "", "eta: error: records this command reads are not valid; fix them first "
               "(`eta check` shows all):\n  releases/R2026-02/signatures:1:1: "
               f"{SYMLINK_MESSAGE}\n")
    assert snapshot(outside) == before
    status = run_eta("plan", "status", "R2026-02", cwd=repo)
    assert status.exit_code == 2


@pytest.mark.parametrize("where", ["file", "folder"])
def test_writing_refuses_a_link_in_the_way(repo: Path, tmp_path: Path, where: str) -> None:
    from eta.errors import EtaError
    from eta.records.files import NotReal, write_real

    outside = tmp_path / "outside"
    outside.mkdir()
    if where == "folder":
        (repo / "incidents").rename(tmp_path / "moved")
        (repo / "incidents").symlink_to(outside, target_is_directory=True)
    else:
        (repo / INCIDENT_PATH).unlink()
        (repo / INCIDENT_PATH).symlink_to(outside / "x.yaml")
    with pytest.raises(NotReal) as refused_write:
        write_real(repo, INCIDENT_PATH, b"id: x\n")
    assert str(refused_write.value) == (
        f"{'incidents' if where == 'folder' else INCIDENT_PATH}: {SYMLINK_MESSAGE}")
    assert not isinstance(refused_write.value, EtaError)
    assert list(outside.iterdir()) == []
