"""`eta check --format sarif` writes SARIF 2.1.0: validated against the specification's schema.

tests/data/sarif-schema-2.1.0.json is the schema of the OASIS committee specification with
its description annotations left out (they do not take part in validation).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from change_helpers import INCIDENT_PATH, write
from conftest import PROJECT, run_eta

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


def test_a_clean_check_is_valid_sarif() -> None:
    document = sarif(PROJECT)
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
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["yaml.syntax"]


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
