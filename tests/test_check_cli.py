"""`eta check` on the command line: finding the repository, formats, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES_DATE, EXAMPLES_WARNING, PROJECT, run_eta

BROKEN_PARTY = (
    "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
    "id: kapot\nname: Kapot, B.V.\nroles: [herkenningsmakelar]\ncontact: []\n"
)


@pytest.fixture
def broken(repo: Path) -> Path:
    (repo / "afspraken/parties/kapot.yaml").write_text(BROKEN_PARTY)
    return repo


def test_text_format_lists_findings_with_hints_and_a_summary(broken: Path) -> None:
    outcome = run_eta("check", "afspraken/parties/kapot.yaml", cwd=broken)
    assert outcome.exit_code == 1
    assert outcome.stdout == (
        "afspraken/parties/kapot.yaml:4:9: error [record.value] `roles[0]` must be one of "
        "beheerorganisatie, herkenningsmakelaar, authenticatiedienst, machtigingenregister, "
        "middelenuitgever, eidas-berichtenservice, bsnk; not the text 'herkenningsmakelar'\n"
        "    hint: did you mean `herkenningsmakelaar`?\n"
        "afspraken/parties/kapot.yaml:5:1: error [record.unknown-key] unknown key `contact`\n"
        "    hint: did you mean `contacts`?\n"
        "1 file checked: 2 errors, 0 warnings\n"
    )


def test_json_format_is_one_documented_object(broken: Path) -> None:
    outcome = run_eta("check", "--format", "json", "afspraken/parties/kapot.yaml", cwd=broken)
    assert outcome.exit_code == 1
    document = json.loads(outcome.stdout)
    assert document["version"] == 1
    assert document["files"] == 1
    assert document["summary"] == {"errors": 2, "warnings": 0}
    assert document["diagnostics"][1] == {
        "file": "afspraken/parties/kapot.yaml", "line": 5, "column": 1, "severity": "error",
        "code": "record.unknown-key", "message": "unknown key `contact`",
        "hint": "did you mean `contacts`?",
    }


def test_github_format_prints_escaped_workflow_annotations_and_a_summary(
    broken: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    outcome = run_eta("check", "--format", "github", "afspraken/parties/kapot.yaml",
                      cwd=broken, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines() == [
        "::error file=afspraken/parties/kapot.yaml,line=4,col=9,title=record.value::`roles[0]` "
        "must be one of beheerorganisatie, herkenningsmakelaar, authenticatiedienst, "
        "machtigingenregister, middelenuitgever, eidas-berichtenservice, bsnk; not the text "
        "'herkenningsmakelar' (did you mean `herkenningsmakelaar`?)",
        "::error file=afspraken/parties/kapot.yaml,line=5,col=1,title=record.unknown-key::"
        "unknown key `contact` (did you mean `contacts`?)",
        "1 file checked: 2 errors, 0 warnings",
    ]
    assert summary.read_text().splitlines()[:6] == [
        "## eta check", "", "1 file checked: 2 errors, 0 warnings", "",
        "| | Location | Code | Message |", "|---|---|---|---|",
    ]


def test_sarif_format_locates_each_result(broken: Path) -> None:
    outcome = run_eta("check", "--format", "sarif", "afspraken/parties/kapot.yaml", cwd=broken)
    assert outcome.exit_code == 1
    run = json.loads(outcome.stdout)["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
        "record.unknown-key", "record.value",
    ]
    fingerprint = run["results"][1].pop("partialFingerprints")["etaFinding/v1"]
    assert len(fingerprint) == 64
    assert run["results"][1] == {
        "ruleId": "record.unknown-key", "ruleIndex": 0, "level": "error",
        "message": {"text": "unknown key `contact` (did you mean `contacts`?)"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "afspraken/parties/kapot.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 5, "startColumn": 1},
        }}],
    }


def test_the_repository_is_found_from_a_sub_folder(broken: Path) -> None:
    outcome = run_eta("check", "kapot.yaml", cwd=broken / "afspraken" / "parties")
    assert outcome.exit_code == 1
    assert outcome.stdout.startswith("afspraken/parties/kapot.yaml:4:9: error")


def test_root_option_checks_another_repository(broken: Path, tmp_path: Path) -> None:
    outcome = run_eta("check", "--root", str(broken), "--format", "json", cwd=tmp_path)
    assert outcome.exit_code == 1
    # Besides the broken file, the example records' own warning (conftest.EXAMPLES_WARNING).
    assert {d["file"] for d in json.loads(outcome.stdout)["diagnostics"]} == {
        "afspraken/parties/kapot.yaml", "incidents/2026-11-16-q738dq.yaml"
    }


def test_outside_a_repository_is_an_environment_error(tmp_path: Path) -> None:
    outcome = run_eta("check", cwd=tmp_path)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr == (
        f"eta: error: no eta repository at or above {tmp_path.resolve()}: no folder there "
        "holds `afspraken/`; run eta inside one, or give --root\n"
    )


def test_a_root_that_is_no_repository_is_refused(tmp_path: Path) -> None:
    outcome = run_eta("check", "--root", str(tmp_path), cwd=tmp_path)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: {tmp_path.resolve()} is no eta repository: it has no `afspraken/` "
        "folder\n",
    )


def test_a_missing_path_is_a_usage_error(repo: Path) -> None:
    outcome = run_eta("check", "incidents/nope.yaml", cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, "eta: error: no such file or folder: incidents/nope.yaml\n"
    )


def test_a_path_outside_the_repository_is_refused(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("a: 1\n")
    outcome = run_eta("check", str(elsewhere), cwd=repo)
    assert (outcome.exit_code, outcome.stderr) == (
        2, f"eta: error: {elsewhere} lies outside the repository at {repo.resolve()}\n"
    )


def test_an_unknown_format_is_a_usage_error(repo: Path) -> None:
    outcome = run_eta("check", "--format", "xml", cwd=repo)
    assert outcome.exit_code == 2
    assert "Invalid value for '--format' / '-f'" in outcome.stderr


def test_a_file_eta_does_not_know_is_a_warning_and_fails_only_under_strict(repo: Path) -> None:
    (repo / "incidents").mkdir(exist_ok=True)
    (repo / "incidents" / "notes.yml").write_text("a: 1\n")
    outcome = run_eta("check", "incidents/notes.yml", cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (0, (
        "incidents/notes.yml:1:1: warning [path.unknown] record files end in .yaml; "
        "this file is not checked\n"
        "    hint: rename it to incidents/notes.yaml\n"
        "1 file checked: 0 errors, 1 warning\n"
    ))
    assert run_eta("check", "--strict", "incidents/notes.yml", cwd=repo).exit_code == 1


def test_missing_agreements_are_reported(repo: Path) -> None:
    (repo / "afspraken/criteria.yaml").unlink()
    outcome = run_eta("check", "--format", "json", cwd=repo)
    assert outcome.exit_code == 1
    found = json.loads(outcome.stdout)["diagnostics"]
    assert {(d["file"], d["code"]) for d in found} >= {
        ("afspraken/criteria.yaml", "agreements.missing")
    }


def test_a_folder_in_place_of_an_agreement_is_no_agreement(repo: Path) -> None:
    (repo / "afspraken/service-levels.yaml").unlink()
    (repo / "afspraken/service-levels.yaml").mkdir()
    outcome = run_eta("check", "--no-cache", "afspraken", cwd=repo)
    assert (outcome.exit_code, outcome.stdout) == (1, (
        "afspraken/service-levels.yaml:1:1: error [agreements.missing] the service levels are "
        "missing: afspraken/service-levels.yaml does not exist\n"
        "    hint: `eta init` writes a skeleton of the agreements\n"
        "9 files checked: 1 error, 0 warnings\n"))


def test_version_help_and_python_m_work() -> None:
    assert run_eta("--version").stdout == "eta 0.1.0\n"
    assert "check" in run_eta("--help").stdout
    done = subprocess.run([sys.executable, "-m", "eta", "check", "--root", str(PROJECT),
                           "--today", EXAMPLES_DATE],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(EXAMPLES_WARNING)
    assert done.stdout.endswith(" files checked: 0 errors, 1 warning\n")


SPY_PLUGIN = """
import os


class Spy:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind,
                             config, plugin_settings):
        with open(os.environ["SPY_LOG"], "a") as log:
            log.write(f"{schema_type_path.module}.{schema_type_path.name}\\n")
        return None, None, None


plugin = Spy()
"""


@pytest.mark.parametrize(("disabled", "spied"), [
    (None, False), ("spy", False), ("another-plugin", True)])
def test_a_pydantic_plugin_installed_beside_eta_runs_only_where_the_user_says(
    tmp_path: Path, disabled: str | None, spied: bool
) -> None:
    """Code of another package is not run inside the validation of eta's records, unless
    the user names which plugins to leave out (and leaves this one in)."""
    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info/METADATA").write_text(
        "Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (site / "spy_plugin-1.0.dist-info/entry_points.txt").write_text(
        "[pydantic]\nspy = spy_plugin:plugin\n")
    (site / "spy_plugin.py").write_text(SPY_PLUGIN)
    log = tmp_path / "spied.txt"
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYDANTIC_DISABLE_PLUGINS"}
    environment.update(PYTHONPATH=os.pathsep.join([str(site), *sys.path]), SPY_LOG=str(log))
    if disabled is not None:
        environment["PYDANTIC_DISABLE_PLUGINS"] = disabled
    done = subprocess.run([sys.executable, "-m", "eta", "check", "--no-cache", "--root",
                           str(PROJECT), "--today", EXAMPLES_DATE],
                          capture_output=True, text=True, check=False, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("eta.models.incident.Incident" in (log.read_text() if log.exists() else "")
            ) is spied


def test_facts_after_the_day_checked_for_are_reported(repo: Path) -> None:
    release = repo / "releases/R2026-01/release.yaml"
    release.write_text(release.read_text().replace(
        "  planned_on: 2027-03-31\n", "  planned_on: 2027-03-31\n  completed_on: 2027-03-30\n"))
    incident = repo / "incidents/2026-11-16-q738dq.yaml"
    incident.write_text(incident.read_text().replace(
        "  resolved: 2026-11-17T15:20:00+01:00", "  resolved: 2026-12-02T15:20:00+01:00"))
    outcome = run_eta("check", "--root", str(repo), "--today", "2026-12-01", "--no-cache",
                      str(release), str(incident))
    assert (outcome.exit_code, outcome.stdout) == (1, (
        f"{EXAMPLES_WARNING}"
        "incidents/2026-11-16-q738dq.yaml:14:13: error [fact.future] `times.resolved` is "
        "2026-12-02T15:20:00+01:00, after 2026-12-01, the day checked for: a fact recorded as "
        "having happened cannot lie in the future\n"
        "    hint: correct it; what has not happened yet is recorded once it has\n"
        "releases/R2026-01/release.yaml:25:17: error [fact.future] `rollout.completed_on` is "
        "2027-03-30, after 2026-12-01, the day checked for: a fact recorded as having happened "
        "cannot lie in the future\n"
        "    hint: correct it; what has not happened yet is recorded once it has\n"
        "2 files checked: 2 errors, 1 warning\n"))
    # Plans and deadlines may lie ahead: the planned roll-out of 2027 is no finding.
    assert run_eta("check", "--root", str(repo), "--today", "2027-03-30", "--no-cache",
                   str(release)).exit_code == 0



def test_a_check_runs_its_rules_across_records_with_the_collector_paused(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import gc

    from eta.check import engine
    from eta.rules import index_rules

    collecting: list[bool] = []
    rules = index_rules()

    def watched(index: object) -> list[object]:
        collecting.append(gc.isenabled())
        return []

    monkeypatch.setattr(engine, "index_rules", lambda: [*rules, watched])
    was = gc.isenabled()
    gc.enable()
    try:
        result = engine.run_check(repo, today=dt.date.fromisoformat(EXAMPLES_DATE),
                                  use_cache=False)
        assert collecting == [False]
        assert gc.isenabled()
        assert result.files > 0
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
