"""`eta init DIR`: a new records repository that passes `eta check`, and eta's CI files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from client_helpers import actionlint
from conftest import PROJECT, git, run_eta
from eta import __version__
from eta.init import default_action, skeleton_text, workflow_text

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
    "schemas/reporting-duties.schema.json",
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


@pytest.mark.parametrize("action", ['x/y@v1"; curl x | sh; "', "x/y@v1\n      - run: evil",
                                    "eherkenning-eta==0.1.0", "x/y", "x/y@-v1"])
def test_an_action_that_is_not_a_plain_reference_is_refused(tmp_path: Path, action: str) -> None:
    outcome = run_eta("init", "new", "--action", action, cwd=tmp_path)
    assert outcome.exit_code == 2
    assert outcome.stderr == (f"eta: error: {action!r} is not an action eta can write into "
                              "the workflow (OWNER/REPO@TAG)\n")
    assert not (tmp_path / "new").exists()


# -- the CI files: one source, and what they run ----------------------------------------

def workflow_of(folder: Path) -> dict[str, Any]:
    return loaded_workflow((folder / ".github/workflows/eta-check.yml").read_text())


def loaded_workflow(text: str) -> dict[str, Any]:
    # PyYAML reads YAML 1.1, where the key `on` is true.
    document = yaml.safe_load(text)
    return {"on" if key is True else key: value for key, value in document.items()}


def test_the_workflow_eta_init_writes_uses_eta_s_action_at_this_version(tmp_path: Path) -> None:
    run_eta("init", "new", cwd=tmp_path)
    text = (tmp_path / "new/.github/workflows/eta-check.yml").read_text()
    assert text == workflow_text(f"eherkenning/eta@v{__version__}")
    steps = workflow_of(tmp_path / "new")["jobs"]["check"]["steps"]
    assert steps == [{"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}},
                     {"uses": f"eherkenning/eta@v{__version__}"}]
    assert "pip install" not in text


def test_the_workflow_names_the_action_it_is_given(tmp_path: Path) -> None:
    outcome = run_eta("init", "new", "--action", "example-org/eta-fork@v2.0.1", cwd=tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    steps = workflow_of(tmp_path / "new")["jobs"]["check"]["steps"]
    assert steps[1] == {"uses": "example-org/eta-fork@v2.0.1"}


def test_init_makes_main_where_git_would_make_master(tmp_path: Path) -> None:
    (Path(os.environ["GIT_CONFIG_GLOBAL"])).write_text(
        "[user]\n\tname = Femke Hoekstra\n\temail = f.hoekstra@beheer.example.nl\n"
        "[init]\n\tdefaultBranch = master\n")
    assert run_eta("init", "new", cwd=tmp_path).exit_code == 0
    assert git(tmp_path / "new", "symbolic-ref", "HEAD") == "refs/heads/main\n"
    assert workflow_of(tmp_path / "new")["on"]["push"] == {"branches": ["main"]}


def test_init_in_a_repository_triggers_on_its_branch(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--initial-branch", "trunk", "records")
    assert run_eta("init", "records", cwd=tmp_path).exit_code == 0
    assert workflow_of(tmp_path / "records")["on"] == {"pull_request": None,
                                                        "push": {"branches": ["trunk"]}}


def test_a_branch_name_is_written_as_a_yaml_string() -> None:
    workflow = loaded_workflow(workflow_text("x/y@v1", 'a"b: [c]'))
    assert workflow["on"]["push"] == {"branches": ['a"b: [c]']}


def test_the_example_workflow_is_the_template_eta_init_writes() -> None:
    # eta's own repository runs the action of its own checkout.
    assert (PROJECT / ".github/workflows/eta-check.yml").read_text() == workflow_text("./")


def test_the_workflows_pass_actionlint(tmp_path: Path) -> None:
    written = tmp_path / "eta-check.yml"
    written.write_text(workflow_text(f"eherkenning/eta@v{__version__}"))
    assert actionlint(written, PROJECT / ".github/workflows/eta-check.yml") == []


def action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((PROJECT / "action.yml").read_text())
    return document


def test_the_action_s_steps_pass_actionlint_as_a_job(tmp_path: Path) -> None:
    # actionlint reads workflows only: the action's steps are linted as the steps of a job
    # of a reusable workflow that has the action's inputs.
    metadata = action()
    inputs = {name: {"type": "string", "required": False, "default": spec["default"]}
              for name, spec in metadata["inputs"].items()}
    steps = [{key: value for key, value in step.items() if key != "shell"}
             for step in metadata["runs"]["steps"]]
    job = {"runs-on": "ubuntu-latest", "defaults": {"run": {"shell": "bash"}},
           "steps": steps}
    workflow = tmp_path / "as-a-job.yml"
    workflow.write_text(yaml.safe_dump({"on": {"workflow_call": {"inputs": inputs}},
                                        "jobs": {"check": job}}, sort_keys=False))
    assert actionlint(workflow) == []
    assert all(step.get("shell") == "bash" for step in metadata["runs"]["steps"]
               if "run" in step)


def test_the_action_installs_eta_from_its_own_source() -> None:
    metadata = action()
    assert metadata["runs"]["using"] == "composite"
    install = metadata["runs"]["steps"][1]
    assert install["env"] == {"ETA_SOURCE": "${{ github.action_path }}"}
    assert install["run"] == (
        'python -m pip install --disable-pip-version-check "$ETA_SOURCE"')


def run_action_step(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One `run` step of the action, in bash as the runner runs it, with the eta of this
    test run on the PATH."""
    step = next(step for step in action()["runs"]["steps"] if step.get("name") == name)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, capture_output=True,
                          text=True, check=False, env={**os.environ, **env, "PATH": path})


def test_the_action_checks_the_change_since_the_pull_request_s_base(
    git_repo: Path, tmp_path: Path
) -> None:
    git(git_repo, "checkout", "-q", "-b", "feature")
    incident = git_repo / "incidents/2026-11-16-q738dq.yaml"
    incident.write_text(incident.read_text().replace("title:", "titel:", 1))
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    base = run_action_step("Find the base of the change", git_repo, {
        "BASE_INPUT": "", "BASE_BRANCH": "main", "GITHUB_OUTPUT": str(output)})
    assert (base.returncode, output.read_text()) == (0, "ref=origin/main\n")
    check = run_action_step("Check the records", git_repo, {
        "BASE": "main", "GITHUB_STEP_SUMMARY": str(summary)})
    assert check.returncode == 1
    assert check.stdout.startswith("::error file=incidents/2026-11-16-q738dq.yaml,")
    assert "eta check" in summary.read_text()
    sarif = run_action_step("Write the findings as SARIF", git_repo, {
        "BASE": "main", "RUNNER_TEMP": str(tmp_path)})
    assert sarif.returncode == 0, sarif.stderr
    assert json.loads((tmp_path / "eta.sarif").read_text())["version"] == "2.1.0"


def test_the_action_stops_on_an_error_that_is_no_finding(git_repo: Path, tmp_path: Path) -> None:
    sarif = run_action_step("Write the findings as SARIF", git_repo, {
        "BASE": "no-such-revision", "RUNNER_TEMP": str(tmp_path)})
    assert sarif.returncode == 2


def test_the_base_input_takes_precedence(tmp_path: Path) -> None:
    output = tmp_path / "output"
    base = run_action_step("Find the base of the change", tmp_path, {
        "BASE_INPUT": "origin/release-1", "BASE_BRANCH": "main", "GITHUB_OUTPUT": str(output)})
    assert (base.returncode, output.read_text()) == (0, "ref=origin/release-1\n")


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


def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], capture_output=True,
                          text=True, check=False)


def test_pre_commit_reads_the_hook_and_the_configuration_eta_init_writes(
    tmp_path: Path,
) -> None:
    manifest = pre_commit("validate-manifest", str(PROJECT / ".pre-commit-hooks.yaml"))
    assert (manifest.returncode, manifest.stdout, manifest.stderr) == (0, "", "")
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(skeleton_text("pre-commit-config.yaml"))
    validated = pre_commit("validate-config", str(config))
    assert (validated.returncode, validated.stdout, validated.stderr) == (0, "", "")


def test_the_distribution_builds_with_its_licence_from_a_clean_checkout(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT,
        capture_output=True, text=True, check=True).stdout
    checkout = tmp_path / "checkout"
    for name in filter(None, listed.split("\0")):
        if (PROJECT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            (checkout / name).write_bytes((PROJECT / name).read_bytes())
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(tmp_path / "dist")],
        cwd=checkout, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    licence = (PROJECT / "LICENSE").read_text()
    assert licence.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    stem = f"eherkenning_eta-{__version__}"
    with zipfile.ZipFile(tmp_path / "dist" / f"{stem}-py3-none-any.whl") as wheel:
        assert wheel.read(f"{stem}.dist-info/licenses/LICENSE").decode() == licence
        metadata = wheel.read(f"{stem}.dist-info/METADATA").decode()
        assert "Name: eherkenning-eta\n" in metadata
        assert "License-Expression: EUPL-1.2\n" in metadata
        assert wheel.read(f"{stem}.dist-info/entry_points.txt").decode() == (
            "[console_scripts]\neta = eta.main:main\n")
        assert "eta/skeleton/eta-check.yml" in wheel.namelist()
    with tarfile.open(tmp_path / "dist" / f"{stem}.tar.gz") as sdist:
        names = sdist.getnames()
        member = sdist.extractfile(f"{stem}/LICENSE")
        assert member is not None and member.read().decode() == licence
    assert {f"{stem}/action.yml", f"{stem}/pyproject.toml", f"{stem}/src/eta/cli/__init__.py"
            } <= set(names)


def test_the_readme_shows_the_action_and_the_hook_at_this_version() -> None:
    readme = (PROJECT / "README.md").read_text()
    assert f"      - uses: {default_action()}\n" in readme
    assert f"    rev: v{__version__}\n" in readme
