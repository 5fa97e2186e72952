"""`eta init DIR`: a new records repository that passes `eta check`, and eta's CI files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, git, run_eta
from eta import __version__
from eta.init import skeleton_text, workflow_text

EXPECTED_FILES = [
    ".github/workflows/eta-check.yml",
    ".pre-commit-config.yaml",
    "afspraken/criteria.yaml",
    "afspraken/parties/logius.yaml",
    "afspraken/service-levels.yaml",
    "incidents/.gitkeep",
    "releases/.gitkeep",
    "schemas/criteria.schema.json",
    "schemas/incident.schema.json",
    "schemas/party.schema.json",
    "schemas/plan-party.schema.json",
    "schemas/plan.schema.json",
    "schemas/release.schema.json",
    "schemas/service-levels.schema.json",
    "schemas/signature.schema.json",
]


def files_below(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".git" not in p.relative_to(folder).parts[:1])


def test_init_makes_a_repository_that_passes_check(tmp_path: Path) -> None:
    target = tmp_path / "records"
    outcome = run_eta("init", str(target), cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == "".join(f"wrote {name}\n" for name in EXPECTED_FILES) + (
        f"made a git repository in {target}\n"
        f"eta init: {target} is ready; `eta check` passes there\n")
    assert files_below(target) == EXPECTED_FILES
    assert (target / ".git").is_dir()
    check = run_eta("check", cwd=target)
    assert (check.exit_code, check.stdout) == (0, "3 files checked: no problems found\n")
    assert run_eta("schema", "--check", cwd=target).exit_code == 0
    assert (target / "afspraken/parties/logius.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
        "id: logius\nname: Logius, Beheerorganisatie eHerkenning\nroles:\n"
        "  - beheerorganisatie\n")


def test_the_first_pull_request_of_a_new_repository_passes_check_base(tmp_path: Path) -> None:
    target = tmp_path / "records"
    run_eta("init", str(target), cwd=tmp_path)
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "eta init")
    git(target, "checkout", "-q", "-b", "first-incident")
    outcome = run_eta("check", "--base", "main", cwd=target)
    assert (outcome.exit_code, outcome.stdout) == (0, "3 files checked: no problems found\n")


def test_init_with_the_organisation_and_a_contact(tmp_path: Path) -> None:
    outcome = run_eta("init", "new", "--organisation", "bo", "--organisation-name",
                      "Beheerorganisatie eHerkenning", "--contact-name", "Femke Hoekstra",
                      "--contact-email", "f.hoekstra@beheer.example.nl", cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    assert (tmp_path / "new/afspraken/parties/bo.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
        "id: bo\nname: Beheerorganisatie eHerkenning\nroles:\n  - beheerorganisatie\n"
        "contacts:\n  - name: Femke Hoekstra\n    email: f.hoekstra@beheer.example.nl\n")
    assert run_eta("check", cwd=tmp_path / "new").exit_code == 0


def test_init_inside_an_existing_git_repository_does_not_make_another(
    git_repo: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    git(tmp_path, "init", "-q", str(empty))
    outcome = run_eta("init", str(empty), cwd=tmp_path)
    assert outcome.exit_code == 0
    assert "made a git repository" not in outcome.stdout


def test_init_refuses_a_folder_with_records_and_writes_nothing(repo: Path) -> None:
    before = {name: (repo / name).read_bytes() for name in files_below(repo)}
    outcome = run_eta("init", str(repo))
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"eta: error: {repo} holds records or eta files already "
                                     "(afspraken/criteria.yaml, afspraken/parties/logius.yaml")
    assert {name: (repo / name).read_bytes() for name in files_below(repo)} == before


def test_init_refuses_an_invalid_party_id_and_writes_nothing(tmp_path: Path) -> None:
    outcome = run_eta("init", "new", "--organisation", "-bad id", cwd=tmp_path)
    assert outcome.exit_code == 2
    assert "afspraken/parties/-bad id.yaml" in outcome.stderr
    assert not (tmp_path / "new").exists()


def test_a_contact_needs_name_and_email(tmp_path: Path) -> None:
    outcome = run_eta("init", "new", "--contact-name", "Femke Hoekstra", cwd=tmp_path)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: --contact-name and --contact-email go together\n")
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("requirement", ['eta"; curl x | sh; "', "eta\nrun: evil"])
def test_a_requirement_that_would_break_the_workflow_is_refused(
    tmp_path: Path, requirement: str
) -> None:
    outcome = run_eta("init", "new", "--eta-requirement", requirement, cwd=tmp_path)
    assert outcome.exit_code == 2
    assert "is not a pip requirement eta can write into the workflow" in outcome.stderr
    assert not (tmp_path / "new").exists()


# -- the CI files: one source, and what they run ----------------------------------------

def test_the_workflow_eta_init_writes_installs_this_version(tmp_path: Path) -> None:
    run_eta("init", "new", cwd=tmp_path)
    text = (tmp_path / "new/.github/workflows/eta-check.yml").read_text()
    assert text == workflow_text(f"eta=={__version__}")


def test_the_example_workflow_is_the_template_eta_init_writes() -> None:
    # eta's own repository installs eta from its checkout.
    assert (PROJECT / ".github/workflows/eta-check.yml").read_text() == workflow_text(".")


def test_the_workflow_checks_the_change_with_full_history() -> None:
    workflow = yaml.safe_load(workflow_text("eta==1.0"))
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0]["with"] == {"fetch-depth": 0}
    assert steps[2]["run"] == 'python -m pip install "eta==1.0"'
    assert steps[3]["run"] == 'eta check --base "origin/$BASE_BRANCH" --format github'
    assert steps[3]["env"] == {"BASE_BRANCH": "${{ github.base_ref || 'main' }}"}


def test_the_agreements_eta_init_writes_are_those_of_this_repository() -> None:
    for name in ("criteria.yaml", "service-levels.yaml"):
        assert skeleton_text(name) == (PROJECT / "afspraken" / name).read_text()


def test_the_pre_commit_hooks_run_eta_check_on_record_files() -> None:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    local = yaml.safe_load(skeleton_text("pre-commit-config.yaml"))["repos"][0]["hooks"]
    for hook in (hooks[0], local[0]):
        assert (hook["id"], hook["entry"]) == ("eta-check", "eta check")
        assert hook.get("pass_filenames", True) is True
        assert hook["files"] == r"^(afspraken|releases|incidents)/.*\.ya?ml$"
    assert hooks[0]["language"] == "python"
    assert local[0]["language"] == "system"


def test_eta_check_takes_file_names_as_pre_commit_passes_them(git_repo: Path) -> None:
    broken = git_repo / "incidents/2026-03-01-kapot1.yaml"
    broken.write_text("# yaml-language-server: $schema=../schemas/incident.schema.json\n"
                      "id: 2026-03-01-kapot1\n")
    outcome = run_eta("check", "--format", "json", "afspraken/parties/logius.yaml",
                      "incidents/2026-03-01-kapot1.yaml", cwd=git_repo)
    document = json.loads(outcome.stdout)
    assert outcome.exit_code == 1
    assert document["files"] == 2
    assert {d["file"] for d in document["diagnostics"]} == {"incidents/2026-03-01-kapot1.yaml"}
