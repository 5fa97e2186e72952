"""`eta check --format gitlab` writes GitLab's Code Quality report, and the CI template in
ci/gitlab/ runs it on a merge request: its script is run here as GitLab's runner would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from change_helpers import edit, write
from conftest import EXAMPLES_DATE, PROJECT, commit, git, run_eta

TEMPLATE = PROJECT / "ci/gitlab/eta.gitlab-ci.yml"
BROKEN_PARTY = ("# yaml-language-server: $schema=../../schemas/party.schema.json\n"
                "id: kapot\nname: Kapot\nroles: [herkenningsmakelar]\n")


def report(root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    outcome = run_eta("check", "--format", "gitlab", *args, cwd=root)
    issues: list[dict[str, Any]] = json.loads(outcome.stdout)
    return outcome.exit_code, issues


#: The example records' own warning (conftest.EXAMPLES_WARNING), as an issue.
EXAMPLES_ISSUE = {
    "description": "the classification was due when the response time ran out, at 2026-11-16 "
    "17:30 CET: complete the classification (K1 waits for facts.major_image_impact) "
    "(`eta incident classify 2026-11-16-q738dq`)",
    "check_name": "incident.classification.overdue", "severity": "minor",
    "location": {"path": "incidents/2026-11-16-q738dq.yaml", "lines": {"begin": 9}}}


def test_a_clean_check_is_an_empty_report() -> None:
    assert report(PROJECT, "--today", EXAMPLES_DATE, "afspraken", "releases") == (0, [])


def test_each_finding_is_a_code_quality_issue(git_repo: Path) -> None:
    write(git_repo, "afspraken/parties/kapot.yaml", BROKEN_PARTY)
    write(git_repo, "incidents/notes.yml", "text: no record\n")
    code, issues = report(git_repo)
    assert code == 1
    fingerprints = [issue.pop("fingerprint") for issue in issues]
    assert issues == [
        {"description": "`roles[0]` must be one of beheerorganisatie, herkenningsmakelaar, "
         "authenticatiedienst, machtigingenregister, middelenuitgever, eidas-berichtenservice, "
         "bsnk; not the text 'herkenningsmakelar' (did you mean `herkenningsmakelaar`?)",
         "check_name": "record.value", "severity": "major",
         "location": {"path": "afspraken/parties/kapot.yaml", "lines": {"begin": 4}}},
        EXAMPLES_ISSUE,
        {"description": "record files end in .yaml; this file is not checked (rename it to "
         "incidents/notes.yaml)",
         "check_name": "path.unknown", "severity": "minor",
         "location": {"path": "incidents/notes.yml", "lines": {"begin": 1}}},
    ]
    assert all(len(f) == 64 and int(f, 16) >= 0 for f in fingerprints)
    assert len(set(fingerprints)) == 3


def test_a_fingerprint_stays_when_lines_move_and_runs_repeat(git_repo: Path) -> None:
    write(git_repo, "afspraken/parties/kapot.yaml", BROKEN_PARTY)
    first = [issue["fingerprint"] for issue in report(git_repo)[1]]
    assert [issue["fingerprint"] for issue in report(git_repo, "--no-cache")[1]] == first
    edit(git_repo, "afspraken/parties/kapot.yaml", "id: kapot\n", "# Nieuw.\nid: kapot\n")
    _, moved = report(git_repo)
    assert [issue["fingerprint"] for issue in moved] == first
    assert moved[0]["location"]["lines"]["begin"] == 5


def test_the_format_is_one_of_the_choices_of_eta_check() -> None:
    outcome = run_eta("check", "--format", "gitlabs")
    assert outcome.exit_code == 2
    assert "'text', 'json', 'github', 'sarif', 'gitlab'" in outcome.stderr


def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return loaded


def test_the_template_runs_on_merge_requests_and_publishes_the_report() -> None:
    job = template()["eta-check"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"] == {"when": "always",
                                "reports": {"codequality": "gl-code-quality-report.json"}}
    assert job["before_script"] == [
        'python -m pip install --quiet "git+${ETA_SOURCE}@${ETA_VERSION}"']
    assert template()["variables"] == {"ETA_VERSION": "v0.1.0",
                                       "ETA_SOURCE": "https://github.com/eherkenning/eta"}


def merge_request(git_repo: Path, tmp_path: Path, change: str | None) -> Path:
    """A clone of the records on a branch of a merge request into `main`."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(git_repo), str(clone))
    git(clone, "checkout", "-q", "-b", "change")
    if change is not None:
        (clone / change).unlink()
        commit(clone, "The change", "2026-11-25T10:00:00+01:00")
    return clone


def run_script(clone: Path) -> subprocess.CompletedProcess[str]:
    """The job's script, as GitLab's runner runs it: one shell, stopping at a failure."""
    script = "\n".join(["set -eo pipefail", *template()["eta-check"]["script"]])
    env = {**os.environ, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", script], cwd=clone, env=env, capture_output=True,
                          text=True, check=False)


@pytest.mark.parametrize(("change", "status", "codes"), [
    (None, 0, ["incident.classification.overdue"]),
    ("incidents/2026-11-16-q738dq.yaml", 1, ["base.record.deleted"]),
])
def test_the_template_checks_the_change_against_the_target_branch(
    git_repo: Path, tmp_path: Path, change: str | None, status: int, codes: list[str]
) -> None:
    clone = merge_request(git_repo, tmp_path, change)
    ran = run_script(clone)
    assert ran.returncode == status, ran.stderr
    issues = json.loads((clone / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [issue["check_name"] for issue in issues] == codes
    if change is not None:
        assert issues[0]["location"] == {"path": change, "lines": {"begin": 1}}
        assert f"{change}:1:1: error [base.record.deleted]" in ran.stdout
