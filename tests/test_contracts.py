"""Every JSON output carries its version and matches its schema in schemas/output/.

Each command's real output is validated with a JSON Schema validator against the schema
generated from its shape, so that the schema and what eta prints cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from change_helpers import edit
from conftest import EXAMPLES_DATE, PROJECT, commit, run_eta
from eta.contracts import CONTRACTS
from eta.contracts.schemas import OUTPUT_FOLDER, expected_schemas

#: For each contract, commands that print it, run on the example records (in git).
OUTPUTS: dict[str, list[tuple[str, ...]]] = {
    "check": [("check", "--today", EXAMPLES_DATE),
              ("check", "--today", "2027-06-01", "--base", "HEAD")],
    "plan-status": [("plan", "status", release, "--today", EXAMPLES_DATE)
                    for release in ("R2026-01", "R2026-02", "R2026-03")],
    "history": [("history", "logius"), ("history", "incidents/2026-11-16-q738dq.yaml")],
    "agenda": [("agenda", "--today", EXAMPLES_DATE), ("agenda", "--party", "logius",
                                                      "--days", "400", "--today", "2026-01-01")],
    "rules": [("rules",), ("rules", "plan.signature.stale")],
    "incident-list": [("incident", "list", "--now", "2026-11-28T12:00:00+01:00"),
                      ("incident", "list", "--open", "--now", "2026-11-17T12:00:00+01:00")],
    "availability": [("report", "availability", "--month", "2026-10", "--today", EXAMPLES_DATE),
                     ("report", "availability", "--month", "2026-11", "--now",
                      "2026-11-20T12:00")],
    "month": [("report", "month", "--month", "2026-10", "--today", EXAMPLES_DATE),
              ("report", "month", "--month", "2026-11", "--now", "2026-11-20T12:00")],
}


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (PROJECT / OUTPUT_FOLDER / CONTRACTS[name].schema_file).read_text(encoding="utf-8"))
    return loaded


def test_every_contract_has_outputs_that_are_validated() -> None:
    assert sorted(OUTPUTS) == sorted(CONTRACTS)


@pytest.mark.parametrize("path", sorted(expected_schemas(PROJECT)), ids=lambda p: p.name)
def test_the_checked_in_schemas_are_generated_from_the_shapes(path: Path) -> None:
    assert path.is_file(), f"{path.name} is missing: run `make schemas`"
    assert path.read_text(encoding="utf-8") == expected_schemas(PROJECT)[path], (
        f"{path.name} differs from its shape: run `make schemas`")


def test_no_schema_lies_there_without_a_contract() -> None:
    found = {p.name for p in (PROJECT / OUTPUT_FOLDER).iterdir()}
    assert found == {c.schema_file for c in CONTRACTS.values()}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_each_schema_is_a_valid_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.fixture
def history_repo(git_repo: Path) -> Path:
    edit(git_repo, "afspraken/parties/logius.yaml", "name: ", "name:  ")
    commit(git_repo, "Reflow the name", "2026-03-03T10:00:00+01:00")
    return git_repo


@pytest.mark.parametrize(("name", "args"), [
    (name, args) for name, commands in OUTPUTS.items() for args in commands
], ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_each_output_carries_its_version_and_matches_its_schema(
    history_repo: Path, name: str, args: tuple[str, ...]
) -> None:
    contract = CONTRACTS[name]
    outcome = run_eta(*args, "--format", "json", cwd=history_repo)
    assert outcome.exit_code in (0, 1), outcome.stderr
    document = json.loads(outcome.stdout)
    assert document["version"] == contract.version
    validator = jsonschema.Draft202012Validator(schema(name),
                                                format_checker=jsonschema.FormatChecker())
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(document)]
    assert problems == []


def test_the_schema_refuses_a_document_that_breaks_it(history_repo: Path) -> None:
    outcome = run_eta("check", "--format", "json", "--today", "2027-06-01", cwd=history_repo)
    document = json.loads(outcome.stdout)
    assert document["diagnostics"], "the example records fall due by then"
    document["diagnostics"][0]["severity"] = "fatal"
    document["surprise"] = True
    validator = jsonschema.Draft202012Validator(schema("check"))
    assert sorted(e.message for e in validator.iter_errors(document)) == [
        "'fatal' is not one of ['error', 'warning']",
        "Additional properties are not allowed ('surprise' was unexpected)",
    ]

