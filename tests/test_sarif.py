"""`eta check --format sarif` writes SARIF 2.1.0: validated against the specification's schema.

tests/data/sarif-schema-2.1.0.json is the schema of the OASIS committee specification with
its description annotations left out (they do not take part in validation).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from change_helpers import INCIDENT_PATH, edit, write
from conftest import EXAMPLES_DATE, PROJECT, run_eta
from eta.catalogue import CATALOGUE, as_markdown
from eta.check.formats import SARIF_FINGERPRINT

SCHEMA = json.loads((PROJECT / "tests/data/sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def sarif(root: Path, *args: str) -> dict[str, Any]:
    outcome = run_eta("check", "--format", "sarif", *args, cwd=root)
    assert outcome.exit_code in (0, 1), outcome.stderr
    document: dict[str, Any] = json.loads(outcome.stdout)
    return document


def problems(document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in VALIDATOR.iter_errors(document)]


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)


#: The rule of the example records' own warning (conftest.EXAMPLES_WARNING).
EXAMPLES_RULE = "incident.classification.overdue"
EXAMPLES_FILE = "incidents/2026-11-16-q738dq.yaml"


def test_a_clean_check_is_valid_sarif() -> None:
    document = sarif(PROJECT, "--today", EXAMPLES_DATE, "afspraken", "releases")
    assert problems(document) == []
    assert document["runs"][0]["results"] == []


def test_errors_and_warnings_are_valid_sarif(git_repo: Path) -> None:
    write(git_repo, "afspraken/parties/kapot.yaml",
          "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
          "id: kapot\nname: Kapot\nroles: [herkenningsmakelar]\n")
    write(git_repo, "incidents/notes.yml", "text: no record\n")
    (git_repo / "afspraken/parties/volmacht.yaml").unlink()
    document = sarif(git_repo, "--base", "HEAD")
    assert problems(document) == []
    results = document["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning"}
    assert {r["ruleId"] for r in results} >= {"record.value", "path.unknown",
                                              "base.record.deleted"}
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_a_yaml_syntax_error_is_valid_sarif(git_repo: Path) -> None:
    write(git_repo, INCIDENT_PATH,
          "# yaml-language-server: $schema=../schemas/incident.schema.json\n"
          "id: x\n  bad: [indent\n")
    document = sarif(git_repo)
    assert problems(document) == []
    assert sorted(r["ruleId"] for r in document["runs"][0]["results"]) == [
        EXAMPLES_RULE, "yaml.syntax"]


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("runs", 0, "results", 0, "level"), "fatal", "'fatal' is not one of"),
    (("runs", 0, "results", 0, "locations", 0, "physicalLocation", "region", "startLine"), 0,
     "0 is less than the minimum of 1"),
    (("version",), "2.0.0", "'2.0.0' is not one of ['2.1.0']"),
])
def test_the_schema_refuses_what_sarif_forbids(
    git_repo: Path, path: tuple[str | int, ...], value: Any, expected: str
) -> None:
    (git_repo / "afspraken/parties/volmacht.yaml").unlink()
    document = copy.deepcopy(sarif(git_repo, "--base", "HEAD"))
    holder: Any = document
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = value
    found = problems(document)
    assert len(found) == 1
    assert expected in found[0]


# -- what code scanning shows ----------------------------------------------------------------

def findings_repo(root: Path) -> Path:
    """The example records with an error, a warning and a file named with a space and
    non-ASCII letters."""
    write(root, "afspraken/parties/kapot.yaml",
          "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
          "id: kapot\nname: Kapot\nroles: [herkenningsmakelar]\n")
    write(root, "incidents/notities van Zoë.yml", "text: no record\n")
    return root


def test_each_rule_carries_the_catalogues_descriptions_and_help(git_repo: Path) -> None:
    document = sarif(findings_repo(git_repo))
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(rules) == [EXAMPLES_RULE, "path.unknown", "record.value"]
    entry = CATALOGUE["path.unknown"]
    assert rules["path.unknown"] == {
        "id": "path.unknown",
        "shortDescription": {"text": entry.title},
        "fullDescription": {"text": entry.explanation},
        "help": {"text": f"{entry.explanation}\n\nFix: {entry.fix}",
                 "markdown": as_markdown(entry)},
        "helpUri": "https://github.com/eherkenning/eta/blob/main/docs/rules.md#pathunknown",
        "defaultConfiguration": {"level": "warning"},
    }
    assert document["runs"][0]["columnKind"] == "unicodeCodePoints"
    assert document["runs"][0]["tool"]["driver"]["informationUri"] == (
        "https://github.com/eherkenning/eta")


def test_a_path_with_spaces_and_non_ascii_letters_is_a_uri(git_repo: Path) -> None:
    results = sarif(findings_repo(git_repo))["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"afspraken/parties/kapot.yaml", EXAMPLES_FILE,
                    "incidents/notities%20van%20Zo%C3%AB.yml"}


def _fingerprints(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["ruleId"], r["partialFingerprints"][SARIF_FINGERPRINT])
            for r in document["runs"][0]["results"]]


def test_a_finding_keeps_its_fingerprint_when_its_line_moves(git_repo: Path) -> None:
    before = _fingerprints(sarif(findings_repo(git_repo)))
    edit(git_repo, "afspraken/parties/kapot.yaml", "id: kapot\n",
         "# Een nieuwe partij.\nid: kapot\n")
    moved = sarif(git_repo)
    assert _fingerprints(moved) == before
    assert moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"][
        "startLine"] == 5
    assert len({fingerprint for _, fingerprint in before}) == len(before) == 3


def test_equal_findings_in_one_file_get_fingerprints_of_their_own(git_repo: Path) -> None:
    write(git_repo, "afspraken/parties/kapot.yaml",
          "# yaml-language-server: $schema=../../schemas/party.schema.json\n"
          "id: kapot\nname: Kapot\nroles: [herkenningsmakelar, herkenningsmakelar]\n")
    found = _fingerprints(sarif(git_repo))
    assert [code for code, _ in found] == ["record.value", "record.value", EXAMPLES_RULE]
    assert found[0][1] != found[1][1]


#: Where `make test` installs Microsoft's SARIF multitool.
MULTITOOL = PROJECT / ".venv" / "sarif-multitool"


def _multitool() -> Path:
    """The multitool's program; without it the test is skipped, except under CI."""
    found = sorted(MULTITOOL.glob("node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool"))
    if not found:
        message = f"Microsoft's SARIF multitool is needed in {MULTITOOL} (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found[0]


@pytest.mark.parametrize("case", ["clean", "findings", "base"])
def test_the_sarif_multitool_finds_no_error_under_githubs_rules(
    git_repo: Path, tmp_path: Path, case: str
) -> None:
    tool = _multitool()
    if case == "clean":
        document = sarif(git_repo)
    elif case == "findings":
        document = sarif(findings_repo(git_repo), "--today", "2027-06-01")
    else:
        (git_repo / "incidents/2026-11-16-q738dq.yaml").unlink()
        document = sarif(findings_repo(git_repo), "--base", "HEAD")
    log = tmp_path / "eta.sarif"
    log.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    ran = subprocess.run([str(tool), "validate", str(log), "--rule-kind", "Gh;Sarif",
                          "--output", str(out), "--log", "ForceOverwrite"],
                         capture_output=True, text=True, check=False)
    assert out.is_file(), ran.stdout + ran.stderr
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    errors = [f"{r['ruleId']}: {r['message']}" for r in results if r.get("level") == "error"]
    assert errors == []
    assert results == [] or {r.get("level") for r in results} <= {"warning", "note"}
